"""Readers chosen by extension: subtitles with cue times, Word paragraphs, Markdown without code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.files import iter_results

runner = CliRunner()

SRT = """1
00:00:01,000 --> 00:00:03,500
家人们晚上好

2
00:01:04,250 --> 00:01:06,000
<i>全网最低价</i>,赶紧拍
"""

VTT = """WEBVTT
Kind: captions

NOTE 全网最低价 in a note is not speech

intro
00:01.000 --> 00:03.500 align:start
<v 主播>家人们晚上好</v>

01:02:04.250 --> 01:02:06.000
今天全网最低价
"""


def findings(path: Path, rules) -> list:  # type: ignore[no-untyped-def]
    [result] = list(iter_results([path], rules))
    assert result.report.errors == ()
    return [f for f in result.report.findings if f.rule == "PRC-001"]


def test_srt_finding_carries_cue_times_and_file_position(tmp_path: Path, rules) -> None:
    path = tmp_path / "live.srt"
    path.write_text(SRT, encoding="utf-8")
    [finding] = findings(path, rules)
    assert (finding.line, finding.column, finding.match) == (7, 4, "全网最低价")
    assert (finding.cue_start, finding.cue_end) == ("00:01:04.250", "00:01:06.000")
    assert SRT[finding.start : finding.end] == "全网最低价"


def test_vtt_header_notes_and_tags_are_not_checked(tmp_path: Path, rules) -> None:
    path = tmp_path / "live.vtt"
    path.write_text(VTT, encoding="utf-8")
    [finding] = findings(path, rules)
    assert (finding.line, finding.column, finding.cue_start, finding.cue_end) == (11, 3, "01:02:04.250", "01:02:06.000")


def test_subtitle_times_in_text_and_json_output(tmp_path: Path) -> None:
    path = tmp_path / "live.srt"
    path.write_text(SRT, encoding="utf-8")
    text = runner.invoke(app, ["check", str(path), "--no-config", "--select", "PRC-001"]).stdout
    assert f"{path}:7:4" in text and "[00:01:04.250 --> 00:01:06.000]" in text
    [finding] = [json.loads(line) for line in runner.invoke(app, ["check", str(path), "-f", "jsonl", "--no-config", "--select", "PRC-001"]).stdout.splitlines()]
    assert (finding["cue_start"], finding["cue_end"]) == ("00:01:04.250", "00:01:06.000")
    assert "paragraph" not in finding


def test_bad_subtitle_is_one_error_line_and_others_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01 --> later\n全网最低价\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("全网最低价", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), str(good), "-f", "jsonl", "--no-config"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"livelint: {bad}: line 2: not a cue timing: '00:00:01 --> later'"
    assert {json.loads(line)["path"] for line in result.stdout.splitlines()} == {str(good)}


def test_markdown_code_blocks_are_skipped(tmp_path: Path, rules) -> None:
    text = "# 话术\n\n```\n全网最低价\n```\n\n    全网最低价\n\n- 第一点\n\n    全网最低价 in a list item\n\n正文全网最低价\n"
    path = tmp_path / "script.md"
    path.write_text(text, encoding="utf-8")
    assert [(f.line, f.column) for f in findings(path, rules)] == [(11, 5), (13, 3)]


def test_docx_findings_point_at_paragraphs(tmp_path: Path, rules) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("开场白:家人们好")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "00:05"
    table.cell(0, 1).text = "今天全网最低价"
    document.add_paragraph("结束")
    path = tmp_path / "script.docx"
    document.save(str(path))
    [finding] = findings(path, rules)
    assert (finding.paragraph, finding.match) == (4, "全网最低价")
    result = runner.invoke(app, ["check", str(path), "--no-config", "--select", "PRC-001"])
    assert "[paragraph 4]" in result.stdout


def test_broken_docx_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["check", str(path), "--no-config"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"livelint: {path}: not a readable .docx Word document")
