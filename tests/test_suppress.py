"""Inline suppression comments: scope, reasons, unused ones, rules that cannot be silenced, the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import load_rules
from checker.cli import app
from checker.suppress import check, parse

LOCKED = Path(__file__).parent / "data" / "rules-suppress"
runner = CliRunner()


def found(text: str, rules) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.line, f.match) for f in check(text, rules).report.findings]


def test_ignore_with_reason_silences_its_line_only(rules) -> None:
    text = "今天全网最低价 # livelint: ignore[PRC-001] 已核实为平台活动价\n全网最低价\n"
    assert found(text, rules) == [("PRC-001", 2, "全网最低价")]


@pytest.mark.parametrize(
    "comment",
    ["# livelint: ignore[PRC-001] 已核实", "// livelint: ignore[PRC-001] 已核实", "<!-- livelint: ignore[PRC-001] 已核实 -->",
     "【livelint: ignore[PRC-001] 已核实】", "# livelint：ignore[price-marketing] 已核实"],
)
def test_every_comment_form(rules, comment: str) -> None:
    assert [f for f in found(f"全网最低价 {comment}", rules) if f[0] == "PRC-001"] == []


def test_directive_text_is_masked_with_spaces_of_the_same_length(rules) -> None:
    text = "好 # livelint: ignore[PRC-001] 理由是全网最低价已核实"
    suppressions, masked = parse(text, rules)
    assert len(masked) == len(text) and masked == "好" + " " * (len(text) - 1)
    assert suppressions[0].reason == "理由是全网最低价已核实"
    assert {f.rule for f in check(text, rules).report.findings} == {"LL-002"}  # the reason is never checked


def test_next_line_and_off_on_ranges(rules) -> None:
    text = (
        "<!-- livelint: ignore-next-line[PRC-001] 大促价有截图 -->\n全网最低价\n全网最低价\n"
        "【livelint: off 引用的违规案例】\n全网最低价\n史低价\n【livelint: on】\n史低价\n"
    )
    assert [(r, line) for r, line, _m in found(text, rules)] == [("PRC-001", 3), ("PRC-002", 8)]


def test_a_suppression_without_reason_is_an_error_and_silences_nothing(rules) -> None:
    report = check("全网最低价 # livelint: ignore[PRC-001]", rules).report
    assert [(f.rule, f.level.value, f.start) for f in report.findings] == [("PRC-001", "error", 0), ("LL-001", "error", 6)]


def test_an_unused_suppression_is_reported(rules) -> None:
    [finding] = check("今天活动价 # livelint: ignore[PRC-001] 旧注释", rules).report.findings
    assert (finding.rule, finding.level.value, finding.match) == ("LL-002", "warning", "# livelint: ignore[PRC-001] 旧注释")
    assert "PRC-001" in finding.message


def test_unknown_rule_and_unknown_directive_are_malformed(rules) -> None:
    assert [r for r, _l, _m in found("好 # livelint: ignore[NOPE-9] 理由", rules)] == ["LL-004"]
    assert [r for r, _l, _m in found("好 # livelint: ignroe[PRC-001] 理由", rules)] == ["LL-004"]
    assert [r for r, _l, _m in found("好 # livelint: ignore 理由", rules)] == ["LL-004"]


def test_hashtags_and_ordinary_brackets_are_still_checked(rules) -> None:
    assert ("PRC-001", 1, "全网最低价") in found("#全网最低价 【全网最低价】", rules)


def test_a_rule_marked_not_suppressible_stays_and_the_attempt_is_reported() -> None:
    rules = load_rules([LOCKED], select=["TLK"])
    report = check("出售枪支弹药 # livelint: ignore[TLK-001] 测试", rules).report
    assert [(f.rule, f.match) for f in report.findings] == [("TLK-001", "枪支弹药"), ("LL-003", "# livelint: ignore[TLK-001] 测试")]


def test_ll_rules_can_be_turned_off_with_ignore(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("今天活动价 # livelint: ignore[PRC-001] 旧注释\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(path), "-f", "jsonl", "--no-config"]).exit_code == 1
    assert runner.invoke(app, ["check", str(path), "-f", "jsonl", "--ignore", "LL-002", "--no-config"]).stdout == ""


def test_suppressions_command_is_the_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "script.md"
    path.write_text(
        "全网最低价 # livelint: ignore[PRC-001] 法务已核实 2024-05\n<!-- livelint: off -->\n史低价\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["suppressions", str(path), "--format", "json", "--no-config"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["line"], r["directive"], r["rules"], r["reason"], r["status"]) for r in rows] == [
        (1, "ignore", ["PRC-001"], "法务已核实 2024-05", "silenced PRC-001×1"),
        (2, "off", ["*"], "", "invalid: no reason given"),
    ]
    text = runner.invoke(app, ["suppressions", str(path), "--no-config"]).stdout
    assert f"{path}:1:7  ignore[PRC-001]  法务已核实 2024-05" in text
