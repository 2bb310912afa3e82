"""Validate tests/corpus/dev.jsonl and print counts per category and tag.

Standard library only. Usage:

    python3 tests/corpus/stats.py              # validate, print counts, exit 1 on any problem
    python3 tests/corpus/stats.py --markdown   # the same counts as Markdown tables (for README.md)
    python3 tests/corpus/stats.py path/to/other.jsonl

Checks: every line is a JSON object with the expected keys and types; ids are unique; texts are unique;
every category is a taxonomy id; `categories` equals the set of span categories; every span `match` is
a substring of `text` (and `occurrence`, when given, does not exceed the number of occurrences);
negatives have no spans; tags come from the vocabulary, every line has exactly one form:* tag, evasion:*
tags only on positives; and the minimum counts the corpus promises (see README.md).
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CATEGORIES = [
    "absolute-claim",
    "price-marketing",
    "disparagement",
    "restricted-goods",
    "health-claim",
    "off-platform",
    "freight-abuse",
    "kick-threat",
    "service-misrepresentation",
    "category-qualification",
    "copyright",
    "other-violation",
]

FORMS = ["form:script", "form:title", "form:detail", "form:long", "form:review"]
EVASIONS = [
    "evasion:spaces", "evasion:symbols", "evasion:zero-width", "evasion:fullwidth",
    "evasion:traditional", "evasion:variant", "evasion:homophone", "evasion:circled-digit",
    "evasion:chinese-numeral", "evasion:pinyin", "evasion:repeat", "evasion:emoji",
]
EXEMPTIONS = [
    "exemption:service-attitude", "exemption:goal", "exemption:self-comparison",
    "exemption:usage-hint", "exemption:standard-grade", "exemption:trademark",
    "exemption:award", "exemption:time-place-fact",
]
CONTEXTS = ["context:negation", "context:quotation", "context:proximity", "context:price-arithmetic"]
TAGS = FORMS + EVASIONS + EXEMPTIONS + CONTEXTS + ["hard-negative"]

# (what, minimum)
MIN_TOTAL = 700
MIN_POSITIVES_PER_CATEGORY = 30
MIN_POSITIVES_PER_EVASION = 10
MIN_NEGATIVES_PER_EXEMPTION = 8
MIN_NEGATIVES_NEGATION = 15
MIN_NEGATIVES_QUOTATION = 15
MIN_PRICE_ARITHMETIC = 30
MIN_TITLES = 40
MIN_LONG = 30


def load(path: Path) -> tuple[list[dict], list[str]]:
    records: list[dict] = []
    errors: list[str] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"{path.name}:{n}: empty line")
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{path.name}:{n}: not JSON: {e}")
                continue
            if not isinstance(rec, dict):
                errors.append(f"{path.name}:{n}: not an object")
                continue
            rec["_line"] = n
            records.append(rec)
    return records, errors


def validate(records: list[dict], name: str) -> list[str]:
    errors: list[str] = []
    ids: set[str] = set()
    texts: set[str] = set()
    allowed_keys = {"id", "text", "categories", "spans", "tags", "note", "_line"}
    for rec in records:
        where = f"{name}:{rec['_line']}"
        extra = set(rec) - allowed_keys
        if extra:
            errors.append(f"{where}: unknown keys {sorted(extra)}")
        rid, text = rec.get("id"), rec.get("text")
        cats, spans, tags = rec.get("categories"), rec.get("spans"), rec.get("tags")
        if not isinstance(rid, str) or not rid:
            errors.append(f"{where}: bad id")
        elif rid in ids:
            errors.append(f"{where}: duplicate id {rid}")
        else:
            ids.add(rid)
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: bad text")
            continue
        if text in texts:
            errors.append(f"{where}: duplicate text")
        texts.add(text)
        if not isinstance(cats, list) or not isinstance(spans, list) or not isinstance(tags, list):
            errors.append(f"{where}: categories, spans and tags must be lists")
            continue
        for c in cats:
            if c not in CATEGORIES:
                errors.append(f"{where}: unknown category {c!r}")
        if len(set(cats)) != len(cats):
            errors.append(f"{where}: repeated category")
        span_cats = set()
        for s in spans:
            if not isinstance(s, dict) or set(s) - {"category", "match", "occurrence"}:
                errors.append(f"{where}: bad span {s!r}")
                continue
            m, c = s.get("match"), s.get("category")
            span_cats.add(c)
            if not isinstance(m, str) or not m:
                errors.append(f"{where}: empty match")
                continue
            count = text.count(m)
            if count == 0:
                errors.append(f"{where}: match {m!r} not in text")
            occ = s.get("occurrence")
            if occ is not None and (not isinstance(occ, int) or occ < 1 or occ > count):
                errors.append(f"{where}: bad occurrence {occ} for {m!r} ({count} found)")
        if span_cats != set(cats):
            errors.append(f"{where}: categories {sorted(cats)} != span categories {sorted(span_cats)}")
        for t in tags:
            if t not in TAGS:
                errors.append(f"{where}: unknown tag {t!r}")
        if sum(t in FORMS for t in tags) != 1:
            errors.append(f"{where}: needs exactly one form:* tag")
        if not cats and any(t in EVASIONS for t in tags):
            errors.append(f"{where}: evasion tag on a negative")
        if "hard-negative" in tags and cats:
            errors.append(f"{where}: hard-negative tag on a positive")
    return errors


def counts(records: list[dict]) -> dict:
    pos = [r for r in records if r["categories"]]
    neg = [r for r in records if not r["categories"]]
    cat = collections.Counter(c for r in pos for c in r["categories"])
    primary = collections.Counter(r["categories"][0] for r in pos if len(r["categories"]) == 1)
    multi = sum(1 for r in pos if len(r["categories"]) > 1)
    tag_pos = collections.Counter(t for r in pos for t in r["tags"])
    tag_neg = collections.Counter(t for r in neg for t in r["tags"])
    spans = sum(len(r["spans"]) for r in records)
    return dict(total=len(records), pos=len(pos), neg=len(neg), cat=cat, single=primary,
                multi=multi, tag_pos=tag_pos, tag_neg=tag_neg, spans=spans)


def check_minimums(c: dict) -> list[str]:
    problems = []
    if c["total"] < MIN_TOTAL:
        problems.append(f"total {c['total']} < {MIN_TOTAL}")
    for k in CATEGORIES:
        if c["cat"][k] < MIN_POSITIVES_PER_CATEGORY:
            problems.append(f"{k}: {c['cat'][k]} positives < {MIN_POSITIVES_PER_CATEGORY}")
    for t in EVASIONS:
        if c["tag_pos"][t] < MIN_POSITIVES_PER_EVASION:
            problems.append(f"{t}: {c['tag_pos'][t]} positives < {MIN_POSITIVES_PER_EVASION}")
    for t in EXEMPTIONS:
        if c["tag_neg"][t] < MIN_NEGATIVES_PER_EXEMPTION:
            problems.append(f"{t}: {c['tag_neg'][t]} negatives < {MIN_NEGATIVES_PER_EXEMPTION}")
    if c["tag_neg"]["context:negation"] < MIN_NEGATIVES_NEGATION:
        problems.append("context:negation: too few negatives")
    if c["tag_neg"]["context:quotation"] < MIN_NEGATIVES_QUOTATION:
        problems.append("context:quotation: too few negatives")
    pa = c["tag_pos"]["context:price-arithmetic"], c["tag_neg"]["context:price-arithmetic"]
    if sum(pa) < MIN_PRICE_ARITHMETIC or 0 in pa:
        problems.append(f"context:price-arithmetic: {pa} (needs {MIN_PRICE_ARITHMETIC}+, both kinds)")
    titles = c["tag_pos"]["form:title"] + c["tag_neg"]["form:title"]
    longs = c["tag_pos"]["form:long"] + c["tag_neg"]["form:long"]
    if titles < MIN_TITLES:
        problems.append(f"form:title: {titles} < {MIN_TITLES}")
    if longs < MIN_LONG:
        problems.append(f"form:long: {longs} < {MIN_LONG}")
    return problems


def report(c: dict, markdown: bool) -> str:
    out = []
    pct = 100 * c["pos"] / c["total"] if c["total"] else 0
    if markdown:
        out.append(f"{c['total']} lines: {c['pos']} positives ({pct:.1f}%), {c['neg']} negatives; "
                   f"{c['multi']} positives carry more than one category; {c['spans']} spans.\n")
        out.append("| category | positives | of which only this category |")
        out.append("|---|---:|---:|")
        for k in CATEGORIES:
            out.append(f"| `{k}` | {c['cat'][k]} | {c['single'][k]} |")
        out.append("")
        out.append("| tag | positives | negatives | total |")
        out.append("|---|---:|---:|---:|")
        for t in TAGS:
            p, n = c["tag_pos"][t], c["tag_neg"][t]
            out.append(f"| `{t}` | {p} | {n} | {p + n} |")
    else:
        out.append(f"lines {c['total']}  positives {c['pos']} ({pct:.1f}%)  negatives {c['neg']}  "
                   f"multi-category {c['multi']}  spans {c['spans']}")
        out.append("category                     positives  only-this")
        for k in CATEGORIES:
            out.append(f"  {k:<27}{c['cat'][k]:>8}{c['single'][k]:>10}")
        out.append("tag                          positives  negatives")
        for t in TAGS:
            out.append(f"  {t:<27}{c['tag_pos'][t]:>8}{c['tag_neg'][t]:>10}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else HERE / "dev.jsonl"
    records, errors = load(path)
    errors += validate(records, path.name)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    c = counts(records)
    print(report(c, markdown))
    problems = check_minimums(c)
    if problems:
        print("\nminimums not met:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
