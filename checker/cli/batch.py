"""`livelint batch`: check every listing of CSV, TSV, JSONL and XLSX exports; a verdict per record."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from itertools import islice
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable
from rich.text import Text

from ..batch import CHUNK_RECORDS, PARALLEL_CHUNK_RECORDS, BlockJob, Job, Verdict, WorkerDied, chunked, default_jobs, items_of, run_chunks
from ..cache import cache_key
from ..inputs import InputError
from ..inputs.tables import FORMATS, Table
from ..model import Level
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, RulesOption, app, atomic_file, err, fail, load, tokens
from .batch_output import WRITERS, Summary
from .resume import Checkpoint, Partial, input_identity, run_key
from .spark_batch import Engine, run_spark_batch

MAX_ROW_ERRORS_SHOWN = 20
CHECKPOINT_SECONDS = 0.25  # at most this long between two checkpoints of a resumable run
EXIT_INCOMPLETE = 3  # the run stopped (worker processes kept dying); --resume continues it


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
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run of the same command (same inputs, options and rules; JSONL or CSV --output) from its last completed chunk.")
    ] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="local: worker processes here; spark: Apache Spark (pip install 'livelint[spark]'; Parquet, CSV, TSV, JSONL).")
    ] = Engine.LOCAL,
    master: Annotated[
        Optional[str], typer.Option("--master", help="Spark master URL with --engine spark (default: local[N], N from --jobs, else all cores).")
    ] = None,
) -> None:
    """Check every record of listing exports; one verdict per record (pass, review, fail, error).

    Exit 0 when no finding reaches --fail-level, 1 when one does, 2 on a bad file or row.
    """
    if engine is not Engine.LOCAL or master is not None:  # checker/cli/spark_batch.py
        run_spark_batch(engine, master, files, fields=fields, id_field=id_field, output=output, output_format=output_format, jobs=jobs,
                        input_format=input_format, encoding=encoding, sheet=sheet, flagged_only=flagged_only, fail_level=fail_level,
                        select=select, ignore=ignore, rules_dirs=rules_dirs, quiet=quiet)  # fmt: skip
    chosen = tokens(fields) or None
    fmt = _report_format(output, output_format)
    if jobs < 0:
        raise fail("--jobs must be 0 (all cores) or more")
    jobs = jobs or default_jobs()
    tables = _open_tables(files, input_format, encoding, sheet, chosen, id_field)
    rules = load(rules_dirs, select, ignore)
    if resume and (output is None or fmt == "xlsx"):
        raise fail("--resume needs --output with a JSONL or CSV report")
    tables = _open_tables(files, input_format, encoding, sheet, chosen, id_field)
    rules = load(rules_dirs, select, ignore)
    run = _Run(tables, rules, chosen, id_field, jobs, fmt, flagged_only, quiet)
    started = time.perf_counter()
    try:
        if output is None:
            run.write(sys.stdout)
            sys.stdout.flush()
        elif fmt == "xlsx":
            with atomic_file(output, binary=True) as stream:
                run.write(stream)
        else:
            key = run_key(
                inputs=[input_identity(path) for path in files], fields=chosen, id_field=id_field, format=fmt,
                input_format=input_format, encoding=encoding, sheet=sheet, flagged_only=flagged_only,
                rules=cache_key(rules_dirs or [], select=tokens(select), ignore=tokens(ignore)),
            )  # fmt: skip
            run.write_resumable(Partial(output), key, resume)
    except KeyboardInterrupt:
        err.print(Text(_stopped("interrupted", run, output)))
        raise typer.Exit(130) from None
    except WorkerDied as exc:
        err.print(Text(_stopped(str(exc), run, output)))
        raise typer.Exit(EXIT_INCOMPLETE) from None
    finally:
        for table in tables:
            table.close()
    summary = run.summary
    if run.shown > MAX_ROW_ERRORS_SHOWN:
        err.print(Text(f"livelint: ... {run.shown - MAX_ROW_ERRORS_SHOWN} more bad rows (all are in the report)"))
    if not quiet:
        _print_summary(summary, time.perf_counter() - started, Console(stderr=output is None, highlight=False, soft_wrap=True))
    if summary.verdicts.get(Verdict.ERROR.value):
        raise typer.Exit(EXIT_ERROR)
    failing = any(summary.levels.get(level.value) for level in Level if level.rank >= fail_level.rank)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _stopped(why: str, run: _Run, output: Path | None) -> str:
    if output is None:
        return f"livelint: {why}"
    if run.saved is None:
        return f"livelint: {why}; no report written"
    return (
        f"livelint: {why} after {run.saved.summary['records']:,} records; no report written; "
        "run the same command with --resume to continue"
    )


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


Start = tuple[int, Any]  # (table index, where in it): a block table's [offset, line], else rows to skip


def _chunks(
    tables: list[Table], fields: list[str] | None, id_field: str | None, size: int, start: Start | None
) -> Iterator[tuple[Job, tuple[int, int, Any]]]:
    """(job, (table index, progress position, resume point after it)) over every table in turn:
    blocks of raw records where the table allows (the worker parses them), else chunks of parsed
    items. `start` skips what a resumed run has already checked."""
    chosen = None if fields is None else tuple(fields)
    first, point = start if start is not None else (0, None)
    for index, table in enumerate(tables):
        if index < first:
            continue
        skip = point if index == first else None
        if table.spec is not None:
            if skip is not None:
                table.resume_at(tuple(skip))
            for block in table.blocks():
                yield BlockJob(table.spec, block, chosen, id_field), (index, block.end, table.resume_point())
        else:
            done = skip or 0
            for chunk in chunked(islice(items_of(table, fields, id_field), done, None), size):
                done += len(chunk)
                yield chunk, (index, table.position(), done)


class _Run:
    """One local batch run: checks the tables in order and writes every result to a report writer."""

    def __init__(
        self, tables: list[Table], rules: Any, fields: list[str] | None, id_field: str | None, jobs: int, fmt: str, flagged_only: bool, quiet: bool
    ) -> None:
        self.tables, self.rules, self.fields, self.id_field, self.jobs = tables, rules, fields, id_field, jobs
        self.fmt, self.flagged_only, self.quiet = fmt, flagged_only, quiet
        self.summary = Summary()
        self.shown = 0  # bad rows seen (the first MAX_ROW_ERRORS_SHOWN are printed)
        self.saved: Checkpoint | None = None  # the last checkpoint written (resumable runs)

    def write(self, stream: IO[Any]) -> None:
        """The whole report to a stream."""
        writer = WRITERS[self.fmt](stream)
        self._check(writer, None, None)
        writer.close(self.summary)

    def write_resumable(self, partial: Partial, key: str, resume: bool) -> None:
        """The report to `partial`'s hidden part file with a checkpoint after each chunk; renamed onto
        the output at the end. With `resume`, continue from the saved checkpoint of the same run."""
        checkpoint = partial.load() if resume else None
        if resume and checkpoint is None:
            err.print(Text(f"livelint: {partial.output}: no interrupted run to resume; checking from the start"))
        if checkpoint is not None and checkpoint.key != key:
            raise fail(f"{partial.output}: cannot resume: the inputs, options or rules changed since the interrupted run (run without --resume to start over)")
        if checkpoint is None:
            partial.discard()
        else:
            with open(partial.part, "r+b") as handle:
                handle.truncate(checkpoint.size)
            self.summary = Summary.from_json(checkpoint.summary)
            self.shown = checkpoint.shown
            self.saved = checkpoint
        encoding = "utf-8-sig" if self.fmt == "csv" else "utf-8"
        try:
            stream = open(partial.part, "a", encoding=encoding, newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise fail(f"{partial.output}: cannot write: {exc.strerror or exc}") from None
        with stream:
            writer = WRITERS[self.fmt](stream, resumed=checkpoint is not None)
            last = [time.monotonic()]

            def save(index: int, point: Any, final: bool = False) -> None:
                stream.flush()
                self.saved = Checkpoint(key, os.fstat(stream.fileno()).st_size, index, point, self.summary.to_json(), self.shown)
                if final or time.monotonic() - last[0] >= CHECKPOINT_SECONDS:
                    partial.save(self.saved)
                    last[0] = time.monotonic()

            try:
                self._check(writer, None if checkpoint is None else (checkpoint.table, checkpoint.point), save)
            except BaseException:
                if self.saved is not None:
                    partial.save(self.saved)  # the last chunk written whole
                raise
            writer.close(self.summary)
        partial.finish()

    def _check(self, writer: Any, start: Start | None, save: Callable[..., None] | None) -> None:
        tables = self.tables
        progress = _progress(tables) if not self.quiet and err.is_terminal else None
        tasks: list[Any] = []

        def begin() -> None:
            if progress is not None:
                progress.start()
                tasks.extend(progress.add_task(str(t.path), total=t.size or None, records=0, rate="") for t in tables)

        size = CHUNK_RECORDS if self.jobs <= 1 else PARALLEL_CHUNK_RECORDS
        started = time.perf_counter()
        try:
            chunks = _chunks(tables, self.fields, self.id_field, size, start)
            with closing(run_chunks(chunks, self.rules, self.jobs, on_start=begin)) as pairs:
                for results, (index, position, point) in pairs:
                    self._consume(results, str(tables[index].path), writer, progress)
                    if save is not None:
                        save(index, point)
                    if progress is not None:
                        records = progress.tasks[index].fields["records"] + len(results)
                        rate = f"{self.summary.records / max(time.perf_counter() - started, 1e-9):,.0f} records/s"
                        progress.update(tasks[index], completed=position, records=records, rate=rate)
        finally:
            if progress is not None:
                for task, table in zip(tasks, tables):
                    if table.size:
                        progress.update(task, completed=table.size)
                progress.stop()

    def _consume(self, results: list[Any], name: str, writer: Any, progress: Progress | None) -> None:
        """Count, report and write each result in order; bad rows are printed (the first few) as they come."""
        summary = self.summary
        passes = 0
        for result in results:
            if type(result) is tuple:  # a plain pass, packed by a worker process
                passes += 1
                if not self.flagged_only:
                    writer.write_pass(name, *result)
                continue
            summary.add(result)
            if result.error is not None:
                self.shown += 1
                if self.shown <= MAX_ROW_ERRORS_SHOWN:
                    line = Text(f"livelint: {name}: row {result.row}: {result.error}")
                    (progress.console.print(line) if progress is not None else err.print(line))
            if not self.flagged_only or result.verdict is not Verdict.PASS:
                writer.write(name, result)
        summary.add_passes(passes)


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
