"""Huge input: a 1 GB script checked in chunks (checker.stream), with wall time, MB/s and peak memory.

    python3 benchmarks/large_file.py [--megabytes 1000] [--small 100]

Writes a script of `--megabytes` MB (UTF-8) to a temporary folder, ten megabytes at a time from
corpus.script() with a new seed for each piece, so the generator never holds more than one piece, and
a `--small` MB file (its first lines). Each is checked in a child process, whose peak RSS is read with
os.wait4:

- library: `check_large_file` counting the findings (the text streamed, nothing kept);
- command: `python3 -m checker check FILE --format jsonl -o OUT`. Above the 200 MB limit the command
  streams the file but collects its findings into the report; below it, it reads the file whole.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import ROOT, machine, script

PIECE_MB = 10
LIBRARY = """
import sys
from checker import check_large_file, load_rules
rules = load_rules()
print(sum(1 for _ in check_large_file(sys.argv[1], rules)))
"""


def write_script(path: Path, megabytes: float) -> Path:
    """About `megabytes` MB of script, written one corpus.script() piece at a time."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        written, seed = 0, 4
        while written < megabytes * 1_000_000:
            piece = script(min(PIECE_MB, megabytes - written / 1_000_000), seed=seed)
            handle.write(piece)
            written += len(piece.encode("utf-8"))
            seed += 1
    return path


def head(source: Path, target: Path, megabytes: float) -> Path:
    """The first lines of `source`, about `megabytes` MB."""
    with open(source, "rb") as reading, open(target, "wb") as writing:
        data = reading.read(int(megabytes * 1_000_000))
        writing.write(data[: data.rindex(b"\n") + 1])
    return target


def measured(command: list[str], cache: Path) -> tuple[float, float, str]:
    """(wall seconds, the child's peak RSS in MB, its stdout)."""
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({code}): {err.read().decode()}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode().strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=1000.0)
    parser.add_argument("--small", type=float, default=100.0)
    parser.add_argument("--only", choices=("library", "command"), help="run one of the two ways only")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cache = base / "cache"
        started = time.perf_counter()
        big = write_script(base / "big.txt", args.megabytes)
        small = head(big, base / "small.txt", args.small)
        print(f"generated {big.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.0f} s")
        warm = base / "warm.txt"
        warm.write_text("家人们好\n", encoding="utf-8")
        measured([sys.executable, "-m", "checker", "check", str(warm)], cache)  # fills the compiled-rules cache
        for path in (small, big):
            size = path.stat().st_size / 1e6
            if args.only != "command":
                seconds, rss, count = measured([sys.executable, "-c", LIBRARY, str(path)], cache)
                print(f"library {size:7,.0f} MB: {seconds:7.1f} s  {size / seconds:5.2f} MB/s  peak RSS {rss:6,.0f} MB  "
                      f"{int(count):,} findings")  # fmt: skip
            if args.only != "library":
                output = base / "out.jsonl"
                command = [sys.executable, "-m", "checker", "check", str(path), "--format", "jsonl", "-o", str(output)]
                seconds, rss, _ = measured(command, cache)
                with open(output, "rb") as handle:
                    count = sum(1 for _ in handle)
                output.unlink()
                print(f"command {size:7,.0f} MB: {seconds:7.1f} s  {size / seconds:5.2f} MB/s  peak RSS {rss:6,.0f} MB  "
                      f"{count:,} findings")  # fmt: skip
            print(f"  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
