"""Real negatives: how much real commerce text the bundled rules flag, and how much of it is wrong.

    python3 benchmarks/real_negatives.py            # the table of docs/accuracy.md, "Real negatives"
    python3 benchmarks/real_negatives.py --list     # also every flagged item that is not reviewed

The texts are read from ../shared/data/real-text/ (or $LIVELINT_REAL_TEXT), never copied here.
A finding counts when its level is warning or error (info is "worth a look"). An item is one title,
one detail sentence or one review. Flagged items that tests/corpus/real-reviewed.jsonl lists were
read and judged true violation wording; every other flagged item is a false positive.
tests/test_real_negatives.py imports this module, so the test and the table agree.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL_TEXT = Path(os.environ.get("LIVELINT_REAL_TEXT", ROOT.parent / "shared" / "data" / "real-text"))
REVIEWED = ROOT / "tests" / "corpus" / "real-reviewed.jsonl"
SOURCES = ("taobao-titles", "jd-detail-sentences", "buyer-reviews")


def real_items(base: Path = REAL_TEXT) -> Iterator[tuple[str, str]]:
    """(source file relative to real-text/, text) for every non-empty item, in file order."""
    for name in ("train.txt", "dev.txt", "test.txt"):
        for line in (base / "taobao-titles" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield f"taobao-titles/{name}", line.strip()
    for path in sorted((base / "jd-detail-sentences").glob("*.sample")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")  # cid, sid, sentence, tagged sentence
            if len(parts) >= 3 and parts[2].strip():
                yield f"jd-detail-sentences/{path.name}", parts[2].strip()
    reviews = base / "buyer-reviews" / "online_shopping_10_cats.csv"
    with open(reviews, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):  # cat, label, review
            review = (row.get("review") or "").strip().lstrip("\ufeff").strip()
            if review:
                yield "buyer-reviews/online_shopping_10_cats.csv", review


def load_reviewed(path: Path = REVIEWED) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Row:
    items: int = 0
    flagged: int = 0
    reviewed_true: int = 0

    @property
    def false_positives(self) -> int:
        return self.flagged - self.reviewed_true

    @property
    def rate(self) -> float:
        return self.false_positives / self.items if self.items else 0.0


@dataclass
class Result:
    rows: dict[str, Row] = field(default_factory=lambda: {source: Row() for source in SOURCES})
    # (source, text) -> categories of its warning+ findings, for every flagged item
    flagged: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    unreviewed: list[tuple[str, str, list[str]]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> Row:
        total = Row()
        for row in self.rows.values():
            total.items += row.items
            total.flagged += row.flagged
            total.reviewed_true += row.reviewed_true
        return total


def run(rules=None, base: Path = REAL_TEXT, reviewed: list[dict] | None = None) -> Result:  # type: ignore[no-untyped-def]
    from checker import check_text, load_rules

    rules = rules if rules is not None else load_rules()
    reviewed = reviewed if reviewed is not None else load_reviewed()
    known = {(entry["source"], entry["text"]) for entry in reviewed}
    result = Result()
    started = time.perf_counter()
    for source, text in real_items(base):
        row = result.rows[source.split("/", 1)[0]]
        row.items += 1
        findings = [f for f in check_text(text, rules).findings if f.level.value != "info"]
        if not findings:
            continue
        row.flagged += 1
        result.flagged[(source, text)] = {f.category.value for f in findings}
        if (source, text) in known:
            row.reviewed_true += 1
        else:
            result.unreviewed.append((source, text, sorted(f"{f.rule} {f.match}" for f in findings)))
    result.seconds = time.perf_counter() - started
    return result


def table(result: Result) -> str:
    lines = [
        "| source | items | flagged | reviewed true | false positives | FP rate |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in [*result.rows.items(), ("all", result.total)]:
        label = f"**{name}**" if name == "all" else name
        lines.append(
            f"| {label} | {row.items:,} | {row.flagged} | {row.reviewed_true} | {row.false_positives} | {row.rate:.2%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every flagged item that is not reviewed")
    args = parser.parse_args(argv)
    if not REAL_TEXT.is_dir():
        print(f"real texts not found at {REAL_TEXT} (set LIVELINT_REAL_TEXT)", file=sys.stderr)
        return 2
    result = run()
    print(table(result))
    print(f"\n{result.total.items:,} items checked in {result.seconds:.1f} s")
    if args.list:
        for source, text, hits in result.unreviewed:
            print(f"{source}\t{'; '.join(hits)}\t{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
