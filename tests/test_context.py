"""Context decisions: prices read aloud, negation, quotation, self-comparison, time-limited facts."""

from __future__ import annotations

import pytest

from checker import check_text
from checker.context import amount_at, cue_pattern, discount_note, negated, quoted, self_scoped


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("399", 399, "399"),
        ("399元", 399, "399元"),
        ("¥399", 399, "399"),
        ("是399块", 399, "399块"),
        ("1.2万", 12000, "1.2万"),
        ("99米", 99, "99米"),
        ("9块9", 9.9, "9块9"),
        ("九块九", 9.9, "九块九"),
        ("三百九十九", 399, "三百九十九"),
        ("一千二", 1200, "一千二"),
        ("两万五", 25000, "两万五"),
        ("十九块九", 19.9, "十九块九"),
        ("一百零五元", 105, "一百零五元"),
        ("三百多", 300, "三百多"),
        ("要两百出头", 200, "两百出头"),
    ],
)
def test_amounts_written_and_spoken(text: str, value: float, span: str) -> None:
    amount = amount_at(text, 0)
    assert amount is not None and amount.value == pytest.approx(value)
    assert text[amount.start : amount.end] == span


@pytest.mark.parametrize("text", ["", "好看", "是的", "零"])
def test_no_amount(text: str) -> None:
    assert amount_at(text, 0) is None


def test_discount_note() -> None:
    reference, selling = amount_at("399", 0), amount_at("99", 0)
    assert reference and selling
    assert discount_note(reference, selling) == "(参考价 399 元,售价 99 元,约 2.5 折)"
    assert discount_note(reference, None) == "(参考价 399 元)"


def test_negation_needs_a_cue_in_the_same_clause_and_no_rhetorical_question() -> None:
    cues = cue_pattern(["不是", "不说"])
    text = "这不是全网最低价"
    assert negated(text, 3, 8, len(text), cues)
    text = "这不是全网最低价吗"
    assert not negated(text, 3, 8, len(text), cues)
    text = "不是我吹,全网最低价"
    assert not negated(text, 5, 10, len(text), cues)  # the comma ends the clause


def test_quoted() -> None:
    text = "平台规定不能说“全网最低价”这种话"
    start = text.index("全网")
    assert quoted(text, start, start + 5)
    assert not quoted("今天全网最低价", 2, 7)


def test_self_scope_must_stand_right_before_the_superlative() -> None:
    cues = cue_pattern(["本店", "我们家"])
    assert self_scoped("本店最好的一款", 2, cues)
    assert self_scoped("我们家里最畅销", 4, cues)
    assert not self_scoped("我们家这个洗发水是最好用的", 9, cues)


@pytest.mark.parametrize(
    ("text", "rule", "level", "note"),
    [
        ("原价399今天只要99", "PRC-015", "warning", "约 2.5 折"),
        ("专柜价一千二,直播间只要三百九十九", "PRC-015", "warning", "约 3.3 折"),
        ("吊牌价899到手价199", "PRC-015", "warning", "约 2.2 折"),
        ("市场价1.2万的手表,今天秒杀价两千", "PRC-015", "warning", "约 1.7 折"),
        ("2023年天猫平台销量第一(数据来源:天猫)", "ABS-006", "info", "数据来源"),
        ("销量第一", "ABS-006", "error", ""),
    ],
)
def test_context_shapes_level_and_message(rules, text: str, rule: str, level: str, note: str) -> None:
    [finding] = [f for f in check_text(text, rules).findings if f.rule == rule]
    assert finding.level.value == level
    assert note in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "我们不说全网最低价",
        "这不是全网最低价,但是很划算",
        "平台规定不能说“全网最低价”这种词",
        "本店最好的一款",
        "本品不能根治任何疾病",
        "到手价99元",
        "今天直播间99米包邮",
    ],
)
def test_context_clears_what_is_not_a_claim(rules, text: str) -> None:
    assert [(f.rule, f.match) for f in check_text(text, rules).findings if f.level.value != "info"] == []


def test_a_rhetorical_question_is_still_a_claim(rules) -> None:
    assert any(f.rule == "PRC-001" for f in check_text("这不是全网最低价吗?", rules).findings)


@pytest.mark.parametrize(
    "text",
    ["《这样吃最健康》这本书不错", "史上最差的一次购物", "前所未有的痒,太难受了", "没达到100%满意的程度"],
)
def test_titles_complaints_and_unmet_claims_are_not_claims(rules, text: str) -> None:
    assert [(f.rule, f.match) for f in check_text(text, rules).findings if f.category.value == "absolute-claim"] == []


def test_an_intensifier_with_praise_is_still_a_claim(rules) -> None:
    assert any(f.category.value == "absolute-claim" for f in check_text("这是史上最好的面霜", rules).findings)


@pytest.mark.parametrize(
    ("text", "note"),
    [("原价③⑨⑨,今天⑨⑨到手", "约 2.5 折"), ("原价叁佰玖拾玖今天只要九十九", "约 2.5 折")],
)
def test_prices_are_read_through_folding(rules, text: str, note: str) -> None:
    findings = [f for f in check_text(text, rules).findings if f.rule == "PRC-015"]
    assert findings and note in findings[0].message
    assert text.startswith(findings[0].match)


@pytest.mark.parametrize("text", ["我们一直在追求做出最好吃的辣酱", "希望有一天咱们家的大米能卖到全国第一"])
def test_goals_are_not_claims(rules, text: str) -> None:
    assert [(f.rule, f.match) for f in check_text(text, rules).findings] == []


def test_a_lone_numeral_counts_things_not_money() -> None:
    assert amount_at("一瓶", 0) is None
    assert amount_at("一块", 0) is not None
