"""Text folding for matching, with an offset map back to the original text.

Matching runs on a folded copy of the text: full-width characters become half-width, letters lower
case, and separators that sellers put inside a term (`全 网 最 低`, `全*网*最*低`, zero-width spaces) are
dropped. Every offset in the folded text maps back to the original one, so findings always point at
the characters the user wrote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass


def _fold_table() -> dict[int, int]:
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = 0x20  # ideographic space
    for full, half in zip("￠￡￢￣￤￥￦", "¢£¬¯¦¥₩"):  # full-width currency and signs
        table[ord(full)] = ord(half)
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in range(0xFF21, 0xFF3B):  # full-width A-Z straight to lower case
        table[code] = code - 0xFEE0 + 32
    return table


_TABLE = _fold_table()

# Characters dropped from the folded text: whitespace other than line breaks, the symbols sellers put
# between the characters of a term, and zero-width characters. Sentence punctuation stays.
SEPARATORS = " \t\u00a0*·-_~/|.+#\u200b\u200c\u200d\u2060\ufeff•・"
_SEPARATOR_RUN = re.compile("[" + re.escape(SEPARATORS) + "]+")

# Characters that end a sentence in the folded text (full-width forms are already half-width).
SENTENCE_BREAKS = frozenset("。!?;\n\r")


@dataclass(frozen=True)
class Folded:
    """A folded text and the map from its offsets to the original text's.

    `starts` holds, for each run of kept characters, (offset in folded text, offset in original);
    it is empty when nothing was dropped and offsets are the same.
    """

    text: str
    _folded_starts: tuple[int, ...] = ()
    _original_starts: tuple[int, ...] = ()

    def original_offset(self, index: int) -> int:
        """The original offset of the folded character at `index`."""
        if not self._folded_starts:
            return index
        run = bisect_right(self._folded_starts, index) - 1
        return self._original_starts[run] + index - self._folded_starts[run]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering folded characters start..end (end exclusive, end > start)."""
        return self.original_offset(start), self.original_offset(end - 1) + 1


def fold(text: str) -> Folded:
    """Fold `text` for matching; see the module docstring."""
    translated = text.translate(_TABLE)
    if _SEPARATOR_RUN.search(translated) is None:
        return Folded(translated)
    pieces: list[str] = []
    folded_starts: list[int] = []
    original_starts: list[int] = []
    folded_length = 0
    position = 0
    for separator in _SEPARATOR_RUN.finditer(translated):
        if separator.start() > position:
            pieces.append(translated[position : separator.start()])
            folded_starts.append(folded_length)
            original_starts.append(position)
            folded_length += separator.start() - position
        position = separator.end()
    if position < len(translated):
        pieces.append(translated[position:])
        folded_starts.append(folded_length)
        original_starts.append(position)
    return Folded("".join(pieces), tuple(folded_starts), tuple(original_starts))


def fold_term(term: str) -> str:
    """Fold a pattern or exception the same way as the text it is matched against."""
    return fold(term).text
