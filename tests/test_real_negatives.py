"""Real negatives: real titles, detail sentences and buyer reviews that no one here wrote.

Every flagged item (warning or error) was read: the true ones are listed in
tests/corpus/real-reviewed.jsonl, every other flagged item is a false positive and may be at most 1%
of all items. The list must not rot: each reviewed text must still be in the data and still be
flagged with one of its listed categories. docs/accuracy.md ("Real negatives") has the table;
benchmarks/real_negatives.py prints it and does the counting for this test too.

The whole set (~68k texts) is checked, not a sample: about 5-10 s on one core.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter

import pytest

from checker import Category
from conftest import ROOT, SHARED

REAL_TEXT = SHARED / "data" / "real-text"
REVIEWED_PATH = ROOT / "tests" / "corpus" / "real-reviewed.jsonl"
MAX_FALSE_POSITIVE_RATE = 0.01

pytestmark = pytest.mark.skipif(
    not (REAL_TEXT / "buyer-reviews" / "online_shopping_10_cats.csv").is_file(),
    reason=f"real texts not found at {REAL_TEXT} (../shared/data/real-text/ is not part of the repository)",
)


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("real_negatives", ROOT / "benchmarks" / "real_negatives.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reviewed() -> list[dict]:
    return [json.loads(line) for line in REVIEWED_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def result(rules, reviewed):  # type: ignore[no-untyped-def]
    bench = _bench()
    outcome = bench.run(rules, base=REAL_TEXT, reviewed=reviewed)
    print("\n" + bench.table(outcome))
    return outcome


def test_reviewed_list_is_well_formed(reviewed) -> None:  # type: ignore[no-untyped-def]
    categories = {category.value for category in Category}
    keys = Counter((entry["source"], entry["text"]) for entry in reviewed)
    assert [key for key, count in keys.items() if count > 1] == []
    for entry in reviewed:
        assert set(entry) == {"source", "text", "categories", "verdict", "note"}, entry
        assert entry["verdict"] == "true", entry  # only true violations are listed
        assert entry["categories"] and set(entry["categories"]) <= categories, entry
        assert entry["note"].strip(), entry


def test_whole_set_is_checked(result) -> None:  # type: ignore[no-untyped-def]
    # a loader that silently reads nothing would make every other assertion pass
    assert result.rows["taobao-titles"].items > 4900
    assert result.rows["jd-detail-sentences"].items == 90
    assert result.rows["buyer-reviews"].items > 62000


def test_reviewed_items_are_still_flagged(result, reviewed) -> None:  # type: ignore[no-untyped-def]
    stale = []
    for entry in reviewed:
        found = result.flagged.get((entry["source"], entry["text"]))
        if found is None or not found & set(entry["categories"]):
            stale.append((entry["source"], entry["text"][:60], entry["categories"], sorted(found or ())))
    assert stale == [], f"reviewed items no longer flagged with their categories (update the list): {stale}"


def test_false_positive_rate_on_real_text(result) -> None:  # type: ignore[no-untyped-def]
    total = result.total
    assert total.false_positives == len(result.unreviewed)
    rate = total.false_positives / total.items
    worst = "\n".join(f"{source}: {'; '.join(hits)}: {text[:80]}" for source, text, hits in result.unreviewed[:20])
    assert rate <= MAX_FALSE_POSITIVE_RATE, (
        f"{total.false_positives} of {total.items} real items flagged and not reviewed ({rate:.2%}); first ones:\n{worst}"
    )
