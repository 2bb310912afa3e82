"""Property tests of `check_text` and folding over arbitrary Unicode (hypothesis).

The texts mix what sellers write (the rules' own examples, prices, cue words, evasions) with what
breaks naive code: combining marks, emoji ZWJ sequences, variation selectors, RTL marks, NUL, lone CR,
CRLF, private-use, unassigned, astral and lone surrogate code points (the JSON API can deliver those).
Whatever the text: no exception; every finding's `match` is the original slice; spans lie inside the
text, sorted; line and column agree with the offset; folding is idempotent and its offset map stays
inside the text, in order; and a text gives the same findings whole as line by line.

The number of examples is the hypothesis profile's (tests/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from checker import Rules, check_text, load_rules
from checker.normalise import Folder, fold

# Code points that break naive text handling, one entry each.
HOSTILE = [
    "\u0301",  # combining acute accent
    "\u0308\u0323",  # stacked combining marks
    "\u200d",  # zero-width joiner
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: an emoji ZWJ sequence
    "\u2764\ufe0f",  # heart with variation selector 16
    "\ufe0e",  # variation selector 15
    "\U000e0100",  # variation selector 17 (astral)
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",  # Arabic
    "\x00",  # NUL
    "\r",  # lone CR
    "\r\n",
    "\n",
    "\x0b",
    "\x0c",
    "\x85",  # next line
    "\u2028",  # line separator
    "\ue000",  # private use
    "\U000f0000",  # supplementary private use
    "\u0378",  # unassigned
    "\U0001f525",  # 🔥 (astral)
    "\U0010ffff",  # the last code point
    "\U00020000",  # CJK extension B (astral ideograph)
    "\ufeff",  # byte-order mark / zero-width no-break space
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\u3000",  # ideographic space
    "\uff01",  # full-width !
    "ｚｕｉ",
    "١٢٣",  # Arabic-Indic digits: \d in Python
    "𝟗𝟗",  # mathematical digits: \d too
]
# Pieces of livestream text that reach the rules' context code: prices, cue words, quotes, evasions.
PIECES = [
    "全网最低价", "销量第一", "原价", "399", "1.2", "万", "元", "块", "九", "三百", "现价", "到手价", "只要",
    "不是", "不说", "吗", "?", "!", "。", ",", ";", ":", "“", "”", "《", "》", "【", "】", "'", '"',
    "本店", "我们家", "数据来源", "2023年", "据统计", "最", "最最", "第一", "zui", "jia", "v", "薇信", "加",
    "治", "li", "疗", " ", "·", "*", "-", ".", "#", "//", "\t", "a", "Z", "別家", "假货", "踢出去", "全 网 最 低",
    "livelint: ignore[PRC-001] 理由", "<!--", "-->",
]


def _rule_texts(rules: Rules) -> list[str]:
    texts = {example.text for rule in rules.ruleset.rules for example in (*rule.fail_examples, *rule.pass_examples)}
    return sorted(texts)


RULES = load_rules()  # module level: hypothesis strategies are built at import time; a Rules object is immutable
EXAMPLES = _rule_texts(RULES)

pieces = st.one_of(
    st.sampled_from(EXAMPLES),
    st.sampled_from(PIECES),
    st.sampled_from(HOSTILE),
    st.text(max_size=4),  # any code point but surrogates
    st.characters(categories=["Cs", "Co", "Cn", "Mn", "Cf"]),  # surrogates, private use, unassigned, marks, format
)
texts = st.lists(pieces, max_size=24).map("".join)

_BREAK = re.compile(r"\r\n|\r|\n")


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, lines ending at \\n, \\r\\n or a lone \\r (written independently
    of the engine's bisect over line starts)."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    last_break = max(before.rfind("\n"), before.rfind("\r"))
    return line, offset - last_break


def _key(finding):  # type: ignore[no-untyped-def]
    return (finding.start, finding.end, finding.rule, finding.level, finding.message, finding.line, finding.column, finding.end_line, finding.end_column)


# ---- check_text ----------------------------------------------------------------------------------


@given(texts)
@example("全网最低价\r\n销量第一\r最后")
@example("原价" + "九" * 400)  # a numeral with more digits than a float holds: was OverflowError
@example("原价" + "9" * 400 + "现价99")  # an infinite reference price: not a price
def test_check_text_never_raises_and_findings_point_into_the_text(text: str) -> None:
    findings = check_text(text, RULES).findings
    assert list(findings) == sorted(findings, key=lambda f: f.sort_key())
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.match == text[finding.start : finding.end]
        assert (finding.line, finding.column) == position(text, finding.start)
        assert (finding.end_line, finding.end_column) == position(text, finding.end - 1)
        assert finding.message and finding.notice.id


@given(texts)
@example("原价399\n万人团购")  # a scale word on the next line is not part of the price
@example("原价三百\n元")
@example("原价9\n块9")
@example("全网最低价\r销量第一")
@example("a\r\n原价399\r\n现价99")
def test_a_text_gives_the_same_findings_whole_and_line_by_line(text: str) -> None:
    """A line break (\\n, \\r\\n or a lone \\r) ends a sentence: no finding reaches across one, and
    nothing on one line changes what is found on another."""
    whole = [_key(f) for f in check_text(text, RULES).findings]
    by_line = []
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    ends = [m.start() for m in _BREAK.finditer(text)] + [len(text)]
    for number, (start, end) in enumerate(zip(starts, ends), 1):
        for f in check_text(text[start:end], RULES).findings:
            assert f.line == f.end_line == 1
            by_line.append((f.start + start, f.end + start, f.rule, f.level, f.message, number, f.column, number, f.end_column))
    assert whole == sorted(by_line, key=lambda k: (k[0], k[1], k[2]))


def test_every_rule_example_gives_the_same_findings_between_hostile_lines() -> None:
    """Each rule example, put on its own line between lines of hostile characters, gives the findings
    it gives alone, shifted."""
    prefix, suffix = "\u202e\U0001f468\u200d\U0001f469\x00\ud800\r\n", "\n\ue000\u0378\U0010ffff"
    fired = 0
    for text in EXAMPLES:
        plain = [(f.rule, f.start, f.end) for f in check_text(text, RULES).findings]
        wrapped = [(f.rule, f.start - len(prefix), f.end - len(prefix)) for f in check_text(prefix + text + suffix, RULES).findings]
        assert plain == wrapped, text
        fired += bool(plain)
    assert fired > 300  # the fail examples fire


# ---- folding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [Folder(), RULES.folder], ids=["built-in tables", "bundled folding.yml"])
@given(text=texts)
@example(text="全\u200b网\ufeff最\u200d低 ＶＸ")
@example(text="最ｚｕｉ")  # pinyin next to a repeat character: was 最最, then 最 when folded again
@example(text="薇 信")  # a homophone phrase split by a separator: was 薇信, then 微信
@example(text="zui 低")  # a pinyin syllable split from its character: was zui低, then 最低
def test_folding_is_idempotent_and_maps_back_inside_the_text_in_order(folder: Folder, text: str) -> None:
    folded = folder.fold(text)
    assert folder.fold(folded.text).text == folded.text
    previous_end = 0
    for index in range(len(folded.text)):
        start, end = folded.original_span(index, index + 1)
        assert 0 <= start < end <= len(text)
        assert start >= previous_end  # in order: folded characters never map back to overlapping originals
        previous_end = end


@pytest.mark.parametrize(
    ("text", "rule", "match"),
    [("加 薇 信", "OFF-001", "加 薇 信"), ("加*薇*信", "OFF-001", "加*薇*信"), ("全网 zui 低", "PRC-001", "全网 zui 低")],
)
def test_separators_inside_homophones_and_pinyin_are_skipped_like_inside_any_term(text: str, rule: str, match: str) -> None:
    """Found by the idempotence property: one folding pass skipped the separators but never looked
    again at what they had kept apart."""
    assert (rule, match) in [(f.rule, f.match) for f in check_text(text, RULES).findings]


def test_the_module_level_fold_uses_the_built_in_tables() -> None:
    assert fold("ＡＢ  全 网*最低").text == Folder().fold("ＡＢ  全 网*最低").text == "ab全网最低"
