"""Tables of records: CSV, TSV, JSONL and XLSX, read as a stream of rows with their row numbers.

A row number is what a person sees when opening the file: the line where a CSV, TSV or JSONL record
starts (the header is line 1), the sheet row of an XLSX file. A row that cannot be read (bad JSON,
more cells than the header, undecodable bytes...) is yielded with an `error` and reading goes on;
only a file that cannot be opened at all raises `InputError`.

CSV, TSV and JSONL files in an encoding where line breaks, quotes and delimiters are single ASCII
bytes (UTF-8, GB18030, GBK, Big5...) are read as `Block`s: runs of whole records cut at a record
boundary, with the line number they start on. `parse_block` turns a block into rows anywhere (a
batch worker process parses its own blocks, so the parent only reads bytes). Other encodings
(UTF-16, UTF-32) are read as one stream.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from .text import InputError, lone_surrogate, text_encoding

FORMATS = ("csv", "tsv", "jsonl", "xlsx")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 1 << 16
MAX_XLSX_PART = 500_000_000  # bytes of an XLSX part other than a worksheet, unpacked (see _refuse_xlsx_bomb)
BLOCK_BYTES = 1 << 18  # bytes per block read (a block grows until it holds one whole record)
# Encodings whose multi-byte characters never contain the bytes of \n, \r, ", "," or a tab.
_BLOCK_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "ascii", "iso8859-1", "cp1252"})
_UNDECODABLE = re.compile("[\udc80-\udcff]")
csv.field_size_limit(100_000_000)


class Undecodable:
    """A cell whose bytes are not valid in the file's encoding; checking it is a row error."""

    __slots__ = ("column",)

    def __init__(self, column: str) -> None:
        self.column = column

    def __repr__(self) -> str:
        return f"Undecodable({self.column!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Undecodable, (self.column,))


@dataclass(frozen=True)
class Row:
    """One record of a table: its row number and values by column, or why it cannot be read."""

    number: int
    values: dict[str, Any] | None
    error: str | None = None


@dataclass(frozen=True)
class BlockSpec:
    """How to parse the blocks of one table: its format, encoding and header columns."""

    format: str  # csv | tsv | jsonl
    encoding: str
    columns: tuple[str, ...] | None  # None for JSONL


@dataclass(frozen=True)
class Block:
    """Whole records of a table: their bytes, the line the first starts on, the file offset after them."""

    first_line: int
    data: bytes
    end: int


def _records_pattern(delimiter: bytes) -> re.Pattern[bytes]:
    """Matches a run of whole delimited records from a record boundary, as Python's csv module reads
    them: a field is quoted only when it starts with a quote, and a quoted field may hold line breaks."""
    d = re.escape(delimiter)
    quoted = rb'"(?:[^"]|"")*"[^' + d + rb"\r\n]*"
    plain = rb'[^' + d + rb'\r\n"][^' + d + rb"\r\n]*"
    field = rb"(?:" + quoted + rb"|" + plain + rb")?"
    return re.compile(rb"(?:" + field + rb"(?:" + d + field + rb")*\r?\n)*")


@lru_cache(maxsize=None)
def _records(fmt: str) -> re.Pattern[bytes]:
    return _records_pattern(b"\t" if fmt == "tsv" else b",")  # compiled on first use: start-up stays quick


def _whole_records(fmt: str, data: bytes) -> int:
    """The length of the longest prefix of `data` made of whole records (0 when there is none)."""
    if fmt == "jsonl" or b'"' not in data:
        return data.rfind(b"\n") + 1
    match = _records(fmt).match(data)
    return match.end() if match else 0


def _line_count(data: bytes) -> int:
    """Lines in `data` as Python's readers count them: \n, \r\n and a lone \r each end one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def parse_block(spec: BlockSpec, block: Block) -> Iterator[Row]:
    """The rows of a block, with their row numbers in the file: the same rows reading the whole file gives."""
    offset = block.first_line - 1
    if spec.format == "jsonl":
        return _jsonl_rows(block.data.split(b"\n"), spec.encoding, offset)
    assert spec.columns is not None
    return _delimited_rows(block_reader(spec, block), spec.columns, offset)


def table_format(path: str | Path, given: str | None = None) -> str:
    """The format of a table file: `given`, else from its extension; InputError when unknown."""
    if given is not None:
        if given not in FORMATS:
            raise InputError(f"unknown table format {given!r} (one of: {', '.join(FORMATS)})")
        return given
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise InputError("unknown table format (use .csv, .tsv, .jsonl or .xlsx, or give --input-format)")
    return found


class Table:
    """An open table file; iterate for its rows. Use as a context manager (or call `close`)."""

    def __init__(self, path: str | Path, *, format: str | None = None, encoding: str | None = None, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.format = table_format(path, format)
        self.columns: tuple[str, ...] | None = None  # None for JSONL: each record has its own keys
        self.size = 0  # progress units in total: bytes, or rows for XLSX
        self.spec: BlockSpec | None = None  # set when the table is read as blocks (see `blocks`)
        self._raw: BinaryIO | None = None
        self._pending = b""  # bytes read past the last whole record
        self._line = 1  # the line the next block starts on
        self._workbook: Any = None
        self._rows: Iterator[Row]
        try:
            if self.format == "xlsx":
                self._rows = self._open_xlsx(sheet)
            else:
                self._raw = open(self.path, "rb")  # noqa: SIM115 - closed by close()
                self.size = self.path.stat().st_size
                if self.format == "jsonl":
                    self._rows = self._jsonl(encoding)
                else:
                    self._rows = self._delimited(encoding)
        except IsADirectoryError:
            self.close()
            raise InputError("is a folder") from None
        except FileNotFoundError:
            self.close()
            raise InputError("no such file or folder") from None
        except PermissionError:
            self.close()
            raise InputError("permission denied") from None
        except OSError as exc:
            self.close()
            raise InputError(f"cannot read: {exc.strerror or exc}") from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def position(self) -> int:
        """How far reading has got, in the units of `size` (read-ahead included)."""
        if self._raw is not None and not self._raw.closed:
            return self._raw.tell()
        return self._xlsx_row

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    # ---- CSV and TSV ---------------------------------------------------------------------------

    def _encoding(self, given: str | None) -> str:
        assert self._raw is not None
        head = self._raw.read(_SNIFF_BYTES)
        self._raw.seek(0)
        if given is not None:
            text_encoding(given)  # InputError for an unknown name or a codec that is not a text encoding
            return given
        for bom, codec in _BOMS:
            if head.startswith(bom):
                return codec
        if b"\x00" in head:
            raise InputError("binary file (NUL bytes), not a table")
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < _SNIFF_BYTES)
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"

    def _delimited(self, given: str | None) -> Iterator[Row]:
        assert self._raw is not None
        if self.path.suffix.lower() == ".xlsx" or self._raw.read(4) == b"PK\x03\x04":
            raise InputError(f"looks like a zip or XLSX file, not {self.format.upper()}")
        self._raw.seek(0)
        encoding = self._encoding(given)
        dialect = "excel-tab" if self.format == "tsv" else "excel"
        if codecs.lookup(encoding).name not in _BLOCK_ENCODINGS:
            return self._stream_rows(encoding, dialect)
        head = self._next_block()
        if head is None:
            raise InputError("empty file: no header row")
        first = head.data.splitlines(keepends=True)[0]
        reader = csv.reader(io.StringIO(first.decode(encoding, errors="surrogateescape"), newline=""), dialect=dialect)
        header = self._read_header(reader)
        if first.count(b'"') % 2 or not first.endswith((b"\n", b"\r")):  # a header holding a line break
            return self._stream_rows(encoding, dialect)
        self.columns = _header(header, undecodable=any(_UNDECODABLE.search(cell) for cell in header))
        self._pending = head.data[len(first) :] + self._pending
        self._line = 2
        self.spec = BlockSpec(self.format, "utf-8" if encoding == "utf-8-sig" else encoding, self.columns)
        return self._block_rows()

    def _stream_rows(self, encoding: str, dialect: str) -> Iterator[Row]:
        """Rows read through one decoding stream: UTF-16, UTF-32, or a header holding a line break."""
        assert self._raw is not None
        self._raw.seek(0)
        self._pending, self._line = b"", 1
        stream = io.TextIOWrapper(self._raw, encoding=encoding, errors="surrogateescape", newline="")  # type: ignore[arg-type]
        reader = csv.reader(stream, dialect=dialect)
        header = self._read_header(reader)
        self.columns = _header(header, undecodable=any(_UNDECODABLE.search(cell) for cell in header))
        return _until_undecodable(_delimited_rows(reader, self.columns, 0), reader)

    @staticmethod
    def _read_header(reader: Any) -> list[str]:
        try:
            return list(next(reader))
        except StopIteration:
            raise InputError("empty file: no header row") from None
        except csv.Error as exc:
            raise InputError(f"row 1: cannot read the header: {exc}") from None
        except UnicodeError as exc:  # what surrogateescape cannot stand for: a truncated UTF-16 unit, no BOM
            raise InputError(f"row 1: cannot decode the header: {exc}") from None

    # ---- JSONL ---------------------------------------------------------------------------------

    def _jsonl(self, given: str | None) -> Iterator[Row]:
        assert self._raw is not None
        encoding = given or "utf-8"
        name = text_encoding(encoding)
        if name not in _BLOCK_ENCODINGS:
            return _jsonl_rows(self._raw, encoding, 0)
        if self._raw.read(3) != codecs.BOM_UTF8:
            self._raw.seek(0)
        self.spec = BlockSpec("jsonl", "utf-8" if name == "utf-8-sig" else encoding, None)
        return self._block_rows()

    # ---- blocks --------------------------------------------------------------------------------

    def blocks(self, size: int | None = None) -> Iterator[Block]:
        """The rest of the table as blocks of whole records (only when `spec` is set); parse each with
        `parse_block(table.spec, block)`. Rows and blocks share one reading position: use one or the other."""
        if self.spec is None:
            raise ValueError("this table is not read as blocks")
        while (block := self._next_block(size or BLOCK_BYTES)) is not None:
            yield block

    def resume_point(self) -> tuple[int, int] | None:
        """(file offset, line) where the next block starts, for a later `resume_at`; None when the
        table is not read as blocks."""
        if self.spec is None or self._raw is None:
            return None
        return self._raw.tell() - len(self._pending), self._line

    def resume_at(self, point: tuple[int, int]) -> None:
        """Continue reading blocks at a point given by `resume_point` (of the same, unchanged file)."""
        if self.spec is None or self._raw is None:
            raise ValueError("this table is not read as blocks")
        offset, line = point
        self._raw.seek(offset)
        self._pending, self._line = b"", line

    def _block_rows(self) -> Iterator[Row]:
        assert self.spec is not None
        for block in self.blocks(BLOCK_BYTES):
            yield from parse_block(self.spec, block)

    def _next_block(self, size: int | None = None) -> Block | None:
        """The next run of whole records: at least `size` bytes read, cut after the last whole record
        (a record longer than `size` makes the block grow); the file's tail is the last block."""
        assert self._raw is not None
        data = self._pending
        while True:
            more = self._raw.read(size or BLOCK_BYTES)
            data += more
            cut = _whole_records(self.format, data) if more else len(data)
            if cut or not more:
                break
        self._pending = data[cut:]
        if not cut:
            return None
        block = Block(self._line, data[:cut], self._raw.tell() - len(self._pending))
        self._line += block.data.count(b"\n") if self.format == "jsonl" else _line_count(block.data)
        return block

    # ---- XLSX ----------------------------------------------------------------------------------

    _xlsx_row = 0

    def _open_xlsx(self, sheet: str | None) -> Iterator[Row]:
        from openpyxl import load_workbook  # deferred: only XLSX needs it

        if not self.path.exists():
            raise FileNotFoundError(self.path)
        if self.path.is_dir():
            raise IsADirectoryError(self.path)
        _refuse_xlsx_bomb(self.path)
        try:
            self._workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError, lxml, TypeError ... for broken files
            raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})") from None
        if not self._workbook.worksheets:  # a workbook whose sheet parts are missing
            raise InputError("not a readable XLSX workbook (no worksheet)")
        if sheet is None:
            worksheet = self._workbook.worksheets[0]
        elif sheet in self._workbook.sheetnames:
            worksheet = self._workbook[sheet]
        else:
            raise InputError(f"no sheet {sheet!r} (sheets: {', '.join(self._workbook.sheetnames)})")
        rows = _guarded(worksheet.iter_rows())
        try:
            self.size = worksheet.max_row or 0
            for cells in rows:
                values = [cell.value for cell in cells]
                if any(value not in (None, "") for value in values):
                    header_row = _row_of(cells)
                    break
            else:
                raise InputError("empty sheet: no header row")
        except _BrokenSheet as exc:
            raise InputError(f"row 1: cannot read the sheet ({exc})") from None
        names = [("" if value is None else str(value)) for value in values]
        while names and not names[-1]:
            names.pop()
        self.columns = _header(names, undecodable=False)
        self._xlsx_row = header_row
        return self._xlsx_rows(rows, self.columns, header_row)

    def _xlsx_rows(self, rows: Iterator[Any], columns: tuple[str, ...], number: int) -> Iterator[Row]:
        width = len(columns)
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except _BrokenSheet as exc:
                yield Row(number + 1, None, f"cannot read the rest of the sheet ({exc})")
                return
            number = _row_of(cells) or number + 1
            self._xlsx_row = number
            values = [cell.value for cell in cells]
            if all(value is None or value == "" for value in values):
                continue
            if any(value not in (None, "") for value in values[width:]):
                yield Row(number, None, f"a value beyond the header's {width} columns")
                continue
            yield Row(number, {column: value for column, value in zip(columns, values) if value is not None})


def _delimited_rows(reader: Any, columns: tuple[str, ...], offset: int) -> Iterator[Row]:
    """Rows from a csv reader; `offset` is the number of file lines before the reader's first line."""
    for number, cells, error in delimited_cells(reader, len(columns), offset):
        if cells is None:
            yield Row(number, None, error)
            continue
        yield Row(number, row_values(columns, cells))


def row_values(columns: tuple[str, ...], cells: list[str]) -> dict[str, Any]:
    """A record's values by column, undecodable cells marked as `Undecodable`."""
    values: dict[str, Any] = dict(zip(columns, cells))
    if _UNDECODABLE.search("".join(cells)):
        for column, cell in values.items():
            if _UNDECODABLE.search(cell):
                values[column] = Undecodable(column)
    return values


def delimited_cells(reader: Any, width: int, offset: int) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(row number, cells, None) per record of a csv reader, or (row number, None, why) for a record
    that cannot be read; blank lines are skipped. Undecodable bytes stay as surrogates in the cells."""
    last_line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == last_line:  # no progress: give up on the rest of the input
                yield offset + last_line + 1, None, f"cannot read the rest of the file: {exc}"
                return
            yield offset + last_line + 1, None, f"malformed row: {exc}"
            last_line = reader.line_num
            continue
        number = offset + last_line + 1
        last_line = reader.line_num
        if not cells:  # a blank line
            continue
        if len(cells) > width:
            yield number, None, f"{len(cells)} cells, but the header has {width} columns"
            continue
        yield number, cells, None


def block_reader(spec: BlockSpec, block: Block) -> Any:
    """A csv reader over a CSV or TSV block."""
    text = block.data.decode(spec.encoding, errors="surrogateescape")
    return csv.reader(io.StringIO(text, newline=""), dialect="excel-tab" if spec.format == "tsv" else "excel")


def undecodable(cell: str) -> bool:
    """The cell holds bytes that were not valid in the file's encoding."""
    return _UNDECODABLE.search(cell) is not None


def _jsonl_rows(lines: Iterable[bytes], encoding: str, offset: int) -> Iterator[Row]:
    """Rows from the lines of a JSONL file; `offset` is the number of file lines before the first."""
    for number, line in enumerate(lines, offset + 1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError as exc:
            yield Row(number, None, f"not valid {encoding} (byte {exc.start + 1} of the line)")
            continue
        except UnicodeError as exc:  # idna, punycode: no byte offset
            yield Row(number, None, f"not valid {encoding} ({exc})")
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield Row(number, None, f"not valid JSON: {getattr(exc, 'msg', exc)} (column {getattr(exc, 'colno', '?')})")
            continue
        if lone_surrogate(value):  # \ud800 in the JSON, or a codec that spells one: no report could hold it
            yield Row(number, None, "half a surrogate pair (\\ud800-\\udfff) in a string: not text")
            continue
        if not isinstance(value, dict):
            yield Row(number, None, f"a JSON {_type_name(value)}, not an object")
            continue
        yield Row(number, value)


def _until_undecodable(rows: Iterator[Row], reader: Any) -> Iterator[Row]:
    """Rows read through a decoding stream, ended by one error row where the stream cannot be decoded
    even with surrogateescape (UTF-16 or UTF-32 cut in the middle of a code unit)."""
    try:
        yield from rows
    except UnicodeError as exc:
        yield Row(reader.line_num + 1, None, f"cannot read the rest of the file: {exc}")


class _BrokenSheet(Exception):
    """The sheet's XML broke off while its rows were read."""


def _guarded(rows: Iterator[Any]) -> Iterator[Any]:
    """openpyxl's rows, parsed lazily from the sheet's XML: whatever a broken file makes openpyxl
    raise on the way becomes _BrokenSheet, naming the exception type."""
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise _BrokenSheet(type(exc).__name__) from None
        yield cells


def _refuse_xlsx_bomb(path: Path) -> None:
    """Worksheets are streamed, but openpyxl holds every other part (shared strings, styles) in memory:
    one that unpacks to more than MAX_XLSX_PART is refused before it is read (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: openpyxl says so
    for info in parts:
        if not info.filename.startswith("xl/worksheets/") and info.file_size > MAX_XLSX_PART:
            raise InputError(f"part {info.filename} is larger than {MAX_XLSX_PART // 1_000_000} MB once unpacked")


def _row_of(cells: Any) -> int:
    for cell in cells:
        row = getattr(cell, "row", None)
        if row is not None:
            return int(row)
    return 0


def _header(names: list[str], *, undecodable: bool) -> tuple[str, ...]:
    if undecodable:
        raise InputError("row 1: the header has bytes that are not valid in the file's encoding (give --encoding)")
    columns = [name.strip().lstrip("\ufeff") for name in names]
    seen: set[str] = set()
    for index, name in enumerate(columns, 1):
        if not name:
            raise InputError(f"row 1: column {index} of the header has no name")
        if name in seen:
            raise InputError(f"row 1: the header names column {name!r} twice")
        seen.add(name)
    return tuple(columns)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def type_name(value: object) -> str:
    """How a cell's type is named in errors: number, boolean, array, object, date..."""
    name = _type_name(value)
    return {"datetime": "date", "date": "date", "time": "time", "timedelta": "duration"}.get(name, name)
