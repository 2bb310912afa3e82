"""Single text: MB/s of check_text on a ~10 MB realistic script, against baselines in the same process.

    python3 benchmarks/single_text.py [--megabytes 10]

Baselines: a bare pyahocorasick `iter` over the same folded text and terms (the floor of this
design), the same scan with ahocorasick_rs, jieba on the whole text plus a word-set lookup, and a
per-pattern `str.find` loop. Also check_text end to end with each matcher backend.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time

import corpus  # noqa: F401  (puts the checkout first on sys.path)
from corpus import machine, peak_rss_mb, script

from checker import check_text, load_rules
from checker.match import AHOCORASICK_RS, PYAHOCORASICK, Matcher


def timed(function):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=10.0)
    args = parser.parse_args()
    text = script(args.megabytes)
    size = len(text.encode("utf-8")) / 1e6
    rules = load_rules()
    folded = rules.folder.fold(text).text if hasattr(rules, "folder") else text
    terms = sorted({t for r in rules.selected for t in r.patterns + r.exceptions + r.near})
    patterns = sorted({t for r in rules.selected for t in r.patterns})
    print(f"machine: {machine()}")
    print(f"text: {size:.1f} MB UTF-8, {len(text):,} characters; {len(rules.selected)} rules, {len(terms):,} terms")
    rules.segmenter.boundaries("这是我第一次来直播间")  # load jieba (about a second) before timing
    check_text("这是我第一次来直播间", rules)

    rows: list[tuple[str, float, str]] = []

    def add(name: str, seconds: float, note: str = "") -> float:
        rows.append((name, size / seconds, note))
        return size / seconds

    reference = Matcher(rules.selected, rules.allow, backend=PYAHOCORASICK)
    rust = Matcher(rules.selected, rules.allow, backend=AHOCORASICK_RS)
    seconds, hits = timed(lambda: sum(1 for _ in reference._automaton.iter(folded)))
    floor = add("bare pyahocorasick iter (floor)", seconds, f"{hits:,} term hits")
    seconds, found = timed(lambda: len(rust._rust_spans(folded)))
    add("bare ahocorasick_rs scan", seconds, f"{found:,} term hits")
    results = {}
    for backend, matcher in ((PYAHOCORASICK, reference), (AHOCORASICK_RS, rust)):
        variant = dataclasses.replace(rules, matcher=matcher)
        seconds, report = timed(lambda: check_text(text, variant))
        results[backend] = add(f"check_text, {backend}", seconds, f"{len(report.findings):,} findings")
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    words = set(patterns)
    seconds, count = timed(lambda: sum(1 for word in tokenizer.cut(text) if word in words))
    jieba_rate = add("jieba whole text + word-set lookup", seconds, f"{count:,} word hits")
    seconds, count = timed(lambda: sum(folded.count(p) for p in patterns))
    add(f"per-pattern str.find loop ({len(patterns):,} patterns)", seconds, f"{count:,} hits")

    print(f"{'what':<48}{'MB/s':>9}  note")
    for name, rate, note in rows:
        print(f"{name:<48}{rate:>9.2f}  {note}")
    default = results[PYAHOCORASICK]
    print(f"check_text (pyahocorasick) / bare pyahocorasick scan: {default / floor:.1%} (target >= 50%)")
    print(f"check_text (pyahocorasick) / jieba baseline: {default / jieba_rate:.1f}x (target >= 10x)")
    print(f"check_text ahocorasick_rs / pyahocorasick end to end: {results[AHOCORASICK_RS] / default:.2f}x (default switches at >= 2x)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
