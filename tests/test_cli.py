"""The livelint command: exit codes, formats, selection, inputs, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

RULES_DIR = Path(__file__).parent / "data" / "rules"
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "script.txt"
    path.write_text("家人们好\n今天全网最低价,错过今天再等一年!\n", encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.txt"
    path.write_text("这是我第一次来直播间\n最近天气冷了多穿点\n", encoding="utf-8")
    return path


def test_findings_exit_1_and_name_the_notice(script: Path) -> None:
    result = run("check", str(script))
    assert result.exit_code == 1
    assert f"{script}:2:3" in result.stdout
    assert "快手违规价格营销和价格炒作有哪些表现?怎么做?" in result.stdout
    assert "全网最低价" in result.stdout


def test_clean_text_exits_0(clean: Path) -> None:
    result = run("check", str(clean))
    assert result.exit_code == 0, result.stdout
    assert "no findings" in result.stdout


def test_missing_file_exits_2_with_one_line_and_other_files_still_checked(script: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = run("check", str(missing), str(script), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"livelint: {missing}: no such file or folder"
    document = json.loads(result.stdout)
    assert document["errors"] == [{"path": str(missing), "message": "no such file or folder"}]
    assert {f["path"] for f in document["findings"]} == {str(script)}


def test_json_contract(script: Path) -> None:
    result = run("check", str(script), "--format", "json", "--select", "price-marketing")
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["tool"]["name"] == "livelint"
    assert set(document) == {"schema_version", "tool", "findings", "errors", "summary"}
    text = script.read_text(encoding="utf-8")
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) == {
            "path", "line", "column", "end_line", "end_column", "start", "end", "rule", "category",
            "level", "message", "match", "suggestions", "notice", "clause",
        }
        assert set(finding["notice"]) == {"id", "title", "source"}
        assert text[finding["start"] : finding["end"]] == finding["match"]
        assert finding["category"] == "price-marketing"
    summary = document["summary"]
    assert summary["files"] == 1 and summary["findings"] == len(document["findings"])
    assert summary["by_category"] == {"price-marketing": len(document["findings"])}
    assert sum(summary["by_level"].values()) == len(document["findings"])


def test_jsonl_prints_one_finding_per_line(script: Path) -> None:
    json_doc = json.loads(run("check", str(script), "--format", "json").stdout)
    lines = run("check", str(script), "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == json_doc["findings"]


def test_select_and_ignore(script: Path) -> None:
    def rules_of(*args: str) -> set[str]:
        return {f["rule"] for f in json.loads(run("check", str(script), "--format", "json", *args).stdout)["findings"]}

    everything = rules_of()
    assert len(everything) >= 2
    one = sorted(everything)[0]
    assert rules_of("--select", one) == {one}
    # ignoring a rule can uncover a sibling it outranked on the same words (one finding per span and source)
    assert one not in rules_of("--ignore", one) and rules_of("--ignore", one) >= everything - {one}
    assert rules_of("--select", "ks-price-marketing") <= everything
    assert rules_of("--select", "disparagement") == set()


def test_unknown_select_token_exits_2(script: Path) -> None:
    result = run("check", str(script), "--select", "NOPE-999")
    assert result.exit_code == 2
    assert "'NOPE-999' names no rule" in result.stderr


def test_fail_level(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("销量第一", encoding="utf-8")
    args = ["check", str(path), "--rules", str(RULES_DIR), "--select", "TST-002"]  # a warning
    assert run(*args).exit_code == 1
    assert run(*args, "--fail-level", "error").exit_code == 0
    assert run(*args, "--fail-level", "info").exit_code == 1


def test_stdin(script: Path) -> None:
    result = run("check", "-", "--format", "jsonl", stdin="全网最低价".encode())
    assert result.exit_code == 1
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert findings and all(f["path"] == "<stdin>" for f in findings)


def test_folder_is_checked_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("全网最低价", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("全网最低价", encoding="utf-8")
    document = json.loads(run("check", str(tmp_path), "--format", "json").stdout)
    assert {f["path"] for f in document["findings"]} == {str(tmp_path / "a" / "b" / "deep.txt")}
    assert document["summary"]["files"] == 1


@pytest.mark.parametrize(
    ("encoding", "data_prefix"),
    [("gbk", b""), ("gb18030", b""), ("utf-8-sig", b""), ("utf-16", b""), ("utf-8", b"")],
)
def test_encodings_are_detected_and_offsets_count_characters(tmp_path: Path, encoding: str, data_prefix: bytes) -> None:
    text = "第一行\r\n欢迎,全网最低价!\r\n"
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data_prefix + text.encode(encoding))
    result = run("check", str(path), "--format", "json", "--rules", str(RULES_DIR), "--select", "TST-001")
    assert result.exit_code == 1, result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["match"] == "全网最低价"
    assert (finding["line"], finding["column"], finding["start"]) == (2, 4, 8)


def test_explicit_encoding_and_a_wrong_one(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("全網最低價".encode("big5"))
    assert run("check", str(path), "--encoding", "big5").exit_code in (0, 1)
    result = run("check", str(path), "--encoding", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"livelint: {path}: unknown encoding 'nope'"


def test_binary_file_is_an_error_and_the_rest_is_checked(tmp_path: Path, script: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run("check", str(binary), str(script), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"livelint: {binary}: binary file (NUL bytes), not text"
    assert json.loads(result.stdout)["findings"]


def test_empty_file_and_very_long_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    long = tmp_path / "long.txt"
    long.write_text("好" * 200_000 + "全网最低价" + "好" * 200_000, encoding="utf-8")
    result = run("check", str(empty), str(long), "--format", "json", "--rules", str(RULES_DIR), "--select", "TST-001")
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == 2
    assert [(f["start"], f["column"], f["match"]) for f in document["findings"]] == [(200_000, 200_001, "全网最低价")]


def test_output_file_is_written(script: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("check", str(script), "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_bad_ruleset_exits_2_with_path_and_line(tmp_path: Path, script: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yml").write_text("prefix: XX\nsource: ks-price-marketing\nrules: 3\n", encoding="utf-8")
    result = run("check", str(script), "--rules", str(tmp_path / "rules"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'rules' / 'x.yml'}:1: a ruleset file is missing the required key 'description'" in result.stderr
    assert "Traceback" not in result.output


def test_extra_rules_folder_adds_rules(script: Path) -> None:
    document = json.loads(run("check", str(script), "--rules", str(RULES_DIR), "--format", "json", "--select", "TST").stdout)
    assert {f["rule"] for f in document["findings"]} == {"TST-001"}


def test_unknown_format_exits_2(script: Path) -> None:
    result = run("check", str(script), "--format", "xml")
    assert result.exit_code == 2 and "unknown format 'xml'" in result.stderr


def test_rules_explain_and_notices() -> None:
    listing = json.loads(run("rules", "--format", "json").stdout)
    assert listing and {"id", "level", "category", "notice", "message", "patterns"} <= set(listing[0])
    first = listing[0]["id"]
    explained = run("explain", first.lower())
    assert explained.exit_code == 0
    assert first in explained.stdout and "Source:" in explained.stdout and "✗" in explained.stdout
    assert run("explain", "NOPE-1").exit_code == 2
    table = json.loads(run("notices", "--format", "json").stdout)
    assert sum(1 for row in table if row["kind"] == "seed") == 30
    text = run("notices").stdout
    assert "快手踢出直播间权限专项治理公告" in text


@pytest.mark.parametrize("command", [[sys.executable, "-m", "checker"], ["livelint"]])
def test_entry_points(command: list[str], script: Path) -> None:
    try:
        result = subprocess.run([*command, "check", str(script), "--format", "jsonl"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    except FileNotFoundError:
        pytest.skip("livelint is not installed as a command")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["rule"]
