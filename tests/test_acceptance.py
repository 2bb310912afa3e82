"""The foundation issue's acceptance cases, on the bundled rules."""

from __future__ import annotations

import pytest

from checker import check_text


@pytest.mark.parametrize(
    ("text", "categories", "match"),
    [
        ("全网最低价,错过今天再等一年", {"price-marketing"}, "全网最低价"),
        ("别家直播间卖的都是假货", {"disparagement"}, "假货"),
        ("这款降压药吃一个月就能停药", {"health-claim", "restricted-goods"}, None),
        ("不买的都给我踢出去", {"kick-threat"}, "踢出去"),
        ("拍了退货还能白赚运费", {"freight-abuse"}, "运费"),
        ("家人们,全 网 最 低!", {"price-marketing"}, "全 网 最 低"),
        ("家人们,全*网*最*低!", {"price-marketing"}, "全*网*最*低"),
    ],
)
def test_found_with_the_right_category(rules, text: str, categories: set[str], match: str | None) -> None:
    findings = check_text(text, rules).findings
    assert {f.category.value for f in findings} & categories, [(f.rule, f.match) for f in findings]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.match
        assert finding.notice.title and finding.clause and finding.message
    if match is not None:
        assert any(match in f.match for f in findings if f.category.value in categories)


def test_spaced_evasion_span_is_on_the_original_characters(rules) -> None:
    text = "家人们,全 网 最 低!"
    spans = [(f.start, f.end) for f in check_text(text, rules).findings if f.category.value == "price-marketing"]
    assert (4, 11) in spans


@pytest.mark.parametrize(
    "text",
    ["这是我第一次来直播间", "最近天气冷了多穿点", "该地区属于国家级自然保护区"],
)
def test_not_flagged(rules, text: str) -> None:
    assert [(f.rule, f.match) for f in check_text(text, rules).findings] == []
