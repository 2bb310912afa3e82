"""Decisions that look beyond one hit: negation, quotation, self-comparison, qualified facts, prices.

Each function is small and pure; the cue words are data (rulesets/context.yml), the number grammar is
code (Chinese numerals and spoken prices are a fixed grammar, not a list).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

# ---- negation, quotation, self-comparison, qualified facts ----------------------------------------

CLAUSE_BREAKS = frozenset(",。!?;:、\n\r")
NEGATION_REACH = 8  # characters before a hit searched for a negation or self-scope cue
ASPIRATION_REACH = 14  # 我们一直在追求做出最好吃的辣酱: a goal, reaching further back in the clause
_QUOTES = {"“": "”", "‘": "’", '"': '"', "'": "'", "「": "」", "『": "』", "《": "》", "【": "】"}
_CLOSING = frozenset(_QUOTES.values()) - frozenset(_QUOTES)
_RHETORICAL_ENDINGS = ("吗", "嘛", "么")
_PERIOD = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月份?|[一二三四1-4]\s*季度|上半年|下半年|年度|\d{4}\s*[-/.]\s*\d{1,2}|双\s*1{1,2}\s*期间"
)


def _clause_start(text: str, start: int, floor: int = 0) -> int:
    """Where the clause holding `start` begins, looking back no further than `floor`.

    The floor keeps each call short: a text without punctuation is one long clause.
    """
    index = start - 1
    while index >= floor and text[index] not in CLAUSE_BREAKS:
        index -= 1
    return index + 1


def cue_pattern(cues: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression finding any of `cues` (longest first); None when there are none."""
    if not cues:
        return None
    return re.compile("|".join(re.escape(cue) for cue in sorted(set(cues), key=len, reverse=True)))


@dataclass(frozen=True)
class CuePatterns:
    """The cue lists of a ruleset's context.yml, compiled once per compiled ruleset."""

    negation: re.Pattern[str] | None = None
    quotation: re.Pattern[str] | None = None
    self_scope: re.Pattern[str] | None = None
    qualifiers: re.Pattern[str] | None = None
    complaints: re.Pattern[str] | None = None
    aspiration: re.Pattern[str] | None = None

    @classmethod
    def compile(cls, context: object) -> CuePatterns:
        return cls(**{name: cue_pattern(getattr(context, name, ())) for name in cls.__dataclass_fields__})


def preceded_by(text: str, start: int, cues: re.Pattern[str] | None, reach: int = NEGATION_REACH) -> bool:
    """A cue lies within `reach` characters before `start`, in the same clause (folded text)."""
    if cues is None:
        return False
    left = _clause_start(text, start, max(0, start - reach))
    return cues.search(text, left, start) is not None


_SCOPE_FILLERS = frozenset("的里中内所有全部产品商品款东西系列")


def self_scoped(text: str, start: int, cues: re.Pattern[str] | None) -> bool:
    """本店最好的, 我们家里最畅销的: the superlative ranks the seller's own goods only.

    The cue must stand right before the hit, with at most two filler characters (的, 里, 中 ...)
    between: in 咱家这个洗发水是最好用的 the cue is the subject, not a scope.
    """
    if cues is None:
        return False
    left = _clause_start(text, start, max(0, start - 12))
    for match in cues.finditer(text, left, start):
        between = text[match.end() : start]
        if len(between) <= 2 and all(char in _SCOPE_FILLERS for char in between):
            return True
    return False


def negated(text: str, start: int, end: int, sentence_end: int, cues: re.Pattern[str] | None) -> bool:
    """不是最低价, 我们不说全网最低: the claim is denied. 这不是全网最低价吗 (a rhetorical question) is not."""
    if not preceded_by(text, start, cues):
        return False
    stem = sentence_end  # the sentence without its closing marks, never sliced: sentences can be long
    while stem > end and text[stem - 1] in " ?!":
        stem -= 1
    return not (stem > end and text[stem - 1] in _RHETORICAL_ENDINGS)


QUOTE_REACH = 30  # characters searched on each side of a hit for its quotes


def quoted(original: str, start: int, end: int) -> str | None:
    """The opening quote when the span sits inside a pair of quotes on its line, else None.

    Works on the original text, where quotes survive folding.
    """
    left = max(0, start - QUOTE_REACH)
    for index in range(start - 1, left - 1, -1):
        char = original[index]
        if char in "\n\r":
            return None
        closing = _QUOTES.get(char)
        if closing is not None:
            for after in range(end, min(len(original), end + QUOTE_REACH)):
                if original[after] == closing:
                    return char
                if original[after] in "\n\r":
                    return None
            return None
        if char in _CLOSING:
            return None
    return None


TITLE_QUOTES = frozenset("《")  # 《书名》: the title of a work, a name (SAMR guide: names are exempt)


def complaint_follows(text: str, end: int, sentence_end: int, cues: re.Pattern[str] | None) -> bool:
    """史上最差, 前所未有的痒: an intensifier followed by a negative word is a complaint, not a claim."""
    if cues is None:
        return False
    after = text[end : min(sentence_end, end + 6)].lstrip("的地得了")
    return cues.match(after) is not None


def mentions(text: str, left: int, right: int, cues: re.Pattern[str] | None) -> bool:
    return cues is not None and cues.search(text, left, right) is not None


def qualified(original_sentence: str, folded_sentence: str, cues: re.Pattern[str] | None) -> bool:
    """A fact limited in time (and usually place/source): 2023年某平台销量第一(数据来源…)."""
    if _PERIOD.search(original_sentence) is not None:
        return True
    return cues is not None and cues.search(folded_sentence) is not None


# ---- prices -----------------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CURRENCY = "元块米圆"
_NUMBER = re.compile(
    r"(?P<arabic>\d+(?:\.\d+)?)[ \t]*(?P<scale>[万千kKwW](?![a-zA-Z]))?"
    r"|(?P<chinese>[零〇一二两三四五六七八九十百千万]+)"
)
_LEAD = re.compile(r"[ \t::是为要才卖价只仅需¥$￥rmbRMB的]*")  # never across a line break
_PRICE_UNIT = re.compile(r"[ \t]*(?:多|来|余)?[ \t]*(?:元|块钱?|米|圆|rmb|RMB)?(?:多|出头|左右)?")


def _chinese_integer(numeral: str) -> int | None:
    """三百九十九 -> 399, 一千二 -> 1200 (spoken elision), 两万五 -> 25000, 十九 -> 19."""
    total, section, digit = 0, 0, None
    last_unit = 1
    for char in numeral:
        if char in _DIGITS:
            if digit is not None:  # 一九九 read digit by digit
                digit = digit * 10 + _DIGITS[char]
            else:
                digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total += section
                section, digit, last_unit = 0, None, unit
                continue
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        # a trailing digit after a unit is the next lower place: 一千二 = 1200, 三百五 = 350
        section += digit * (last_unit // 10) if last_unit >= 100 and numeral[-2] in _UNITS else digit
    return total + section


@dataclass(frozen=True)
class Amount:
    value: float
    start: int  # in the original text
    end: int


MAX_NUMERAL = 24  # characters of a Chinese numeral read as a price (一千二百三十四万五千六百七十八 has 15)


def amount_at(text: str, position: int, reach: int = 6) -> Amount | None:
    """The price written at `position` (after fillers such as 是/要/¥/:), in the original text.

    Understands 399, 399元, ¥399, 1.2万, 99米 (米 for 元), 9块9, 三百九十九, 九块九, 一千二, 两万五.
    """
    lead = _LEAD.match(text, position, min(len(text), position + reach))
    at = lead.end() if lead else position
    match = _NUMBER.match(text, at)
    if match is None:
        return None
    end = match.end()
    if match.group("arabic"):
        value = float(match.group("arabic"))
        scale = (match.group("scale") or "").lower()
        value *= {"万": 10000, "w": 10000, "千": 1000, "k": 1000}.get(scale, 1)
    else:
        numeral = match.group("chinese")
        integer = _chinese_integer(numeral) if len(numeral) <= MAX_NUMERAL else None
        if integer is None:
            return None
        value = float(integer)
        if len(numeral) == 1 and not re.match(r"[ \t]*[元块米圆]", text[end : end + 2]):
            return None  # 一瓶, 两件: a lone numeral without a price unit counts things, not money
    # 9块9, 九块九, 3元5: a unit followed by one digit is tenths (a price never goes on past a line break)
    tail = re.match(r"[ \t]*[元块][ \t]*(\d|[一二两三四五六七八九])(?![\d十百千万])", text[end : end + 4])
    if tail:
        tenths = tail.group(1)
        value += (int(tenths) if tenths.isdigit() else _DIGITS[tenths]) / 10
        end += tail.end()
    else:
        unit = _PRICE_UNIT.match(text, end)
        if unit and unit.end() > end:
            end = unit.end()
    if not 0 < value < math.inf:  # 0, or more digits than a float holds: not a price
        return None
    return Amount(value, at, end)


def format_amount(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def discount_note(reference: Amount, selling: Amount | None) -> str:
    """The figure added to a price finding's message."""
    if selling is None or selling.value >= reference.value:
        return f"(参考价 {format_amount(reference.value)} 元)"
    ratio = selling.value / reference.value * 10
    return (
        f"(参考价 {format_amount(reference.value)} 元,售价 {format_amount(selling.value)} 元,"
        f"约 {ratio:.1f} 折)"
    )
