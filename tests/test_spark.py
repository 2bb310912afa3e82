"""Apache Spark: `checker.spark.check_columns` and `livelint batch --engine spark` give `livelint batch`'s results.

One local SparkSession (`local[2]`) serves the whole file. Without Java or pyspark these tests are
skipped on a developer's machine, and fail in CI (CI set), where .ci/run installs both.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checker import Rules, check_records, load_ruleset
from checker import __version__ as ROOT_VERSION
from checker.cli import app

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["title", "detail"]
runner = CliRunner()


def _why_no_spark() -> str | None:
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test,spark]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java: no `java` on PATH and no JAVA_HOME (apt-get install openjdk-17-jre-headless)"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] SparkSession for the session; its Python workers import this checkout."""
    why = _why_no_spark()
    if why is not None:
        if _in_ci():
            pytest.fail(f"CI must run the Spark tests, but {why}", pytrace=False)
        pytest.skip(f"Spark tests need Java and the spark extra: {why}")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("livelint tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "700")  # several Arrow batches per partition
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.executorEnv.PYTHONPATH", str(ROOT))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "livelint-cache"))


# ---- data -----------------------------------------------------------------------------------------

HAND = [
    ("HAND-1", "家人们今天全网最低价", "喜欢的加微信领券"),
    ("HAND-2", "孩子天天喝这个奶,增强免疫力不爱感冒", None),
    ("HAND-3", "这是我第一次来直播间", "最近天气冷了多穿点"),
]


def _texts() -> list[str]:
    texts = [example.text for rule in load_ruleset().rules for example in rule.fail_examples + rule.pass_examples]
    for name in ("dev.jsonl", "holdout.jsonl"):
        with open(ROOT / "tests" / "corpus" / name, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def listings(count: int = 3000) -> list[tuple[str, str, str | None, int]]:
    """(sku, title, detail, price): the hand-written rows, then rule examples and corpus texts."""
    texts = _texts()
    rows = [(sku, title, detail, 100) for sku, title, detail in HAND]
    for number in range(len(rows), count):
        detail = None if number % 11 == 0 else texts[(number * 7 + 3) % len(texts)]
        rows.append((f"SKU{number:05d}", texts[number % len(texts)], detail, number))
    return rows


SCHEMA = "sku string, title string, detail string, price int"


def as_tuples(findings: Any) -> list[tuple[Any, ...]]:
    """Findings as (field, rule, category, level, start, end, match, notice_id), from Spark rows or RecordResults."""
    out = []
    for item in findings:
        if hasattr(item, "finding"):
            f = item.finding
            out.append((item.field, f.rule, f.category.value, f.level.value, f.start, f.end, f.match, f.notice.id))
        else:
            out.append(tuple(item[name] for name in ("field", "rule", "category", "level", "start", "end", "match", "notice_id")))
    return out


# ---- the library ----------------------------------------------------------------------------------


def test_findings_equal_livelint_batch_finding_by_finding(spark: Any, rules: Rules, fresh: Any) -> None:
    from checker.spark import check_columns
    # (`fresh` starts the two fresh-process runs at the end of this file now, so they overlap with these tests)

    rows = listings()
    frame = spark.createDataFrame(rows, SCHEMA).repartition(3)
    checked = check_columns(frame, FIELDS, id_col="sku")
    assert checked.columns == ["sku", "title", "detail", "price", "findings", "verdict", "error", "failed"]
    assert checked.schema["findings"].dataType.simpleString() == (
        "array<struct<field:string,rule:string,category:string,level:string,start:int,end:int,match:string,notice_id:string>>"
    )
    got = {row["sku"]: row for row in checked.collect()}
    records = [dict(zip(("sku", "title", "detail", "price"), row)) for row in rows]
    expected = {result.id: result for result in check_records(records, rules, fields=FIELDS, id_field="sku")}
    assert len(got) == len(expected) == 3000
    flagged = 0
    for sku, result in expected.items():
        row = got[sku]
        assert as_tuples(row["findings"]) == as_tuples(result.findings), sku
        assert row["verdict"] == result.verdict.value and row["error"] is None
        assert row["failed"] is any(item.finding.level.rank >= 1 for item in result.findings)
        flagged += bool(result.findings)
    assert flagged > 500  # the comparison covers many findings, not only clean rows
    assert {row["sku"]: (row["title"], row["detail"], row["price"]) for row in got.values()} == {r[0]: r[1:] for r in rows}

    # concrete results: rule, category, level, span in the field's text, notice
    assert as_tuples(got["HAND-1"]["findings"]) == [
        ("title", "PRC-001", "price-marketing", "error", 5, 10, "全网最低价", "ks-price-marketing"),
        ("detail", "OFF-001", "off-platform", "error", 3, 6, "加微信", "ks-off-platform"),
    ]
    assert got["HAND-1"]["verdict"] == "fail"
    assert as_tuples(got["HAND-2"]["findings"]) == [("title", "HLT-008", "health-claim", "warning", 9, 14, "增强免疫力", "adlaw-16-18")]
    assert (got["HAND-2"]["verdict"], got["HAND-2"]["failed"]) == ("review", True)
    assert (got["HAND-3"]["findings"], got["HAND-3"]["verdict"], got["HAND-3"]["failed"]) == ([], "pass", False)


def test_bad_rows_are_reported_not_fatal(spark: Any) -> None:
    from checker.spark import check_columns

    frame = spark.createDataFrame(
        [
            ("B1", "全网最低价", 5, (1,)),
            ("B2", None, None, None),
            (None, "全网最低价", 5, (1,)),
        ],
        "sku string, title string, stock int, meta struct<a:int>",
    )

    def by_sku(checked: Any) -> dict[Any, tuple[Any, ...]]:
        return {row["sku"]: (row["verdict"], row["error"], row["failed"], as_tuples(row["findings"])) for row in checked.collect()}

    assert by_sku(check_columns(frame, ["title"], id_col="sku")) == {
        "B1": ("fail", None, True, [("title", "PRC-001", "price-marketing", "error", 0, 5, "全网最低价", "ks-price-marketing")]),
        "B2": ("pass", None, False, []),  # a null text is an empty text, as in `livelint batch`
        None: ("error", "missing id field 'sku'", None, []),
    }
    assert by_sku(check_columns(frame, ["title", "stock"], id_col="sku")) == {
        "B1": ("error", "field 'stock' is a number, not text", None, []),
        "B2": ("pass", None, False, []),
        None: ("error", "missing id field 'sku'", None, []),
    }
    assert by_sku(check_columns(frame, ["meta"]))["B1"] == ("error", "field 'meta' is a object, not text", None, [])
    # the default fields: every string column but the id
    assert by_sku(check_columns(frame, id_col="sku"))["B1"][0] == "fail"


def test_unparsable_lines_are_error_rows(spark: Any, tmp_path: Path) -> None:
    from checker.spark import check_columns

    path = tmp_path / "l.jsonl"
    path.write_text('{"sku": "J1", "title": "全网最低价"}\nnot json\n{"sku": "J3", "title": "好物"}\n', encoding="utf-8")
    frame = spark.read.options(mode="PERMISSIVE", columnNameOfCorruptRecord="_corrupt_record").json(str(path))
    rows = sorted(check_columns(frame, ["title"]).collect(), key=lambda row: row["sku"] or "")
    assert [(row["sku"], row["verdict"], row["error"]) for row in rows] == [
        (None, "error", "malformed record: Spark could not parse it (not json)"),
        ("J1", "fail", None),
        ("J3", "pass", None),
    ]


def test_select_and_fail_level(spark: Any) -> None:
    from checker.spark import check_columns, summarize

    frame = spark.createDataFrame([(sku, title, detail, 1) for sku, title, detail in HAND], SCHEMA)
    checked = check_columns(frame, FIELDS, id_col="sku", select=["price-marketing", "HLT"], fail_level="error")
    got = {row["sku"]: (row["verdict"], row["failed"], [f["rule"] for f in row["findings"]]) for row in checked.collect()}
    assert got == {"HAND-1": ("fail", True, ["PRC-001"]), "HAND-2": ("review", False, ["HLT-008"]), "HAND-3": ("pass", False, [])}
    counts = summarize(checked)
    assert (counts.records, counts.findings) == (3, 2)
    assert dict(counts.verdicts) == {"fail": 1, "review": 1, "pass": 1}
    assert dict(counts.categories) == {"price-marketing": 1, "health-claim": 1}
    assert dict(counts.notices) == {"ks-price-marketing": 1, "adlaw-16-18": 1}
    assert dict(counts.levels) == {"error": 1, "warning": 1}


def test_usage_errors_are_raised_before_any_job(spark: Any) -> None:
    from checker import SelectionError
    from checker.spark import check_columns

    frame = spark.createDataFrame([("A", "x", "y", 1)], SCHEMA)
    with pytest.raises(ValueError, match="no column 'titel'"):
        check_columns(frame, ["titel"])
    with pytest.raises(ValueError, match="no column 'id'"):
        check_columns(frame, ["title"], id_col="id")
    with pytest.raises(ValueError, match="already has a column 'verdict'"):
        check_columns(frame.withColumnRenamed("detail", "verdict"), ["title"])
    with pytest.raises(SelectionError):
        check_columns(frame, ["title"], select=["NOPE-999"])
    with pytest.raises(TypeError, match="ruleset folders"):
        check_columns(frame, ["title"], rules="rules/")  # type: ignore[arg-type]


HOUSE_RULE = """\
prefix: HSE
source: ks-price-marketing
description: 本公司自己的禁用语
rules:
  - id: HSE-001
    category: disparagement
    level: warning
    message: 公司禁止拿竞品“小蓝瓶”作比较
    clause: 不得贬低其他经营者的商品
    boundary: none
    patterns: [小蓝瓶]
    examples:
      fail: [这款比小蓝瓶还好用]
      pass: [这款很好用]
"""


def test_a_custom_rule_folder_reaches_the_workers_through_sparkfiles(spark: Any, tmp_path: Path) -> None:
    from checker.spark import check_columns

    folder = tmp_path / "house-rules"
    folder.mkdir()
    (folder / "house.yml").write_text(HOUSE_RULE, encoding="utf-8")
    frame = spark.createDataFrame([("H1", "这款比小蓝瓶还好用", None, 1), ("H2", "全网最低价", None, 1)], SCHEMA)
    checked = check_columns(frame, ["title"], id_col="sku", rules=[folder])
    got = {row["sku"]: as_tuples(row["findings"]) for row in checked.collect()}
    assert got == {
        "H1": [("title", "HSE-001", "disparagement", "warning", 3, 6, "小蓝瓶", "ks-price-marketing")],
        "H2": [("title", "PRC-001", "price-marketing", "error", 0, 5, "全网最低价", "ks-price-marketing")],
    }
    without = {row["sku"]: row["verdict"] for row in check_columns(frame, ["title"], id_col="sku").collect()}
    assert without == {"H1": "pass", "H2": "fail"}


def test_each_worker_process_compiles_the_rules_once(spark: Any) -> None:
    import pyarrow as pa

    from checker import __version__
    from checker.cache import cache_key
    from checker.spark import CheckSpec, worker_rules

    spec = CheckSpec(key=cache_key(), version=__version__, fields=("title",), id_col=None)

    def probe(batches: Iterator[Any], spec: CheckSpec) -> Iterator[Any]:
        for _batch in batches:
            rules = worker_rules(spec)
            loaded = rules.segmenter._tokenizer is not None  # jieba's dictionary was loaded with the rules
            yield pa.RecordBatch.from_pydict({"pid": [os.getpid()], "rules": [id(rules)], "jieba": [loaded]})

    rows = spark.range(0, 160, numPartitions=16).mapInArrow(partial(probe, spec=spec), "pid long, rules long, jieba boolean").collect()
    per_process: dict[int, set[int]] = {}
    for row in rows:
        per_process.setdefault(row["pid"], set()).add(row["rules"])
        assert row["jieba"]
    assert len(rows) == 16 and len(per_process) < 16  # Python workers are reused across tasks...
    assert all(len(ids) == 1 for ids in per_process.values())  # ...and build the rules once each


def test_the_bundled_rulesets_load_when_livelint_is_imported_from_the_wheel_as_a_zip(tmp_path: Path) -> None:
    """`spark-submit --py-files livelint.zip` (the wheel under a .zip name): the package and its rulesets come from a zip."""
    wheel = tmp_path / "livelint.zip"
    with zipfile.ZipFile(wheel, "w") as bundle:
        for path in sorted((ROOT / "checker").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not (path.parent.name == "checker" and path.name == "_data"):
                bundle.write(path, path.relative_to(ROOT).as_posix())
        for path in sorted((ROOT / "rulesets").rglob("*")):
            if path.is_file():
                bundle.write(path, "checker/_data/rulesets/" + path.relative_to(ROOT / "rulesets").as_posix())
    code = (
        "import checker, checker.spark as s\n"
        "assert 'livelint.zip' in checker.__file__, checker.__file__\n"
        "folders, bundled = s.rule_sources([])\n"
        "from checker import load_rules, check_text\n"
        "rules = load_rules(folders, bundled=bundled)\n"
        "print(bundled, len(rules.selected), [f.rule for f in check_text('全网最低价', rules).findings])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(wheel), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 2)[0] == "False"
    assert done.stdout.strip().endswith("['PRC-001']")
    assert int(done.stdout.split()[1]) == len(load_ruleset().rules)


def test_checker_imports_without_pyspark() -> None:
    code = (
        "import sys\n"
        "sys.modules['pyspark'] = None\n"
        "import checker, checker.spark\n"
        "try:\n"
        "    checker.spark.check_columns(None, ['title'])\n"
        "except checker.spark.SparkUnavailable as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pip install 'livelint[spark]'" in done.stdout


# ---- the command line -----------------------------------------------------------------------------


def write_csv(path: Path, rows: list[tuple[str, str, str | None, int]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "title", "detail"])
        writer.writerows((sku, title, detail or "") for sku, title, detail, _price in rows)
    return path


def batch_findings(path: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """id -> (verdict, findings) from `livelint batch`'s JSONL report."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            document = json.loads(line)
            findings = [
                (f["field"], f["rule"], f["category"], f["level"], f["start"], f["end"], f["match"], f["notice"]["id"])
                for f in document["findings"]
            ]
            out[document["id"]] = (document["verdict"], findings)
    return out


def parquet_findings(folder: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    import pyarrow.parquet as pq

    table = pq.read_table(folder).to_pylist()
    return {row["sku"]: (row["verdict"], as_tuples(row["findings"])) for row in table}


def summary_lines(text: str) -> list[str]:
    """The summary table without its timing line."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if not re.search(r"records, .* findings in ", line)]


def test_cli_spark_equals_local_batch(spark: Any, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "listings.csv", listings())
    local = runner.invoke(app, ["batch", str(source), "--id-field", "sku", "--field", "title,detail", "-o", str(tmp_path / "local.jsonl"), "-j", "1"])
    assert local.exit_code == 1, local.output
    output = tmp_path / "checked.parquet"
    result = runner.invoke(
        app,
        ["batch", "--engine", "spark", "--master", "local[2]", str(source), "--id-field", "sku", "--field", "title,detail", "-o", str(output)],
    )
    assert result.exit_code == 1, result.output
    expected = batch_findings(tmp_path / "local.jsonl")
    got = parquet_findings(output)
    assert got == expected
    assert sum(1 for _verdict, findings in got.values() if findings) > 500
    assert got["HAND-1"] == (
        "fail",
        [
            ("title", "PRC-001", "price-marketing", "error", 5, 10, "全网最低价", "ks-price-marketing"),
            ("detail", "OFF-001", "off-platform", "error", 3, 6, "加微信", "ks-off-platform"),
        ],
    )
    # the same summary table, printed by the same code
    assert summary_lines(result.stdout) == summary_lines(local.stdout)
    assert "3,000 records" in result.stdout and "price-marketing" in result.stdout
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".checked.parquet")]  # no temporary left

    # a second run replaces the report; --flagged-only writes the non-pass records, the summary counts all
    again = runner.invoke(
        app, ["batch", "--engine", "spark", str(source), "--id-field", "sku", "--field", "title", "--field", "detail", "-o", str(output), "--flagged-only"]
    )
    assert again.exit_code == 1, again.output
    flagged = parquet_findings(output)
    assert flagged == {sku: value for sku, value in expected.items() if value[0] != "pass"}
    assert summary_lines(again.stdout) == summary_lines(local.stdout)


def test_cli_jsonl_with_bad_rows_to_csv(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(
        '{"id": "J1", "title": "全网最低价", "stock": 3}\n'
        "{bad json\n"
        '{"id": null, "title": "好物", "stock": 1}\n'
        '{"id": "J4", "title": "喜欢的加微信领券", "stock": 2}\n',
        encoding="utf-8",
    )
    output = tmp_path / "report.csv"
    result = runner.invoke(app, ["batch", "--engine", "spark", str(source), "--id-field", "id", "--field", "title", "-o", str(output)])
    assert result.exit_code == 2  # bad rows win over findings
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"livelint: {source}: malformed record: Spark could not parse it ({{bad json)",
        f"livelint: {source}: missing id field 'id'",
    ]
    rows = []
    for part in sorted(output.glob("part-*.csv")):
        with open(part, encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    by_verdict = sorted((row["id"], row["verdict"], row["error"]) for row in rows)
    assert by_verdict == [
        ("", "error", "malformed record: Spark could not parse it ({bad json)"),
        ("", "error", "missing id field 'id'"),
        ("J1", "fail", ""),
        ("J4", "fail", ""),
    ]
    j4 = next(row for row in rows if row["id"] == "J4")
    assert json.loads(j4["findings"]) == [
        {"field": "title", "rule": "OFF-001", "category": "off-platform", "level": "error", "start": 3, "end": 6,
         "match": "加微信", "notice_id": "ks-off-platform"}
    ]  # fmt: skip
    assert list(rows[0]) == ["id", "stock", "title", "findings", "verdict", "error", "failed"]
    assert re.search(r"^error +2$", result.stdout, re.M) and "4 records, 2 findings" in result.stdout


def test_cli_usage_errors_are_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_csv(tmp_path / "l.csv", listings(5))

    def run(*args: str) -> Any:
        return runner.invoke(app, ["batch", *args])

    result = run(str(source), "--master", "local[2]", "-o", str(tmp_path / "o.parquet"))
    assert (result.exit_code, result.stderr) == (2, "livelint: error: --master needs --engine spark\n")
    result = run("--engine", "spark", str(source))
    assert result.exit_code == 2 and "needs --output" in result.stderr
    result = run("--engine", "spark", str(source), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2 and "writes parquet, csv, jsonl reports, not xlsx" in result.stderr
    result = run("--engine", "spark", str(tmp_path / "missing.parquet"), "-o", str(tmp_path / "o.parquet"))
    assert (result.exit_code, result.stderr) == (2, f"livelint: {tmp_path / 'missing.parquet'}: no such file or folder\n")
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as without the extra
    result = run("--engine", "spark", str(source), "-o", str(tmp_path / "o.parquet"))
    assert result.exit_code == 2
    assert result.stderr == (
        "livelint: error: --engine spark needs pyspark and pyarrow (pyspark is not installed): pip install 'livelint[spark]'\n"
    )


def test_cli_missing_column_is_one_line(spark: Any, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "l.csv", listings(5))
    result = runner.invoke(app, ["batch", "--engine", "spark", str(source), "--field", "titel", "-o", str(tmp_path / "o.parquet")])
    assert result.exit_code == 2
    assert result.stderr == f"livelint: error: {source}: no column 'titel' (columns: sku, title, detail)\n"
    assert not (tmp_path / "o.parquet").exists()


def _spark_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYSPARK_", "SPARK_"))}
    return {**env, "PYSPARK_PYTHON": sys.executable, "PYTHONPATH": str(ROOT), "SPARK_LOCAL_IP": "127.0.0.1"}


def _documented(name: str) -> str:
    """The code block of docs/spark.md that follows the first mention of `name`."""
    text = (ROOT / "docs" / "spark.md").read_text(encoding="utf-8")
    found = re.search(rf"`{re.escape(name)}`.*?```python\n(.*?)```", text, re.S)
    assert found, f"docs/spark.md has no python block for {name}"
    return found.group(1)


SUBMIT_COMMAND = "spark-submit --master 'local[2]' check_listings.py listings.parquet checked.parquet"


@pytest.fixture(scope="module")
def fresh(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    """Two runs in fresh processes, each starting its own Spark: the CLI, and the documented spark-submit
    example. Both start at once, when the first test asks for them, and run while the other tests do."""
    import pyspark

    cli = tmp_path_factory.mktemp("fresh-cli")
    spark.createDataFrame(listings(300), SCHEMA).write.parquet(str(cli / "in.parquet"))
    submit = tmp_path_factory.mktemp("fresh-submit")
    (submit / "check_listings.py").write_text(_documented("check_listings.py"), encoding="utf-8")
    spark.createDataFrame(listings(600), SCHEMA).write.parquet(str(submit / "listings.parquet"))
    commands = {
        "cli": ([sys.executable, "-m", "checker", "batch", "--engine", "spark", "--master", "local[1]", "in.parquet",
                 "--id-field", "sku", "--field", "title,detail", "-o", "out.jsonl"], cli),
        "submit": ([str(Path(pyspark.__file__).parent / "bin" / "spark-submit"), *SUBMIT_COMMAND.replace("'", "").split()[1:]], submit),
    }  # fmt: skip
    started = {
        name: (subprocess.Popen(command, cwd=folder, env=_spark_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), folder)
        for name, (command, folder) in commands.items()
    }
    yield started
    for process, _folder in started.values():
        if process.poll() is None:
            process.kill()
            process.communicate()


def finished(run: tuple[subprocess.Popen[str], Path]) -> tuple[int, str, str, Path]:
    process, folder = run
    stdout, stderr = process.communicate(timeout=600)
    return process.returncode, stdout, stderr, folder


def test_cli_starts_and_stops_its_own_spark_in_a_fresh_process(fresh: dict[str, Any]) -> None:
    code, stdout, stderr, folder = finished(fresh["cli"])
    assert code == 1, stderr
    assert "300 records" in stdout and "verdict" in stdout
    noise = [line for line in stderr.splitlines() if not line.startswith("WARNING: Using incubator modules")]
    assert noise == []  # Spark's own log lines are kept out of the way
    got = {}
    for part in (folder / "out.jsonl").glob("part-*.json"):
        for line in part.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            got[document["sku"]] = (document["verdict"], as_tuples(document["findings"]))
            assert document["price"] is not None and document["error"] is None  # every column kept; nulls written
    assert len(got) == 300
    assert got["HAND-1"][1][0] == ("title", "PRC-001", "price-marketing", "error", 5, 10, "全网最低价", "ks-price-marketing")


def test_the_documented_spark_submit_example_writes_the_local_batch_findings(fresh: dict[str, Any], tmp_path: Path) -> None:
    assert SUBMIT_COMMAND in (ROOT / "docs" / "spark.md").read_text(encoding="utf-8")
    code, stdout, stderr, folder = finished(fresh["submit"])
    assert code == 0, stderr[-3000:]
    got = parquet_findings(folder / "checked.parquet")
    local = runner.invoke(app, ["batch", str(write_csv(tmp_path / "l.csv", listings(600))), "--id-field", "sku",
                                "--field", "title,detail", "-o", str(tmp_path / "local.jsonl"), "-j", "1"])  # fmt: skip
    assert local.exit_code == 1
    assert got == batch_findings(tmp_path / "local.jsonl")
    assert sum(1 for _verdict, findings in got.values() if findings) > 100
    assert "600 listings" in stdout


def test_a_failing_job_is_one_line_and_exit_2(spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that refuses to check (its livelint differs from the driver's) fails the run cleanly."""
    import checker

    source = write_csv(tmp_path / "l.csv", listings(20))
    monkeypatch.setattr(checker, "__version__", "9.9.9")  # the driver's version; the workers import 0.1.0
    result = runner.invoke(app, ["batch", "--engine", "spark", str(source), "--id-field", "sku", "-o", str(tmp_path / "o.parquet")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"livelint: error: Spark failed: RuntimeError: livelint {ROOT_VERSION} is installed on this executor but the driver "
        "runs 9.9.9: install the same livelint wheel on both\n"
    )
    assert not (tmp_path / "o.parquet").exists() and [p.name for p in tmp_path.iterdir()] == ["l.csv"]


def test_without_java_the_cli_says_so(spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    source = write_csv(tmp_path / "l.csv", listings(5))
    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))  # as in a fresh process
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    result = runner.invoke(app, ["batch", "--engine", "spark", str(source), "-o", str(tmp_path / "o.parquet")])
    assert (result.exit_code, result.stderr) == (
        2,
        "livelint: error: --engine spark needs Java 17 or later, and there is no `java` on PATH and no JAVA_HOME "
        "(Debian: apt-get install openjdk-17-jre-headless)\n",
    )
