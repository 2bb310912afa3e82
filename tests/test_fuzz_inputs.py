"""Fuzzing the file readers (hypothesis): random and mutated bytes for every input kind.

For each reader the only allowed outcomes are a result or the project's one-line `InputError`
(checker.inputs); for tables, a row that cannot be read is a `Row` with an `error`. Any other
exception is a bug, and each one found is an `@example` below. Plain text, Markdown and subtitles go
on through `check_document` (suppressions, cue placement), as `livelint check` takes them.

Seeds are small valid files (a script, a subtitle file, a CSV, a JSONL file, an XLSX workbook, a DOCX
document); mutations flip, insert, delete, duplicate and truncate bytes, and for the zip formats also
mutate one part inside the archive, so the XML parsers of openpyxl and python-docx are reached. The
number of examples is the hypothesis profile's (tests/conftest.py); HYPOTHESIS_PROFILE=fuzz for a long run.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from checker import Rules, load_rules
from checker.files import check_document
from checker.inputs import InputError, read_document
from checker.inputs.tables import Row, Table

RULES: Rules = load_rules()
SCRIPT = "家人们晚上好!\n今天全网最低价,原价399现价99 # livelint: ignore[PRC-001] 已核实\n加我薇 信私聊\r\n销量第一\n"
SRT = "1\n00:00:01,000 --> 00:00:03,500\n家人们<i>全网最低价</i>\n\n2\n00:00:04,000 --> 00:00:06,000\n加我微信私聊\n"
VTT = "WEBVTT\n\nNOTE 备注\n\n00:05.000 --> 00:07.250 align:start\n<v 主播>销量第一\n"
MARKDOWN = "---\ntitle: 话术\n---\n# 开场\n\n```\n全网最低价\n```\n\n    缩进代码\n\n- 第一点\n\n正文全网最低价\n"
CSV = "sku,title,desc\nA1,全网最低价卫衣,\"新疆\n长绒棉\"\nA2,加绒卫衣,销量第一\n"
JSONL = '{"sku": "A1", "title": "全网最低价"}\n{"sku": 2, "title": ["x"]}\nnot json\n'
ENCODINGS = [None, "utf-8", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-32", "latin-1", "big5", "shift_jis", "rot13", "base64", "unicode_escape", "utf-7", "idna", "nope"]


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "title", "price"])
    sheet.append(["A1", "全网最低价卫衣", 99])
    sheet.append(["A2", "销量第一", 12.5])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("开场:家人们晚上好")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "卖点"
    table.cell(0, 1).text = "这款降压药吃一个月就能停药"
    document.add_paragraph("全网最低价")
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


XLSX, DOCX = _xlsx(), _docx()


# ---- mutations ---------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, most: int = 8) -> bytes:
    """`seed` with a few byte-level mutations."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, most))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "interesting"]))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "interesting":  # bytes that make decoders and parsers take another path
            data[at:at] = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\xed\xa0\x80", b"\x81\x30", b'"', b"\n\n", b"-->", b"9" * 5000]))
    return bytes(data)


@st.composite
def mutated_zip(draw: st.DrawFn, seed: bytes) -> bytes:
    """A zip whose parts are the seed's, one of them mutated (or dropped), or the zip's bytes mutated."""
    if draw(st.booleans()):
        return draw(mutated(seed))
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    index = draw(st.integers(0, len(parts) - 1))
    name, content = parts[index]
    if draw(st.integers(0, 9)) == 0:
        del parts[index]
    else:
        parts[index] = (name, draw(mutated(content, most=4)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, part in parts:
            archive.writestr(part_name, part)
    return out.getvalue()


def encoded(text: str) -> st.SearchStrategy[bytes]:
    """The text in the encodings detection knows, BOM or not, mutated."""
    forms = [text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("gb18030"), codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF32_BE + text.encode("utf-32-be")]
    return st.sampled_from(forms).flatmap(mutated)


any_bytes = st.binary(max_size=400)


# ---- readers -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_and_check(path: Path, data: bytes, encoding: str | None) -> None:
    """Read `data` as the reader of `path`'s extension does, and check what was read."""
    path.write_bytes(data)
    try:
        document = read_document(path, encoding=encoding)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return
    assert len(document.checked) == len(document.text)
    checked = check_document(document, RULES, name=str(path))
    for finding in checked.report.findings:
        assert document.text[finding.start : finding.end] == finding.match


@given(st.one_of(any_bytes, encoded(SCRIPT)), st.sampled_from(ENCODINGS))
@example(b"x", "rot13")  # not a text encoding: was LookupError
@example(b"\\ud800 \xe5\x85\xa8\xe7\xbd\x91", "unicode_escape")  # half a surrogate pair: was a crash on output
@example(b"+2D0-", "utf-7")
def test_plain_text(scratch: Path, data: bytes, encoding: str | None) -> None:
    read_and_check(scratch / "script.txt", data, encoding)


@given(st.one_of(any_bytes, encoded(MARKDOWN)), st.sampled_from(ENCODINGS[:4]))
def test_markdown(scratch: Path, data: bytes, encoding: str | None) -> None:
    read_and_check(scratch / "script.md", data, encoding)


@given(st.one_of(any_bytes, encoded(SRT), encoded(VTT)), st.sampled_from(["srt", "vtt"]), st.sampled_from(ENCODINGS[:4]))
@example(b"1\n" + b"9" * 5000 + b":00:01,000 --> 00:00:03,500\nx\n", "srt", None)  # hours past int()'s digit limit: was ValueError
@example("WEBVTT\n\n٣:00.000 --> ٣:01.000\n全网最低价\n".encode(), "vtt", None)  # Arabic-Indic digits are \d
def test_subtitles(scratch: Path, data: bytes, suffix: str, encoding: str | None) -> None:
    read_and_check(scratch / f"live.{suffix}", data, encoding)


@given(st.one_of(any_bytes, mutated_zip(DOCX)))
def test_docx(scratch: Path, data: bytes) -> None:
    read_and_check(scratch / "script.docx", data, None)


def read_table(path: Path, data: bytes, encoding: str | None) -> list[Row]:
    path.write_bytes(data)
    try:
        with Table(path, encoding=encoding) as table:
            rows = list(table)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return []
    for row in rows:
        assert isinstance(row, Row) and row.number >= 1
        assert (row.values is None) == (row.error is not None)
    return rows


@given(st.one_of(any_bytes, encoded(CSV)), st.sampled_from(["csv", "tsv"]), st.sampled_from(ENCODINGS))
@example(b"a,b\n1,2\n", "csv", "rot13")  # not a text encoding: was LookupError
@example(b"\xff\xfes", "csv", None)  # UTF-16 cut in the middle of a code unit: was UnicodeDecodeError
@example(b"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n", "csv", None)  # ... after a good header and row
@example(b"\x00\x00", "csv", "utf-16")  # no byte-order mark: was UnicodeError
@example(b"", "csv", "idna")  # a codec without surrogateescape: was UnicodeError
def test_csv_and_tsv(scratch: Path, data: bytes, suffix: str, encoding: str | None) -> None:
    read_table(scratch / f"table.{suffix}", data, encoding)


@given(st.one_of(any_bytes, st.sampled_from([JSONL.encode("utf-8")]).flatmap(mutated)), st.sampled_from(ENCODINGS))
@example(b'{"a": 1}\n', "rot13")
@example(b'{"a": 1}\n' + b"a" * 70 + b"\n", "idna")
def test_jsonl(scratch: Path, data: bytes, encoding: str | None) -> None:
    read_table(scratch / "table.jsonl", data, encoding)


@given(st.one_of(any_bytes, mutated_zip(XLSX)))
def test_xlsx(scratch: Path, data: bytes) -> None:
    read_table(scratch / "table.xlsx", data, None)


def test_a_jsonl_record_with_half_a_surrogate_pair_is_a_row_error(scratch: Path) -> None:
    """json.loads accepts "\\ud800"; no report can be written with it (`livelint batch -o x.csv` died)."""
    rows = read_table(scratch / "s.jsonl", b'{"id": "1\\ud800", "title": "x"}\n{"id": "2", "title": "\\ud83d\\udd25"}\n', None)
    assert [(r.number, r.error) for r in rows] == [(1, "half a surrogate pair (\\ud800-\\udfff) in a string: not text"), (2, None)]
    assert rows[1].values == {"id": "2", "title": "🔥"}  # a whole pair is one character


def without(archive_bytes: bytes, part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive, zipfile.ZipFile(out, "w") as copy:
        for info in archive.infolist():
            if info.filename != part:
                copy.writestr(info, archive.read(info))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (without(XLSX, "xl/worksheets/sheet1.xml"), "not a readable XLSX workbook (no worksheet)"),  # was IndexError
        (without(XLSX, "xl/workbook.xml"), "not a readable XLSX workbook (KeyError)"),
        (XLSX[: len(XLSX) // 2], "not a readable XLSX workbook (BadZipFile)"),
    ],
    ids=["no-sheet", "no-workbook", "truncated"],
)
def test_broken_workbooks_are_one_input_error(scratch: Path, data: bytes, message: str) -> None:
    (scratch / "broken.xlsx").write_bytes(data)
    with pytest.raises(InputError) as caught:
        Table(scratch / "broken.xlsx")
    assert str(caught.value).startswith(message)


def test_a_docx_zip_bomb_is_refused_before_python_docx_unpacks_it(scratch: Path) -> None:
    path = scratch / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, archive.open("word/document.xml", "w", force_zip64=True) as member:
        for _ in range(210):  # 210 MB of zeros, about 200 KB zipped
            member.write(bytes(1_000_000))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="larger than 200 MB once unpacked"):
        read_document(path)


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_unpacks_it(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.inputs import tables

    monkeypatch.setattr(tables, "MAX_XLSX_PART", 5_000_000)  # the same check as at 500 MB, smaller to build
    path = scratch / "bomb.xlsx"
    path.write_bytes(XLSX)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/sharedStrings2.xml", "w") as member:
        for _ in range(6):  # 6 MB of zeros, a few KB zipped
            member.write(bytes(1_000_000))
    with pytest.raises(InputError, match="part xl/sharedStrings2.xml is larger than 5 MB once unpacked"):
        tables.Table(path)
    path.write_bytes(XLSX)
    assert [row.values["sku"] for row in tables.Table(path) if row.values] == ["A1", "A2"]


def test_the_seeds_read_cleanly(scratch: Path) -> None:
    """The unmutated seeds are valid files: what the mutations start from is reached."""
    assert [r.values for r in read_table(scratch / "seed.xlsx", XLSX, None)] == [
        {"sku": "A1", "title": "全网最低价卫衣", "price": 99},
        {"sku": "A2", "title": "销量第一", "price": 12.5},
    ]
    assert [r.values["sku"] for r in read_table(scratch / "seed.csv", CSV.encode(), None) if r.values] == ["A1", "A2"]
    (scratch / "seed.docx").write_bytes(DOCX)
    assert read_document(scratch / "seed.docx").text == "开场:家人们晚上好\n卖点\n这款降压药吃一个月就能停药\n全网最低价"
    (scratch / "seed.srt").write_text(SRT, encoding="utf-8")
    assert len(read_document(scratch / "seed.srt").cues) == 2
