"""Checking files and folders: reading, decoding, one report per file, errors that never stop the rest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .engine import Rules, check_text
from .inputs import InputError, read_text
from .model import FileError, Finding, Report


def check_file(path: str | Path, rules: Rules, *, encoding: str | None = None) -> Report:
    """Check one file; an unreadable or undecodable file gives a report with one error."""
    return next(iter_checked([path], rules, encoding=encoding))[2]


def iter_paths(paths: Iterable[str | Path]) -> Iterator[tuple[str, Path | None]]:
    """Expand folders recursively (hidden entries skipped); yields (name, path or None if missing)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    yield str(child), child
        elif path.exists():
            yield str(path), path
        else:
            yield str(path), None


def iter_checked(
    paths: Iterable[str | Path], rules: Rules, *, encoding: str | None = None
) -> Iterator[tuple[str, str | None, Report]]:
    """Check files and folders one file at a time: yields (name, decoded text or None, report).

    A bad input yields a report holding one error and no text; the other inputs are still checked.
    """
    for name, path in iter_paths(paths):
        if path is None:
            yield name, None, Report(errors=(FileError(name, "no such file or folder"),))
            continue
        try:
            text = read_text(path, encoding=encoding)
        except InputError as exc:
            yield name, None, Report(errors=(FileError(name, str(exc)),))
            continue
        yield name, text, check_text(text, rules, path=name)


def combine(reports: Iterable[Report]) -> Report:
    """One report of many, findings sorted by path, offset and rule."""
    findings: list[Finding] = []
    errors: list[FileError] = []
    files = 0
    for report in reports:
        findings.extend(report.findings)
        errors.extend(report.errors)
        files += report.files
    findings.sort(key=Finding.sort_key)
    return Report(tuple(findings), tuple(errors), files)


def check_paths(paths: Iterable[str | Path], rules: Rules, *, encoding: str | None = None) -> Report:
    """Check files and folders (recursively); each bad input adds an error, the others are checked."""
    return combine(report for _name, _text, report in iter_checked(paths, rules, encoding=encoding))
