"""Checking records (listings, catalogue rows): every text field, findings per field, a verdict per record.

    from checker import check_records, load_rules
    rules = load_rules()
    for result in check_records([{"sku": "A1", "title": "全网最低价羽绒服"}], rules, id_field="sku"):
        print(result.id, result.verdict.value, [(f.field, f.finding.rule) for f in result.findings])

Results come lazily and in input order; memory stays flat in the number of records. Records are
checked in chunks: the folded texts of a chunk are joined with a line break (a sentence break, so no
term can match across two texts), scanned by the automaton once, and only the texts with a pattern hit
go through the full `check_text`; the others have no finding by construction. With `jobs > 1`, chunks
go to worker processes that each unpickle the compiled rules once; a bounded number of chunks is in
flight, so a slow consumer never makes the input run ahead.
"""

from __future__ import annotations

import os
import signal
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .engine import Rules, check_text, rebase
from .inputs.tables import Block, BlockSpec, Row, Undecodable, block_reader, delimited_cells, parse_block, row_values, type_name, undecodable
from .model import Finding, Level

CHUNK_RECORDS = 512  # records per chunk when checking in this process
PARALLEL_CHUNK_RECORDS = 2000  # records per chunk sent to a worker process


class Verdict(str, Enum):
    """What to do with a record: `fail` (an error-level finding), `review` (a warning), `pass`
    (no finding, or only info-level notes), `error` (the record could not be checked)."""

    PASS = "pass"
    REVIEW = "review"
    FAIL = "fail"
    ERROR = "error"


VERDICTS = (Verdict.PASS, Verdict.REVIEW, Verdict.FAIL, Verdict.ERROR)


@dataclass(frozen=True)
class FieldFinding:
    """A finding in one field of a record; the finding's offsets, line and column are in that field."""

    field: str
    finding: Finding


@dataclass(frozen=True)
class RecordResult:
    """The outcome for one record: its row number, id, verdict and findings, or why it was not checked."""

    row: int  # row number in the file (header = 1), or position in the iterable (first = 1)
    id: str | None
    verdict: Verdict
    findings: tuple[FieldFinding, ...] = ()
    error: str | None = None  # set when verdict is ERROR: missing field, wrong type, unreadable row

    def __reduce__(self) -> tuple[Any, ...]:  # a plain argument tuple: results cross processes by the million
        return (RecordResult, (self.row, self.id, self.verdict, self.findings, self.error))


def verdict_of(findings: Iterable[FieldFinding]) -> Verdict:
    """fail when any finding is an error, review when any is a warning, else pass."""
    worst = -1
    for item in findings:
        worst = max(worst, item.finding.level.rank)
    if worst >= Level.ERROR.rank:
        return Verdict.FAIL
    if worst >= Level.WARNING.rank:
        return Verdict.REVIEW
    return Verdict.PASS


# A record ready to check: (row, id, ((field, text), ...), error). Plain tuples: they cross processes.
Item = tuple[int, "str | None", tuple[tuple[str, str], ...], "str | None"]


# Results as they cross processes by the million: a record without a finding is just (row, id).
Packed = list["RecordResult | tuple[int, str | None]"]


def prepare(values: Mapping[str, Any], row: int, fields: Sequence[str] | None, id_field: str | None) -> Item:
    """Pick the id and the texts to check from a record's values; a problem makes an error item.

    With `fields` None, every text (string) value except the id is checked; named fields must be
    present and hold text (an empty or null value is an empty text).
    """
    record_id: str | None = None
    if id_field is not None:
        value = values.get(id_field)
        if value is None:
            return row, None, (), f"missing id field {id_field!r}"
        if isinstance(value, Undecodable):
            return row, None, (), f"id field {id_field!r} has bytes that are not valid in the file's encoding"
        if isinstance(value, (dict, list)):
            return row, None, (), f"id field {id_field!r} is a JSON {type_name(value)}, not a string or number"
        record_id = value if isinstance(value, str) else str(value)
    texts: list[tuple[str, str]] = []
    if fields is None:
        for name, value in values.items():
            if name == id_field:
                continue
            if isinstance(value, str):
                if value:
                    texts.append((name, value))
            elif isinstance(value, Undecodable):
                return row, record_id, (), f"field {name!r} has bytes that are not valid in the file's encoding"
        return row, record_id, tuple(texts), None
    for name in fields:
        if name not in values:
            return row, record_id, (), f"missing field {name!r}"
        value = values[name]
        if value is None or value == "":
            continue
        if isinstance(value, Undecodable):
            return row, record_id, (), f"field {name!r} has bytes that are not valid in the file's encoding"
        if not isinstance(value, str):
            return row, record_id, (), f"field {name!r} is a {type_name(value)}, not text"
        texts.append((name, value))
    return row, record_id, tuple(texts), None


def check_items(items: Sequence[Item], rules: Rules, *, packed: bool = False) -> list[Any]:
    """Check a chunk of items with one automaton scan over all their texts; results in item order.

    The texts are joined with "\\n" (a sentence break: folding and matching never cross it), folded and
    scanned once (twice when the engine's second, wedged-letters pass applies); a text holding a
    pattern hit goes through `check_text`, any other text has no finding. With `packed`, a record
    without a finding is just (row, id) (see `Packed`).
    """
    owners: list[tuple[int, int]] = []  # (item index, text index) of each joined text
    pieces: list[str] = []
    starts: list[int] = []  # offset of each text in the joined original
    position = 0
    for item_index, (_row, _id, texts, error) in enumerate(items):
        if error is not None:
            continue
        for text_index, (_field, text) in enumerate(texts):
            owners.append((item_index, text_index))
            pieces.append(text)
            starts.append(position)
            position += len(text) + 1
    suspect: set[tuple[int, int]] = set()  # texts the joined scan cannot clear
    if pieces:
        folded = rules.folder.fold("\n".join(pieces))
        original = folded.original_offset
        for last in rules.matcher.pattern_ends(folded.text):
            suspect.add(owners[bisect_right(starts, original(last)) - 1])
        for position in folded.wedged:  # letters wedged in a term: check_text runs its second pass
            suspect.add(owners[bisect_right(starts, position) - 1])
    findings = _check_suspects(items, sorted(suspect), rules)
    flagged = {item_index for item_index, _text_index in findings}
    results: list[Any] = []
    for item_index, (row, record_id, texts, error) in enumerate(items):
        if error is not None:
            results.append(RecordResult(row, record_id, Verdict.ERROR, (), error))
            continue
        if item_index not in flagged:  # no finding: the common case
            results.append((row, record_id) if packed else RecordResult(row, record_id, Verdict.PASS))
            continue
        found: list[FieldFinding] = []
        for text_index, (name, _text) in enumerate(texts):
            found.extend(FieldFinding(name, finding) for finding in findings.get((item_index, text_index), ()))
        results.append(RecordResult(row, record_id, verdict_of(found), tuple(found)))
    return results


def _check_suspects(
    items: Sequence[Item], suspects: Sequence[tuple[int, int]], rules: Rules
) -> dict[tuple[int, int], list[Finding]]:
    """Findings of the texts that may hold one, from ONE check_text over them joined with "\n".

    A line break ends every sentence and clause, and no term, window or quote crosses it, so each
    text gets exactly the findings `check_text(text)` gives it; they are rebased onto the text.
    """
    if not suspects:
        return {}
    texts = [items[item][2][index][1] for item, index in suspects]
    starts: list[int] = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    found: dict[tuple[int, int], list[Finding]] = {}
    for finding in check_text("\n".join(texts), rules).findings:
        at = bisect_right(starts, finding.start) - 1
        found.setdefault(suspects[at], []).append(rebase(finding, texts[at], starts[at]))
    return found


@dataclass(frozen=True)
class BlockJob:
    """Checking a block of a table's bytes where it runs: parsing, picking fields and checking all
    happen in the worker process, so the parent only reads bytes and writes results."""

    spec: BlockSpec
    block: Block
    fields: tuple[str, ...] | None
    id_field: str | None

    def items(self) -> Iterator[Item]:
        columns = self.spec.columns
        wanted = ([self.id_field] if self.id_field is not None else []) + list(self.fields or ())
        if columns is None or self.fields is None or not set(wanted) <= set(columns):
            return items_of(parse_block(self.spec, self.block), self.fields, self.id_field)
        return self._named_items(columns)

    def _named_items(self, columns: tuple[str, ...]) -> Iterator[Item]:
        """The common case of a CSV or TSV block with named fields, straight from the cells: the
        same items as `prepare` makes from rows, without building a row mapping per record."""
        assert self.fields is not None
        id_at = None if self.id_field is None else columns.index(self.id_field)
        named = [(name, columns.index(name)) for name in self.fields]
        reader = block_reader(self.spec, self.block)
        for number, cells, error in delimited_cells(reader, len(columns), self.block.first_line - 1):
            if cells is None:
                yield number, None, (), error
            elif len(cells) < len(columns) or undecodable("".join(cells)):  # short or undecodable: the general path
                yield prepare(row_values(columns, cells), number, self.fields, self.id_field)
            else:
                texts = tuple((name, cells[at]) for name, at in named if cells[at])
                yield number, None if id_at is None else cells[id_at], texts, None


Job = list[Item] | BlockJob  # a chunk of prepared items, or a block of raw records


def check_job(job: Job, rules: Rules, *, packed: bool = False) -> list[Any]:
    """The results of a chunk of items or of a block's records, in order (packed: see `check_items`).

    Should checking ever raise (a bug), the chunk is checked record by record and only the records
    that raise get verdict `error` with the reason: one odd listing never stops a run.
    """
    items = job if isinstance(job, list) else list(job.items())
    try:
        return check_items(items, rules, packed=packed)
    except Exception:  # noqa: BLE001 - isolate the record that raises, below
        pass
    results: list[Any] = []
    for item in items:
        try:
            results.extend(check_items([item], rules, packed=packed))
        except Exception as exc:  # noqa: BLE001 - reported on the record, never silently dropped
            results.append(RecordResult(item[0], item[1], Verdict.ERROR, (), f"internal error while checking: {type(exc).__name__}: {exc}"))
    return results


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_records(
    records: Iterable[Mapping[str, Any] | Row],
    rules: Rules | None = None,
    *,
    fields: Sequence[str] | None = None,
    id_field: str | None = None,
    jobs: int = 1,
    chunk_size: int | None = None,
) -> Iterator[RecordResult]:
    """Check records lazily, in order: one `RecordResult` per record.

    `records` are mappings (field name to value) or rows of `checker.inputs.tables.Table`; `fields`
    names the fields to check (default: every string value but the id); `id_field` names the field
    holding the record's id. `rules` defaults to the bundled rules (from the compiled-rules cache).
    `jobs` > 1 checks in that many worker processes. A record that cannot be checked (missing field,
    wrong type, unreadable row) gets verdict `error` and never stops the others.
    """
    if rules is None:
        from .cache import load_cached_rules

        rules = load_cached_rules()
    fields = None if fields is None else list(fields)
    items = items_of(records, fields, id_field)
    size = chunk_size or (CHUNK_RECORDS if jobs <= 1 else PARALLEL_CHUNK_RECORDS)
    if jobs <= 1:
        for chunk in chunked(items, size):
            yield from check_items(chunk, rules)
        return
    with ParallelChecker(rules, jobs) as pool:
        for results, _tag in pool.map((chunk, None) for chunk in chunked(items, size)):
            yield from results


def items_of(records: Iterable[Mapping[str, Any] | Row], fields: Sequence[str] | None, id_field: str | None) -> Iterator[Item]:
    """Items ready to check from mappings or table rows; unreadable rows become error items."""
    for ordinal, record in enumerate(records, 1):
        if isinstance(record, Row):
            if record.values is None:
                yield record.number, None, (), record.error or "unreadable row"
            else:
                yield prepare(record.values, record.number, fields, id_field)
        elif isinstance(record, Mapping):
            yield prepare(record, ordinal, fields, id_field)
        else:
            yield ordinal, None, (), f"a {type(record).__name__}, not a record (mapping of field names to values)"


# ---- worker processes --------------------------------------------------------------------------

_worker_rules: Rules | None = None  # set once in each worker process by _start_worker


def _start_worker(blob: bytes) -> None:
    global _worker_rules
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    from .cache import loads_rules

    _worker_rules = loads_rules(blob)


def unpack(packed: Packed) -> list[RecordResult]:
    """Packed results (see `check_items`) as `RecordResult`s."""
    return [RecordResult(r[0], r[1], Verdict.PASS) if type(r) is tuple else r for r in packed]  # type: ignore[misc]


def _work(job: Job) -> Packed:
    assert _worker_rules is not None
    return check_job(job, _worker_rules, packed=True)


MAX_RESTARTS = 3  # worker pools rebuilt after a worker died, per run, before giving up


class WorkerDied(RuntimeError):
    """Worker processes kept dying (killed, out of memory): the run cannot go on."""


class ParallelChecker:
    """Worker processes that each load the compiled rules once and check chunks of items.

    `map` yields (results, tag) per chunk in input order, with at most `window` chunks in flight.
    When a worker process dies (SIGKILL, out of memory), the pool is rebuilt and every chunk not yet
    returned is checked again, in order, so no result is lost or duplicated; after MAX_RESTARTS
    rebuilds `WorkerDied` is raised. `work` is the function run on each chunk (a module-level
    function of one argument); it defaults to checking the chunk with the rules.
    """

    def __init__(self, rules: Rules, jobs: int, *, window: int | None = None, work: Callable[[Any], Any] | None = None) -> None:
        import multiprocessing

        from .cache import dumps_rules

        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.jobs = max(1, jobs)
        self.window = window or self.jobs * 3
        self.restarts = 0
        self._work = work or _work
        self._blob = dumps_rules(rules)
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=self._context, initializer=_start_worker, initargs=(self._blob,)
        )
        # Start every worker now, before the caller starts threads (a progress bar): forking a process
        # that runs threads is unsafe.
        for future in [executor.submit(_work, []) for _ in range(self.jobs)]:
            future.result()
        return executor

    def __enter__(self) -> ParallelChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def map(self, chunks: Iterable[tuple[Job, Any]], *, packed: bool = False) -> Iterator[tuple[Any, Any]]:
        """(results, tag) per chunk in order; with `packed`, the results as `pack` gives them."""
        pending: deque[list[Any]] = deque()  # [chunk, tag, future], oldest first
        for chunk, tag in chunks:
            pending.append([chunk, tag, self._executor.submit(self._work, chunk)])
            if len(pending) >= self.window:
                results, done = self._oldest(pending)
                yield (results if packed else unpack(results)), done
        while pending:
            results, done = self._oldest(pending)
            yield (results if packed else unpack(results)), done

    def _oldest(self, pending: deque[list[Any]]) -> tuple[list[RecordResult], Any]:
        from concurrent.futures.process import BrokenProcessPool

        while True:
            chunk, tag, future = pending[0]
            try:
                results = future.result()
            except BrokenProcessPool:
                self._restart(pending)
                continue
            pending.popleft()
            return results, tag

    def _restart(self, pending: deque[list[Any]]) -> None:
        """A worker died: start a new pool and send it every chunk not yet returned, in order."""
        self.restarts += 1
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self.restarts > MAX_RESTARTS:
            raise WorkerDied(
                f"a worker process died {self.restarts} times (killed, or out of memory); the run stopped"
            )
        self._executor = self._start()
        for entry in pending:
            entry[2] = self._executor.submit(self._work, entry[0])


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_chunks(
    chunks: Iterable[tuple[Job, Any]], rules: Rules, jobs: int, *, on_start: Callable[[], None] | None = None
) -> Iterator[tuple[Packed, Any]]:
    """Check (job, tag) pairs in this process (jobs 1) or in worker processes; yields (results, tag) in
    order, the results packed (a plain pass may be a (row, id) tuple: see `pack`).

    `on_start` runs once the workers are up (and before any chunk is read): start threads there.
    """
    if jobs <= 1:
        if on_start is not None:
            on_start()
        for chunk, tag in chunks:
            yield check_job(chunk, rules, packed=True), tag
        return
    with ParallelChecker(rules, jobs) as pool:
        if on_start is not None:
            on_start()
        yield from pool.map(chunks, packed=True)
