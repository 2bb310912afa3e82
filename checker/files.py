"""Checking files and folders: reading (reader chosen by extension), inline suppressions, one report per
file, per-file ignores, and errors that never stop the rest. A plain-text file too large to read whole
is checked in chunks (`checker.stream`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from .engine import Rules, SelectionError, select_rules
from .inputs import Document, InputError, read_document, streamed, text_document
from .inputs import text as plain_text
from .model import FileError, Finding, Report
from .stream import check_stream, directive_line, read_pieces
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
    findings = _drop_ignored(findings, name, rules, ignore_for)
    report = Report(tuple(findings), result.report.errors, 1 if name is not None else 0)
    return Checked(name or "<text>", document, report, result.suppressions)


def _drop_ignored(findings: list[Finding], name: str | None, rules: Rules, ignore_for: IgnoreFor | None) -> list[Finding]:
    if ignore_for is None or name is None:
        return findings
    dropped = _ignored_ids(ignore_for(name), rules)
    return [f for f in findings if f.rule not in dropped]


def check_large(path: Path, rules: Rules, *, name: str, encoding: str | None = None, ignore_for: IgnoreFor | None = None) -> Checked:
    """Check a plain-text file too large to read whole, in chunks; the result has no document.

    Inline directives need the whole file, so a file holding one is an error rather than checked with
    its directives ignored. The findings are collected: memory grows with them, not with the text.
    """
    try:
        with closing(read_pieces(path, encoding)) as pieces:
            line = directive_line(pieces)
        if line is not None:
            raise InputError(
                f"larger than {plain_text.MAX_BYTES // 1_000_000} MB and holds livelint: directives (line {line}), "
                "which need the whole file: split the file"
            )
        findings = list(check_stream(read_pieces(path, encoding), rules, path=name))
    except InputError as exc:
        return Checked(name, None, Report(errors=(FileError(name, str(exc)),)))
    findings = _drop_ignored(findings, name, rules, ignore_for)
    return Checked(name, None, Report(tuple(findings), (), 1))


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
    A plain-text file too large to read whole is checked in chunks: its result has no document either.
    """
    for name, path in iter_paths(paths):
        if path is None:
            yield Checked(name, None, Report(errors=(FileError(name, "no such file or folder"),)))
            continue
        if streamed(path):
            yield check_large(path, rules, name=name, encoding=encoding, ignore_for=ignore_for)
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
