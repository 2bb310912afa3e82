"""Runs the stages in order: fold, one automaton pass, per-rule decisions, findings on the original text."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .loading import load_ruleset
from .match import Matcher, Role
from . import context
from .model import Boundary, Category, Finding, Kind, Level, Report, Rule, Ruleset
from .normalise import SENTENCE_BREAKS, Folded, Folder
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
    folder: Folder = field(repr=False)
    allow: tuple[str, ...] = ()  # folded allowlisted terms: a hit inside one is no finding
    cues: context.CuePatterns = field(default_factory=context.CuePatterns, repr=False)

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
        folder = Folder(ruleset.folding)
        allowed = tuple(dict.fromkeys(term for term in map(folder.fold_term, allow) if term))
        cues = context.CuePatterns.compile(ruleset.context)
        return cls(ruleset, selected, Matcher(selected, allowed), segmenter or Segmenter(), folder, allowed, cues)


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
        self.text = text
        self._breaks: list[int] | None = None

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The span of the sentence holding text[start:end] (break characters excluded)."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _SENTENCE_BREAK.finditer(self.text)]
        before = bisect_left(self._breaks, start) - 1
        after = bisect_left(self._breaks, end)
        left = self._breaks[before] + 1 if before >= 0 else 0
        right = self._breaks[after] if after < len(self._breaks) else len(self.text)
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


MAX_TERM = 100  # the loader's longest term: bounds how far back a covering hit can start


def _near_span(rule: Rule, start: int, end: int, near: list[tuple[int, int]], sentences: _Sentences) -> tuple[int, int] | None:
    """The span joining the hit and the closest `near` term in its sentence within the window.

    `near` is sorted by start; only the slice that can fall inside the window is looked at.
    """
    left, right = sentences.bounds(start, end)
    low = bisect_left(near, (max(left, start - rule.window - MAX_TERM), -1))
    high = bisect_right(near, (min(right, end + rule.window), len(sentences.text) + 1))
    best: tuple[int, int, int] | None = None
    for near_start, near_end in near[low:high]:
        if near_start < left or near_end > right or (near_start < end and start < near_end):
            continue
        gap = start - near_end if near_end <= start else near_start - end
        if gap <= rule.window and (best is None or gap < best[0]):
            best = (gap, min(start, near_start), max(end, near_end))
    return None if best is None else (best[1], best[2])


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Some span of `spans` (sorted by start) contains start..end."""
    low = bisect_left(spans, (start - MAX_TERM, -1))
    high = bisect_right(spans, (start, 1 << 62))
    return any(span_end >= end for _span_start, span_end in spans[low:high])


@dataclass(frozen=True)
class _Candidate:
    start: int  # original text
    end: int
    level: Level
    note: str = ""


def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
    """Overlapping hits of one rule become one candidate (the first one's level and note)."""
    merged: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start, c.end)):
        if merged and candidate.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = _Candidate(last.start, max(last.end, candidate.end), last.level, last.note)
        else:
            merged.append(candidate)
    return merged


class _View:
    """One folded view of a text and what rule decisions need from it."""

    def __init__(self, text: str, folded: Folded, rules: Rules) -> None:
        self.text = text
        self.folded = folded
        self.rules = rules
        self.sentences = _Sentences(folded.text)
        # What is decided per sentence, decided once: a sentence can be long and hold many hits.
        self._quoting: dict[tuple[int, int], bool] = {}
        self._qualified: dict[tuple[int, int], bool] = {}

    def original_sentence(self, start: int, end: int) -> tuple[str, str]:
        left, right = self.sentences.bounds(start, end)
        if right <= left:
            return "", ""
        o_left, o_right = self.folded.original_span(left, right)
        return self.text[o_left:o_right], self.folded.text[left:right]

    def qualified(self, start: int, end: int) -> bool:
        """The sentence holding start..end limits its fact in time or source (decided once per sentence)."""
        bounds = self.sentences.bounds(start, end)
        if bounds not in self._qualified:
            original, folded_sentence = self.original_sentence(start, end)
            self._qualified[bounds] = context.qualified(original, folded_sentence, self.rules.cues.qualifiers)
        return self._qualified[bounds]

    def in_context(self, rule: Rule, start: int, end: int) -> bool:
        """False when the context cancels the hit: negation, quotation, self-comparison."""
        cues = self.rules.cues
        text = self.folded.text
        if rule.negation:
            _left, right = self.sentences.bounds(start, end)
            if context.negated(text, start, end, right, cues.negation):
                return False
            if rule.category is Category.ABSOLUTE_CLAIM and context.complaint_follows(text, end, right, cues.complaints):
                return False  # 史上最差: an intensifier with a negative word; 治痛经 stays a health claim
            if context.preceded_by(text, start, cues.aspiration, reach=context.ASPIRATION_REACH):
                return False
            o_start, o_end = self.folded.original_span(start, end)
            quote = context.quoted(self.text, o_start, o_end)
            if quote in context.TITLE_QUOTES:
                return False
            if quote is not None:
                bounds = self.sentences.bounds(start, end)
                if bounds not in self._quoting:
                    self._quoting[bounds] = context.mentions(text, *bounds, cues.quotation)
                if self._quoting[bounds]:
                    return False
        if rule.self_comparison and context.self_scoped(text, start, cues.self_scope):
            return False
        return True

    def price(self, rule: Rule, start: int, end: int, near: list[tuple[int, int]]) -> _Candidate | None:
        """A reference price asserted with an amount (原价399), with the selling price when stated.

        Amounts are read on the folded text (原价③⑨⑨ and 原价叁佰玖拾玖 read as 399) and mapped back.
        """
        text = self.folded.text
        reference = context.amount_at(text, end)
        if reference is None:
            return None
        _left, right = self.sentences.bounds(start, end)
        selling = None
        for index in range(bisect_left(near, (end, -1)), len(near)):  # sorted: from the first after the hit
            near_start, near_end = near[index]
            if near_start > right or near_start - end > rule.window:
                break
            selling = context.amount_at(text, near_end)
            if selling is not None:
                break
        o_start, o_end = self.folded.original_span(start, reference.end)
        return _Candidate(o_start, o_end, rule.level, context.discount_note(reference, selling))

    def candidates(self, rule: Rule, hits: dict[Role, list[tuple[int, int]]]) -> list[_Candidate]:
        near = sorted(hits.get(Role.NEAR, []))
        if rule.kind is Kind.PROXIMITY and not near:
            return []  # the common case in ordinary text: a proximity pattern with no `near` term at all
        exceptions = sorted(hits.get(Role.EXCEPTION, []))
        found: list[_Candidate] = []
        for start, end in hits[Role.PATTERN]:
            if exceptions and _covered(exceptions, start, end):
                continue
            joined = None
            if rule.kind is Kind.PROXIMITY:  # cheap, and rules most hits out: decided first
                joined = _near_span(rule, start, end, near, self.sentences)
                if joined is None:
                    continue
            if not _on_boundaries(rule, start, end, self.folded.text, self.sentences, self.rules.segmenter):
                continue
            if not self.in_context(rule, start, end):
                continue
            if rule.kind is Kind.PRICE:
                candidate = self.price(rule, start, end, near)
                if candidate is not None:
                    found.append(candidate)
                continue
            if joined is not None:
                start, end = joined
            level, note = rule.level, ""
            if rule.qualified_level is not None and self.qualified(start, end):
                level, note = rule.qualified_level, QUALIFIED_NOTE
            o_start, o_end = self.folded.original_span(start, end)
            found.append(_Candidate(o_start, o_end, level, note))
        return found


QUALIFIED_NOTE = "(限定时间、范围的事实表述:须能提供数据来源)"


class _Lines:
    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _scan(view: _View, *, needs_skip: bool) -> dict[tuple[int, int], list[_Candidate]]:
    """Candidates per (rule index) from one view; with needs_skip, only hits spanning a skipped run."""
    rules = view.rules
    by_rule, allowed = rules.matcher.grouped(view.folded.text)
    if needs_skip:
        for hits in by_rule.values():
            if Role.PATTERN in hits:
                hits[Role.PATTERN] = [h for h in hits[Role.PATTERN] if _spans_skip(view.folded, *h)]
    result: dict[tuple[int, int], list[_Candidate]] = {}
    for index, hits in by_rule.items():
        if Role.PATTERN not in hits:
            continue
        if allowed:
            hits = {**hits, Role.EXCEPTION: hits.get(Role.EXCEPTION, []) + allowed}
        found = view.candidates(rules.selected[index], hits)
        if found:
            result[(index, 0)] = found
    return result


def _spans_skip(folded: Folded, start: int, end: int) -> bool:
    """A letter run was skipped strictly inside start..end (the hit needed the second pass)."""
    at = bisect_right(folded.dropped, start)
    return at < len(folded.dropped) and folded.dropped[at] < end


WEDGED_REACH = 100  # characters around a wedged Latin run given to the second pass


def _wedged_windows(text: str, positions: Sequence[int]) -> list[tuple[int, int]]:
    """Merged windows around wedged Latin runs, each within its line."""
    windows: list[tuple[int, int]] = []
    for position in positions:
        line_start = text.rfind("\n", max(0, position - WEDGED_REACH), position) + 1
        line_end = text.find("\n", position, position + WEDGED_REACH)
        start = max(line_start, position - WEDGED_REACH) if line_start else max(0, position - WEDGED_REACH)
        end = line_end if line_end >= 0 else min(len(text), position + WEDGED_REACH)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def check_text(text: str, rules: Rules, *, path: str | None = None) -> Report:
    """Check one text; findings carry offsets into `text` itself, sorted by position and rule."""
    view = _View(text, rules.folder.fold(text), rules)
    found = _scan(view, needs_skip=False)
    for start, end in _wedged_windows(text, view.folded.wedged):
        window = text[start:end]
        wedged = rules.folder.fold_wedged(window)
        if wedged is None:
            continue
        for key, more in _scan(_View(window, wedged, rules), needs_skip=True).items():
            found.setdefault(key, []).extend(
                _Candidate(c.start + start, c.end + start, c.level, c.note) for c in more
            )
    if not found:
        return Report(files=1 if path is not None else 0)
    lines = _Lines(text)
    findings: list[Finding] = []
    for (index, _), candidates in found.items():
        rule = rules.selected[index]
        for candidate in _merge(candidates):
            line, column = lines.position(candidate.start)
            end_line, end_column = lines.position(candidate.end - 1)
            findings.append(
                Finding(
                    start=candidate.start,
                    end=candidate.end,
                    match=text[candidate.start : candidate.end],
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    rule=rule.id,
                    category=rule.category,
                    level=candidate.level,
                    message=rule.message + candidate.note,
                    suggestions=rule.suggestions,
                    notice=rule.notice,
                    clause=rule.clause,
                    path=path,
                )
            )
    findings = _one_per_source(findings)
    findings.sort(key=Finding.sort_key)
    return Report(tuple(findings), (), 1 if path is not None else 0)


def rebase(finding: Finding, text: str, base: int) -> Finding:
    """A finding of a text that was checked inside a longer one (at `base`), with offsets, line and
    column counted in `text` itself."""
    start, end = finding.start - base, finding.end - base
    lines = _Lines(text)
    line, column = lines.position(start)
    end_line, end_column = lines.position(end - 1)
    return dataclasses.replace(
        finding, start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column
    )


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
