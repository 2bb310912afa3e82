"""Output formats: SARIF against the official 2.1.0 schema, GitHub workflow commands, CSV and the HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.report import FORMATTERS

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
runner = CliRunner()


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    script = tmp_path / "script.txt"
    script.write_text("家人们好\n今天全网最低价,销量第一 # livelint: ignore[NOPE] x\n<b>别怕</b>错过今天再等一年\n", encoding="utf-8")
    subtitles = tmp_path / "live.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\n史低价\n", encoding="utf-8")
    return [str(script), str(subtitles)]


def output(fmt: str, paths: list[str], *extra: str) -> str:
    result = runner.invoke(app, ["check", *paths, "--format", fmt, "--no-config", *extra])
    assert result.exit_code in (1, 2), result.output
    return result.stdout


def test_every_format_is_registered() -> None:
    assert {"text", "json", "jsonl", "sarif", "github", "csv", "html"} <= set(FORMATTERS)


def test_sarif_validates_against_the_official_schema(inputs: list[str], tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    missing = str(tmp_path / "missing.txt")
    log = json.loads(output("sarif", [*inputs, missing]))
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    run = log["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    prc = results["PRC-001"]
    assert prc["level"] == "error"
    region = prc["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"], region["charOffset"]) == (2, 3, 8, 7)
    assert prc["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "本直播间活动价"
    assert run["tool"]["driver"]["rules"][prc["ruleIndex"]]["id"] == "PRC-001"
    assert results["PRC-002"]["properties"]["cue_start"] == "00:00:01.000"
    assert "LL-004" in results
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["columnKind"] == "unicodeCodePoints"


def test_github_annotations(inputs: list[str]) -> None:
    lines = output("github", inputs).splitlines()
    prc = next(line for line in lines if "PRC-001" in line)
    assert prc.startswith(f"::error file={inputs[0]},line=2,col=3,endLine=2,endColumn=7,title=PRC-001 [price-marketing]::")
    assert "%0A依据: " in prc and "\n" not in prc
    assert any(line.startswith("::warning ") for line in lines)


def test_csv_rows(inputs: list[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(output("csv", inputs))))
    prc = next(row for row in rows if row["rule"] == "PRC-001")
    assert (prc["line"], prc["column"], prc["match"], prc["notice_id"]) == ("2", "3", "全网最低价", "ks-price-marketing")
    subtitle = next(row for row in rows if row["rule"] == "PRC-002")
    assert (subtitle["cue_start"], subtitle["cue_end"]) == ("00:00:01.000", "00:00:02.000")


def test_html_page_is_self_contained_and_highlights_every_hit(inputs: list[str]) -> None:
    page = output("html", inputs)
    document = json.loads(output("json", inputs))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    marks = re.findall(r'<mark class="(error|warning|info)" data-f="([\d ]+)"[^>]*>(.*?)</mark>', page)
    covered = {int(i) for _level, ids, _text in marks for i in ids.split()}
    assert covered == set(range(len(document["findings"])))
    by_index = {int(ids.split()[0]): (level, text) for level, ids, text in marks}
    for index, finding in enumerate(document["findings"]):
        assert f'id="f{index}"' in page
        if finding["rule"] == "PRC-001":
            assert by_index[index] == ("error", "全网最低价")
    assert "&lt;b&gt;别怕&lt;/b&gt;" in page  # the text is escaped, never interpreted
    assert 'id="detail"' in page and "快手违规价格营销和价格炒作有哪些表现?怎么做?" in page and "本直播间活动价" in page
