"""Checking files and folders: reading (reader chosen by extension), inline suppressions, one report per
file, per-file ignores, and errors that never stop the rest."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .engine import Rules, SelectionError, select_rules
from .inputs import Document, InputError, read_document, text_document
from .model import FileError, Finding, Report
from .suppress import META_RULES, Suppression, split_meta
from .suppress import check as check_suppressed

# For a file name: the --select-style tokens of the rules to drop from its findings (per-file ignores).
IgnoreFor = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class Checked:
    """One input checked: its name, document (None when it could not be read), report and directives."""

    name: str
    document: Document | None
    report: Report
    suppressions: tuple[Suppression, ...] = ()


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


def check_document(
    document: Document,
    rules: Rules,
    *,
    name: str | None = None,
    ignore_for: IgnoreFor | None = None,
    disabled: Collection[str] = (),
) -> Checked:
    """Check a document read by `inputs`: suppressions applied, findings placed (cue times, paragraph
    numbers) and per-file ignores dropped. `disabled` lists LL rule ids not to report."""
    result = check_suppressed(document.checked, rules, path=name, disabled=disabled)
    findings = [document.place(replace(f, match=document.text[f.start : f.end])) for f in result.report.findings]
    if ignore_for is not None and name is not None:
        dropped = _ignored_ids(ignore_for(name), rules)
        findings = [f for f in findings if f.rule not in dropped]
    report = Report(tuple(findings), result.report.errors, 1 if name is not None else 0)
    return Checked(name or "<text>", document, report, result.suppressions)


def _ignored_ids(tokens: Sequence[str], rules: Rules) -> set[str]:
    content, meta = split_meta(tokens)
    ids = {rule.id for rule in META_RULES if any(rule.id.startswith(t.upper()) for t in meta)}
    for token in content:
        try:
            ids.update(rule.id for rule in select_rules(rules.ruleset.rules, [token], ()))
        except SelectionError:
            continue  # validated when the configuration is loaded
    return ids


def iter_results(
    paths: Iterable[str | Path],
    rules: Rules,
    *,
    encoding: str | None = None,
    ignore_for: IgnoreFor | None = None,
    disabled: Collection[str] = (),
) -> Iterator[Checked]:
    """Check files and folders one file at a time, with everything `check_document` does.

    A bad input yields a result holding one error and no document; the other inputs are still checked.
    """
    for name, path in iter_paths(paths):
        if path is None:
            yield Checked(name, None, Report(errors=(FileError(name, "no such file or folder"),)))
            continue
        try:
            document = read_document(path, encoding=encoding)
        except InputError as exc:
            yield Checked(name, None, Report(errors=(FileError(name, str(exc)),)))
            continue
        yield check_document(document, rules, name=name, ignore_for=ignore_for, disabled=disabled)


def iter_checked(
    paths: Iterable[str | Path], rules: Rules, *, encoding: str | None = None
) -> Iterator[tuple[str, str | None, Report]]:
    """Check files and folders one file at a time: yields (name, decoded text or None, report).

    A bad input yields a report holding one error and no text; the other inputs are still checked.
    """
    for result in iter_results(paths, rules, encoding=encoding):
        yield result.name, result.document.text if result.document else None, result.report


def check_stdin_text(text: str, rules: Rules, **options) -> Checked:  # type: ignore[no-untyped-def]
    """Check text read from standard input (named `<stdin>`)."""
    return check_document(text_document(text), rules, name="<stdin>", **options)


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
