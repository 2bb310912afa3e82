"""Accuracy on a labelled corpus: per-category precision and recall, false-positive rate, evasion recall.

A corpus is JSONL, one case per line (tests/corpus/README.md):
    {"id": ..., "text": ..., "categories": [...], "spans": [{"category": ..., "match": ..., "occurrence": 1}],
     "tags": ["evasion:pinyin", ...]}
A category counts as found when a finding of that category (at or above `min_level`) overlaps one of its
expected spans (or anywhere in the text when the case gives no span for it).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Rules, check_text
from .model import Category, Finding, Level


class CorpusError(ValueError):
    """A corpus line that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    categories: frozenset[str]
    spans: tuple[tuple[str, int, int], ...]  # category, start, end
    tags: tuple[str, ...]
    where: str  # path:line


@dataclass(frozen=True)
class Outcome:
    case: Case
    found: frozenset[str]  # expected categories found at an expected span
    missed: frozenset[str]
    extra: frozenset[str]  # categories reported that the case does not expect (or not where expected)
    findings: tuple[Finding, ...]

    @property
    def correct(self) -> bool:
        return not self.missed and not self.extra


@dataclass
class Scores:
    cases: int = 0
    negatives: int = 0
    false_alarms: int = 0  # negatives with any finding
    per_category: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_tag: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    outcomes: list[Outcome] = field(default_factory=list)

    def precision(self, category: str | None = None) -> float:
        tp, fp = self._sum("tp", category), self._sum("fp", category)
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, category: str | None = None) -> float:
        tp, fn = self._sum("tp", category), self._sum("fn", category)
        return tp / (tp + fn) if tp + fn else 1.0

    def _sum(self, key: str, category: str | None) -> int:
        if category is not None:
            return self.per_category[category][key]
        return sum(counts[key] for counts in self.per_category.values())

    @property
    def false_positive_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    def tag_rate(self, tag: str) -> float:
        counts = self.per_tag[tag]
        return counts["correct"] / counts["cases"] if counts["cases"] else 1.0

    def evasion_recall(self) -> float:
        correct = sum(c["correct"] for t, c in self.per_tag.items() if t.startswith("evasion:"))
        cases = sum(c["cases"] for t, c in self.per_tag.items() if t.startswith("evasion:"))
        return correct / cases if cases else 1.0


def read_corpus(path: str | Path) -> Iterator[Case]:
    """Cases of a JSONL corpus; a bad line raises CorpusError naming path:line."""
    valid = {category.value for category in Category}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
                text = data["text"]
                categories = frozenset(data.get("categories", []))
                tags = tuple(data.get("tags", []))
                if not isinstance(text, str):
                    raise TypeError("text must be a string")
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise CorpusError(f"{where}: not a corpus case ({exc})") from None
            unknown = categories - valid
            if unknown:
                raise CorpusError(f"{where}: unknown categories {sorted(unknown)}")
            spans = []
            for span in data.get("spans", []):
                match, occurrence = span.get("match", ""), int(span.get("occurrence", 1))
                start = -1
                for _ in range(occurrence):
                    start = text.find(match, start + 1)
                if not match or start < 0:
                    raise CorpusError(f"{where}: span {match!r} is not in the text")
                spans.append((span.get("category"), start, start + len(match)))
            yield Case(str(data.get("id", where)), text, categories, tuple(spans), tags, where)


def judge(case: Case, findings: Iterable[Finding], min_level: Level = Level.WARNING) -> Outcome:
    kept = tuple(f for f in findings if f.level.rank >= min_level.rank)
    found, missed = set(), set()
    for category in case.categories:
        spans = [(s, e) for c, s, e in case.spans if c == category]
        hits = [f for f in kept if f.category.value == category]
        if any(not spans or any(f.start < e and s < f.end for s, e in spans) for f in hits):
            found.add(category)
        else:
            missed.add(category)
    extra = {f.category.value for f in kept} - found
    return Outcome(case, frozenset(found), frozenset(missed), frozenset(extra), kept)


def evaluate(cases: Iterable[Case], rules: Rules, *, min_level: Level = Level.WARNING) -> Scores:
    scores = Scores()
    for case in cases:
        outcome = judge(case, check_text(case.text, rules).findings, min_level)
        scores.cases += 1
        scores.outcomes.append(outcome)
        if not case.categories:
            scores.negatives += 1
            scores.false_alarms += bool(outcome.findings)
        for category in outcome.found:
            scores.per_category[category]["tp"] += 1
        for category in outcome.missed:
            scores.per_category[category]["fn"] += 1
        for category in outcome.extra:
            scores.per_category[category]["fp"] += 1
        for category in case.categories:
            scores.per_category[category]["cases"] += 1
        for tag in case.tags:
            scores.per_tag[tag]["cases"] += 1
            scores.per_tag[tag]["correct"] += outcome.correct
    return scores
