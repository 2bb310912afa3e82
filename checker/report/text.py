"""Human output: each finding with its line highlighted, the reason and the source, then a summary."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engine import Rules
from ..model import Finding, Level, Report
from .options import RenderOptions

LEVEL_STYLES = {Level.ERROR: "bold red", Level.WARNING: "bold yellow", Level.INFO: "bold cyan"}
_CONTEXT = 40  # characters of the line shown on each side of a hit


def _line_of(text: str, finding: Finding) -> Text:
    """The hit's line, cut to a window around it, with the hit highlighted."""
    line_start = finding.start - (finding.column - 1)
    line_end = len(text)
    for index in range(finding.end, len(text)):
        if text[index] in "\r\n":
            line_end = index
            break
    left = max(line_start, finding.start - _CONTEXT)
    right = min(line_end, finding.end + _CONTEXT)
    out = Text("    ")
    if left > line_start:
        out.append("…")
    out.append(text[left : finding.start])
    out.append(text[finding.start : finding.end].replace("\n", "⏎").replace("\r", ""), style=f"reverse {LEVEL_STYLES[finding.level]}")
    out.append(text[finding.end : right])
    if right < line_end:
        out.append("…")
    return out


def position_note(finding: Finding) -> str:
    """Where the finding is in a transcript or document: the cue's times, or the paragraph number."""
    if finding.cue_start is not None:
        return f"[{finding.cue_start} --> {finding.cue_end}]"
    if finding.paragraph is not None:
        return f"[paragraph {finding.paragraph}]"
    return ""


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    console = Console(file=stream, no_color=not options.colour, force_terminal=options.colour, highlight=False, soft_wrap=True, emoji=False)
    for finding in report.findings:
        where = f"{finding.path or '<text>'}:{finding.line}:{finding.column}"
        head = Text(where, style="bold")
        head.append("  ")
        head.append(finding.level.value, style=LEVEL_STYLES[finding.level])
        head.append(f"  {finding.rule}  [{finding.category.value}]  ")
        head.append(finding.match, style="bold")
        where_in = position_note(finding)
        if where_in:
            head.append(f"  {where_in}", style="cyan")
        console.print(head)
        source_text = options.sources.get(finding.path or "")
        if source_text is not None:
            console.print(_line_of(source_text, finding))
        console.print(Text(f"    {finding.message}"))
        console.print(Text(f"    依据: {finding.notice.title} — {finding.clause}", style="dim"))
        if finding.suggestions:
            console.print(Text("    建议: " + " / ".join(finding.suggestions), style="green"))
    for error in report.errors:
        console.print(Text(f"{error.path}: error: {error.message}", style="bold red"))
    console.print(_summary(report))


def _summary(report: Report) -> Table | Text:
    if not report.findings:
        return Text(f"{report.files} file(s) checked, no findings.", style="green")
    table = Table(title=f"{report.files} file(s) checked, {len(report.findings)} finding(s)", title_justify="left")
    table.add_column("category")
    for level in (Level.ERROR, Level.WARNING, Level.INFO):
        table.add_column(level.value, justify="right")
    rows: dict[str, dict[Level, int]] = {}
    for finding in report.findings:
        counts = rows.setdefault(finding.category.value, {level: 0 for level in Level})
        counts[finding.level] += 1
    for category in sorted(rows):
        table.add_row(category, *(str(rows[category][level]) for level in (Level.ERROR, Level.WARNING, Level.INFO)))
    totals = report.count_by_level()
    table.add_row("total", *(str(totals[level.value]) for level in (Level.ERROR, Level.WARNING, Level.INFO)), style="bold")
    return table
