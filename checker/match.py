"""One Aho-Corasick automaton over every pattern, exception and `near` term of the selected rules.

The automaton sits behind one small interface, `Matcher(rules, allow).hits(folded_text)`, with two
interchangeable backends that report exactly the same hits in the same order:

- `pyahocorasick` (C, always installed): the reference backend;
- `ahocorasick_rs` (Rust): called on chunks of at most `CHUNK` characters, because on one huge string
  it allocates 8 bytes per input byte. Chunks overlap by the longest term less one character, so a
  term that straddles a chunk border is still found exactly once.

Hits come ordered by end offset, then start offset (longest term first at one end), then by the
order of the term's owners: what pyahocorasick's `iter` gives. docs/performance.md says which backend
is the default and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from enum import IntEnum
from typing import Any

import ahocorasick

from .model import Rule


class Role(IntEnum):
    PATTERN = 0
    EXCEPTION = 1
    NEAR = 2
    ALLOW = 3  # a user's allowlisted term (brand or product name); rule index -1


Hit = tuple[int, int, Role, int]  # start, end (exclusive) in the folded text, role, rule index
Owners = tuple[tuple[Role, int], ...]

PYAHOCORASICK = "pyahocorasick"
AHOCORASICK_RS = "ahocorasick_rs"
BACKENDS = (PYAHOCORASICK, AHOCORASICK_RS)
# The default backend: see docs/performance.md for the end-to-end measurement behind the choice.
# LIVELINT_MATCHER=pyahocorasick|ahocorasick_rs overrides it for a run (the compiled-rules cache
# keys on it).
DEFAULT_BACKEND = os.environ.get("LIVELINT_MATCHER") or PYAHOCORASICK
# Characters per call of the Rust backend (it allocates 8 bytes per input byte of one call).
CHUNK = 1_000_000
# Overlap of the Rust backend's chunks: more than the longest term.
CONTEXT_REACH = 200


class Matcher:
    """Finds every occurrence of every term of `rules` in one pass over a folded text.

    Picklable: the pyahocorasick automaton is pickled as it is; the Rust automaton, which cannot be
    pickled, is rebuilt from the terms on load.
    """

    def __init__(self, rules: Sequence[Rule], allow: Sequence[str] = (), *, backend: str | None = None) -> None:
        backend = backend or DEFAULT_BACKEND
        if backend not in BACKENDS:
            raise ValueError(f"unknown matcher backend {backend!r} (one of: {', '.join(BACKENDS)})")
        entries: dict[str, list[tuple[Role, int]]] = {}
        for term in allow:
            entries.setdefault(term, []).append((Role.ALLOW, -1))
        for index, rule in enumerate(rules):
            for role, terms in (
                (Role.PATTERN, rule.patterns),
                (Role.EXCEPTION, rule.exceptions),
                (Role.NEAR, rule.near),
            ):
                for term in terms:
                    entries.setdefault(term, []).append((role, index))
        self.backend = backend
        self.term_count = len(entries)
        # How far from a pattern hit a context term can act: an exception or allowlisted term covers
        # the hit (at most its length away); a `near` term lies within its rule's window.
        covering = max((len(t) for r in rules for t in r.exceptions), default=0)
        covering = max([covering, *map(len, allow)])
        reaching = max((max(map(len, r.near)) + r.window for r in rules if r.near), default=0)
        self._reach = max(covering, reaching) + 1
        self._terms = tuple(entries)
        self._owners: tuple[Owners, ...] = tuple(tuple(owners) for owners in entries.values())
        self._longest = max(map(len, self._terms), default=0)
        self._automaton: Any = None
        self._build()

    def _build(self) -> None:
        self._phases = (self._phase(Role.PATTERN), self._phase(None))
        if not self._terms:
            self._automaton = None
        elif self.backend == PYAHOCORASICK:
            automaton = ahocorasick.Automaton()
            for term, owners in zip(self._terms, self._owners):
                automaton.add_word(term, (len(term), owners))
            automaton.make_automaton()
            self._automaton = automaton
        else:
            import ahocorasick_rs  # deferred: only this backend needs it

            self._automaton = ahocorasick_rs.AhoCorasick(list(self._terms))

    def _phase(self, role: Role | None) -> Any:
        """An automaton over the pattern terms (role PATTERN) or over the context terms (None):
        exceptions, `near` terms and allowlisted terms, which matter only around a pattern hit."""
        entries: dict[str, Owners] = {}
        for term, owners in zip(self._terms, self._owners):
            kept = tuple(o for o in owners if (o[0] is Role.PATTERN) == (role is Role.PATTERN))
            if kept:
                entries[term] = kept
        if not entries:
            return None
        if self.backend == PYAHOCORASICK:
            automaton = ahocorasick.Automaton()
            for term, owners in entries.items():
                automaton.add_word(term, (len(term), owners))
            automaton.make_automaton()
            return ("py", automaton)
        import ahocorasick_rs

        terms = list(entries)
        return ("rs", ahocorasick_rs.AhoCorasick(terms), [len(t) for t in terms], list(entries.values()))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self.backend != PYAHOCORASICK:
            state["_automaton"] = None
            state["_phases"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if (self._automaton is None or self._phases is None) and self._terms:
            self._build()

    def hits(self, folded_text: str) -> Iterator[Hit]:
        """Every (start, end, role, rule index) of every term in `folded_text`, overlaps included."""
        if self._automaton is None:
            return
        if self.backend == PYAHOCORASICK:
            for last, (length, owners) in self._automaton.iter(folded_text):
                start = last - length + 1
                for role, index in owners:
                    yield start, last + 1, role, index
            return
        owners_of = self._owners
        for start, end, term in self._rust_spans(folded_text):
            for role, index in owners_of[term]:
                yield start, end, role, index

    def grouped(self, folded_text: str) -> tuple[dict[int, dict[Role, list[tuple[int, int]]]], list[tuple[int, int]]]:
        """The hits that can matter, grouped per rule index and role, plus the allowlisted spans.

        The engine's hot path, in two phases: the pattern terms are looked for in the whole text;
        the context terms (exceptions, `near` terms, allowlisted terms), which are far more common
        in ordinary text, only in windows of CONTEXT_REACH characters around a pattern hit, the
        furthest any of them can act.
        """
        by_rule: dict[int, dict[Role, list[tuple[int, int]]]] = {}
        allowed: list[tuple[int, int]] = []
        patterns, context = self._phases
        if patterns is None:
            return by_rule, allowed
        windows: list[tuple[int, int]] = []
        self._collect(patterns, folded_text, 0, by_rule, allowed, windows)
        if context is not None and windows:
            for start, end in windows:
                self._collect(context, folded_text[start:end], start, by_rule, allowed, None)
        return by_rule, allowed

    def pattern_ends(self, folded_text: str) -> list[int]:
        """The folded index of the last character of every pattern hit: enough to tell which texts
        of a batch can hold a finding."""
        patterns = self._phases[0]
        if patterns is None:
            return []
        if patterns[0] == "py":
            return [last for last, _value in patterns[1].iter(folded_text)]
        return [end - 1 for _term, _start, end in _rust_matches(patterns[1], folded_text)]

    def _collect(self, phase: Any, text: str, base: int, by_rule: dict, allowed: list, windows: list | None) -> None:  # type: ignore[type-arg]
        if phase[0] == "py":
            spans: Any = phase[1].iter(text)
            shift = base + 1  # pyahocorasick gives (last index, value): end = last + 1
        else:
            _kind, automaton, lengths, owners_of = phase
            spans = [(end - 1, (end - start, owners_of[term])) for term, start, end in _rust_matches(automaton, text)]
            shift = base + 1
        allow = Role.ALLOW
        reach = self._reach
        for last, (length, owners) in spans:
            end = last + shift
            start = end - length
            if windows is not None:
                low, high = max(0, start - reach), end + reach
                if windows and low <= windows[-1][1]:
                    windows[-1] = (min(windows[-1][0], low), max(windows[-1][1], high))
                else:
                    windows.append((low, high))
            for role, index in owners:
                if role is allow:
                    allowed.append((start, end))
                    continue
                roles = by_rule.get(index)
                if roles is None:
                    if windows is None:
                        continue  # a context term of a rule without a pattern hit: it cannot matter
                    roles = by_rule[index] = {}
                found = roles.get(role)
                if found is None:
                    roles[role] = [(start, end)]
                else:
                    found.append((start, end))

    def _rust_spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, term index) in pyahocorasick's order, scanning at most CHUNK characters a call."""
        find = self._automaton.find_matches_as_indexes
        if len(text) <= CHUNK:
            found = [(start, end, term) for term, start, end in find(text, overlapping=True)]
        else:
            found = []
            overlap = self._longest - 1
            for base in range(0, len(text), CHUNK):
                limit = base + CHUNK  # only terms starting before it belong to this chunk
                for term, start, end in find(text[base : limit + overlap], overlapping=True):
                    if base + start < limit:
                        found.append((base + start, base + end, term))
        found.sort(key=_end_then_start)
        return found


def _rust_matches(automaton: Any, text: str) -> list[tuple[int, int, int]]:
    """(term index, start, end) of every overlapping match, in chunks of at most CHUNK characters."""
    if len(text) <= CHUNK:
        return list(automaton.find_matches_as_indexes(text, overlapping=True))
    found = []
    overlap = CONTEXT_REACH
    for base in range(0, len(text), CHUNK):
        limit = base + CHUNK
        for term, start, end in automaton.find_matches_as_indexes(text[base : limit + overlap], overlapping=True):
            if base + start < limit:
                found.append((term, base + start, base + end))
    found.sort(key=lambda m: (m[2], m[1]))
    return found


def _end_then_start(span: tuple[int, int, int]) -> tuple[int, int]:
    return span[1], span[0]
