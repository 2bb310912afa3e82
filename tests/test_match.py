"""The matcher's two backends give the same hits, in the same order, and so the same findings."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from checker import check_text
from checker import match as match_module
from checker.match import AHOCORASICK_RS, BACKENDS, PYAHOCORASICK, Matcher, Role

ROOT = Path(__file__).resolve().parent.parent


def example_texts(rules) -> list[str]:  # type: ignore[no-untyped-def]
    return [example.text for rule in rules.ruleset.rules for example in rule.fail_examples + rule.pass_examples]


def corpus_texts() -> list[str]:
    """The example script, the golden documents and whatever corpus the tests hold."""
    paths = [ROOT / "examples" / "live-script.txt"]
    for folder in ("corpus", "golden"):
        paths += sorted(p for p in (ROOT / "tests" / folder).rglob("*") if p.is_file() and p.suffix in (".txt", ".md"))
    return [p.read_text(encoding="utf-8") for p in paths if p.is_file()]


def with_backend(rules, backend: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(rules, matcher=Matcher(rules.selected, rules.allow, backend=backend))


def folded(rules, text: str) -> str:  # type: ignore[no-untyped-def]
    return rules.folder.fold(text).text if hasattr(rules, "folder") else text


def test_both_backends_give_identical_hits_on_every_example_and_the_corpus(rules) -> None:
    reference = Matcher(rules.selected, rules.allow, backend=PYAHOCORASICK)
    rust = Matcher(rules.selected, rules.allow, backend=AHOCORASICK_RS)
    texts = example_texts(rules) + corpus_texts()
    total = 0
    for text in texts:
        folded_text = folded(rules, text)
        expected = list(reference.hits(folded_text))
        assert list(rust.hits(folded_text)) == expected, text
        total += len(expected)
    assert total > len(rules.selected)  # every fail example hits at least once


def test_both_backends_give_identical_findings_on_every_example_and_the_corpus(rules) -> None:
    reference, rust = with_backend(rules, PYAHOCORASICK), with_backend(rules, AHOCORASICK_RS)
    for text in example_texts(rules) + corpus_texts():
        assert check_text(text, rust).findings == check_text(text, reference).findings, text


def test_rust_backend_chunks_find_terms_across_chunk_borders(rules, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = Matcher(rules.selected, rules.allow, backend=PYAHOCORASICK)
    rust = Matcher(rules.selected, rules.allow, backend=AHOCORASICK_RS)
    text = folded(rules, "\n".join(example_texts(rules)))
    monkeypatch.setattr(match_module, "CHUNK", 7)  # every term of more than a few characters straddles a border
    assert list(rust.hits(text)) == list(reference.hits(text))


def test_hits_are_spans_roles_and_rule_indexes(rules) -> None:
    matcher = Matcher(rules.selected, rules.allow)
    text = "家人们全网最低价"
    hits = list(matcher.hits(text))
    rule_ids = {rules.selected[index].id for start, end, role, index in hits if role is Role.PATTERN and text[start:end] == "全网最低价"}
    assert "PRC-001" in rule_ids
    for start, end, _role, _index in hits:
        assert 0 <= start < end <= len(text)


@pytest.mark.parametrize("backend", BACKENDS)
def test_matchers_pickle_and_still_match(rules, backend: str) -> None:
    matcher = Matcher(rules.selected, rules.allow, backend=backend)
    copy = pickle.loads(pickle.dumps(matcher))
    text = "家人们全网最低价,加微信领券"
    assert list(copy.hits(text)) == list(matcher.hits(text)) != []
    assert copy.term_count == matcher.term_count == len({t for r in rules.selected for t in r.patterns + r.exceptions + r.near} | set(rules.allow))


def test_no_terms_and_unknown_backend() -> None:
    for backend in BACKENDS:
        assert list(Matcher([], backend=backend).hits("全网最低价")) == []
    with pytest.raises(ValueError, match="unknown matcher backend"):
        Matcher([], backend="regex")
