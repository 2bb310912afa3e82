"""The `livelint` command: parse options, call the library, render. The only module importing typer."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from .engine import Rules, SelectionError, combine, iter_checked, load_rules, check_text
from .inputs import InputError, decode
from .loading import RulesetError, load_ruleset
from .model import FileError, Level, Report, Ruleset
from .report import FORMATTERS, RenderOptions
from .report.text import LEVEL_STYLES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"

app = typer.Typer(
    name="livelint",
    help="Check Chinese livestream scripts and listings against Kuaishou notices and the law.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    _err.print(Text(f"livelint: error: {message}"))
    return typer.Exit(EXIT_ERROR)


def _tokens(values: list[str] | None) -> list[str]:
    return [token.strip() for value in values or [] for token in value.split(",") if token.strip()]


def _load(rules_dirs: list[Path] | None, select: list[str] | None = None, ignore: list[str] | None = None) -> Rules:
    try:
        return load_rules(rules_dirs or [], select=_tokens(select), ignore=_tokens(ignore))
    except RulesetError as exc:
        for problem in exc.problems:
            _err.print(Text(problem))
        raise _fail(f"{len(exc.problems)} problem(s) in the rulesets") from None
    except SelectionError as exc:
        raise _fail(str(exc)) from None


def _load_ruleset(rules_dirs: list[Path] | None) -> Ruleset:
    return _load(rules_dirs).ruleset


def _write(output: Path | None, render) -> None:  # type: ignore[no-untyped-def]
    """Render to stdout, or atomically to `output` (a temporary file renamed into place)."""
    if output is None:
        render(sys.stdout, sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        return
    folder = output.resolve().parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    except OSError as exc:
        raise _fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as stream:
            render(stream, False)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _version(value: bool) -> None:
    if value:
        typer.echo(f"livelint {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """livelint: a linter for livestream-commerce scripts and listings."""


RulesOption = Annotated[
    Optional[list[Path]], typer.Option("--rules", help="Extra ruleset folder (repeatable), added to the bundled rules.")
]
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
        raise _fail(f"unknown format {output_format!r} (one of: {', '.join(FORMATTERS)})")
    rules = _load(rules_dirs, select, ignore)
    reports: list[Report] = []
    sources: dict[str, str] = {}
    for name, text, report in _checked(paths, rules, encoding):
        reports.append(report)
        if text is not None and report.findings and output_format == "text":
            sources[name] = text
    report = combine(reports)
    for error in report.errors:
        _err.print(Text(f"livelint: {error.path}: {error.message}"))
    formatter = FORMATTERS[output_format]
    _write(output, lambda stream, colour: formatter(report, rules, stream, RenderOptions(colour, sources)))
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


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    rules_dirs: RulesOption = None,
) -> None:
    """List every rule with its level, category and source notice."""
    ruleset = _load_ruleset(rules_dirs)
    if output_format == "json":
        rows = [
            {
                "id": r.id,
                "level": r.level.value,
                "category": r.category.value,
                "notice": r.notice.id,
                "message": r.message,
                "patterns": len(r.patterns),
            }
            for r in ruleset.rules
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if output_format != "text":
        raise _fail(f"unknown format {output_format!r} (one of: text, json)")
    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"{len(ruleset.rules)} rules, {sum(len(r.patterns) for r in ruleset.rules)} patterns", style="bold"))
    for r in ruleset.rules:
        line = Text(f"{r.id:<8} ")
        line.append(f"{r.level.value:<8}", style=LEVEL_STYLES[r.level])
        line.append(f"{r.category.value:<26}{r.notice.id:<24}{len(r.patterns):>4}  {r.message}")
        out.print(line)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. PRC-001.")],
    rules_dirs: RulesOption = None,
) -> None:
    """Show a rule: its source notice and clause, rationale, patterns, examples and suggestions."""
    ruleset = _load_ruleset(rules_dirs)
    rule = ruleset.rule(rule_id.upper())
    if rule is None:
        raise _fail(f"no rule {rule_id!r}; `livelint rules` lists them")
    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"{rule.id}  {rule.level.value}  [{rule.category.value}]  {rule.kind.value}", style="bold"))
    out.print(Text(rule.message))
    out.print()
    out.print(Text(f"Source: {rule.notice.title}  ({rule.notice.id}, {rule.notice.source})"))
    out.print(Text(f"Clause: {rule.clause}"))
    if rule.rationale:
        out.print(Text(f"Why: {rule.rationale}"))
    out.print()
    out.print(Text(f"Matches ({rule.boundary.value} boundary): " + "、".join(rule.patterns)))
    if rule.near:
        out.print(Text(f"Only within {rule.window} characters of: " + "、".join(rule.near)))
    if rule.exceptions:
        out.print(Text("Except in: " + "、".join(rule.exceptions)))
    out.print()
    for example in rule.fail_examples:
        out.print(Text(f"  ✗ {example.text}", style="red"))
    for example in rule.pass_examples:
        out.print(Text(f"  ✓ {example.text}", style="green"))
    if rule.suggestions:
        out.print()
        out.print(Text("Use instead: " + " / ".join(rule.suggestions), style="green"))
    out.print(Text(f"Defined in {rule.path}:{rule.line}", style="dim"))


@app.command()
def notices(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    rules_dirs: RulesOption = None,
) -> None:
    """List every source notice and law article, with the rules drawn from each or why there are none."""
    ruleset = _load_ruleset(rules_dirs)
    rows = []
    for notice in ruleset.notices:
        drawn = [r for r in ruleset.rules if r.notice.id == notice.id]
        rulesets = sorted({r.ruleset for r in drawn})
        rows.append(
            {
                "id": notice.id,
                "kind": notice.kind,
                "title": notice.title,
                "rules": len(drawn),
                "rulesets": rulesets,
                "no_rules": notice.no_rules,
            }
        )
    if output_format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if output_format != "text":
        raise _fail(f"unknown format {output_format!r} (one of: text, json)")
    seeds = sum(1 for row in rows if row["kind"] == "seed")
    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"{len(rows)} sources ({seeds} seed notices), {len(ruleset.rules)} rules", style="bold"))
    for row in rows:
        out.print(Text(f"{row['id']:<34}{row['kind']:<14}{row['rules']:>4} rules  {row['title']}"))
        detail = "rulesets: " + ", ".join(row["rulesets"]) if row["rules"] else f"no rules: {row['no_rules'] or '(none yet)'}"
        out.print(Text(f"{'':<52}{detail}", style="dim"))


def run() -> None:
    """Console-script entry point."""
    app()
