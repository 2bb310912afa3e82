"""`livelint check`: lint files, folders and stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..files import Checked, check_stdin_text, combine, iter_results
from ..inputs import InputError, decode
from ..model import FileError, Level, Report
from ..report import FORMATTERS, RenderOptions
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, RulesOption, app, err, fail, write_output
from .config import (
    AllowOption,
    ConfigOption,
    EncodingOption,
    IgnoreOption,
    IsolatedOption,
    Run,
    SelectOption,
    effective_settings,
    prepare,
)

STDIN = "-"
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: " + ", ".join(FORMATTERS))]
SOURCE_FORMATS = ("text", "html")  # formatters that show the checked text


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to check (folders recursively); - for stdin.")],
    output_format: FormatOption = "text",
    fail_level: Annotated[
        Optional[Level], typer.Option("--fail-level", help="Exit 1 when a finding has at least this level [default: warning].")
    ] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    rules_dirs: RulesOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    encoding: EncodingOption = None,
    allow: AllowOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Check scripts, subtitles (.srt/.vtt), Markdown and Word (.docx) files; exit 0 when clean, 1 on
    findings, 2 on errors. Options override the [tool.livelint] configuration."""
    if output_format not in FORMATTERS:
        raise fail(f"unknown format {output_format!r} (one of: {', '.join(FORMATTERS)})")
    settings = effective_settings(
        paths, config=config, isolated=isolated, select=select, ignore=ignore, fail_level=fail_level,
        rules_dirs=rules_dirs, allow=allow, encoding=encoding,
    )
    run = prepare(settings)
    reports: list[Report] = []
    sources: dict[str, str] = {}
    for result in checked(paths, run):
        reports.append(result.report)
        if result.document is not None and output_format in SOURCE_FORMATS:
            if result.report.findings or output_format == "html":
                sources[result.name] = result.document.text
    report = combine(reports)
    for error in report.errors:
        err.print(Text(f"livelint: {error.path}: {error.message}"))
    formatter = FORMATTERS[output_format]
    write_output(output, lambda stream, colour: formatter(report, run.rules, stream, RenderOptions(colour, sources)))
    if report.errors:
        raise typer.Exit(EXIT_ERROR)
    threshold = settings.fail_level
    failing = any(finding.level.rank >= threshold.rank for finding in report.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def checked(paths: list[str], run: Run) -> Iterator[Checked]:
    """Every input checked as the run's settings say, stdin (`-`) included, in the order given."""
    options = {"ignore_for": run.ignore_for(), "disabled": run.disabled}
    files = [path for path in paths if path != STDIN]
    if STDIN in paths:
        name = "<stdin>"
        try:
            text = decode(sys.stdin.buffer.read(), run.encoding)
        except InputError as exc:
            yield Checked(name, None, Report(errors=(FileError(name, str(exc)),)))
        else:
            yield check_stdin_text(text, run.rules, **options)
    yield from iter_results(files, run.rules, encoding=run.encoding, **options)
