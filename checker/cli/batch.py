"""`livelint batch`: check every listing of CSV, TSV, JSONL and XLSX exports; a verdict per record."""

from __future__ import annotations

import os
import sys
from contextlib import closing
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable
from rich.text import Text

from ..batch import CHUNK_RECORDS, PARALLEL_CHUNK_RECORDS, Item, Verdict, chunked, default_jobs, items_of, run_chunks
from ..inputs import InputError
from ..inputs.tables import FORMATS, Table
from ..model import Level
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, RulesOption, app, err, fail, load, tokens
from .batch_output import WRITERS, Summary

MAX_ROW_ERRORS_SHOWN = 20


@app.command()
def batch(
    files: Annotated[list[Path], typer.Argument(help="CSV, TSV, JSONL or XLSX files of records (listings).")],
    fields: Annotated[
        Optional[list[str]],
        typer.Option("--field", help="A field (column) to check; repeatable or comma-separated. Default: every text column but the id."),
    ] = None,
    id_field: Annotated[Optional[str], typer.Option("--id-field", help="The field holding each record's id (SKU, listing id).")] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically); its format follows the extension.")
    ] = None,
    output_format: Annotated[
        Optional[str], typer.Option("--format", "-f", help="Report format: jsonl, csv or xlsx (default: from --output's extension, else jsonl).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")] = 0,
    input_format: Annotated[
        Optional[str], typer.Option("--input-format", help="Format of the inputs when the extension does not say: " + ", ".join(FORMATS))
    ] = None,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="Encoding of CSV/TSV/JSONL inputs (default: detect UTF-8/UTF-16/GB18030).")
    ] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="The XLSX sheet to read (default: the first).")] = None,
    flagged_only: Annotated[
        bool, typer.Option("--flagged-only", help="Report only records that are not `pass` (the summary still counts all).")
    ] = False,
    fail_level: Annotated[
        Level, typer.Option("--fail-level", help="Exit 1 when a finding has at least this level.")
    ] = Level.WARNING,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these rules (as for `check`).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rules (as for `check`).")] = None,
    rules_dirs: RulesOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Check every record of listing exports; one verdict per record (pass, review, fail, error).

    Exit 0 when no finding reaches --fail-level, 1 when one does, 2 on a bad file or row.
    """
    chosen = tokens(fields) or None
    fmt = _report_format(output, output_format)
    if jobs < 0:
        raise fail("--jobs must be 0 (all cores) or more")
    jobs = jobs or default_jobs()
    tables = _open_tables(files, input_format, encoding, sheet, chosen, id_field)
    rules = load(rules_dirs, select, ignore)
    summary = Summary()
    shown = [0]
    started = time.perf_counter()
    try:
        _write_report(output, fmt, lambda stream: _run(tables, rules, chosen, id_field, jobs, stream, fmt, summary, flagged_only, quiet, shown))
    except KeyboardInterrupt:
        err.print(Text("livelint: interrupted; no report written" if output else "livelint: interrupted"))
        raise typer.Exit(130) from None
    finally:
        for table in tables:
            table.close()
    if shown[0] > MAX_ROW_ERRORS_SHOWN:
        err.print(Text(f"livelint: ... {shown[0] - MAX_ROW_ERRORS_SHOWN} more bad rows (all are in the report)"))
    if not quiet:
        _print_summary(summary, time.perf_counter() - started, Console(stderr=output is None, highlight=False, soft_wrap=True))
    if summary.verdicts.get(Verdict.ERROR.value):
        raise typer.Exit(EXIT_ERROR)
    failing = any(summary.levels.get(level.value) for level in Level if level.rank >= fail_level.rank)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _report_format(output: Path | None, given: str | None) -> str:
    if given is not None:
        fmt = given.lower()
    elif output is not None and output.suffix.lower().lstrip(".") in WRITERS:
        fmt = output.suffix.lower().lstrip(".")
    else:
        fmt = "jsonl"
    if fmt not in WRITERS:
        raise fail(f"unknown report format {fmt!r} (one of: {', '.join(WRITERS)})")
    if fmt == "xlsx" and output is None:
        raise fail("an XLSX report needs --output FILE.xlsx")
    return fmt


def _open_tables(
    files: list[Path], input_format: str | None, encoding: str | None, sheet: str | None, fields: list[str] | None, id_field: str | None
) -> list[Table]:
    """Open every input first, so a missing file or column stops the run before any work (exit 2)."""
    tables: list[Table] = []
    problems: list[str] = []
    for path in files:
        try:
            table = Table(path, format=input_format, encoding=encoding, sheet=sheet)
        except InputError as exc:
            problems.append(f"livelint: {path}: {exc}")
            continue
        tables.append(table)
        if table.columns is not None:
            wanted = ([id_field] if id_field else []) + (fields or [])
            missing = [name for name in wanted if name not in table.columns]
            if missing:
                problems.append(
                    f"livelint: {path}: row 1: no column {', '.join(map(repr, missing))} (columns: {', '.join(table.columns)})"
                )
    if problems:
        for table in tables:
            table.close()
        for problem in problems:
            err.print(Text(problem))
        raise typer.Exit(EXIT_ERROR)
    return tables


def _write_report(output: Path | None, fmt: str, body: Any) -> None:
    """Run body(stream) on stdout, or on a temporary file renamed onto `output` only when body succeeds."""
    binary = WRITERS[fmt].binary
    if output is None:
        body(sys.stdout)
        sys.stdout.flush()
        return
    folder = output.resolve().parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    try:
        if binary:
            with open(fd, "wb") as stream:
                body(stream)
        else:
            with open(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as stream:
                body(stream)
        os.replace(temporary, output)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _chunks(tables: list[Table], fields: list[str] | None, id_field: str | None, size: int) -> Iterator[tuple[list[Item], tuple[int, int]]]:
    """(chunk, (table index, reading position after it)) over every table in turn."""
    for index, table in enumerate(tables):
        for chunk in chunked(items_of(table, fields, id_field), size):
            yield chunk, (index, table.position())


def _run(
    tables: list[Table],
    rules: Any,
    fields: list[str] | None,
    id_field: str | None,
    jobs: int,
    stream: IO[Any],
    fmt: str,
    summary: Summary,
    flagged_only: bool,
    quiet: bool,
    shown: list[int],
) -> None:
    writer = WRITERS[fmt](stream)
    progress = _progress(tables) if not quiet and err.is_terminal else None
    tasks: list[Any] = []

    def start() -> None:
        if progress is not None:
            progress.start()
            tasks.extend(progress.add_task(str(t.path), total=t.size or None, records=0, rate="") for t in tables)

    size = CHUNK_RECORDS if jobs <= 1 else PARALLEL_CHUNK_RECORDS
    try:
        checked = closing(run_chunks(_chunks(tables, fields, id_field, size), rules, jobs, on_start=start))
        with checked as pairs:
            _consume(pairs, tables, writer, summary, flagged_only, progress, tasks, shown)
        writer.close(summary)
    finally:
        if progress is not None:
            for task, table in zip(tasks, tables):
                if table.size:
                    progress.update(task, completed=table.size)
            progress.stop()


def _consume(
    pairs: Any,
    tables: list[Table],
    writer: Any,
    summary: Summary,
    flagged_only: bool,
    progress: Progress | None,
    tasks: list[Any],
    shown: list[int],
) -> None:
    """Count, report and write each result in order; bad rows are printed (the first few) as they come."""
    started = time.perf_counter()
    for results, (index, position) in pairs:
        name = str(tables[index].path)
        for result in results:
            summary.add(result)
            if result.error is not None:
                shown[0] += 1
                if shown[0] <= MAX_ROW_ERRORS_SHOWN:
                    line = Text(f"livelint: {name}: row {result.row}: {result.error}")
                    (progress.console.print(line) if progress is not None else err.print(line))
            if not flagged_only or result.verdict is not Verdict.PASS:
                writer.write(name, result)
        if progress is not None:
            task = tasks[index]
            done = progress.tasks[index]
            records = done.fields["records"] + len(results)
            rate = summary.records / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=position, records=records, rate=f"{rate:,.0f} records/s")


def _progress(tables: list[Table]) -> Progress:
    return Progress(
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[records]:,} records"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def _print_summary(summary: Summary, elapsed: float, console: Console) -> None:
    rate = summary.records / elapsed if elapsed > 0 else 0.0
    console.print(
        Text(f"{summary.records:,} records, {summary.findings:,} findings in {elapsed:.1f} s ({rate:,.0f} records/s)", style="bold")
    )
    for title, rows in summary.tables():
        if not rows:
            continue
        table = RichTable(show_edge=False, pad_edge=False, box=None)
        table.add_column(title)
        table.add_column("records" if title == "verdict" else "findings", justify="right")
        for name, count in rows:
            table.add_row(Text(name), f"{count:,}")
        console.print(table)
