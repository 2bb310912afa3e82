"""`livelint rules`, `explain` and `notices`: what the rules are and where they come from."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from ..report.text import LEVEL_STYLES
from .app import RulesOption, app, fail, load_ruleset


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    rules_dirs: RulesOption = None,
) -> None:
    """List every rule with its level, category and source notice."""
    ruleset = load_ruleset(rules_dirs)
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
        raise fail(f"unknown format {output_format!r} (one of: text, json)")
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
    ruleset = load_ruleset(rules_dirs)
    rule = ruleset.rule(rule_id.upper())
    if rule is None:
        raise fail(f"no rule {rule_id!r}; `livelint rules` lists them")
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
    ruleset = load_ruleset(rules_dirs)
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
        raise fail(f"unknown format {output_format!r} (one of: text, json)")
    seeds = sum(1 for row in rows if row["kind"] == "seed")
    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"{len(rows)} sources ({seeds} seed notices), {len(ruleset.rules)} rules", style="bold"))
    for row in rows:
        out.print(Text(f"{row['id']:<34}{row['kind']:<14}{row['rules']:>4} rules  {row['title']}"))
        detail = "rulesets: " + ", ".join(row["rulesets"]) if row["rules"] else f"no rules: {row['no_rules'] or '(none yet)'}"
        out.print(Text(f"{'':<52}{detail}", style="dim"))


