"""Checking Spark DataFrames: the records of `livelint batch`, on Apache Spark, with identical results.

    from checker.spark import check_columns
    checked = check_columns(spark.read.parquet("listings.parquet"), fields=["title", "detail"], id_col="sku")
    checked.write.parquet("checked.parquet")

`check_columns` returns the DataFrame with four more columns and every other column untouched, so the
results join back to listing ids:

    findings  array<struct<field, rule, category, level, start, end, match, notice_id>>   never null
    verdict   pass | review | fail | error                                                 never null
    error     why the record could not be checked (verdict error), else null
    failed    a finding at or above `fail_level`; null when the record could not be checked

It runs on Spark's Arrow path (`DataFrame.mapInArrow`): each Python worker receives Arrow record
batches and checks them with `checker.batch.check_records`, the function behind `livelint batch`, so
the findings (offsets in characters of the field's text) and the verdicts are the same by construction.
Nothing crosses from the driver to the workers but a small `CheckSpec`; each worker process builds the
compiled rules once from the ruleset files installed with livelint (extra ruleset folders reach it
through `SparkContext.addFile` and `SparkFiles`), through the on-disk compiled-rules cache, and keeps
them for the life of the process, keyed by the ruleset hash the driver computed. That per-process
memo is the one piece of module state here: it is what makes a reused Python worker skip the
ruleset load on every task after its first. jieba's dictionary is loaded at the same moment, once per
worker process, so no task pays its cold start; the first process on a machine writes jieba's own
cache file in the temporary directory, which the later ones load instead of parsing the dictionary.
When livelint itself is imported from a zip (`spark-submit --py-files livelint.whl`), its bundled
rulesets are extracted once per machine first (`rule_sources`).

pyspark is imported lazily: `import checker` and this module work without it; calling a function
that needs it without the `spark` extra raises `SparkUnavailable` (an ImportError) with the fix.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import RecordResult, Verdict, check_records
from .cache import cache_key, load_cached_rules
from .engine import Rules
from .model import Level

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyarrow
    from pyspark.sql import DataFrame

FINDING_FIELDS = ("field", "rule", "category", "level", "start", "end", "match", "notice_id")
FINDINGS_TYPE = (
    "array<struct<field:string,rule:string,category:string,level:string,start:int,end:int,match:string,notice_id:string>>"
)
RESULT_COLUMNS = ("findings", "verdict", "error", "failed")
CORRUPT_RECORD = "_corrupt_record"  # Spark's column for lines its PERMISSIVE CSV/JSON readers cannot parse
_WARM_TEXT = "全网最低价"  # a text that makes the segmenter load jieba's dictionary
_KEEP_RULES = 4  # compiled rulesets kept per worker process


class SparkUnavailable(ImportError):
    """pyspark (or pyarrow) is not installed: install the `spark` extra."""


def _require_spark() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            f"checker.spark needs pyspark and pyarrow ({exc.name or exc} is missing): pip install 'livelint[spark]'"
        ) from None


@dataclass(frozen=True)
class CheckSpec:
    """What a worker needs to check a batch: small, picklable, sent with every task."""

    key: str  # the ruleset hash (`checker.cache.cache_key`) computed on the driver
    version: str  # livelint's version on the driver; a worker with another one refuses to check
    fields: tuple[str, ...]
    id_col: str | None
    folders: tuple[str, ...] = ()  # SparkFiles names of the extra ruleset folders
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    fail_rank: int = Level.WARNING.rank
    corrupt_col: str | None = None  # set when the DataFrame has Spark's corrupt-record column


@dataclass(frozen=True)
class Counts:
    """What `summarize` counts: records by verdict, findings by category, notice and level."""

    records: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    notices: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)

    @property
    def findings(self) -> int:
        return sum(self.levels.values())


def check_columns(
    df: DataFrame,
    fields: Sequence[str] | None = None,
    *,
    id_col: str | None = None,
    rules: Sequence[str | Path] | None = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    allow: Sequence[str] = (),
    fail_level: Level | str = Level.WARNING,
    corrupt_col: str | None = CORRUPT_RECORD,
) -> DataFrame:
    """Check text columns of every row; the DataFrame comes back with `findings`, `verdict`, `error`, `failed`.

    `fields` names the columns to check (default: every string column but `id_col` and `corrupt_col`);
    a row whose named column holds something other than text (a number, a struct...) gets verdict
    `error` with the reason, like a null `id_col`; a null text is an empty text. `rules` adds ruleset
    folders (local folders of the driver, shipped to the executors); `select`, `ignore` and `allow` are
    those of `load_rules`; `fail_level` decides `failed`. A row where `corrupt_col` (Spark's
    `_corrupt_record`) is set could not be parsed by Spark's reader and gets verdict `error`.

    Raises ValueError for a column that does not exist or a result column that already does, and the
    rules' own errors (`RulesetError`, `SelectionError`) before any Spark job starts.
    """
    _require_spark()
    from pyspark.sql.types import BooleanType, StringType, StructField, StructType

    if isinstance(rules, (Rules, str, Path)):
        raise TypeError("rules= takes a list of ruleset folders (each worker compiles the rules itself)")
    select, ignore, allow = ([value] if isinstance(value, str) else list(value) for value in (select, ignore, allow))
    level = Level(fail_level)
    columns = list(df.columns)
    taken = [name for name in RESULT_COLUMNS if name in columns]
    if taken:
        raise ValueError(f"the DataFrame already has a column {taken[0]!r}: rename it before checking")
    corrupt = corrupt_col if corrupt_col is not None and corrupt_col in columns else None
    if id_col is not None and id_col not in columns:
        raise ValueError(f"no column {id_col!r} for the id (columns: {', '.join(columns)})")
    if fields is None:
        chosen = tuple(
            f.name for f in df.schema.fields if isinstance(f.dataType, StringType) and f.name not in (id_col, corrupt)
        )
        if not chosen:
            raise ValueError(f"no string column to check (columns: {', '.join(columns)})")
    else:
        chosen = tuple(dict.fromkeys(fields))
        if not chosen:
            raise ValueError("fields names no column")
        missing = [name for name in chosen if name not in columns]
        if missing:
            raise ValueError(f"no column {', '.join(map(repr, missing))} (columns: {', '.join(columns)})")
    twice = sorted({name for name in (*chosen, id_col, corrupt) if name is not None and columns.count(name) > 1})
    if twice:
        raise ValueError(f"the DataFrame has more than one column named {twice[0]!r}")

    folders = [Path(folder).resolve() for folder in rules or ()]
    names = [folder.name for folder in folders]
    if len(set(names)) < len(names):
        raise ValueError(f"ruleset folders are shipped by name and two are called {_first_duplicate(names)!r}: rename one")
    sources, bundled = rule_sources(folders)
    # Compile once here: a broken ruleset or selection fails now, not in every task; it fills the cache too.
    load_cached_rules(sources, bundled=bundled, select=select, ignore=ignore, allow=allow)
    if folders:
        context = _spark_context(df)
        for folder in folders:
            context.addFile(str(folder), recursive=True)
    from . import __version__

    spec = CheckSpec(
        key=cache_key(sources, bundled=bundled, select=select, ignore=ignore, allow=allow),
        version=__version__,
        fields=chosen,
        id_col=id_col,
        folders=tuple(names),
        select=tuple(select),
        ignore=tuple(ignore),
        allow=tuple(allow),
        fail_rank=level.rank,
        corrupt_col=corrupt,
    )
    schema = StructType(
        list(df.schema.fields)
        + [
            StructField("findings", findings_type(), nullable=False),
            StructField("verdict", StringType(), nullable=False),
            StructField("error", StringType(), nullable=True),
            StructField("failed", BooleanType(), nullable=True),
        ]
    )
    return df.mapInArrow(partial(check_batches, spec=spec), schema)


def findings_type() -> Any:
    """The Spark type of the `findings` column (`FINDINGS_TYPE`); needs pyspark, not a session."""
    _require_spark()
    from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

    types = {"start": IntegerType(), "end": IntegerType()}
    struct = StructType([StructField(name, types.get(name, StringType()), nullable=False) for name in FINDING_FIELDS])
    return ArrayType(struct, containsNull=False)


def summarize(checked: DataFrame) -> Counts:
    """Count a checked DataFrame's records by verdict and its findings by category, notice and level (one job)."""
    _require_spark()
    from pyspark.sql import functions as F

    exploded = checked.select("verdict", F.posexplode_outer("findings").alias("position", "finding"))
    first = F.col("position").isNull() | (F.col("position") == 0)  # one row per record
    rows = (
        exploded.groupBy("verdict", "finding.category", "finding.notice_id", "finding.level")
        .agg(F.sum(F.when(first, 1).otherwise(0)).alias("records"), F.count("finding").alias("findings"))
        .collect()
    )
    verdicts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for row in rows:
        verdicts[row["verdict"]] += row["records"]
        if row["findings"]:
            categories[row["category"]] += row["findings"]
            notices[row["notice_id"]] += row["findings"]
            levels[row["level"]] += row["findings"]
    return Counts(sum(verdicts.values()), verdicts, categories, notices, levels)


# ---- on the executors ----------------------------------------------------------------------------

_worker_rules: dict[str, Rules] = {}  # per Python worker process: compiled rules by ruleset hash
_worker_lock = threading.Lock()


def worker_rules(spec: CheckSpec) -> Rules:
    """The compiled rules of `spec`, built on first use in this process and kept (keyed by `spec.key`).

    Built from the ruleset files installed with livelint plus the folders shipped with SparkFiles,
    through the on-disk compiled-rules cache; jieba's dictionary is loaded at the same time.
    """
    rules = _worker_rules.get(spec.key)
    if rules is not None:
        return rules
    with _worker_lock:
        rules = _worker_rules.get(spec.key)
        if rules is None:
            rules = _build_rules(spec)
            _worker_rules[spec.key] = rules
            while len(_worker_rules) > _KEEP_RULES:
                del _worker_rules[next(iter(_worker_rules))]
    return rules


def _build_rules(spec: CheckSpec) -> Rules:
    from . import __version__

    if spec.version != __version__:
        raise RuntimeError(
            f"livelint {__version__} is installed on this executor but the driver runs {spec.version}: "
            "install the same livelint wheel on both"
        )
    folders: list[str] = []
    if spec.folders:
        from pyspark import SparkFiles

        folders = [SparkFiles.get(name) for name in spec.folders]
    sources, bundled = rule_sources(folders)
    rules = load_cached_rules(sources, bundled=bundled, select=spec.select, ignore=spec.ignore, allow=spec.allow)
    rules.segmenter.boundaries(_WARM_TEXT)  # load jieba's dictionary now, once for this process
    return rules


def rule_sources(folders: Sequence[str | Path]) -> tuple[list[str | Path], bool]:
    """The ruleset folders to load, and whether the bundled ones are added by `load_rules` itself.

    When livelint is imported from a zip (`spark-submit --py-files livelint-X-py3-none-any.whl`),
    its bundled rulesets are not files `load_rules` can read: they are extracted once to a folder
    in the temporary directory (named by their checksums) and loaded as the first folder instead.
    """
    archive = _package_archive()
    if archive is None:
        return list(folders), True
    return [_extract_bundled(*archive), *folders], False


def _package_archive() -> tuple[str, str] | None:
    """(zip file, prefix inside it) when the checker package was imported from a zip, else None."""
    import sys
    import zipimport

    spec = getattr(sys.modules.get(__package__ or "checker"), "__spec__", None)
    loader = getattr(spec, "loader", None)
    if isinstance(loader, zipimport.zipimporter):
        return loader.archive, loader.prefix
    return None


def _extract_bundled(archive: str, prefix: str) -> Path:
    import hashlib
    import os
    import shutil
    import tempfile
    import zipfile

    inside = f"{prefix}{__package__ or 'checker'}/_data/rulesets/".replace("\\", "/")
    with zipfile.ZipFile(archive) as bundle:
        members = [info for info in bundle.infolist() if info.filename.startswith(inside) and not info.is_dir()]
        if not members:
            raise FileNotFoundError(f"{archive}: no {inside} in it (ship the livelint wheel, not a zip of the sources)")
        digest = hashlib.sha256("".join(f"{m.filename}:{m.CRC}\n" for m in members).encode()).hexdigest()[:16]
        target = Path(tempfile.gettempdir()) / f"livelint-rulesets-{digest}"
        if target.is_dir():
            return target
        staging = Path(tempfile.mkdtemp(prefix=".livelint-rulesets-", dir=tempfile.gettempdir()))
        for member in members:
            path = staging / member.filename[len(inside) :]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bundle.read(member))
    try:
        os.replace(staging, target)  # atomic: another worker may have done the same meanwhile
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def check_batches(batches: Iterator[pyarrow.RecordBatch], spec: CheckSpec) -> Iterator[pyarrow.RecordBatch]:
    """The function `mapInArrow` runs: each input batch comes back with the four result columns."""
    rules = worker_rules(spec)
    for batch in batches:
        yield check_batch(batch, spec, rules)


def check_batch(batch: pyarrow.RecordBatch, spec: CheckSpec, rules: Rules) -> pyarrow.RecordBatch:
    """One Arrow record batch checked: its columns unchanged, then findings, verdict, error and failed."""
    import pyarrow as pa

    names = batch.schema.names
    wanted = [name for name in dict.fromkeys((*([spec.id_col] if spec.id_col else []), *spec.fields))]
    values = {name: batch.column(names.index(name)).to_pylist() for name in wanted}
    corrupt = batch.column(names.index(spec.corrupt_col)).to_pylist() if spec.corrupt_col else [None] * batch.num_rows
    good = [row for row in range(batch.num_rows) if corrupt[row] is None]
    records = [{name: values[name][row] for name in wanted} for row in good]
    results: list[RecordResult | None] = [None] * batch.num_rows
    checked = check_records(records, rules, fields=spec.fields, id_field=spec.id_col)
    for row, result in zip(good, checked):
        results[row] = result
    findings: list[list[dict[str, Any]]] = []
    verdicts: list[str] = []
    errors: list[str | None] = []
    failed: list[bool | None] = []
    for row, found in enumerate(results):
        if found is None:
            findings.append([])
            verdicts.append(Verdict.ERROR.value)
            errors.append(f"malformed record: Spark could not parse it ({_clip(corrupt[row])})")
            failed.append(None)
            continue
        findings.append([_finding(item.field, item.finding) for item in found.findings] if found.findings else [])
        verdicts.append(found.verdict.value)
        errors.append(found.error)
        failed.append(
            None if found.verdict is Verdict.ERROR else any(item.finding.level.rank >= spec.fail_rank for item in found.findings)
        )
    arrays = [
        pa.array(findings, type=_arrow_findings()),
        pa.array(verdicts, type=pa.string()),
        pa.array(errors, type=pa.string()),
        pa.array(failed, type=pa.bool_()),
    ]
    return pa.RecordBatch.from_arrays([*batch.columns, *arrays], names=[*names, *RESULT_COLUMNS])


def _finding(name: str, finding: Any) -> dict[str, Any]:
    return {
        "field": name,
        "rule": finding.rule,
        "category": finding.category.value,
        "level": finding.level.value,
        "start": finding.start,
        "end": finding.end,
        "match": finding.match,
        "notice_id": finding.notice.id,
    }


def _arrow_findings() -> pyarrow.DataType:
    import pyarrow as pa

    text, number = pa.string(), pa.int32()
    types = {"start": number, "end": number}
    struct = pa.struct([pa.field(name, types.get(name, text), nullable=False) for name in FINDING_FIELDS])
    return pa.list_(pa.field("element", struct, nullable=False))


def _clip(text: object, size: int = 60) -> str:
    value = str(text).strip()
    return value if len(value) <= size else value[: size - 1] + "…"


def _first_duplicate(names: list[str]) -> str:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return ""


def _spark_context(df: DataFrame) -> Any:
    try:
        return df.sparkSession.sparkContext
    except Exception as exc:  # noqa: BLE001 - Spark Connect sessions have no SparkContext
        raise ValueError(f"extra ruleset folders need a classic SparkSession to ship them with SparkFiles ({exc})") from None
