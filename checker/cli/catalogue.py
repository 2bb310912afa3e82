"""`livelint rules`, `explain` and `notices`: what the rules are and where they come from."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from ..model import Rule, Ruleset
from ..report.text import LEVEL_STYLES
from ..suppress import META_RULES
from .app import RulesOption, app, fail, load_ruleset


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown (docs/rules.md)")] = "text",
    rules_dirs: RulesOption = None,
) -> None:
    """List every rule with its level, category and source notice (markdown: the rule reference docs)."""
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
    if output_format == "markdown":
        typer.echo(rules_markdown(ruleset), nl=False)
        return
    if output_format != "text":
        raise fail(f"unknown format {output_format!r} (one of: text, json, markdown)")
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
    rule = ruleset.rule(rule_id.upper()) or next((r for r in META_RULES if r.id == rule_id.upper()), None)
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




def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule_markdown(rule: Rule) -> list[str]:
    lines = [f"### {rule.id}: {rule.message}", ""]
    lines.append(f"`{rule.level.value}` · `{rule.category.value}` · {rule.kind.value} · boundary `{rule.boundary.value}`"
                 + ("" if rule.suppressible else " · **cannot be suppressed inline**"))
    lines.append("")
    lines.append("**What it catches**: " + "、".join(f"`{p}`" for p in rule.patterns))
    if rule.near:
        lines.append(f"only within {rule.window} characters of " + "、".join(f"`{n}`" for n in rule.near))
    if rule.exceptions:
        lines.append("")
        lines.append("**Not when part of**: " + "、".join(f"`{e}`" for e in rule.exceptions))
    lines.append("")
    lines.append(f"**Why**: {' '.join((rule.rationale or rule.message).split())}")
    lines.append("")
    lines.append(f"**Source**: {rule.notice.title} (`{rule.notice.id}`, {rule.notice.source}). **Clause**: {rule.clause}")
    if rule.fail_examples or rule.pass_examples:
        lines.append("")
        lines.append("| example | |")
        lines.append("|---|---|")
        lines.extend(f"| ✗ {_cell(e.text)} | flagged |" for e in rule.fail_examples)
        lines.extend(f"| ✓ {_cell(e.text)} | fine |" for e in rule.pass_examples)
    if rule.suggestions:
        lines.append("")
        use = [f"**{s}** (applied by `livelint fix`)" if s == rule.fix else s for s in rule.suggestions]
        lines.append("**Use instead**: " + " / ".join(use))
    lines.append("")
    return lines


def rules_markdown(ruleset: Ruleset) -> str:
    """The rule reference (docs/rules.md): what each rule catches, why, examples, what to say instead,
    and the notice and clause it rests on. Generated from the ruleset data; a test keeps it current."""
    lines = [
        "# Rules",
        "",
        "<!-- Generated by `livelint rules --format markdown > docs/rules.md`; do not edit by hand. -->",
        "",
        f"{len(ruleset.rules)} rules from {len({r.notice.id for r in ruleset.rules})} sources, plus the "
        f"{len(META_RULES)} `LL` rules about suppression comments. `livelint explain RULE` shows the same in the terminal.",
        "",
        "| rule | level | category | message |",
        "|---|---|---|---|",
    ]
    for rule in (*ruleset.rules, *META_RULES):
        lines.append(f"| [{rule.id}](#{rule.id.lower()}-{_anchor(rule.message)}) | {rule.level.value} | {rule.category.value} | {_cell(rule.message)} |")
    lines.append("")
    for notice in ruleset.notices:
        drawn = [r for r in ruleset.rules if r.notice.id == notice.id]
        if not drawn:
            continue
        lines.extend([f"## {notice.title}", "", f"`{notice.id}` · {notice.kind} · {notice.source}", ""])
        for rule in drawn:
            lines.extend(_rule_markdown(rule))
    lines.extend(["## Suppression comments (LL rules)", "",
                  "Reported by livelint itself about `livelint:` directives; see the README's *Inline suppression*.", ""])
    for rule in META_RULES:
        lines.extend(_rule_markdown(rule))
    return "\n".join(lines).rstrip("\n") + "\n"


def _anchor(text: str) -> str:
    """GitHub's heading anchor for the text after `RULE: ` (punctuation dropped, spaces to dashes)."""
    kept = "".join(ch for ch in text.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")
