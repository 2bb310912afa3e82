"""Interrupted and failing batch runs: --resume ends with the report of an uninterrupted run, and a
worker process killed mid-run is replaced without losing or repeating a record."""

from __future__ import annotations

import csv
import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker.batch as batch
import checker.cli.batch as batch_cli
from checker.batch import ParallelChecker, WorkerDied, check_items, chunked, prepare
from checker.cache import load_cached_rules
from checker.cli import app
from checker.inputs import tables

runner = CliRunner()
TITLES = ["羽绒服女冬季加厚中长款保暖外套", "全网最低价,错过今天再等一年", "这是我第一次来直播间", "加微信领券", "国家级自然保护区的好水"]


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "livelint-cache"))


def write_listings(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title"])
        for number in range(rows):
            writer.writerow([f"S{number}", TITLES[number % len(TITLES)]])
        writer.writerow(["BAD", "a", "cell too many"])
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "title"])
    for number in range(rows):
        sheet.append([f"S{number}", TITLES[number % len(TITLES)]])
    book.save(path)
    return path


def interrupt_after(chunks: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next run raise KeyboardInterrupt (as Ctrl-C does) after `chunks` chunks are written."""
    real = batch_cli.run_chunks

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for number, pair in enumerate(real(*args, **kwargs)):
            if number == chunks:
                raise KeyboardInterrupt
            yield pair

    monkeypatch.setattr(batch_cli, "run_chunks", interrupted)


@pytest.mark.parametrize(("suffix", "fmt", "jobs"), [(".csv", "jsonl", "1"), (".csv", "csv", "2"), (".xlsx", "jsonl", "1")])
def test_an_interrupted_run_resumes_to_the_report_of_an_uninterrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, fmt: str, jobs: str
) -> None:
    source = write_listings(tmp_path / "l.csv", 3000) if suffix == ".csv" else write_xlsx(tmp_path / "l.xlsx", 3000)
    monkeypatch.setattr(tables, "BLOCK_BYTES", 4096)  # many small chunks
    monkeypatch.setattr(batch_cli, "CHUNK_RECORDS", 100)
    monkeypatch.setattr(batch_cli, "PARALLEL_CHUNK_RECORDS", 100)
    monkeypatch.setattr(batch_cli, "CHECKPOINT_SECONDS", 0.0)
    args = ["batch", str(source), "--id-field", "sku", "--jobs", jobs, "-q"]
    whole = runner.invoke(app, [*args, "-o", str(tmp_path / f"whole.{fmt}")])
    assert whole.exit_code == (2 if suffix == ".csv" else 1)  # findings, and the CSV's bad row
    output = tmp_path / f"report.{fmt}"

    with monkeypatch.context() as patch:
        interrupt_after(5, patch)
        stopped = runner.invoke(app, [*args, "-o", str(output)])
    assert stopped.exit_code == 130
    assert "run the same command with --resume to continue" in stopped.stderr
    assert not output.exists()
    checkpoint = json.loads((tmp_path / f".report.{fmt}.resume.json").read_text(encoding="utf-8"))
    assert 0 < checkpoint["summary"]["records"] < 3001
    with open(tmp_path / f".report.{fmt}.part", "ab") as handle:
        handle.write(b'{"half a record written after the checkpoint')  # cut off on resume

    resumed = runner.invoke(app, [*args, "-o", str(output), "--resume"])
    assert resumed.exit_code == whole.exit_code
    assert output.read_bytes() == (tmp_path / f"whole.{fmt}").read_bytes()
    assert not (tmp_path / f".report.{fmt}.part").exists() and not (tmp_path / f".report.{fmt}.resume.json").exists()


def test_resume_refuses_a_changed_input_and_a_fresh_run_starts_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_listings(tmp_path / "l.csv", 2000)
    monkeypatch.setattr(tables, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(batch_cli, "CHECKPOINT_SECONDS", 0.0)
    output = tmp_path / "report.jsonl"
    args = ["batch", str(source), "--id-field", "sku", "--jobs", "1", "-q", "-o", str(output)]
    with monkeypatch.context() as patch:
        interrupt_after(2, patch)
        assert runner.invoke(app, args).exit_code == 130
    with open(source, "a", encoding="utf-8") as handle:
        handle.write("S9999,新加的一行\n")
    refused = runner.invoke(app, [*args, "--resume"])
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        f"livelint: error: {output}: cannot resume: the inputs, options or rules changed since the interrupted run "
        "(run without --resume to start over)"
    )
    assert runner.invoke(app, args).exit_code == 2  # without --resume: from the start
    assert len(output.read_text(encoding="utf-8").splitlines()) == 2002


def test_resume_with_nothing_to_resume_checks_everything(tmp_path: Path) -> None:
    source = write_listings(tmp_path / "l.csv", 50)
    output = tmp_path / "report.jsonl"
    result = runner.invoke(app, ["batch", str(source), "--id-field", "sku", "-j", "1", "-q", "-o", str(output), "--resume"])
    assert result.exit_code == 2
    assert f"livelint: {output}: no interrupted run to resume; checking from the start" in result.stderr
    assert len(output.read_text(encoding="utf-8").splitlines()) == 51


def test_resume_needs_a_jsonl_or_csv_output(tmp_path: Path) -> None:
    source = write_listings(tmp_path / "l.csv", 5)
    for extra in ([], ["-o", str(tmp_path / "r.xlsx")]):
        result = runner.invoke(app, ["batch", str(source), "--resume", *extra])
        assert result.exit_code == 2
        assert result.stderr.strip() == "livelint: error: --resume needs --output with a JSONL or CSV report"


# ---- worker processes that die ------------------------------------------------------------------


def _die_once(chunk):  # type: ignore[no-untyped-def]
    """Kill this worker (as the OOM killer would) the first time it gets the chunk starting at row 500."""
    marker = Path(os.environ["LIVELINT_TEST_MARKER"])
    if chunk and chunk[0][0] == 500 and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return batch.check_job(chunk, batch._worker_rules)


def _always_die(chunk):  # type: ignore[no-untyped-def]
    if chunk:
        os.kill(os.getpid(), signal.SIGKILL)
    return batch.check_job(chunk, batch._worker_rules)


def items(count: int) -> list[tuple]:  # type: ignore[type-arg]
    return [prepare({"title": TITLES[n % len(TITLES)]}, n, ["title"], None) for n in range(count)]


def test_a_killed_worker_is_replaced_and_no_record_is_lost_or_repeated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVELINT_TEST_MARKER", str(tmp_path / "died"))
    rules = load_cached_rules()
    chunks = list(chunked(items(2000), 100))
    with ParallelChecker(rules, 2, work=_die_once) as pool:
        got = [result for results, _tag in pool.map((chunk, None) for chunk in chunks) for result in results]
        assert pool.restarts == 1
    assert (tmp_path / "died").exists()
    assert got == check_items(items(2000), rules)


def test_workers_that_keep_dying_stop_the_run_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = load_cached_rules()
    with ParallelChecker(rules, 2, work=_always_die) as pool:
        with pytest.raises(WorkerDied, match=r"a worker process died 4 times \(killed, or out of memory\); the run stopped"):
            list(pool.map((chunk, None) for chunk in chunked(items(500), 100)))


def test_the_command_line_stops_with_exit_3_and_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_listings(tmp_path / "l.csv", 3000)
    monkeypatch.setattr(tables, "BLOCK_BYTES", 4096)
    args = ["batch", str(source), "--id-field", "sku", "--jobs", "2", "-q"]
    whole = runner.invoke(app, [*args, "-o", str(tmp_path / "whole.jsonl")])
    output = tmp_path / "report.jsonl"
    with monkeypatch.context() as patch:
        patch.setattr(batch, "_work", _always_die)
        stopped = runner.invoke(app, [*args, "-o", str(output)])
    assert stopped.exit_code == 3
    assert stopped.stderr.strip() == (
        "livelint: a worker process died 4 times (killed, or out of memory); the run stopped; no report written"
    )
    assert "Traceback" not in stopped.stderr and not output.exists()
    resumed = runner.invoke(app, [*args, "-o", str(output), "--resume"])
    assert resumed.exit_code == whole.exit_code == 2
    assert output.read_bytes() == (tmp_path / "whole.jsonl").read_bytes()


def test_a_record_that_makes_checking_raise_is_an_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = load_cached_rules()
    real = batch.check_items

    def fragile(chunk, rules, **options):  # type: ignore[no-untyped-def]
        if any(item[2] and "第一次" in item[2][0][1] for item in chunk):
            raise RuntimeError("boom")
        return real(chunk, rules, **options)

    monkeypatch.setattr(batch, "check_items", fragile)
    results = batch.check_job(items(10), rules)
    assert [r.row for r in results] == list(range(10))
    broken = [r for r in results if r.verdict.value == "error"]
    assert [(r.row, r.error) for r in broken] == [(2, "internal error while checking: RuntimeError: boom"), (7, "internal error while checking: RuntimeError: boom")]
    assert all(r.verdict.value != "error" for r in results if r.row not in (2, 7))
