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


def test_reliability_md_names_a_test_that_exists_for_every_case() -> None:
    """docs/reliability.md: every row of a table with a test column names at least one test, and each
    named test exists (no entry without a test)."""
    import re

    lines = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8").splitlines()
    rows = 0
    for index, line in enumerate(lines):
        if not line.startswith("| ") or index + 1 == len(lines) or not lines[index + 1].startswith("|---"):
            continue
        header = [cell.strip() for cell in line.strip("|").split("|")]
        if not header[-1].endswith("test"):
            continue
        for row in lines[index + 2 :]:
            if not row.startswith("|"):
                break
            named = re.findall(r"(tests/\w+\.py)::(test_\w+)", row.rsplit("|", 2)[-2])
            assert named, f"no test named for: {row}"
            for path, test in named:
                assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), f"{path}::{test} does not exist"
            rows += 1
    assert rows >= 60
