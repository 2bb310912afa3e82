"""Batch: listings/s of `livelint batch` on 1,000,000 listings of about 40 characters, with 1 and 2 jobs.

    python3 benchmarks/batch.py [--rows 1000000] [--jobs 1 2]

Writes the CSV to a temporary folder, runs the real command line (report to a JSONL file, --quiet) in a
child process, and prints wall time, listings/s and the child's peak RSS. It also runs a tenth of the
rows to show that memory does not grow with the number of rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import ROOT, machine, write_listings_csv


def run(csv_path: Path, jobs: int, cache: Path) -> tuple[float, float, str]:
    output = csv_path.with_suffix(f".jobs{jobs}.jsonl")
    command = [sys.executable, "-m", "checker", "batch", str(csv_path), "--id-field", "sku", "--field", "title",
               "-o", str(output), "--jobs", str(jobs), "--quiet"]  # fmt: skip
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"livelint batch failed ({code}): {stderr}")
    with open(output, encoding="utf-8") as handle:
        verdicts = {"pass": 0, "review": 0, "fail": 0, "error": 0}
        for line in handle:
            verdicts[line[line.index('"verdict": "') + 12 :].split('"', 1)[0]] += 1
    output.unlink()
    summary = ", ".join(f"{k} {v:,}" for k, v in verdicts.items())
    return seconds, usage.ru_maxrss / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cache = base / "cache"
        small = write_listings_csv(base / "small.csv", args.rows // 10)
        big = write_listings_csv(base / "listings.csv", args.rows)
        print(f"input: {args.rows:,} listings of ~40 characters ({big.stat().st_size / 1e6:.0f} MB CSV)")
        run(small, 1, cache)  # fills the compiled-rules cache
        for jobs in args.jobs:
            seconds, rss, summary = run(big, jobs, cache)
            _s, small_rss, _ = run(small, jobs, cache)
            print(
                f"--jobs {jobs}: {seconds:6.1f} s  {args.rows / seconds:9,.0f} listings/s  "
                f"peak RSS {rss:5.0f} MB ({args.rows // 10:,} rows: {small_rss:.0f} MB)  [{summary}]"
            )


if __name__ == "__main__":
    main()
