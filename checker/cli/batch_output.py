"""Batch reports: JSONL (one line per record), CSV and XLSX (one row per finding), and the summary.

Writers are chosen through `WRITERS`, not an if/elif chain. Each writes to a stream or file it is
given; atomic replacement of the output file is the caller's job.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from ..batch import VERDICTS, RecordResult, Verdict
from ..model import Finding
from ..report.json import finding_dict

SCHEMA_VERSION = 1
COLUMNS = (
    "file", "row", "id", "verdict", "field", "rule", "level", "category", "notice", "notice_title",
    "clause", "start", "end", "line", "column", "match", "message", "suggestions", "error",
)  # fmt: skip
XLSX_MAX_ROWS = 1_048_576


def finding_json(name: str, finding: Finding) -> dict[str, Any]:
    """A finding of a record's field: the JSON contract's finding, with the field name for its path."""
    document = finding_dict(finding)
    del document["path"]
    return {"field": name, **document}


def record_rows(path: str, result: RecordResult) -> list[list[Any]]:
    """The CSV/XLSX rows of one record: one per finding, or one with empty finding columns."""
    head = [path, result.row, result.id or "", result.verdict.value]
    if not result.findings:
        return [head + [""] * (len(COLUMNS) - 5) + [result.error or ""]]
    rows = []
    for item in result.findings:
        f = item.finding
        rows.append(
            head
            + [item.field, f.rule, f.level.value, f.category.value, f.notice.id, f.notice.title, f.clause]
            + [f.start, f.end, f.line, f.column, f.match, f.message, " / ".join(f.suggestions), ""]
        )
    return rows


class JsonlWriter:
    """One JSON object per record: file, row, id, verdict, findings (with their field), error."""

    binary = False

    def __init__(self, stream: IO[str], *, resumed: bool = False) -> None:
        self._stream = stream
        self._encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per call
        self._path: str | None = None
        self._prefix = ""

    def write_pass(self, path: str, row: int, record_id: str | None) -> None:
        """A record that passed without a finding: the common case, kept cheap."""
        if path != self._path:
            self._path, self._prefix = path, '{"file": ' + self._encode(path)
        self._stream.write(f'{self._prefix}, "row": {row}, "id": {self._encode(record_id)}, "verdict": "pass", "findings": [], "error": null}}\n')

    def write(self, path: str, result: RecordResult) -> None:
        if result.verdict is Verdict.PASS and not result.findings:
            self.write_pass(path, result.row, result.id)
            return
        document = {
            "file": path,
            "row": result.row,
            "id": result.id,
            "verdict": result.verdict.value,
            "findings": [finding_json(item.field, item.finding) for item in result.findings],
            "error": result.error,
        }
        self._stream.write(self._encode(document) + "\n")

    def close(self, summary: Summary) -> None:
        pass


class CsvWriter:
    """A header row, then one row per finding (a record without findings gets one row)."""

    binary = False

    def __init__(self, stream: IO[str], *, resumed: bool = False) -> None:
        self._writer = csv.writer(stream)
        if not resumed:  # a resumed report has its header already
            self._writer.writerow(COLUMNS)

    def write(self, path: str, result: RecordResult) -> None:
        self._writer.writerows(record_rows(path, result))

    def write_pass(self, path: str, row: int, record_id: str | None) -> None:
        self.write(path, RecordResult(row, record_id, Verdict.PASS))

    def close(self, summary: Summary) -> None:
        pass


class XlsxWriter:
    """Sheet `results` (the CSV's columns; continued in `results 2`... past Excel's row limit) and a
    `summary` sheet. Streams through openpyxl's write-only mode."""

    binary = True

    def __init__(self, stream: IO[bytes], *, resumed: bool = False) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._stream = stream
        self._book = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        self._sheet = self._book.create_sheet("results" if self._sheets == 1 else f"results {self._sheets}")
        self._sheet.append(list(COLUMNS))
        self._rows = 1

    def _append(self, sheet: Any, values: list[Any]) -> None:
        cells = []
        for value in values:
            if isinstance(value, str):
                cell = self._cell(sheet, value=self._illegal.sub("\ufffd", value))
                cell.data_type = "s"  # text stays text, even when it starts with "="
            else:
                cell = self._cell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)

    def write_pass(self, path: str, row: int, record_id: str | None) -> None:
        self.write(path, RecordResult(row, record_id, Verdict.PASS))

    def write(self, path: str, result: RecordResult) -> None:
        for values in record_rows(path, result):
            if self._rows >= XLSX_MAX_ROWS:
                self._new_sheet()
            self._append(self._sheet, values)
            self._rows += 1

    def close(self, summary: Summary) -> None:
        sheet = self._book.create_sheet("summary")
        for table, rows in summary.tables():
            sheet.append([table, "count"])
            for name, count in rows:
                self._append(sheet, [name, count])
            sheet.append([])
        self._book.save(self._stream)


WRITERS: dict[str, type[JsonlWriter] | type[CsvWriter] | type[XlsxWriter]] = {
    "jsonl": JsonlWriter,
    "csv": CsvWriter,
    "xlsx": XlsxWriter,
}


@dataclass
class Summary:
    """Counts for the final table: records by verdict, findings by category, notice and level."""

    records: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    notices: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)

    def add(self, result: RecordResult) -> None:
        self.records += 1
        self.verdicts[result.verdict.value] += 1
        for item in result.findings:
            finding = item.finding
            self.categories[finding.category.value] += 1
            self.notices[finding.notice.id] += 1
            self.levels[finding.level.value] += 1
            self.titles.setdefault(finding.notice.id, finding.notice.title)

    def add_passes(self, count: int) -> None:
        """`count` records that passed without a finding."""
        self.records += count
        self.verdicts[Verdict.PASS.value] += count

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON values (a resumable run's checkpoint keeps them)."""
        return {
            "records": self.records, "verdicts": dict(self.verdicts), "categories": dict(self.categories),
            "notices": dict(self.notices), "levels": dict(self.levels), "titles": dict(self.titles),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        return cls(
            int(data["records"]), Counter(data["verdicts"]), Counter(data["categories"]),
            Counter(data["notices"]), Counter(data["levels"]), dict(data["titles"]),
        )  # fmt: skip

    @property
    def findings(self) -> int:
        return sum(self.levels.values())

    def tables(self) -> list[tuple[str, list[tuple[str, int]]]]:
        verdicts = [(verdict.value, self.verdicts.get(verdict.value, 0)) for verdict in VERDICTS]
        return [
            ("verdict", verdicts + [("records", self.records)]),
            ("category", sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0]))),
            ("notice", [(f"{notice} {self.titles.get(notice, '')}".strip(), count) for notice, count in sorted(self.notices.items(), key=lambda kv: (-kv[1], kv[0]))]),
        ]
