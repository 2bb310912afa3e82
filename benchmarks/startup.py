"""Start-up: wall time of `livelint check` on a one-line file, cold (empty cache) and with the cache.

    python3 benchmarks/startup.py [--runs 7]

Each run is a new process (the installed `livelint` when on PATH, else `python3 -m checker`); the
median is printed, with the peak RSS of the last run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import ROOT, machine


def once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    executable = shutil.which("livelint")
    base = [executable] if executable else [sys.executable, "-m", "checker"]
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one.txt"
        one.write_text("今天给家人们推荐一款羽绒服\n", encoding="utf-8")
        cache = Path(folder) / "cache"
        env = {**os.environ, "LIVELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
        command = base + ["check", str(one)]
        cold, warm = [], []
        for _ in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(once(command, env))
        for _ in range(args.runs):
            warm.append(once(command, env))
        print(f"command: {' '.join(Path(c).name if c == executable else c for c in command[:-1])} one.txt")
        for name, runs in (("cold (no cache)", cold), ("cached", warm)):
            print(f"{name:<16} median {statistics.median(t for t, _ in runs):.3f} s  min {min(t for t, _ in runs):.3f} s  peak RSS {runs[-1][1]:.0f} MB")
        print(f"python -c pass: {statistics.median(once([sys.executable, '-c', 'pass'], env)[0] for _ in range(args.runs)):.3f} s")


if __name__ == "__main__":
    main()
