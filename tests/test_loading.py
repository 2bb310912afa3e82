"""The strict loader: every mistake in a ruleset is an error naming path and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker import RulesetError, load_ruleset

RULES_DIR = Path(__file__).parent / "data" / "rules"

GOOD_RULE = """\
prefix: BAD
source: test-notice
description: d
rules:
  - id: BAD-001
    category: price-marketing
    level: error
    message: m
    clause: c
    boundary: none
    patterns: [全网最低]
    examples:
      fail: [全网最低]
      pass: [很低]
"""


def _problems(tmp_path: Path, text: str, name: str = "bad.yml") -> list[str]:
    shutil.copy(RULES_DIR / "notices.yml", tmp_path / "notices.yml")
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset([tmp_path], bundled=False)
    return caught.value.problems


def test_a_good_file_loads(tmp_path: Path) -> None:
    shutil.copy(RULES_DIR / "notices.yml", tmp_path / "notices.yml")
    (tmp_path / "good.yml").write_text(GOOD_RULE, encoding="utf-8")
    ruleset = load_ruleset([tmp_path], bundled=False)
    assert [r.id for r in ruleset.rules] == ["BAD-001"]
    assert ruleset.rules[0].line == 5


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("    boundary: none\n", "    boundary: none\n    colour: red\n"), 11, "unknown key 'colour'"),
        (("category: price-marketing", "category: price"), 6, "unknown category 'price'"),
        (("level: error", "level: fatal"), 7, "unknown level 'fatal'"),
        (("boundary: none", "boundary: sometimes"), 10, "unknown boundary 'sometimes'"),
        (("patterns: [全网最低]", "patterns: []"), 11, "patterns must not be empty"),
        (("patterns: [全网最低]", "patterns: 全网最低"), 11, "patterns must be a list of strings"),
        (("patterns: [全网最低]", "patterns: [全网最低, 全 网 最 低]"), 11, "duplicate term"),
        (("patterns: [全网最低]", "patterns: [2023]"), 11, "must be a string (quote values"),
        (("    boundary: none\n", "    boundary: none\n    exceptions: [不低]\n"), 11, "never applies"),
        (("id: BAD-001", "id: PRC-001"), 5, "must be BAD-NNN"),
        (("      pass: [很低]\n", ""), 13, "missing the required key 'pass'"),
        (("      pass: [很低]", "      pass: []"), 14, "examples.pass must be a non-empty list"),
        (("source: test-notice", "source: nowhere"), 2, "unknown source 'nowhere'"),
        (("    clause: c\n", ""), 5, "missing the required key 'clause'"),
        (("    boundary: none\n", "    boundary: none\n    window: 5\n"), 11, "only applies to rules of kind proximity"),
        (("    boundary: none\n", "    boundary: none\n    kind: proximity\n"), 5, "needs a non-empty `near` list"),
        (("      fail: [全网最低]", "      fail: [{text: 全网最低, match: 最高}]"), 13, "is not in its text"),
        (("prefix: BAD", "prefix: bad"), 1, "must be 2-5 upper-case letters"),
        (("    level: error\n", "    level: error\n    level: info\n"), 8, "duplicate key 'level'"),
    ],
)
def test_each_mistake_is_reported_with_path_and_line(tmp_path: Path, change, line, message) -> None:
    old, new = change
    assert old in GOOD_RULE
    problems = _problems(tmp_path, GOOD_RULE.replace(old, new, 1))
    assert any(p.startswith(f"{tmp_path / 'bad.yml'}:{line}: ") and message in p for p in problems), problems


def test_duplicate_rule_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD_RULE, encoding="utf-8")
    problems = _problems(tmp_path, GOOD_RULE, name="b.yml")
    assert problems == [f"{tmp_path / 'b.yml'}:5: duplicate rule id BAD-001 (also in {tmp_path / 'a.yml'}:5)"]


def test_yaml_extension_is_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD_RULE, name="rules.yaml")
    assert problems == [f"{tmp_path / 'rules.yaml'}:1: ruleset files end in .yml, not .yaml (rename it)"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD_RULE.replace("    message: m\n", "    message: [m\n"))
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'bad.yml'}:") and "invalid YAML" in problems[0]


def test_alias_bomb_fails_fast_as_a_wrong_type(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    problems = _problems(tmp_path, bomb)
    assert all(p.startswith(f"{tmp_path / 'bad.yml'}:") for p in problems)
    assert any("unknown key 'a'" in p for p in problems)


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("level: error", "level: fatal").replace("category: price-marketing", "category: x")
    problems = _problems(tmp_path, text)
    assert len(problems) == 2


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as caught:
        load_ruleset([tmp_path / "nope"], bundled=False)
    assert caught.value.problems == [f"{tmp_path / 'nope'}:1: not a folder of rulesets"]


def test_safe_suggestion_becomes_the_fix_and_suppressible_defaults_to_true(tmp_path: Path) -> None:
    shutil.copy(RULES_DIR / "notices.yml", tmp_path / "notices.yml")
    text = GOOD_RULE.replace("    boundary: none\n", "    boundary: none\n    suppressible: false\n    suggestions: [很实惠, {text: 活动价, safe: true}]\n")
    (tmp_path / "good.yml").write_text(text, encoding="utf-8")
    [rule] = load_ruleset([tmp_path], bundled=False).rules
    assert (rule.suggestions, rule.fix, rule.suppressible) == (("很实惠", "活动价"), "活动价", False)
    (tmp_path / "good.yml").write_text(GOOD_RULE, encoding="utf-8")
    [rule] = load_ruleset([tmp_path], bundled=False).rules
    assert (rule.fix, rule.suppressible) == (None, True)


def test_two_safe_suggestions_are_an_error(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("    boundary: none\n", "    boundary: none\n    suggestions: [{text: a, safe: true}, {text: b, safe: true}]\n")
    problems = _problems(tmp_path, text)
    assert any(":11: at most one suggestion may be marked safe" in p for p in problems), problems
