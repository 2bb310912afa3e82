"""Engine behaviour on a small fixed ruleset: spans, lines, boundaries, exceptions, proximity, folding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checker import Category, Level, check_text, load_rules
from checker.engine import SelectionError

RULES_DIR = Path(__file__).parent / "data" / "rules"


@pytest.fixture(scope="module")
def test_rules():  # type: ignore[no-untyped-def]
    return load_rules([RULES_DIR], bundled=False)


def _hits(text, rules):  # type: ignore[no-untyped-def]
    return [(f.rule, f.start, f.end, f.match) for f in check_text(text, rules).findings]


def test_finding_carries_rule_category_level_notice_and_span(test_rules) -> None:
    [finding] = check_text("家人们今天全网最低价!", test_rules).findings
    assert (finding.rule, finding.category, finding.level) == ("TST-001", Category.PRICE_MARKETING, Level.ERROR)
    assert (finding.start, finding.end, finding.match) == (5, 10, "全网最低价")
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 6, 1, 10)
    assert finding.notice.id == "test-notice" and finding.notice.title == "测试来源 第一条"
    assert finding.clause == "第一条" and finding.suggestions == ("直播间活动价",)


def test_overlapping_patterns_of_one_rule_give_one_finding(test_rules) -> None:
    assert _hits("全网最低价", test_rules) == [("TST-001", 0, 5, "全网最低价")]


@pytest.mark.parametrize(
    ("text", "span", "match"),
    [
        ("全 网 最 低", (0, 7), "全 网 最 低"),
        ("全*网*最*低", (0, 7), "全*网*最*低"),
        ("全\u200b网\u200b最低", (0, 6), "全\u200b网\u200b最低"),
        ("今天 全·网·最·低 哦", (3, 10), "全·网·最·低"),
        ("ＮＯ．１的品质", (0, 4), "ＮＯ．１"),
        ("NO.1", (0, 4), "NO.1"),
    ],
)
def test_folded_hits_span_the_original_characters(test_rules, text, span, match) -> None:
    findings = check_text(text, test_rules).findings
    assert [(f.start, f.end, f.match) for f in findings] == [(*span, match)]


def test_sentence_punctuation_is_never_folded_away(test_rules) -> None:
    assert _hits("全网,最低", test_rules) == []
    assert _hits("全网。最低", test_rules) == []


def test_exception_covering_the_hit_cancels_it(test_rules) -> None:
    assert _hits("我们不是全网最低", test_rules) == []
    assert _hits("顾客第一", test_rules) == []
    # an exception elsewhere in the text does not cancel another hit
    assert _hits("我们不是全网最低,但是全网最低价", test_rules) == [("TST-001", 11, 16, "全网最低价")]


def test_ruleset_level_exception_applies_to_every_rule_it_covers(test_rules) -> None:
    assert _hits("本品最佳饮用温度为4℃", test_rules) == []
    assert _hits("口感最佳", test_rules) == [("TST-004", 2, 4, "最佳")]


@pytest.mark.parametrize("text", ["这是我第一次来直播间", "第一步先洗脸", "第一眼就爱上"])
def test_word_boundary_rejects_a_term_inside_a_word(test_rules, text) -> None:
    assert _hits(text, test_rules) == []


@pytest.mark.parametrize("text", ["销量第一", "我们家销量第一的款"])
def test_word_boundary_accepts_a_whole_word(test_rules, text) -> None:
    assert [hit[0] for hit in _hits(text, test_rules)] == ["TST-002"]


def test_proximity_needs_the_near_term_in_the_same_sentence_within_the_window(test_rules) -> None:
    assert _hits("别家卖的都是假货", test_rules) == [("TST-003", 0, 8, "别家卖的都是假货")]
    assert _hits("假货!别家", test_rules) == []  # another sentence
    assert _hits("别家的衣服我们不评价,但是买到假货可以退", test_rules) == []  # beyond 8 characters
    assert _hits("假货包退", test_rules) == []
    assert _hits("是假货吧,隔壁直播间", test_rules) == [("TST-003", 1, 10, "假货吧,隔壁直播间")]


def test_lines_and_columns_count_characters_from_one(test_rules) -> None:
    text = "第一行\r\n第二行全网最低价\n\n销量第一\r最后"
    findings = check_text(text, test_rules).findings
    assert [(f.rule, f.line, f.column) for f in findings] == [("TST-001", 2, 4), ("TST-002", 4, 3)]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.match


def test_a_hit_spanning_folded_separators_reports_end_line_and_column(test_rules) -> None:
    [finding] = check_text("好\n全 网 最 低", test_rules).findings
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 1, 2, 7)


def test_findings_are_sorted_by_offset_then_rule(test_rules) -> None:
    findings = check_text("销量第一,全网最低价,效果最佳", test_rules).findings
    assert [f.rule for f in findings] == ["TST-002", "TST-001", "TST-004"]


def test_empty_and_clean_texts_give_no_findings(test_rules) -> None:
    assert check_text("", test_rules).findings == ()
    assert check_text("今天天气很好", test_rules).findings == ()


def test_select_and_ignore_by_id_prefix_category_and_notice() -> None:
    def ids(**kwargs):  # type: ignore[no-untyped-def]
        return [r.id for r in load_rules([RULES_DIR], bundled=False, **kwargs).selected]

    assert ids(select=["TST-001"]) == ["TST-001"]
    assert ids(select=["absolute-claim"]) == ["TST-002", "TST-004"]
    assert ids(select=["TST"], ignore=["disparagement", "TST-004"]) == ["TST-001", "TST-002", "TST-005"]
    assert ids(select=["test-notice"], ignore=["tst-00"]) == []
    with pytest.raises(SelectionError):
        load_rules([RULES_DIR], bundled=False, select=["NOPE"])


def test_one_compiled_ruleset_serves_many_threads(test_rules) -> None:
    texts = [f"第{i}句,销量第一,别家卖的都是假货,全 网 最 低" for i in range(200)]
    expected = [_hits(text, test_rules) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda t: _hits(t, test_rules), texts)) == expected


def test_overlapping_findings_of_one_source_are_reduced_to_the_strongest(test_rules) -> None:
    # TST-005 (info, 最低价) lies inside TST-001 (error, 全网最低价): one source, so one finding
    assert _hits("今天全网最低价", test_rules) == [("TST-001", 2, 7, "全网最低价")]
    assert _hits("今天最低价", test_rules) == [("TST-005", 2, 5, "最低价")]
    # findings that only touch both stay
    assert [h[0] for h in _hits("全网最低价第一", test_rules)] == ["TST-001", "TST-002"]


def test_allowlisted_terms_cover_hits_inside_them() -> None:
    rules = load_rules([RULES_DIR], bundled=False, allow=["第一 牌", "全网最低价格监测"])
    assert _hits("第一牌酱油", rules) == []
    assert _hits("全网最低价格监测工具", rules) == []
    assert [h[0] for h in _hits("销量第一", rules)] == ["TST-002"]
