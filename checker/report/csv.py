"""CSV: one row per finding with a header row (spreadsheets, pandas, compliance tracking sheets).

Multi-valued cells (suggestions) are joined with " / ". The cue and paragraph columns are empty for
inputs that have none.
"""

from __future__ import annotations

import csv
from typing import TextIO

from ..engine import Rules
from ..model import Report
from .options import RenderOptions

COLUMNS = [
    "path", "line", "column", "end_line", "end_column", "start", "end", "rule", "level", "category",
    "match", "message", "suggestions", "notice_id", "notice_title", "clause", "cue_start", "cue_end", "paragraph",
]


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        writer.writerow([
            f.path or "", f.line, f.column, f.end_line, f.end_column, f.start, f.end, f.rule, f.level.value,
            f.category.value, f.match, f.message, " / ".join(f.suggestions), f.notice.id, f.notice.title,
            f.clause, f.cue_start or "", f.cue_end or "", "" if f.paragraph is None else f.paragraph,
        ])
