"""Evasion folding: each kind of evasion is matched, and its span points at the original characters."""

from __future__ import annotations

import pytest

from checker import check_text, load_ruleset
from checker.normalise import Folder


@pytest.fixture(scope="module")
def folder() -> Folder:
    return Folder(load_ruleset().folding)


@pytest.mark.parametrize(
    ("kind", "text", "folded"),
    [
        ("fullwidth", "ＶＸ：１２３", "vx:123"),
        ("traditional", "全網最低價", "全网最低价"),
        ("variant", "全綱蕞低", "全网最低"),
        ("circled-digit", "第①", "第一"),
        ("financial-numeral", "第壹", "第一"),
        ("homophone", "加薇信", "加微信"),
        ("pinyin", "全网zui低", "全网最低"),
        ("pinyin-lead", "jia微信", "加微信"),
        ("repeat", "最最最低", "最低"),
        ("repeat-spaced", "最 最 最低", "最低"),
        ("emoji", "全🔥网🔥最低", "全网最低"),
        ("symbols", "全·网~最*低", "全网最低"),
        ("zero-width", "全\u200b网\u200d最低", "全网最低"),
        ("heart", "加v❤️", "加微信"),
    ],
)
def test_each_evasion_folds_to_the_plain_term(folder: Folder, kind: str, text: str, folded: str) -> None:
    assert folder.fold(text).text == folded, kind


def test_every_folded_character_maps_into_the_original(folder: Folder) -> None:
    text = "家人们全綱 zui低!加v❤️,第①名 最最最好"
    result = folder.fold(text)
    previous_end = 0
    for index in range(len(result.text)):
        start, end = result.original_offset(index), result.original_end(index)
        assert 0 <= start < end <= len(text)
        assert start >= previous_end or start == result.original_offset(index - 1)
        previous_end = end


def test_pinyin_needs_chinese_next_to_it(folder: Folder) -> None:
    assert folder.fold("zui").text == "zui"
    assert folder.fold("dior 口红").text == "dior口红"
    assert folder.fold("yiyi姐").text == "yiyi姐"  # not a single syllable standing alone


def test_wedged_letters_pass_only_when_letters_sit_inside_chinese(folder: Folder) -> None:
    wedged = folder.fold_wedged("能治li疗糖尿病")
    assert wedged is not None and wedged.text == "能治疗糖尿病"
    assert folder.fold_wedged("买XL码的朋友") is not None
    assert folder.fold_wedged("iPhone 15 很好用") is None


def test_folding_is_idempotent(folder: Folder) -> None:
    for text in ["全網 蕞低 zui低 ①", "加薇信 ❤️ 最最最好", "ＡＢＣ 第壹"]:
        once = folder.fold(text).text
        assert folder.fold(once).text == once


@pytest.mark.parametrize(
    ("text", "rule_prefix", "match"),
    [
        ("今天全綱蕞低价", "PRC", "全綱蕞低价"),
        ("全網最低價,快拍", "PRC", "全網最低價"),
        ("全·网·最·低", "PRC", "全·网·最·低"),
        ("全网zui低价", "PRC", "全网zui低价"),
        ("最最最低价", "PRC", "最最最低价"),
        ("全🔥网🔥最🔥低", "PRC", "全🔥网🔥最🔥低"),
        ("销量第①的面膜", "ABS", "销量第①"),
        ("第壹品牌", "ABS", "第壹品牌"),
        ("有事加我薇信私聊", "OFF", "加我薇信私聊"),
        ("jia微信下单", "OFF", "jia微信下单"),
        ("这个茶能治li疗糖尿病", "HLT", "治li疗糖尿病"),
    ],
)
def test_folded_evasions_are_found_on_the_original_characters(rules, text: str, rule_prefix: str, match: str) -> None:
    findings = [f for f in check_text(text, rules).findings if f.rule.startswith(rule_prefix)]
    assert findings, text
    assert any(match in f.match or f.match in match for f in findings), [(f.rule, f.match) for f in findings]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.match


@pytest.mark.parametrize(
    "text",
    [
        "大纲已经发给大家了",  # 纲 is not folded to 网
        "这位老师在学生中很有威信",  # 威信 folds to 微信, but nobody is asked to add it
        "iPhone 15 Pro 256G 全网通",
        "我们的目标是做最好的服务",
        "XL码和XXL码都有货",
        "帮我递一下那个杯子",
    ],
)
def test_folding_creates_no_hit_in_ordinary_text(rules, text: str) -> None:
    assert [(f.rule, f.match) for f in check_text(text, rules).findings] == []
