"""GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding, which
GitHub shows as an annotation on the pull request's changed lines."""

from __future__ import annotations

from typing import TextIO

from ..engine import Rules
from ..model import Finding, Level, Report
from .options import RenderOptions

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding) -> str:
    lines = [f"{finding.message}: {finding.match}"]
    if finding.cue_start is not None:
        lines[0] += f" [{finding.cue_start} --> {finding.cue_end}]"
    if finding.paragraph is not None:
        lines[0] += f" [paragraph {finding.paragraph}]"
    lines.append(f"依据: {finding.notice.title} — {finding.clause}")
    if finding.suggestions:
        lines.append("建议: " + " / ".join(finding.suggestions))
    return "\n".join(lines)


def command(finding: Finding) -> str:
    props = [
        f"file={escape_property(finding.path or '<text>')}",
        f"line={finding.line}",
        f"col={finding.column}",
        f"endLine={finding.end_line}",
        f"endColumn={finding.end_column}",
        f"title={escape_property(f'{finding.rule} [{finding.category.value}]')}",
    ]
    return f"::{COMMANDS[finding.level]} {','.join(props)}::{escape_data(_message(finding))}"


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    for finding in report.findings:
        stream.write(command(finding) + "\n")
    for error in report.errors:
        stream.write(f"::error file={escape_property(error.path)},title=livelint::{escape_data(error.message)}\n")
