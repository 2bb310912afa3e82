"""Generated docs stay current, and the pre-commit hook definition is usable."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_rules_md_is_current() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "markdown"])
    assert result.exit_code == 0
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert result.stdout == current, "docs/rules.md is stale: run `livelint rules --format markdown > docs/rules.md`"


def test_rules_md_has_what_why_example_instead_and_source() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text[text.index("### PRC-001") : text.index("### PRC-002")]
    for part in ("**What it catches**", "**Why**", "| ✗ ", "| ✓ ", "**Use instead**", "**Source**", "**Clause**",
                 "**本直播间活动价** (applied by `livelint fix`)"):
        assert part in section
    assert "### LL-002" in text


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    check = next(hook for hook in hooks if hook["id"] == "livelint")
    assert check["entry"] == "livelint check" and check["language"] == "python"
    assert {".srt", ".docx", ".md", ".txt"} <= {ext for ext in (".srt", ".docx", ".md", ".txt") if ext[1:] in check["files"]}
