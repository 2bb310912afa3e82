"""`livelint batch --engine spark`: the batch check on Apache Spark, which reads and writes the tables itself.

The command line stays thin: the check is `checker.spark.check_columns`, the counts are
`checker.spark.summarize`, and the summary is printed by `livelint batch`'s own `_print_summary`.
The report is the checked table (the input's columns, then findings, verdict, error, failed) as a
folder of part files in Parquet, CSV (findings as a JSON array) or JSON lines; it is written beside
OUTPUT under a hidden name and renamed into place only when the job succeeded.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from ..batch import Verdict
from ..model import Level
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, err, fail, load, tokens
from .batch_output import Summary

MAX_ROW_ERRORS_SHOWN = 20
INPUT_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
                  ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}  # fmt: skip
OUTPUT_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
OUTPUT_FORMATS = ("parquet", "csv", "jsonl")
# Spark's own log lines (start-up warnings, task errors) would bury the summary; failures reach us as
# exceptions. The root level stays at WARN, the level Spark forces on a Python driver, or Spark says so on stderr.
_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = livelint: spark: %p %c{1}: %m%n
appender.console.filter.threshold.type = ThresholdFilter
appender.console.filter.threshold.level = fatal
"""


class Engine(str, Enum):
    """Where `livelint batch` checks: worker processes on this machine, or Apache Spark."""

    LOCAL = "local"
    SPARK = "spark"


def run_spark_batch(
    engine: Engine,
    master: str | None,
    files: list[Path],
    *,
    fields: list[str] | None,
    id_field: str | None,
    output: Path | None,
    output_format: str | None,
    jobs: int,
    input_format: str | None,
    encoding: str | None,
    sheet: str | None,
    flagged_only: bool,
    fail_level: Level,
    select: list[str] | None,
    ignore: list[str] | None,
    rules_dirs: list[Path] | None,
    quiet: bool,
) -> NoReturn:
    """Run `livelint batch` on Spark; always ends with typer.Exit (0 clean, 1 findings, 2 errors)."""
    if engine is not Engine.SPARK:
        raise fail("--master needs --engine spark")
    if output is None:
        raise fail("--engine spark needs --output: the folder Spark writes (report.parquet, report.csv or report.jsonl)")
    if sheet is not None:
        raise fail("--sheet is for XLSX inputs, which --engine spark does not read (Parquet, CSV, TSV, JSONL)")
    if jobs < 0:
        raise fail("--jobs must be 0 (all cores) or more")
    out_format = _output_format(output, output_format)
    in_format = _input_format(files, input_format)
    inputs = [_spark_path(path) for path in files]
    missing = [raw for raw, path in zip(inputs, files) if "://" not in raw and not path.exists()]
    if missing:
        for raw in missing:
            err.print(Text(f"livelint: {raw}: no such file or folder"))
        raise typer.Exit(EXIT_ERROR)
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise fail(f"--engine spark needs pyspark and pyarrow ({exc.name or exc} is not installed): pip install 'livelint[spark]'") from None
    chosen = tokens(fields) or None
    rules = load(rules_dirs, select, ignore)  # ruleset and selection errors: exit 2 before Spark starts
    titles = {notice.id: notice.title for notice in rules.ruleset.notices}
    started = time.perf_counter()
    summary, bad = _run_on_spark(
        master, jobs, quiet, in_format, inputs, encoding, out_format, _spark_path(output),
        chosen, id_field, flagged_only, fail_level, tokens(select), tokens(ignore), list(rules_dirs or []),
    )  # fmt: skip
    for title in summary.notices:
        summary.titles[title] = titles.get(title, "")
    where = inputs[0] if len(inputs) == 1 else None
    for record_id, error in bad[:MAX_ROW_ERRORS_SHOWN]:
        name = f"{where}: " if where else ""
        err.print(Text(f"livelint: {name}{'' if record_id is None else f'id {record_id}: '}{error}"))
    errors = summary.verdicts.get(Verdict.ERROR.value, 0)
    if errors > MAX_ROW_ERRORS_SHOWN:
        err.print(Text(f"livelint: ... {errors - MAX_ROW_ERRORS_SHOWN} more bad rows (all are in the report)"))
    if not quiet:
        from .batch import _print_summary  # here, not at the top: checker.cli.batch imports this module

        _print_summary(summary, time.perf_counter() - started, Console(highlight=False, soft_wrap=True))
    if errors:
        raise typer.Exit(EXIT_ERROR)
    failing = any(summary.levels.get(level.value) for level in Level if level.rank >= fail_level.rank)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _run_on_spark(
    master: str | None,
    jobs: int,
    quiet: bool,
    in_format: str,
    inputs: list[str],
    encoding: str | None,
    out_format: str,
    output: str,
    fields: list[str] | None,
    id_field: str | None,
    flagged_only: bool,
    fail_level: Level,
    select: list[str],
    ignore: list[str],
    rules_dirs: list[Path],
) -> tuple[Summary, list[tuple[Any, str]]]:
    """Read, check, write and count on Spark; returns the summary and the first bad rows (id, reason)."""
    from py4j.protocol import Py4JError
    from pyspark import StorageLevel
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as F

    from ..engine import SelectionError
    from ..loading import RulesetError
    from ..spark import check_columns, summarize

    spark, owned, scratch = _session(master, jobs, quiet)
    checked = None
    try:
        df = _read(spark, in_format, inputs, encoding)
        wanted = ([id_field] if id_field else []) + (fields or [])
        absent = [name for name in dict.fromkeys(wanted) if name not in df.columns]
        if absent:
            shown = ", ".join(name for name in df.columns if name != "_corrupt_record")
            raise fail(f"{', '.join(inputs)}: no column {', '.join(map(repr, absent))} (columns: {shown})")
        parallelism = spark.sparkContext.defaultParallelism
        if df.rdd.getNumPartitions() < parallelism:  # one multi-line CSV is one partition: spread it
            df = df.repartition(parallelism)
        try:
            checked = check_columns(df, fields, id_col=id_field, rules=rules_dirs, select=select, ignore=ignore, fail_level=fail_level)
        except (ValueError, RulesetError, SelectionError) as exc:
            raise fail(str(exc)) from None
        checked = checked.persist(StorageLevel.MEMORY_AND_DISK)  # written once, counted from the cache
        report = checked.filter(F.col("verdict") != Verdict.PASS.value) if flagged_only else checked
        report = report.drop("_corrupt_record")  # Spark's raw text of unparsable lines; `error` says what it was
        _write(spark, report, out_format, output)
        counts = summarize(checked)
        bad: list[tuple[Any, str]] = []
        if counts.verdicts.get(Verdict.ERROR.value):  # the first bad rows, by id: one more (small) job
            bad_rows = checked.filter(F.col("verdict") == Verdict.ERROR.value)
            key = F.col(id_field).cast("string") if id_field else F.lit(None).cast("string")
            first = bad_rows.select(key, "error").orderBy(key.asc_nulls_first(), "error").limit(MAX_ROW_ERRORS_SHOWN)
            bad = [(row[0], row[1]) for row in first.collect()]
    except KeyboardInterrupt:
        err.print(Text("livelint: interrupted; no report written"))
        raise typer.Exit(130) from None
    except (PySparkException, Py4JError) as exc:
        raise fail(f"Spark failed: {_last_line(exc)}") from None
    finally:
        if checked is not None:
            try:
                checked.unpersist()
            except Exception:  # noqa: BLE001 - the session may already be gone after a failure
                pass
        if owned:
            spark.stop()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    summary = Summary(records=counts.records, verdicts=counts.verdicts, categories=counts.categories, notices=counts.notices, levels=counts.levels)
    return summary, bad


def _session(master: str | None, jobs: int, quiet: bool) -> tuple[Any, bool, str | None]:
    """The active SparkSession (reused, left running), or a new one that we stop at the end."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False, None
    url = master or f"local[{jobs or '*'}]"
    if url.startswith("local") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise fail("--engine spark needs Java 17 or later, and there is no `java` on PATH and no JAVA_HOME "
                   "(Debian: apt-get install openjdk-17-jre-headless)")  # fmt: skip
    scratch = tempfile.mkdtemp(prefix="livelint-spark-")
    config = Path(scratch) / "log4j2.properties"
    config.write_text(_LOG4J2, encoding="utf-8")
    builder = (
        SparkSession.builder.appName("livelint batch")
        .master(url)
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={config.as_uri()}")
        .config("spark.ui.showConsoleProgress", "true" if not quiet and err.is_terminal else "false")
    )
    if url.startswith("local"):  # one machine: no web UI, nothing listening beyond the loopback
        builder = builder.config("spark.ui.enabled", "false")
        if "SPARK_LOCAL_IP" not in os.environ:
            builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        if "PYSPARK_PYTHON" not in os.environ:
            builder = builder.config("spark.pyspark.python", sys.executable)  # the workers run this Python
    try:
        return builder.getOrCreate(), True, scratch
    except Exception as exc:  # noqa: BLE001 - no JVM, a bad master URL...: one line, exit 2
        shutil.rmtree(scratch, ignore_errors=True)
        raise fail(f"cannot start Spark ({url}): {_last_line(exc)}") from None


def _read(spark: Any, fmt: str, inputs: list[str], encoding: str | None) -> Any:
    """The input table as Spark reads it; unparsable CSV/JSON lines land in `_corrupt_record`."""
    reader = spark.read
    if encoding:
        reader = reader.option("encoding", encoding)
    if fmt == "parquet":
        return reader.parquet(*inputs)
    corrupt = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": "_corrupt_record"}
    if fmt == "jsonl":
        return reader.options(**corrupt).json(inputs)
    from pyspark.sql.types import StringType, StructField, StructType

    options = {"header": "true", "multiLine": "true", "escape": '"', "sep": "\t" if fmt == "tsv" else ","}
    header = reader.options(**options).csv(inputs).columns  # the header row only: every column is text
    columns = [name.strip().lstrip("\ufeff") for name in header]
    schema = StructType([StructField(name, StringType()) for name in columns] + [StructField("_corrupt_record", StringType())])
    return reader.options(**options, **corrupt).schema(schema).csv(inputs)


def _write(spark: Any, df: Any, fmt: str, output: str) -> None:
    """Write `df` to a hidden folder beside `output`, then rename it into place (replacing an old one)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, MapType, StructType

    if fmt == "csv":  # CSV holds no arrays or structs: those become JSON text
        df = df.select(
            *(F.to_json(F.col(f.name)).alias(f.name) if isinstance(f.dataType, (ArrayType, MapType, StructType)) else F.col(f.name)
              for f in df.schema.fields)
        )  # fmt: skip
    jvm = spark._jvm
    hadoop = jvm.org.apache.hadoop.fs
    final = hadoop.Path(output)
    fs = final.getFileSystem(spark._jsc.hadoopConfiguration())
    final = fs.makeQualified(final)
    tag = uuid.uuid4().hex[:12]
    temporary = hadoop.Path(final.getParent(), f".{final.getName()}.{tag}.part")
    writer = df.write.mode("errorifexists")
    try:
        if fmt == "parquet":
            writer.parquet(temporary.toString())
        elif fmt == "csv":
            writer.options(header="true", escape='"', encoding="UTF-8").csv(temporary.toString())
        else:
            writer.options(ignoreNullFields="false", encoding="UTF-8").json(temporary.toString())
        if fs.exists(final):
            old = hadoop.Path(final.getParent(), f".{final.getName()}.{tag}.old")
            if not fs.rename(final, old):
                raise fail(f"{output}: cannot replace it")
            if not fs.rename(temporary, final):
                fs.rename(old, final)
                raise fail(f"{output}: cannot write it")
            fs.delete(old, True)
        elif not fs.rename(temporary, final):
            raise fail(f"{output}: cannot write it")
    finally:
        if fs.exists(temporary):
            fs.delete(temporary, True)


def _output_format(output: Path, given: str | None) -> str:
    if given is not None:
        fmt = given.lower()
    else:
        found = OUTPUT_SUFFIXES.get(output.suffix.lower()) or {".xlsx": "xlsx"}.get(output.suffix.lower())
        if found is None:
            raise fail(f"{output}: cannot tell the report format from the name; give --format {'|'.join(OUTPUT_FORMATS)}")
        fmt = found
    if fmt not in OUTPUT_FORMATS:
        raise fail(f"--engine spark writes {', '.join(OUTPUT_FORMATS)} reports, not {fmt} (XLSX is for the local engine)")
    return fmt


def _input_format(files: list[Path], given: str | None) -> str:
    if given is not None:
        if given not in ("parquet", "csv", "tsv", "jsonl"):
            raise fail(f"--engine spark reads parquet, csv, tsv or jsonl, not {given!r}")
        return given
    found = {_format_of(path) for path in files}
    if None in found:
        unknown = next(path for path in files if _format_of(path) is None)
        raise fail(f"{unknown}: cannot tell the table format; give --input-format parquet|csv|tsv|jsonl")
    if len(found) > 1:
        raise fail(f"the inputs mix formats ({', '.join(sorted(map(str, found)))}): run one format at a time")
    return found.pop()  # type: ignore[return-value]


def _format_of(path: Path) -> str | None:
    """From the extension, or for a folder of part files from the files in it."""
    if path.suffix.lower() in INPUT_SUFFIXES:
        return INPUT_SUFFIXES[path.suffix.lower()]
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if not child.name.startswith((".", "_")) and child.suffix.lower() in INPUT_SUFFIXES:
                return INPUT_SUFFIXES[child.suffix.lower()]
    return None


def _spark_path(path: Path) -> str:
    """The path as typed: `Path` turns `s3a://bucket/key` into `s3a:/bucket/key`, so find the original."""
    for raw in sys.argv[1:]:
        if "://" in raw and Path(raw) == path:
            return raw
    return str(path)


def _last_line(exc: BaseException) -> str:
    """The line of a (Python worker or Java) error that says what went wrong."""
    text = str(exc).split("JVM stacktrace:", 1)[0]
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(("at ", "^", "~"))]
    return lines[-1][:300] if lines else type(exc).__name__
