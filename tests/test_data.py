"""The ruleset data itself: sources, titles, categories, coverage, consistency (like codespell's data tests)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from checker import Category, load_ruleset
from checker.loading import bundled_ruleset_dir

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_0727f2d280d42ca1.txt"
TAXONOMY = ROOT.parent / "shared" / "TAXONOMY.md"


@pytest.fixture(scope="module")
def ruleset():  # type: ignore[no-untyped-def]
    return load_ruleset()


def seed_titles() -> list[str]:
    """Each notice in the seed is its title, a blank line, the title again and an excerpt."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line for i, line in enumerate(lines) if line and i + 2 < len(lines) and lines[i + 1] == "" and lines[i + 2] == line]


def test_seed_is_the_shared_seed_verbatim() -> None:
    shared = ROOT.parent / "shared" / "seeds" / SEED.name
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert SEED.read_bytes() == shared.read_bytes()


def test_notices_are_the_30_seed_titles_verbatim_in_order(ruleset) -> None:
    titles = seed_titles()
    assert len(titles) == 30
    seeds = [n for n in ruleset.notices if n.kind == "seed"]
    assert [n.title for n in seeds] == titles
    assert [n.source for n in seeds] == [f"seeds/{SEED.name}#{i}" for i in range(1, 31)]


def test_every_seed_notice_yields_rules_or_says_why_not(ruleset) -> None:
    with_rules = {rule.notice.id for rule in ruleset.rules}
    for notice in ruleset.notices:
        if notice.kind == "seed":
            assert (notice.id in with_rules) != bool(notice.no_rules), notice.id


@pytest.mark.parametrize(
    "notice_id",
    [
        "ks-price-marketing", "ks-unfair-competition", "ks-sanpin-yixie", "ks-return-freight",
        "ks-kick-out", "ks-price-protection", "ks-ceramics-tea", "ks-broadband", "adlaw-9", "adlaw-16-18",
    ],
)
def test_the_main_sources_yield_rules(ruleset, notice_id: str) -> None:
    assert any(rule.notice.id == notice_id for rule in ruleset.rules)


def test_categories_are_exactly_the_taxonomy() -> None:
    if not TAXONOMY.exists():
        pytest.skip("../shared is not beside this checkout")
    ids = re.findall(r"^\| `([a-z-]+)` \|", TAXONOMY.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(ids) == sorted(c.value for c in Category)


def test_each_file_holds_the_rules_of_its_own_source(ruleset) -> None:
    for rule in ruleset.rules:
        assert rule.ruleset == rule.notice.id, f"{rule.path}: name the file after its source {rule.notice.id}"


def test_depth_where_violations_happen(ruleset) -> None:
    patterns = defaultdict(int)
    for rule in ruleset.rules:
        patterns[rule.category] += len(rule.patterns)
    assert sum(patterns.values()) >= 500
    for category in (Category.PRICE_MARKETING, Category.ABSOLUTE_CLAIM, Category.HEALTH_CLAIM):
        assert patterns[category] >= 80, category


def test_no_pattern_is_a_single_character(ruleset) -> None:
    assert [(r.id, p) for r in ruleset.rules for p in r.patterns if len(p) < 2] == []


def test_no_pattern_is_in_two_rules_of_one_category(ruleset) -> None:
    owners = defaultdict(list)
    for rule in ruleset.rules:
        if rule.kind.value == "terms":
            for pattern in rule.patterns:
                owners[(rule.category, pattern)].append(rule.id)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_rule_ids_are_numbered_in_order_within_each_file(ruleset) -> None:
    by_file = defaultdict(list)
    for rule in ruleset.rules:
        by_file[rule.path].append(rule.id)
    for path, ids in by_file.items():
        numbers = [int(rule_id.split("-")[1]) for rule_id in ids]
        assert numbers == list(range(1, len(ids) + 1)), path


def test_only_yml_files_in_rulesets() -> None:
    assert [p.name for p in bundled_ruleset_dir().iterdir() if p.suffix != ".yml"] == []
