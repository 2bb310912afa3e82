"""`livelint fix`: safe replacements only, --diff, encodings, BOMs and line endings kept, idempotent."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import check_text
from checker.cli import app

runner = CliRunner()


def fix(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["fix", *args, "--no-config"])


def test_fix_rewrites_gbk_as_gbk_with_crlf_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("今天全网最低价\r\n史低价!商场专柜价三百\r\n".encode("gbk"))
    result = fix(str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == "今天本直播间活动价\r\n本场活动价!商场专柜价三百\r\n".encode("gbk")
    assert f"{path}:1:3: PRC-001: 全网最低价 -> 本直播间活动价" in result.stdout
    before = path.read_bytes()
    again = fix(str(path))
    assert again.exit_code == 0 and path.read_bytes() == before
    assert "fixed 0 finding(s)" in again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["gbk.txt"]  # no temporary file left behind


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_fix_keeps_the_byte_order_mark(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "bom.txt"
    bom = {"utf-8-sig": b"", "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    path.write_bytes(bom + "全 网 最 低\n".encode(codec))
    original_bom = path.read_bytes()[:2]
    assert fix(str(path)).exit_code == 0
    data = path.read_bytes()
    assert data[:2] == original_bom
    assert "本直播间活动价\n" in data.decode("utf-16" if codec == "utf-16" else codec.replace("utf-16-be", "utf-16"))


def test_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("家人们\n全网最低价\n", encoding="utf-8")
    result = fix(str(path), "--diff")
    assert result.exit_code == 1
    assert "-全网最低价\n+本直播间活动价\n" in result.stdout
    assert path.read_text(encoding="utf-8") == "家人们\n全网最低价\n"


def test_suppressed_and_unsafe_findings_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    text = "全网最低价 # livelint: ignore[PRC-001] 平台活动价已核实\n销量第一\n"
    path.write_text(text, encoding="utf-8")
    result = fix(str(path))
    assert result.exit_code == 0 and path.read_text(encoding="utf-8") == text
    assert "have no safe fix" in result.stderr


def test_fix_keeps_subtitle_timing_and_markdown_code(tmp_path: Path) -> None:
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\n全网最低价\n", encoding="utf-8")
    md = tmp_path / "a.md"
    md.write_text("```\n全网最低价\n```\n全网最低价\n", encoding="utf-8")
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"")
    result = fix(str(tmp_path))
    assert srt.read_text(encoding="utf-8") == "1\n00:00:01,000 --> 00:00:02,000\n本直播间活动价\n"
    assert md.read_text(encoding="utf-8") == "```\n全网最低价\n```\n本直播间活动价\n"
    assert "a.docx: skipped" in result.stderr


def test_stdin_prints_the_fixed_text() -> None:
    result = runner.invoke(app, ["fix", "-", "--no-config"], input="今天全网最低价!".encode())
    assert result.exit_code == 0 and result.stdout == "今天本直播间活动价!"


def test_safe_fixes_in_the_data_remove_their_finding_and_add_no_other_fixable_one(rules) -> None:
    fixable = {rule.id for rule in rules.selected if rule.fix}
    assert fixable >= {"PRC-001"}
    for rule in rules.selected:
        if rule.fix is None:
            continue
        assert not [f.rule for f in check_text(rule.fix, rules).findings if f.rule in fixable], rule.id
        for example in rule.fail_examples:
            text = example.text
            for finding in sorted(check_text(text, rules).findings, key=lambda f: -f.start):
                if finding.rule == rule.id:
                    text = text[: finding.start] + rule.fix + text[finding.end :]
            assert rule.id not in {f.rule for f in check_text(text, rules).findings}, (rule.id, text)
