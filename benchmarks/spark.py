"""Spark: `livelint batch --engine spark --master local[2]` against `livelint batch --jobs 2` on 1,000,000 listings.

    python3 benchmarks/spark.py [--rows 1000000] [--master local[2]] [--jobs 2]

Builds the listings of benchmarks/batch.py (`sku,title`, ~40 characters; CSV), has Spark write the same
rows as Parquet (8 files), then measures, each in a child process started fresh, wall time and listings/s:

1. `livelint batch listings.csv --jobs 2 -o out.jsonl` (the baseline: worker processes, no Spark);
2. `livelint batch --engine spark --master local[2] listings.parquet -o out.parquet` (JVM start included);
3. the same from `listings.csv` (Spark reads the CSV itself: one multi-line partition, repartitioned);
4. inside one warm SparkSession (no JVM start): read Parquet, `check_columns`, write Parquet; and the
   same pipeline with an identity `mapInArrow` in place of the check: what Spark and Arrow cost alone.

The overhead ratio is Spark's wall time over the baseline's. The verdict counts of every run and the
findings of every flagged listing are compared with the baseline's: a benchmark of wrong results is no
benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from corpus import ROOT, machine, write_listings_csv


def load() -> str:
    """The machine's 1-minute load average: the machine is shared, so every figure says how busy it was."""
    return f"load {os.getloadavg()[0]:.1f}"


def child(command: list[str], cache: Path, cwd: Path) -> tuple[float, float, int, str]:
    """Run a command; (wall seconds, peak RSS in MB of the largest process, exit code, stderr)."""
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "PYSPARK_PYTHON": sys.executable,
           "SPARK_LOCAL_IP": "127.0.0.1"}  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({code}): {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, code, stderr


def batch_results(path: Path) -> tuple[Counter[str], dict[str, list[tuple[Any, ...]]]]:
    """Verdict counts and the findings of every flagged listing, from `livelint batch`'s JSONL report."""
    verdicts: Counter[str] = Counter()
    flagged: dict[str, list[tuple[Any, ...]]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if '"findings": []' in line:
                verdicts[line[line.index('"verdict": "') + 12 :].split('"', 1)[0]] += 1
                continue
            document = json.loads(line)
            verdicts[document["verdict"]] += 1
            flagged[document["id"]] = [
                (f["field"], f["rule"], f["category"], f["level"], f["start"], f["end"], f["match"], f["notice"]["id"])
                for f in document["findings"]
            ]
    return verdicts, flagged


def spark_results(folder: Path) -> tuple[Counter[str], dict[str, list[tuple[Any, ...]]]]:
    """The same from a Parquet report written by Spark."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(folder, columns=["sku", "verdict", "findings"])
    verdicts = Counter({row["values"]: row["counts"] for row in pc.value_counts(table["verdict"]).to_pylist()})
    with_findings = table.filter(pc.greater(pc.list_value_length(table["findings"]), 0)).to_pylist()
    names = ("field", "rule", "category", "level", "start", "end", "match", "notice_id")
    flagged = {row["sku"]: [tuple(f[name] for name in names) for f in row["findings"]] for row in with_findings}
    return verdicts, flagged


def in_session(parquet: Path, out: Path, master: str) -> tuple[float, float]:
    """(check, identity) seconds in one warm local SparkSession: read Parquet, map, write Parquet."""
    from pyspark.sql import SparkSession

    from checker.spark import check_columns

    spark = (
        SparkSession.builder.master(master)
        .appName("livelint benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.executorEnv.PYTHONPATH", str(ROOT))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        listings = spark.read.parquet(str(parquet))
        check_columns(listings.limit(1000), ["title"], id_col="sku").write.mode("overwrite").format("noop").save()  # warm the workers
        start = time.perf_counter()
        check_columns(listings, ["title"], id_col="sku").write.mode("overwrite").parquet(str(out / "session.parquet"))
        checked = time.perf_counter() - start

        def identity(batches):  # type: ignore[no-untyped-def]
            import pyarrow as pa

            for batch in batches:
                n = batch.num_rows
                empty = pa.array([[]] * n, type=pa.list_(pa.struct([("rule", pa.string())])))
                yield pa.RecordBatch.from_arrays([*batch.columns, empty, pa.array(["pass"] * n)], names=[*batch.schema.names, "findings", "verdict"])

        from pyspark.sql.types import ArrayType, StringType, StructField, StructType

        rule = StructType([StructField("rule", StringType())])
        schema = StructType([*listings.schema.fields, StructField("findings", ArrayType(rule)), StructField("verdict", StringType())])
        start = time.perf_counter()
        listings.mapInArrow(identity, schema).write.mode("overwrite").parquet(str(out / "identity.parquet"))
        baseline = time.perf_counter() - start
    finally:
        spark.stop()
    return checked, baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        cache = folder / "cache"
        csv_path = write_listings_csv(folder / "listings.csv", args.rows)
        parquet = folder / "listings.parquet"
        convert = f"""
import sys
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master({args.master!r}).config("spark.ui.enabled", "false")
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").getOrCreate())
spark.read.options(header=True, multiLine=True, escape='"').csv({str(csv_path)!r}).repartition(8).write.parquet({str(parquet)!r})
spark.stop()
"""
        subprocess.run([sys.executable, "-c", convert], check=True, stderr=subprocess.DEVNULL)
        size = sum(p.stat().st_size for p in parquet.glob("*.parquet"))
        print(f"input: {args.rows:,} listings of ~40 characters ({csv_path.stat().st_size / 1e6:.0f} MB CSV, {size / 1e6:.0f} MB Parquet in 8 files)")
        livelint = [sys.executable, "-m", "checker", "batch", "--id-field", "sku", "--field", "title", "--quiet"]
        child([*livelint, str(csv_path), "-o", str(folder / "warm.jsonl"), "--jobs", "1"], cache, folder)  # fills the rules cache

        runs: list[tuple[str, float, float, str]] = []
        before = load()
        seconds, rss, _code, _ = child([*livelint, str(csv_path), "-o", str(folder / "local.jsonl"), "--jobs", str(args.jobs)], cache, folder)
        runs.append((f"livelint batch --jobs {args.jobs} (CSV -> JSONL)", seconds, rss, f"{before}, then {load()}"))
        expected = batch_results(folder / "local.jsonl")
        spark_cli = [*livelint, "--engine", "spark", "--master", args.master]
        for source, label in ((parquet, "Parquet"), (csv_path, "CSV")):
            out = folder / f"spark-{label.lower()}.parquet"
            before = load()
            seconds, rss, _code, _ = child([*spark_cli, str(source), "-o", str(out)], cache, folder)
            runs.append((f"livelint batch --engine spark --master {args.master} ({label} -> Parquet)", seconds, rss, f"{before}, then {load()}"))
            got = spark_results(out)
            assert got == expected, f"{label}: the Spark results differ from livelint batch's"
        before = load()
        checked, identity = in_session(parquet, folder, args.master)
        got = spark_results(folder / "session.parquet")
        assert got == expected, "check_columns: the results differ from livelint batch's"
        loads = f"{before}, then {load()}"
        runs.append((f"check_columns in a warm SparkSession {args.master} (Parquet -> Parquet)", checked, 0.0, loads))
        runs.append(("identity mapInArrow in the same session (Parquet -> Parquet): Spark + Arrow alone", identity, 0.0, loads))

        base = runs[0][1]
        verdicts = ", ".join(f"{k} {expected[0].get(k, 0):,}" for k in ("pass", "review", "fail", "error"))
        print(f"verdicts (every run): {verdicts}; {sum(len(v) for v in expected[1].values()):,} findings, equal finding by finding")
        for label, seconds, rss, loads in runs:
            memory = f"  peak RSS {rss:4.0f} MB" if label.startswith("livelint batch --jobs") else ""  # the JVM is not a waited child
            print(f"{label:<82} {seconds:6.1f} s {args.rows / seconds:9,.0f} listings/s  x{seconds / base:4.2f}  ({loads}){memory}")
        print(f"overhead ratio (Spark wall / livelint batch --jobs {args.jobs} wall): "
              f"CLI on Parquet x{runs[1][1] / base:.2f}, CLI on CSV x{runs[2][1] / base:.2f}, warm session x{checked / base:.2f}; "
              f"Spark + Arrow without the check take {identity / checked:.0%} of the warm session's time")  # fmt: skip


if __name__ == "__main__":
    main()
