"""Every rule's examples run as tests: each fail text yields a finding of the rule, each pass text none.

Each rule is checked on its own, so a stronger sibling rule of the same source that would win the
span in a full check (one finding per span and source) cannot hide or excuse it.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from checker import Rules, RulesetError, check_text, load_ruleset

try:
    RULESET = load_ruleset()
    LOAD_PROBLEMS: list[str] = []
except RulesetError as exc:  # reported by test_bundled_rulesets_load instead of a collection crash
    RULESET = None
    LOAD_PROBLEMS = exc.problems


def _cases(kind: str):  # type: ignore[no-untyped-def]
    if RULESET is None:
        return []
    cases = []
    for rule in RULESET.rules:
        examples = rule.fail_examples if kind == "fail" else rule.pass_examples
        for index, example in enumerate(examples):
            cases.append(pytest.param(rule.id, example, id=f"{rule.id}-{kind}-{index}"))
    return cases


@lru_cache(maxsize=None)
def alone(rule_id: str) -> Rules:
    assert RULESET is not None
    return Rules.compile(RULESET, select=[rule_id])


def test_bundled_rulesets_load() -> None:
    assert LOAD_PROBLEMS == []


@pytest.mark.parametrize(("rule_id", "example"), _cases("fail"))
def test_fail_example_is_found(rule_id, example) -> None:  # type: ignore[no-untyped-def]
    hits = [f for f in check_text(example.text, alone(rule_id)).findings if f.rule == rule_id]
    assert hits, f"{rule_id} should flag: {example.text}"
    for finding in hits:
        assert example.text[finding.start : finding.end] == finding.match
    if example.match is not None:
        assert example.match in [f.match for f in hits]


@pytest.mark.parametrize(("rule_id", "example"), _cases("pass"))
def test_pass_example_is_clean(rule_id, example) -> None:  # type: ignore[no-untyped-def]
    hits = [f.match for f in check_text(example.text, alone(rule_id)).findings if f.rule == rule_id]
    assert hits == [], f"{rule_id} should not flag: {example.text}"


def test_every_rule_has_both_kinds_of_example() -> None:
    assert RULESET is not None
    missing = [r.id for r in RULESET.rules if not r.fail_examples or not r.pass_examples]
    assert missing == []
