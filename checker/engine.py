"""Runs the stages in order: fold, one automaton pass, per-rule decisions, findings on the original text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .loading import load_ruleset
from .match import Matcher, Role
from .model import Boundary, Finding, Kind, Report, Rule, Ruleset
from .normalise import SENTENCE_BREAKS, Folded, fold, fold_term
from .segment import Segmenter

# Characters of context on each side of a hit given to jieba for its word boundaries.
BOUNDARY_CONTEXT = 12
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SENTENCE_BREAK = re.compile("[" + re.escape("".join(sorted(SENTENCE_BREAKS))) + "]")


class SelectionError(ValueError):
    """A --select / --ignore token that names no rule, category, prefix or notice."""


@dataclass(frozen=True)
class Rules:
    """A compiled set of rules: the ruleset, the selected rules and their single automaton.

    Immutable once built; one instance can serve concurrent `check_text` calls from several threads.
    """

    ruleset: Ruleset
    selected: tuple[Rule, ...]
    matcher: Matcher = field(repr=False)
    segmenter: Segmenter = field(repr=False)
    allow: tuple[str, ...] = ()  # folded allowlisted terms: a hit inside one is no finding

    @classmethod
    def compile(
        cls,
        ruleset: Ruleset,
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        allow: Sequence[str] = (),
        segmenter: Segmenter | None = None,
    ) -> Rules:
        """Select rules and build their automaton; `allow` lists terms (brand or product names such
        as a trademark containing 最 or 第一) inside which no hit is reported."""
        selected = select_rules(ruleset.rules, select, ignore)
        allowed = tuple(dict.fromkeys(term for term in map(fold_term, allow) if term))
        return cls(ruleset, selected, Matcher(selected, allowed), segmenter or Segmenter(), allowed)


def load_rules(
    folders: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    allow: Sequence[str] = (),
) -> Rules:
    """Load the bundled rulesets plus `folders`, keep the selected rules, and compile them."""
    return Rules.compile(load_ruleset(folders, bundled=bundled), select=select, ignore=ignore, allow=allow)


def _token_matches(token: str, rule: Rule) -> bool:
    upper = token.upper()
    return (
        rule.id == upper
        or rule.id.startswith(upper)
        or rule.category.value == token
        or rule.notice.id == token
        or rule.ruleset == token
    )


def select_rules(rules: Sequence[Rule], select: Sequence[str], ignore: Sequence[str]) -> tuple[Rule, ...]:
    """Rules matching any `select` token (all when none), minus those matching an `ignore` token.

    A token is a rule id, an id prefix (PRC, PRC-00), a category id, a notice id or a ruleset name.
    """
    for token in list(select) + list(ignore):
        if not any(_token_matches(token, rule) for rule in rules):
            raise SelectionError(f"{token!r} names no rule, id prefix, category, notice or ruleset")
    chosen = [r for r in rules if not select or any(_token_matches(t, r) for t in select)]
    return tuple(r for r in chosen if not any(_token_matches(t, r) for t in ignore))


# ---- checking ----------------------------------------------------------------------------------


class _Sentences:
    """Sentence limits in a folded text, computed on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks: list[int] | None = None

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The span of the sentence holding text[start:end] (break characters excluded)."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _SENTENCE_BREAK.finditer(self._text)]
        before = bisect_left(self._breaks, start) - 1
        after = bisect_left(self._breaks, end)
        left = self._breaks[before] + 1 if before >= 0 else 0
        right = self._breaks[after] if after < len(self._breaks) else len(self._text)
        return left, right


def _on_boundaries(rule: Rule, start: int, end: int, text: str, sentences: _Sentences, segmenter: Segmenter) -> bool:
    if rule.boundary is Boundary.NONE:
        return True
    left, right = sentences.bounds(start, end)
    left = max(left, start - BOUNDARY_CONTEXT)
    right = min(right, end + BOUNDARY_CONTEXT)
    offsets = segmenter.boundaries(text[left:right])
    if rule.boundary in (Boundary.WORD, Boundary.START) and start - left not in offsets:
        return False
    if rule.boundary in (Boundary.WORD, Boundary.END) and end - left not in offsets:
        return False
    return True


def _near_span(rule: Rule, start: int, end: int, near: list[tuple[int, int]], sentences: _Sentences) -> tuple[int, int] | None:
    """The span joining the hit and the closest `near` term in its sentence within the window."""
    left, right = sentences.bounds(start, end)
    best: tuple[int, int, int] | None = None
    for near_start, near_end in near:
        if near_start < left or near_end > right or (near_start < end and start < near_end):
            continue
        gap = start - near_end if near_end <= start else near_start - end
        if gap <= rule.window and (best is None or gap < best[0]):
            best = (gap, min(start, near_start), max(end, near_end))
    return None if best is None else (best[1], best[2])


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _rule_spans(rule: Rule, hits: dict[Role, list[tuple[int, int]]], folded: Folded, sentences: _Sentences, segmenter: Segmenter) -> list[tuple[int, int]]:
    exceptions = hits.get(Role.EXCEPTION, [])
    near = hits.get(Role.NEAR, [])
    spans = []
    for start, end in hits[Role.PATTERN]:
        if any(ex_start <= start and end <= ex_end for ex_start, ex_end in exceptions):
            continue
        if not _on_boundaries(rule, start, end, folded.text, sentences, segmenter):
            continue
        if rule.kind is Kind.PROXIMITY:
            joined = _near_span(rule, start, end, near, sentences)
            if joined is None:
                continue
            start, end = joined
        spans.append((start, end))
    return _merge(spans)


class _Lines:
    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def check_text(text: str, rules: Rules, *, path: str | None = None) -> Report:
    """Check one text; findings carry offsets into `text` itself, sorted by position and rule."""
    folded = fold(text)
    by_rule: dict[int, dict[Role, list[tuple[int, int]]]] = {}
    allowed: list[tuple[int, int]] = []
    for start, end, role, index in rules.matcher.hits(folded.text):
        if role is Role.ALLOW:
            allowed.append((start, end))
        else:
            by_rule.setdefault(index, {}).setdefault(role, []).append((start, end))
    if not by_rule:
        return Report(files=1 if path is not None else 0)
    sentences = _Sentences(folded.text)
    lines: _Lines | None = None
    findings: list[Finding] = []
    for index, hits in by_rule.items():
        if Role.PATTERN not in hits:
            continue
        rule = rules.selected[index]
        if allowed:
            hits = {**hits, Role.EXCEPTION: hits.get(Role.EXCEPTION, []) + allowed}
        for start, end in _rule_spans(rule, hits, folded, sentences, rules.segmenter):
            lines = lines or _Lines(text)
            orig_start, orig_end = folded.original_span(start, end)
            line, column = lines.position(orig_start)
            end_line, end_column = lines.position(orig_end - 1)
            findings.append(
                Finding(
                    start=orig_start,
                    end=orig_end,
                    match=text[orig_start:orig_end],
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    rule=rule.id,
                    category=rule.category,
                    level=rule.level,
                    message=rule.message,
                    suggestions=rule.suggestions,
                    notice=rule.notice,
                    clause=rule.clause,
                    path=path,
                )
            )
    findings = _one_per_source(findings)
    findings.sort(key=Finding.sort_key)
    return Report(tuple(findings), (), 1 if path is not None else 0)


def _one_per_source(findings: list[Finding]) -> list[Finding]:
    """Where findings of one source (notice or article) overlap, keep only the strongest.

    Strongest: highest level, then longest span, then lowest rule id. Findings of different sources
    stay side by side: the same words can break two rules of different origin.
    """
    if len(findings) < 2:
        return findings
    ranked = sorted(findings, key=lambda f: (-f.level.rank, f.start - f.end, f.rule))
    taken: dict[str, list[tuple[int, int]]] = {}  # per source: kept spans, sorted, never overlapping
    kept: list[Finding] = []
    for finding in ranked:
        spans = taken.setdefault(finding.notice.id, [])
        at = bisect_left(spans, (finding.start, finding.end))
        if (at > 0 and spans[at - 1][1] > finding.start) or (at < len(spans) and spans[at][0] < finding.end):
            continue
        spans.insert(at, (finding.start, finding.end))
        kept.append(finding)
    return kept
