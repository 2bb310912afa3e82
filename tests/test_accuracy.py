"""Accuracy floors on the labelled corpora (tests/corpus/): precision and recall, exemptions, evasions.

`livelint eval tests/corpus/dev.jsonl` prints the full table; docs/accuracy.md records it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import Category
from checker.evaluate import Scores, evaluate, read_corpus

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def dev(rules) -> Scores:  # type: ignore[no-untyped-def]
    return evaluate(read_corpus(CORPUS / "dev.jsonl"), rules)


def test_development_corpus_precision_and_recall(dev: Scores) -> None:
    assert dev.precision() >= 0.95
    assert dev.recall() >= 0.95


@pytest.mark.parametrize("category", [c.value for c in Category])
def test_every_category_is_covered_and_accurate(dev: Scores, category: str) -> None:
    assert dev.per_category[category]["cases"] >= 30
    assert dev.precision(category) >= 0.85, category
    assert dev.recall(category) >= 0.85, category


def test_false_positive_rate_on_negatives(dev: Scores) -> None:
    assert dev.negatives >= 400
    assert dev.false_positive_rate <= 0.03


def test_evasions_are_recalled(dev: Scores) -> None:
    assert dev.evasion_recall() >= 0.9
    for tag in dev.per_tag:
        if tag.startswith("evasion:"):
            assert dev.tag_rate(tag) >= 0.8, tag


def test_exemptions_hold(dev: Scores) -> None:
    for tag in dev.per_tag:
        if tag.startswith("exemption:"):
            assert dev.tag_rate(tag) >= 0.8, tag


def test_holdout_corpus_generalises(rules) -> None:  # type: ignore[no-untyped-def]
    path = CORPUS / "holdout.jsonl"
    if not path.exists():
        pytest.skip("no held-out corpus")
    scores = evaluate(read_corpus(path), rules)
    assert scores.precision() >= 0.85
    assert scores.recall() >= 0.7
