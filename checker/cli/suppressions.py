"""`livelint suppressions`: every inline suppression with its rules, reason, place and effect (the audit trail)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated, Any

import typer
from rich.text import Text

from ..suppress import Suppression
from .app import EXIT_CLEAN, EXIT_ERROR, RulesOption, app, err, fail
from .check import checked
from .config import ConfigOption, EncodingOption, IsolatedOption, effective_settings, prepare

FORMATS = ("text", "json", "csv")


def _status(item: Suppression) -> str:
    if item.problem is not None:
        return f"invalid: {item.problem}"
    if item.action == "on":
        return "ends off"
    if item.refused and not item.silenced:
        return "refused: " + ", ".join(item.refused) + " cannot be suppressed"
    if not item.silenced:
        return "unused"
    return "silenced " + ", ".join(f"{rule}×{count}" for rule, count in sorted(item.silenced.items()))


def _row(name: str, item: Suppression) -> dict[str, Any]:
    return {
        "path": name,
        "line": item.line,
        "column": item.column,
        "directive": item.action or None,
        "rules": list(item.codes) or (["*"] if item.action == "off" else []),
        "reason": item.reason,
        "until_line": item.until_line if item.action == "off" else None,
        "silenced": dict(sorted(item.silenced.items())),
        "status": _status(item),
    }


@app.command()
def suppressions(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (recursively); - for stdin.")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or csv")] = "text",
    rules_dirs: RulesOption = None,
    encoding: EncodingOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """List every inline suppression: file:line, directive, rules, reason, and what it silenced."""
    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r} (one of: {', '.join(FORMATS)})")
    settings = effective_settings(paths, config=config, isolated=isolated, rules_dirs=rules_dirs, encoding=encoding)
    run = prepare(settings.override("select", [], "audit: every rule").override("ignore", [], "audit: every rule"))
    rows: list[dict[str, Any]] = []
    errors = 0
    for result in checked(paths, run):
        for error in result.report.errors:
            err.print(Text(f"livelint: {error.path}: {error.message}"))
            errors += 1
        rows.extend(_row(result.name, item) for item in result.suppressions)
    if output_format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["path", "line", "column", "directive", "rules", "reason", "until_line", "status"])
        for row in rows:
            writer.writerow([row["path"], row["line"], row["column"], row["directive"] or "", " ".join(row["rules"]),
                             row["reason"], row["until_line"] or "", row["status"]])
    else:
        for row in rows:
            scope = f" (to line {row['until_line']})" if row["until_line"] else (" (to the end)" if row["directive"] == "off" else "")
            rules = ",".join(row["rules"])
            typer.echo(f"{row['path']}:{row['line']}:{row['column']}  {row['directive'] or '?'}[{rules}]{scope}  {row['reason'] or '(no reason)'}  — {row['status']}")
        typer.echo(f"{len(rows)} suppression(s)")
    raise typer.Exit(EXIT_ERROR if errors else EXIT_CLEAN)
