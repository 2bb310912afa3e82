"""The service behind `livelint serve`: limits, deadlines, request options, API errors, and the
Checker that runs checks in a bounded thread pool under a time limit and shapes their answers.

checker/server.py holds the HTTP side: routes, request parsing, the body limit and the page.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.responses import JSONResponse

from . import __version__
from .batch import VERDICTS, check_records
from .engine import Rules, SelectionError
from .files import check_document
from .inputs import Document
from .model import Finding, Level, Report
from .report.json import finding_dict, report_dict
from .suppress import disabled_meta, split_meta

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    max_body: int = 10 * 1000 * 1000  # bytes of request body; beyond it 413
    read_timeout: float = 60.0  # seconds a client may take to send its body; beyond it 408 and the connection closes
    max_records: int = 10_000  # records per request; beyond it 413
    timeout: float = 30.0  # seconds a check may take; beyond it 504
    workers: int = 4  # threads running checks
    queue: int = 64  # checks running or waiting at once; beyond it 503


class ApiError(Exception):
    """An error answer: HTTP status, a stable code, a message for people, optionally the offending field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def response(self) -> JSONResponse:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        headers = {"Retry-After": "1"} if self.status == 503 else None
        return JSONResponse({"error": error}, status_code=self.status, headers=headers)


class Deadline:
    """The time limit of one check, which the check itself looks at between records."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        if self._cancelled.is_set() or time.monotonic() >= self._at:
            raise ApiError(504, "timeout", "the check ran out of time")


@dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_level: Level = Level.WARNING


class Checker:
    """Runs the checks of requests: a selection cache, a bounded thread pool and the time limit."""

    SELECTIONS = 64

    def __init__(self, rules: Rules, limits: Limits) -> None:
        self.rules = rules
        self.limits = limits
        self.fixes = {rule.id: rule.fix for rule in rules.ruleset.rules if rule.fix}
        self._selections: OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], Rules] = OrderedDict()
        self._lock = threading.Lock()
        self._pending = 0
        self._pool = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="livelint-check")

    def selection(self, options: Options) -> tuple[Rules, frozenset[str]]:
        """The rules a request selects, compiled once per distinct selection, and the LL (suppression
        directive) rules it turns off: what the CLI does with the same --select / --ignore."""
        disabled = disabled_meta(options.select, options.ignore)
        select, ignore = tuple(split_meta(options.select)[0]), tuple(split_meta(options.ignore)[0])
        if not select and not ignore:
            return self.rules, disabled
        key = (select, ignore)
        with self._lock:
            if key in self._selections:
                self._selections.move_to_end(key)
                return self._selections[key], disabled
        try:
            rules = Rules.compile(
                self.rules.ruleset,
                select=select,
                ignore=ignore,
                allow=self.rules.allow,
                segmenter=self.rules.segmenter,
            )
        except SelectionError as exc:
            raise ApiError(422, "unknown-selection", str(exc), "select" if options.select else "ignore") from None
        with self._lock:
            self._selections[key] = rules
            while len(self._selections) > self.SELECTIONS:
                self._selections.popitem(last=False)
        return rules, disabled

    async def run(self, job: Callable[[Deadline], T]) -> T:
        """Run `job` in the pool; 503 when too many checks are queued, 504 past the time limit.

        A check that overruns keeps its thread until it stops (between records it stops at once),
        and keeps counting against the queue until then, so runaway checks cannot pile up.
        """
        with self._lock:
            if self._pending >= self.limits.queue:
                raise ApiError(503, "busy", "too many checks at once; try again in a moment")
            self._pending += 1
        deadline = Deadline(self.limits.timeout)
        try:
            future: Future[T] = self._pool.submit(job, deadline)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._release(None)
            raise ApiError(503, "stopping", "the server is shutting down") from None
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.limits.timeout)
        except asyncio.TimeoutError:
            deadline.cancel()
            raise ApiError(
                504,
                "timeout",
                f"the check took longer than {self.limits.timeout:g} s; send less text or fewer records",
            ) from None

    def _release(self, _future: object) -> None:
        with self._lock:
            self._pending -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ---- building answers ----------------------------------------------------------------------

    def finding(self, finding: Finding, **extra: Any) -> dict[str, Any]:
        """The CLI's finding object, plus `fix`: the rule's one safe replacement, or null."""
        return {**finding_dict(finding), "fix": self.fixes.get(finding.rule), **extra}

    def report(self, report: Report, options: Options, extra: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
        """The CLI's JSON document, plus `fail_level` and `failed` (what the CLI says with exit code 1)."""
        body = report_dict(report)
        body["findings"] = [
            self.finding(finding, **(extra[i] if extra else {})) for i, finding in enumerate(report.findings)
        ]
        body["fail_level"] = options.fail_level.value
        body["failed"] = _fails(report.findings, options.fail_level)
        return body

    def check_document(self, document: Document, name: str, options: Options, deadline: Deadline) -> dict[str, Any]:
        """A text or file as the CLI checks it: inline suppressions applied, cue times and paragraphs placed."""
        rules, disabled = self.selection(options)
        deadline.check()
        return self.report(check_document(document, rules, name=name, disabled=disabled).report, options)

    def check_records(
        self,
        records: list[dict[str, Any]],
        fields: list[str] | None,
        id_field: str | None,
        options: Options,
        deadline: Deadline,
    ) -> dict[str, Any]:
        """Records as `livelint batch` checks them: a verdict per record, findings with their field."""
        rules, _disabled = self.selection(options)
        results = []
        findings: list[Finding] = []
        verdicts = {verdict.value: 0 for verdict in VERDICTS}
        for result in check_records(records, rules, fields=fields, id_field=id_field):
            deadline.check()
            verdicts[result.verdict.value] += 1
            findings.extend(item.finding for item in result.findings)
            results.append(
                {
                    "row": result.row,
                    "id": result.id,
                    "verdict": result.verdict.value,
                    "findings": [self.finding(item.finding, field=item.field) for item in result.findings],
                    "error": result.error,
                }
            )
        summary = Report(tuple(findings))
        return {
            "schema_version": report_dict(summary)["schema_version"],
            "tool": {"name": "livelint", "version": __version__},
            "records": results,
            "summary": {
                "records": len(results),
                "findings": len(findings),
                "by_level": summary.count_by_level(),
                "by_category": summary.count_by_category(),
                "by_verdict": verdicts,
            },
            "fail_level": options.fail_level.value,
            "failed": _fails(findings, options.fail_level),
        }


def _fails(findings: Sequence[Finding], level: Level) -> bool:
    return any(finding.level.rank >= level.rank for finding in findings)
