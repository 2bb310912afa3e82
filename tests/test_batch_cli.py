"""`livelint batch`: reports in three formats, the summary, exit codes, bad rows and Ctrl-C."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "livelint-cache"))


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["batch", *args])


@pytest.fixture
def listings(tmp_path: Path) -> Path:
    path = tmp_path / "listings.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title", "desc"])
        writer.writerow(["A1", "全网最低价羽绒服", "保暖"])
        writer.writerow(["A2", "加厚羽绒服", "喜欢的加微信领券"])
        writer.writerow(["A3", "这是我第一次来直播间", "最近天气冷了多穿点"])
        writer.writerow(["A4", "好物", "多", "一格"])
    return path


def test_jsonl_to_stdout_with_a_verdict_per_record(listings: Path) -> None:
    result = run(str(listings), "--id-field", "sku", "--jobs", "1")
    assert result.exit_code == 2  # the bad row wins over the findings
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["row"], d["id"], d["verdict"]) for d in documents] == [(2, "A1", "fail"), (3, "A2", "fail"), (4, "A3", "pass"), (5, None, "error")]
    assert documents[0]["findings"][0]["field"] == "title" and documents[0]["findings"][0]["rule"] == "PRC-001"
    assert documents[1]["findings"][0]["field"] == "desc" and documents[1]["findings"][0]["match"] == "加微信"
    assert documents[3]["error"] == "4 cells, but the header has 3 columns"
    assert f"livelint: {listings}: row 5: 4 cells, but the header has 3 columns" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    # the summary goes to stderr when the report is on stdout
    assert "4 records, 2 findings" in result.stderr
    assert "price-marketing" in result.stderr and "off-platform" in result.stderr


def test_exit_codes_follow_the_fail_level(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text('{"id": 1, "title": "全网最低价"}\n{"id": 2, "title": "好物"}\n', encoding="utf-8")
    assert run(str(path), "--quiet", "-j", "1").exit_code == 1
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"id": 2, "title": "好物"}\n', encoding="utf-8")
    result = run(str(clean), "--quiet", "-j", "1")
    assert result.exit_code == 0 and result.stderr == ""


def test_csv_report_one_row_per_finding(listings: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.csv"
    result = run(str(listings), "--id-field", "sku", "--field", "title", "--field", "desc", "-o", str(output), "-j", "2")
    assert result.exit_code == 2
    with open(output, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row"], r["id"], r["verdict"], r["field"], r["rule"]) for r in rows] == [
        ("2", "A1", "fail", "title", "PRC-001"),
        ("3", "A2", "fail", "desc", rows[1]["rule"]),
        ("4", "A3", "pass", "", ""),
        ("5", "", "error", "", ""),
    ]
    assert rows[1]["match"] == "加微信" and rows[0]["match"] == "全网最低价" and rows[0]["notice"] == "ks-price-marketing"
    assert "4 records, 2 findings" in result.stdout  # the summary goes to stdout when the report is in a file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_xlsx_in_and_out(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "title", "price"])
    sheet.append(["X1", "全网最低价羽绒服", 10])
    sheet.append(["X2", "好物", 3])
    source = tmp_path / "in.xlsx"
    book.save(source)
    output = tmp_path / "out.xlsx"
    result = run(str(source), "--id-field", "id", "-o", str(output), "-j", "1", "--quiet")
    assert result.exit_code == 1, result.stderr
    report = load_workbook(output, read_only=True)
    assert report.sheetnames == ["results", "summary"]
    rows = list(report["results"].iter_rows(values_only=True))
    assert rows[1][:6] == (str(source), 2, "X1", "fail", "title", "PRC-001")
    assert rows[1][15] == "全网最低价" and rows[2][1:4] == (3, "X2", "pass")
    summary = [row for row in report["summary"].iter_rows(values_only=True)]
    assert ("fail", 1) in summary and ("pass", 1) in summary and ("price-marketing", 1) in summary


def test_flagged_only_and_default_fields(tmp_path: Path) -> None:
    path = tmp_path / "l.tsv"
    path.write_text("sku\ttitle\tnote\nT1\t好物\t全网最低价\nT2\t好物\t好\n", encoding="utf-8")
    result = run(str(path), "--id-field", "sku", "--flagged-only", "-j", "1", "--quiet")
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["id"], d["verdict"], d["findings"][0]["field"]) for d in documents] == [("T1", "fail", "note")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "missing.csv: no such file or folder"),
        (["{listings}", "--field", "nope"], "row 1: no column 'nope' (columns: sku, title, desc)"),
        (["{listings}", "--id-field", "id"], "row 1: no column 'id'"),
        (["{listings}", "--format", "pdf"], "unknown report format 'pdf'"),
        (["{listings}", "--format", "xlsx"], "an XLSX report needs --output FILE.xlsx"),
    ],
)
def test_bad_invocations_exit_2_with_one_line(listings: Path, tmp_path: Path, args: list[str], message: str) -> None:
    os.chdir(tmp_path)
    result = run(*[a.format(listings=listings) for a in args])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("livelint: ") and message in line
    assert not result.stdout


def write_big_csv(path: Path, rows: int) -> None:
    titles = ["羽绒服女冬季加厚中长款保暖外套", "全网最低价,错过今天再等一年", "这是我第一次来直播间", "加厚保暖棉服男士冬装"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title"])
        writer.writerows([f"S{n}", titles[n % 4] * 2] for n in range(rows))


def test_ctrl_c_leaves_no_report_and_resume_finishes_it(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    write_big_csv(source, 400_000)
    output = tmp_path / "report.jsonl"
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "checker", "batch", str(source), "--id-field", "sku", "-o", str(output), "--jobs", "2", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    checkpoint = tmp_path / ".report.jsonl.resume.json"
    while not checkpoint.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err.decode()
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("livelint: interrupted after ") and last.endswith(
        "records; no report written; run the same command with --resume to continue"
    )
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == [".report.jsonl.part", ".report.jsonl.resume.json"]
    done = json.loads(checkpoint.read_text(encoding="utf-8"))["summary"]["records"]
    assert 0 < done < 400_000

    resumed = subprocess.run([*command, "--resume"], capture_output=True, env=env, cwd=tmp_path, timeout=300)
    assert resumed.returncode == 1, resumed.stderr.decode()
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["row"] for line in lines] == list(range(2, 400_002))  # every record once, in order
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []
