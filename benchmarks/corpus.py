"""Realistic benchmark inputs, built in memory from the rule examples and ../shared/data/real-text/.

Nothing is copied into the repository: the real texts are read from where they are.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REAL_TEXT = Path(os.environ.get("LIVELINT_REAL_TEXT", ROOT.parent / "shared" / "data" / "real-text"))


def real_lines() -> list[str]:
    """Sentences of real Chinese commerce text: listing titles, detail sentences and buyer reviews."""
    lines: list[str] = []
    for name in ("train.txt", "dev.txt", "test.txt"):
        path = REAL_TEXT / "taobao-titles" / name
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((REAL_TEXT / "jd-detail-sentences").glob("*.sample")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[2].strip():
                lines.append(parts[2].strip())
    with open(REAL_TEXT / "buyer-reviews" / "online_shopping_10_cats.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            review = (row.get("review") or "").strip().lstrip("\ufeff")
            if review:
                lines.append(review)
    return lines


def example_lines() -> list[str]:
    """Every fail and pass example of every bundled rule: what sellers really say."""
    from checker import load_ruleset

    ruleset = load_ruleset()
    return [example.text for rule in ruleset.rules for example in rule.fail_examples + rule.pass_examples]


def script(megabytes: float = 10.0, *, seed: int = 4, example_share: float = 0.05) -> str:
    """A long script (UTF-8 size about `megabytes`): real sentences with rule examples mixed in."""
    rng = random.Random(seed)
    real, examples = real_lines(), example_lines()
    target = int(megabytes * 1_000_000)
    out: list[str] = []
    size = 0
    while size < target:
        line = rng.choice(examples) if rng.random() < example_share else rng.choice(real)
        out.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(out) + "\n"


def listings(count: int, *, length: int = 40, seed: int = 4, example_share: float = 0.05) -> Iterator[str]:
    """`count` listing titles of about `length` characters: real titles, some with a rule example."""
    rng = random.Random(seed)
    titles = [line for line in real_lines() if 8 <= len(line) <= 80]
    examples = example_lines()
    for _ in range(count):
        title = rng.choice(titles)
        while len(title) < length - 10:
            title += " " + rng.choice(titles)
        title = title[:length]
        if rng.random() < example_share:
            title = title[: length // 2] + rng.choice(examples)[: length // 2]
        yield title


def write_listings_csv(path: Path, count: int, **kwargs: object) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title"])
        for number, title in enumerate(listings(count, **kwargs), 1):  # type: ignore[arg-type]
            writer.writerow([f"SKU{number:08d}", title])
    return path


def machine() -> str:
    """One line describing this machine and Python, for the figures."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def peak_rss_mb(process: subprocess.CompletedProcess | None = None) -> float:  # type: ignore[type-arg]
    """Peak resident memory in MB of this process (or, after a child ran, of the largest child)."""
    import resource

    who = resource.RUSAGE_SELF if process is None else resource.RUSAGE_CHILDREN
    return resource.getrusage(who).ru_maxrss / 1024
