"""`livelint eval`: precision and recall per category on a labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evaluate import CorpusError, Scores, evaluate, read_corpus
from ..model import Category, Level
from .app import RulesOption, app, fail, load


@app.command("eval")
def evaluate_command(
    corpora: Annotated[list[Path], typer.Argument(help="Labelled JSONL corpora (tests/corpus/README.md).")],
    min_level: Annotated[
        Level, typer.Option("--min-level", help="Count findings at or above this level.")
    ] = Level.WARNING,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    show: Annotated[int, typer.Option("--show", help="List up to N wrong cases.")] = 0,
    rules_dirs: RulesOption = None,
) -> None:
    """Per-category precision and recall, false-positive rate and evasion recall on a corpus."""
    rules = load(rules_dirs)
    cases = []
    for corpus in corpora:
        try:
            cases.extend(read_corpus(corpus))
        except FileNotFoundError:
            raise fail(f"{corpus}: no such file") from None
        except (CorpusError, UnicodeDecodeError) as exc:
            raise fail(str(exc)) from None
    scores = evaluate(cases, rules, min_level=min_level)
    if output_format == "json":
        typer.echo(json.dumps(summary(scores), ensure_ascii=False, indent=2))
        return
    if output_format != "text":
        raise fail(f"unknown format {output_format!r} (one of: text, json)")
    render(scores, show)


def summary(scores: Scores) -> dict:  # type: ignore[type-arg]
    return {
        "cases": scores.cases,
        "precision": round(scores.precision(), 4),
        "recall": round(scores.recall(), 4),
        "false_positive_rate": round(scores.false_positive_rate, 4),
        "evasion_recall": round(scores.evasion_recall(), 4),
        "categories": {
            c: {
                "cases": scores.per_category[c]["cases"],
                "precision": round(scores.precision(c), 4),
                "recall": round(scores.recall(c), 4),
            }
            for c in sorted(scores.per_category)
        },
        "tags": {t: {"cases": n["cases"], "correct": round(scores.tag_rate(t), 4)} for t, n in sorted(scores.per_tag.items())},
    }


def render(scores: Scores, show: int) -> None:
    out = Console(highlight=False, soft_wrap=True)
    table = Table(title=f"{scores.cases} cases", title_justify="left")
    for column in ("category", "cases", "TP", "FP", "FN", "precision", "recall"):
        table.add_column(column, justify="right" if column != "category" else "left")
    for category in [c.value for c in Category if c.value in scores.per_category]:
        counts = scores.per_category[category]
        table.add_row(
            category, str(counts["cases"]), str(counts["tp"]), str(counts["fp"]), str(counts["fn"]),
            f"{scores.precision(category):.3f}", f"{scores.recall(category):.3f}",
        )
    table.add_row("all", "", "", "", "", f"{scores.precision():.3f}", f"{scores.recall():.3f}", style="bold")
    out.print(table)
    out.print(
        Text(
            f"false-positive rate on negatives: {scores.false_positive_rate:.2%} "
            f"({scores.false_alarms} of {scores.negatives}); evasion recall: {scores.evasion_recall():.3f}"
        )
    )
    tags = Table(title="by tag (share of cases judged fully right)", title_justify="left")
    for column in ("tag", "cases", "right"):
        tags.add_column(column)
    for tag, counts in sorted(scores.per_tag.items()):
        tags.add_row(tag, str(counts["cases"]), f"{scores.tag_rate(tag):.3f}")
    out.print(tags)
    wrong = [o for o in scores.outcomes if not o.correct][:show]
    for outcome in wrong:
        got = ", ".join(f"{f.rule}:{f.match}" for f in outcome.findings) or "nothing"
        out.print(Text(f"{outcome.case.where} [{outcome.case.id}] missed={sorted(outcome.missed)} extra={sorted(outcome.extra)}"))
        out.print(Text(f"    {outcome.case.text}"))
        out.print(Text(f"    got: {got}", style="dim"))
