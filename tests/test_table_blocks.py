"""Reading a table as blocks of whole records gives exactly the rows of one stream, at every block size."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from checker.inputs import tables
from checker.inputs.tables import Table, _delimited_rows, parse_block

TRICKY_CELLS = [
    "全网最低价羽绒服",
    "带逗号,的标题",
    '引号"在中间',
    '"整格引号"',
    "跨行\n的标题",
    "CRLF\r\n跨行",
    "孤立\r回车",
    "",
    "  前后空格  ",
    "第①名 薇信",
]


def stream_rows(path: Path, encoding: str, dialect: str) -> list[tuple[int, object, object]]:
    """The reference: one decoding stream through the csv module (how the file was read before blocks)."""
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, dialect=dialect)
        columns = tuple(next(reader))
        return [(row.number, row.values, row.error) for row in _delimited_rows(reader, columns, 0)]


def write_tricky(path: Path, rows: int, *, delimiter: str = ",", encoding: str = "utf-8", seed: int = 3) -> None:
    rng = random.Random(seed)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=rng.choice(["\n", "\r\n"]))
    writer.writerow(["sku", "title", "detail"])
    for number in range(rows):
        writer.writerow([f"A{number}", rng.choice(TRICKY_CELLS), rng.choice(TRICKY_CELLS)])
        if rng.random() < 0.05:
            buffer.write("\n")  # a blank line
        if rng.random() < 0.03:
            buffer.write('B9,5" screen,unquoted "quote\n')  # quotes inside unquoted fields
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.mark.parametrize("block_bytes", [7, 64, 1000, 1 << 18])
@pytest.mark.parametrize(("suffix", "delimiter", "dialect", "encoding"), [
    (".csv", ",", "excel", "utf-8"),
    (".tsv", "\t", "excel-tab", "utf-8"),
    (".csv", ",", "excel", "gb18030"),
])  # fmt: skip
def test_blocks_give_the_rows_of_one_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int, suffix: str, delimiter: str, dialect: str, encoding: str
) -> None:
    path = tmp_path / f"listings{suffix}"
    write_tricky(path, 400, delimiter=delimiter, encoding=encoding)
    monkeypatch.setattr(tables, "BLOCK_BYTES", block_bytes)
    with Table(path) as table:
        assert table.spec is not None  # read as blocks
        got = [(row.number, row.values, row.error) for row in table]
    assert got == stream_rows(path, encoding, dialect)
    assert len(got) > 400


def test_a_block_parses_anywhere_with_its_file_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text('sku,title\nA1,"两行\n标题"\nA2,全网最低\n', encoding="utf-8")
    with Table(path) as table:
        assert table.spec is not None
        blocks = list(table.blocks(size=4))
    rows = [row for block in blocks for row in parse_block(table.spec, block)]
    assert [(row.number, row.values) for row in rows] == [
        (2, {"sku": "A1", "title": "两行\n标题"}),
        (4, {"sku": "A2", "title": "全网最低"}),
    ]
    assert blocks[-1].end == path.stat().st_size


@pytest.mark.parametrize("block_bytes", [5, 1 << 18])
def test_jsonl_blocks_keep_line_numbers_and_bad_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int) -> None:
    path = tmp_path / "l.jsonl"
    lines = [json.dumps({"sku": "A1", "title": "全网最低"}, ensure_ascii=False), "", "{not json", "[1]", json.dumps({"sku": "A5"})]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    monkeypatch.setattr(tables, "BLOCK_BYTES", block_bytes)
    with Table(path) as table:
        rows = list(table)
    assert [(row.number, row.values is None) for row in rows] == [(1, False), (3, True), (4, True), (5, False)]
    assert rows[0].values == {"sku": "A1", "title": "全网最低"}
    assert "not valid JSON" in (rows[1].error or "")


def test_utf16_and_multiline_headers_are_read_as_one_stream(tmp_path: Path) -> None:
    utf16 = tmp_path / "u.csv"
    utf16.write_text("sku,title\nA1,全网最低\n", encoding="utf-16")
    multiline = tmp_path / "m.csv"
    multiline.write_text('sku,"ti\ntle"\nA1,全网最低\n', encoding="utf-8")
    with Table(utf16) as table:
        assert table.spec is None
        assert [(row.number, row.values) for row in table] == [(2, {"sku": "A1", "title": "全网最低"})]
    with Table(multiline) as table:
        assert table.spec is None
        assert [(row.number, row.values) for row in table] == [(3, {"sku": "A1", "ti\ntle": "全网最低"})]


def test_block_jobs_make_the_items_prepare_makes_from_rows(tmp_path: Path) -> None:
    from checker.batch import BlockJob, items_of

    path = tmp_path / "l.csv"
    write_tricky(path, 300)
    with path.open("ab") as handle:
        handle.write(b"C1,short row\nC2\nC3,\xff\xfe bad bytes,x\nC4,a,b,too many\n")
    with Table(path) as table:
        assert table.spec is not None
        blocks = list(table.blocks(size=500))
    for fields, id_field in [(("title",), "sku"), (("title", "detail"), None), (("detail",), "title")]:
        fast = [item for block in blocks for item in BlockJob(table.spec, block, fields, id_field).items()]
        general = [item for block in blocks for item in items_of(parse_block(table.spec, block), fields, id_field)]
        assert fast == general
    errors = {item[0]: item[3] for item in fast if item[3]}
    assert "missing field 'detail'" in errors.values()
    assert any("not valid in the file's encoding" in error for error in errors.values())
    assert any("the header has 3 columns" in error for error in errors.values())
