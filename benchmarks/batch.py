"""Batch: listings/s of `livelint batch` on 1,000,000 listings of about 40 characters, with 1 and 2 jobs.

    python3 benchmarks/batch.py [--rows 1000000] [--jobs 1 2] [--matchers pyahocorasick ahocorasick_rs]

Writes the CSV to a temporary folder, runs the real command line (report to a JSONL file, --quiet) in a
child process, and prints wall time, listings/s, the CPU time per listing (the command and its worker
processes together: the figure that does not depend on what else the machine runs) and the peak RSS of
the largest process. It also runs a tenth of the rows to show that memory does not grow with the rows.
Each matcher backend is selected with LIVELINT_MATCHER; the reports of all runs must be identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import ROOT, machine, write_listings_csv


def run(csv_path: Path, jobs: int, cache: Path, matcher: str) -> tuple[float, float, float, str, str]:
    output = csv_path.with_suffix(f".jobs{jobs}.jsonl")
    command = [sys.executable, "-m", "checker", "batch", str(csv_path), "--id-field", "sku", "--field", "title",
               "-o", str(output), "--jobs", str(jobs), "--quiet"]  # fmt: skip
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "LIVELINT_MATCHER": matcher}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)  # the usage includes the worker processes it reaped
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"livelint batch failed ({code}): {stderr}")
    digest = hashlib.sha256(output.read_bytes()).hexdigest()[:12]
    with open(output, encoding="utf-8") as handle:
        verdicts = {"pass": 0, "review": 0, "fail": 0, "error": 0}
        for line in handle:
            verdicts[line[line.index('"verdict": "') + 12 :].split('"', 1)[0]] += 1
    output.unlink()
    summary = ", ".join(f"{k} {v:,}" for k, v in verdicts.items())
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, summary, digest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--matchers", nargs="+", default=["pyahocorasick", "ahocorasick_rs"])
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cache = base / "cache"
        small = write_listings_csv(base / "small.csv", args.rows // 10)
        big = write_listings_csv(base / "listings.csv", args.rows)
        print(f"input: {args.rows:,} listings of ~40 characters ({big.stat().st_size / 1e6:.0f} MB CSV)")
        rates: dict[tuple[str, int], float] = {}
        digests = set()
        for matcher in args.matchers:
            run(small, 1, cache, matcher)  # fills the compiled-rules cache
            for jobs in args.jobs:
                seconds, cpu, rss, summary, digest = run(big, jobs, cache, matcher)
                _s, _c, small_rss, _, _ = run(small, jobs, cache, matcher)
                rates[(matcher, jobs)] = args.rows / seconds
                digests.add(digest)
                print(
                    f"{matcher:<15} --jobs {jobs}: {seconds:6.1f} s {args.rows / seconds:9,.0f} listings/s  "
                    f"CPU {1e6 * cpu / args.rows:5.1f} us/listing  peak RSS {rss:4.0f} MB "
                    f"({args.rows // 10:,} rows: {small_rss:.0f} MB)  [{summary}]"
                )
        print(f"reports identical across runs: {len(digests) == 1}")
        if len(args.matchers) == 2:
            first, second = args.matchers
            for jobs in args.jobs:
                print(f"--jobs {jobs}: {second} / {first} = {rates[(second, jobs)] / rates[(first, jobs)]:.2f}x (default switches at >= 2x)")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
