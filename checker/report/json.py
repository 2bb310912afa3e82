"""The JSON contract (docs/json-output.md): `json` is one document, `jsonl` one finding per line."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import __version__
from ..engine import Rules
from ..model import Finding, Report
from .options import RenderOptions

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    document = {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "start": finding.start,
        "end": finding.end,
        "rule": finding.rule,
        "category": finding.category.value,
        "level": finding.level.value,
        "message": finding.message,
        "match": finding.match,
        "suggestions": list(finding.suggestions),
        "notice": {"id": finding.notice.id, "title": finding.notice.title, "source": finding.notice.source},
        "clause": finding.clause,
    }
    if finding.cue_start is not None:  # optional keys: present only for inputs that have them
        document["cue_start"] = finding.cue_start
        document["cue_end"] = finding.cue_end
    if finding.paragraph is not None:
        document["paragraph"] = finding.paragraph
    return document


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "livelint", "version": __version__},
        "findings": [finding_dict(finding) for finding in report.findings],
        "errors": [{"path": error.path, "message": error.message} for error in report.errors],
        "summary": {
            "files": report.files,
            "findings": len(report.findings),
            "by_level": report.count_by_level(),
            "by_category": report.count_by_category(),
        },
    }


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    json.dump(report_dict(report), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def render_lines(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    for finding in report.findings:
        stream.write(json.dumps(finding_dict(finding), ensure_ascii=False) + "\n")
