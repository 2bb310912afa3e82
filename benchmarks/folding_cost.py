"""What evasion folding and context decisions cost, against the foundation's plain pipeline.

Both configurations run in this process on the same long script: the full engine (folding tables,
second pass for wedged letters, negation / quotation / self-comparison / qualified facts, price
arithmetic) and the foundation's pipeline (width/case/separator folding only, no context decisions,
no price rule). Prints MB/s of each and the ratio. Usage: python3 benchmarks/folding_cost.py [MB]
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker import Kind, Rules, check_text, load_ruleset  # noqa: E402
from checker.match import Matcher  # noqa: E402
from checker.model import Folding  # noqa: E402
from checker.normalise import Folder  # noqa: E402


def long_script(megabytes: float) -> str:
    lines = []
    corpus = ROOT / "tests" / "corpus" / "dev.jsonl"
    if corpus.exists():
        lines += [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    ruleset = load_ruleset()
    for rule in ruleset.rules:
        lines += [e.text for e in rule.fail_examples + rule.pass_examples]
    text = "\n".join(lines) + "\n"
    repeat = max(1, int(megabytes * 1_000_000 / len(text.encode("utf-8"))))
    return text * repeat


def foundation(ruleset) -> Rules:  # type: ignore[no-untyped-def]
    plain = tuple(
        dataclasses.replace(rule, negation=False, self_comparison=False, qualified_level=None)
        for rule in ruleset.rules
        if rule.kind is not Kind.PRICE
    )
    rules = Rules.compile(dataclasses.replace(ruleset, rules=plain))
    return dataclasses.replace(rules, folder=Folder(Folding()), matcher=Matcher(rules.selected))


def best_of(runs: int, rules: Rules, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        check_text(text, rules)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    text = long_script(megabytes)
    size = len(text.encode("utf-8")) / 1e6
    ruleset = load_ruleset()
    full = Rules.compile(ruleset)
    base = foundation(ruleset)
    check_text(text[:20000], full)  # load jieba once, outside the timings
    t_base, t_full = best_of(3, base, text), best_of(3, full, text)
    print(f"script: {size:.1f} MB, {len(text):,} characters, {text.count(chr(10)):,} lines")
    print(f"foundation pipeline : {t_base:6.2f} s  {size / t_base:6.2f} MB/s")
    print(f"full engine         : {t_full:6.2f} s  {size / t_full:6.2f} MB/s")
    print(f"ratio full/foundation: {t_full / t_base:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
