"""Folding keeps a map back to the original offsets."""

from __future__ import annotations

import pytest

from checker.normalise import fold, fold_term


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("全 网 最 低", "全网最低"),
        ("全*网*最*低", "全网最低"),
        ("全\u200b网\ufeff最\u200d低", "全网最低"),
        ("ＶＸ：ａｂｃ", "vx:abc"),
        ("原价￥２９９", "原价¥299"),
        ("加　V", "加v"),
        ("今天,很好。\n明天!", "今天,很好。\n明天!"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


def test_every_folded_character_maps_back_to_the_same_character_folded() -> None:
    text = "家人们 全·网·最·低 ，Ｖ我 ** 加微 信\r\n最后"
    result = fold(text)
    for index, char in enumerate(result.text):
        original = text[result.original_offset(index)]
        assert fold_term(original) == char


def test_span_covers_the_separators_inside_it() -> None:
    text = "来 全 - 网 最低 吧"
    result = fold(text)
    start = result.text.index("全网最低")
    assert result.original_span(start, start + 4) == (2, 10)
    assert text[2:10] == "全 - 网 最低"


def test_fold_is_idempotent() -> None:
    text = "ＡＢ  全 网*最低  No.1"
    assert fold(fold(text).text).text == fold(text).text
