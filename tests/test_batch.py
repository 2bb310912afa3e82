"""check_records and the table readers: verdicts, per-field findings, bad rows, order, laziness."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from checker import check_records, check_text, load_rules
from checker.batch import RecordResult, Verdict, check_items, items_of, prepare
from checker.inputs import InputError
from checker.inputs.tables import Table, Undecodable

LISTINGS = [
    {"sku": "A1", "title": "全网最低价羽绒服", "desc": "保暖又轻便", "price": 99},
    {"sku": "A2", "title": "加厚羽绒服", "desc": "喜欢的加微信领券"},
    {"sku": "A3", "title": "这是我第一次来直播间", "desc": "最近天气冷了多穿点"},
]


def summary(result: RecordResult) -> tuple:  # type: ignore[type-arg]
    return (result.row, result.id, result.verdict.value, [(f.field, f.finding.rule, f.finding.match) for f in result.findings], result.error)


def test_verdicts_ids_and_findings_per_field(rules) -> None:
    results = [summary(r) for r in check_records(LISTINGS, rules, id_field="sku")]
    assert results[0][:3] == (1, "A1", "fail") and ("title", "PRC-001", "全网最低价") in results[0][3]
    assert results[1][:3] == (2, "A2", "fail") and {f[0] for f in results[1][3]} == {"desc"}
    assert "加微信" in {f[2] for f in results[1][3]}
    assert results[2] == (3, "A3", "pass", [], None)


def test_spans_are_offsets_into_the_field(rules) -> None:
    [result] = check_records([{"title": "好物推荐\n家人们全 网 最 低!"}], rules)
    [item] = [f for f in result.findings if f.finding.rule == "PRC-001"]
    assert (item.field, item.finding.start, item.finding.end, item.finding.line, item.finding.column) == ("title", 8, 15, 2, 4)
    assert item.finding.match == "全 网 最 低"


def test_named_fields_only_and_review_for_warnings(rules) -> None:
    results = list(check_records(LISTINGS, rules, fields=["title"], id_field="sku"))
    assert [r.verdict for r in results] == [Verdict.FAIL, Verdict.PASS, Verdict.PASS]
    warning = next(r for r in rules.selected if r.level.value == "warning")
    only_warning = load_rules(select=[warning.id])
    [result] = check_records([{"t": warning.fail_examples[0].text}], only_warning)
    assert result.verdict is Verdict.REVIEW and {f.finding.rule for f in result.findings} == {warning.id}
    info = next(r for r in rules.selected if r.level.value == "info")
    [result] = check_records([{"t": info.fail_examples[0].text}], load_rules(select=[info.id]))
    assert result.verdict is Verdict.PASS and {f.finding.rule for f in result.findings} == {info.id}


def test_bad_records_are_errors_and_never_stop_the_others(rules) -> None:
    records = [
        {"sku": "B1", "desc": "好"},  # no title
        {"sku": "B2", "title": 42},  # a number
        {"title": "没有编号"},  # no id
        "not a record",
        {"sku": "B5", "title": Undecodable("title")},
        {"sku": "B6", "title": None},  # null: an empty text
        {"sku": "B7", "title": "全网最低价"},
    ]
    results = [summary(r) for r in check_records(records, rules, fields=["title"], id_field="sku")]  # type: ignore[arg-type]
    assert results[0] == (1, "B1", "error", [], "missing field 'title'")
    assert results[1] == (2, "B2", "error", [], "field 'title' is a number, not text")
    assert results[2] == (3, None, "error", [], "missing id field 'sku'")
    assert results[3][2:] == ("error", [], "a str, not a record (mapping of field names to values)")
    assert results[4][2] == "error" and "not valid in the file's encoding" in results[4][4]
    assert results[5] == (6, "B6", "pass", [], None)
    assert results[6][:3] == (7, "B7", "fail")


def test_results_are_lazy(rules) -> None:
    def endless():  # type: ignore[no-untyped-def]
        for number in itertools.count():
            yield {"id": number, "title": "全网最低价" if number % 2 else "羽绒服"}

    first = list(itertools.islice(check_records(endless(), rules, id_field="id", chunk_size=4), 6))
    assert [(r.id, r.verdict.value) for r in first] == [(str(n), "fail" if n % 2 else "pass") for n in range(6)]


def test_the_joined_scan_finds_exactly_what_check_text_finds(rules) -> None:
    """Every rule example as a record field, checked in one chunk, against check_text one by one."""
    texts = [e.text for r in rules.ruleset.rules for e in r.fail_examples + r.pass_examples]
    texts += ["全\n网最低价", "", "\n", "最最最低价", "治li疗", "ZUI低价", "全网最低价\n加微信"]
    items = [(n, None, (("t", text),), None) for n, text in enumerate(texts, 1) if text]
    results = check_items(items, rules)
    for (row, _id, ((_field, text),), _error), result in zip(items, results):
        assert result.row == row
        assert [f.finding for f in result.findings] == list(check_text(text, rules).findings), text
    assert sum(1 for r in results if r.findings) >= len(rules.selected)


def test_two_jobs_give_the_same_results_in_the_same_order(rules) -> None:
    records = [{"id": n, "title": text} for n, text in enumerate(["全网最低价", "好物", "加微信领券", "这是我第一次来直播间"] * 60)]
    one = [summary(r) for r in check_records(records, rules, id_field="id")]
    two = [summary(r) for r in check_records(records, rules, id_field="id", jobs=2, chunk_size=25)]
    assert two == one and len(one) == 240
    assert [r[1] for r in two] == [str(n) for n in range(240)]


def test_prepare_default_fields_are_the_text_values_but_the_id() -> None:
    assert prepare({"sku": "S", "title": "标题", "price": 9.5, "empty": ""}, 4, None, "sku") == (4, "S", (("title", "标题"),), None)


# ---- tables ------------------------------------------------------------------------------------


def rows(path: Path, **kwargs):  # type: ignore[no-untyped-def]
    with Table(path, **kwargs) as table:
        return table.columns, [(row.number, row.values, row.error) for row in table]


def test_csv_rows_keep_their_line_numbers_across_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text('sku,title\nA1,"两行\n标题"\n\nA2,好物\nA3,多,一格\nA4\n', encoding="utf-8")
    columns, found = rows(path)
    assert columns == ("sku", "title")
    assert found == [
        (2, {"sku": "A1", "title": "两行\n标题"}, None),
        (5, {"sku": "A2", "title": "好物"}, None),
        (6, None, "3 cells, but the header has 2 columns"),
        (7, {"sku": "A4"}, None),
    ]


def test_tsv_gbk_and_undecodable_cells(tmp_path: Path) -> None:
    tsv = tmp_path / "l.tsv"
    tsv.write_bytes("编号\t标题\n1\t全网最低价\n".encode("gbk"))
    assert rows(tsv) == (("编号", "标题"), [(2, {"编号": "1", "标题": "全网最低价"}, None)])
    bad = tmp_path / "bad.csv"
    bad.write_bytes("sku,title\nA1,好\n".encode() + b"A2,\xff\xfe\n" + ("x" * 70000 + ",好\n").encode())
    _columns, found = rows(bad, encoding="utf-8")
    assert found[0] == (2, {"sku": "A1", "title": "好"}, None)
    assert found[1][0] == 3 and isinstance(found[1][1]["title"], Undecodable)
    [item] = list(items_of(Table(bad, encoding="utf-8"), None, "sku"))[1:2]
    assert item[3] == "field 'title' has bytes that are not valid in the file's encoding"


def test_jsonl_rows_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    lines = ['{"id": 1, "title": "全网最低价"}', "", "{oops", "[1, 2]", '{"id": 2, "title": "好"}']
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": 3, "title": "\xff"}\n')
    columns, found = rows(path)
    assert columns is None
    assert found[0] == (1, {"id": 1, "title": "全网最低价"}, None)
    assert found[1][0] == 3 and found[1][2].startswith("not valid JSON")
    assert found[2] == (4, None, "a JSON array, not an object")
    assert found[3] == (5, {"id": 2, "title": "好"}, None)
    assert found[4][0] == 6 and found[4][2].startswith("not valid utf-8")


def test_xlsx_rows_with_sheet_row_numbers(tmp_path: Path, rules) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "title", "price"])
    sheet.append(["X1", "全网最低价", 10])
    sheet.append([])
    sheet.append(["X2", 12345, 3])
    sheet.append(["X3", "好物", None, "beyond"])
    path = tmp_path / "l.xlsx"
    book.save(path)
    columns, found = rows(path)
    assert columns == ("sku", "title", "price")
    assert found == [
        (2, {"sku": "X1", "title": "全网最低价", "price": 10}, None),
        (4, {"sku": "X2", "title": 12345, "price": 3}, None),
        (5, None, "a value beyond the header's 3 columns"),
    ]
    with Table(path) as table:
        results = [summary(r) for r in check_records(table, rules, fields=["title"], id_field="sku")]
    assert results[0][:3] == (2, "X1", "fail")
    assert results[1] == (4, "X2", "error", [], "field 'title' is a number, not text")
    assert results[2] == (5, None, "error", [], "a value beyond the header's 3 columns")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file or folder"),
        ("l.txt", b"a,b\n", "unknown table format"),
        ("empty.csv", b"", "empty file: no header row"),
        ("dup.csv", b"a,a\n1,2\n", "row 1: the header names column 'a' twice"),
        ("zip.csv", b"PK\x03\x04rest", "looks like a zip or XLSX file"),
        ("bad.xlsx", b"not a zip", "not a readable XLSX workbook"),
    ],
)
def test_files_that_cannot_be_read_raise_one_line(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(")) as caught:
        Table(path)
    assert "\n" not in str(caught.value)


def test_results_serialise_as_json(rules) -> None:
    from checker.cli.batch_output import JsonlWriter

    class Sink:
        text = ""

        def write(self, value: str) -> None:
            self.text += value

    sink = Sink()
    writer = JsonlWriter(sink)  # type: ignore[arg-type]
    for result in check_records(LISTINGS, rules, id_field="sku"):
        writer.write("l.csv", result)
    documents = [json.loads(line) for line in sink.text.splitlines()]
    assert [d["verdict"] for d in documents] == ["fail", "fail", "pass"]
    assert documents[2] == {"file": "l.csv", "row": 3, "id": "A3", "verdict": "pass", "findings": [], "error": None}
    assert documents[0]["findings"][0]["field"] == "title" and documents[0]["findings"][0]["notice"]["id"]
