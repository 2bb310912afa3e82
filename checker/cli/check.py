"""`livelint check`: lint files, folders and stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..engine import Rules, check_text
from ..files import combine, iter_checked
from ..inputs import InputError, decode
from ..model import FileError, Level, Report
from ..report import FORMATTERS, RenderOptions
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, RulesOption, app, err, fail, load, write_output

STDIN = "-"
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: " + ", ".join(FORMATTERS))]


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to check (folders recursively); - for stdin.")],
    output_format: FormatOption = "text",
    fail_level: Annotated[
        Level, typer.Option("--fail-level", help="Exit 1 when a finding has at least this level.")
    ] = Level.WARNING,
    select: Annotated[
        Optional[list[str]],
        typer.Option("--select", help="Only these rules: rule id, id prefix, category, notice id or ruleset (comma-separated, repeatable)."),
    ] = None,
    ignore: Annotated[
        Optional[list[str]], typer.Option("--ignore", help="Skip these rules (same forms as --select).")
    ] = None,
    rules_dirs: RulesOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="Encoding of the inputs (default: detect UTF-8/UTF-16/GB18030).")
    ] = None,
) -> None:
    """Check scripts and listings; exit 0 when clean, 1 on findings, 2 on errors."""
    if output_format not in FORMATTERS:
        raise fail(f"unknown format {output_format!r} (one of: {', '.join(FORMATTERS)})")
    rules = load(rules_dirs, select, ignore)
    reports: list[Report] = []
    sources: dict[str, str] = {}
    for name, text, report in _checked(paths, rules, encoding):
        reports.append(report)
        if text is not None and report.findings and output_format == "text":
            sources[name] = text
    report = combine(reports)
    for error in report.errors:
        err.print(Text(f"livelint: {error.path}: {error.message}"))
    formatter = FORMATTERS[output_format]
    write_output(output, lambda stream, colour: formatter(report, rules, stream, RenderOptions(colour, sources)))
    if report.errors:
        raise typer.Exit(EXIT_ERROR)
    failing = any(finding.level.rank >= fail_level.rank for finding in report.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _checked(paths: list[str], rules: Rules, encoding: str | None):  # type: ignore[no-untyped-def]
    files = [path for path in paths if path != STDIN]
    for path in paths:
        if path == STDIN:
            name = "<stdin>"
            try:
                text = decode(sys.stdin.buffer.read(), encoding)
            except InputError as exc:
                yield name, None, Report(errors=(FileError(name, str(exc)),))
                continue
            yield name, text, check_text(text, rules, path=name)
    yield from iter_checked(files, rules, encoding=encoding)


