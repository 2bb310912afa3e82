"""One Aho-Corasick automaton over every pattern, exception and `near` term of the selected rules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import IntEnum

import ahocorasick

from .model import Rule


class Role(IntEnum):
    PATTERN = 0
    EXCEPTION = 1
    NEAR = 2
    ALLOW = 3  # a user's allowlisted term (brand or product name); rule index -1


Hit = tuple[int, int, Role, int]  # start, end (exclusive) in the folded text, role, rule index


class Matcher:
    """Finds every occurrence of every term of `rules` in one pass over a folded text."""

    def __init__(self, rules: Sequence[Rule], allow: Sequence[str] = ()) -> None:
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
        automaton = ahocorasick.Automaton()
        for term, owners in entries.items():
            automaton.add_word(term, (len(term), tuple(owners)))
        if entries:
            automaton.make_automaton()
        self._automaton = automaton
        self._empty = not entries
        self.term_count = len(entries)

    def hits(self, folded_text: str) -> Iterator[Hit]:
        if self._empty:
            return
        for last, (length, owners) in self._automaton.iter(folded_text):
            start = last - length + 1
            for role, index in owners:
                yield start, last + 1, role, index
