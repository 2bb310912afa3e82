"""Safe fixes: replace each finding's words with its rule's `fix` (the one suggestion marked safe).

Only findings that are reported (not suppressed, not ignored) are fixed. Replacements never overlap; the
text is checked again after each pass until nothing is left to fix, so a second run changes nothing.
Files are rewritten atomically (a temporary file renamed over the original) in their original encoding,
byte-order mark and line endings.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .engine import Rules
from .files import IgnoreFor, check_document
from .inputs import Document, InputError, reparse
from .model import Finding

MAX_PASSES = 8


@dataclass(frozen=True)
class Edit:
    """One replacement, with its place in the text before the pass that made it."""

    rule: str
    line: int
    column: int
    old: str
    new: str


@dataclass(frozen=True)
class FileFix:
    """The fixes for one file: the text before and after, and each replacement made."""

    name: str
    document: Document
    fixed: str
    edits: tuple[Edit, ...]
    remaining: tuple[Finding, ...]  # findings still reported after the fixes (no safe fix for them)

    @property
    def changed(self) -> bool:
        return self.fixed != self.document.text

    def diff(self) -> str:
        """A unified diff of the change (empty when nothing changes)."""
        if not self.changed:
            return ""
        lines = difflib.unified_diff(
            self.document.text.splitlines(keepends=True),
            self.fixed.splitlines(keepends=True),
            fromfile=f"a/{self.name.lstrip('/')}",
            tofile=f"b/{self.name.lstrip('/')}",
        )
        out = []
        for line in lines:
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _fixes(findings: tuple[Finding, ...], rules: Rules) -> list[tuple[Finding, str]]:
    """Non-overlapping (finding, replacement) pairs, first in the text first."""
    by_id = {rule.id: rule for rule in rules.selected}
    chosen: list[tuple[Finding, str]] = []
    last_end = -1
    for finding in sorted(findings, key=lambda f: (f.start, -f.end, f.rule)):
        rule = by_id.get(finding.rule)
        if rule is None or rule.fix is None or finding.match == rule.fix or finding.start < last_end:
            continue
        chosen.append((finding, rule.fix))
        last_end = finding.end
    return chosen


def plan(
    document: Document,
    rules: Rules,
    *,
    name: str,
    ignore_for: IgnoreFor | None = None,
    disabled: Collection[str] = (),
) -> FileFix:
    """The fixed text of `document`, without writing anything. InputError if the kind cannot be rewritten."""
    if document.decoded is None and document.kind != "text":
        raise InputError(f"{document.kind} files are not rewritten; fix them in their editor")
    current = document
    edits: list[Edit] = []
    checked = check_document(current, rules, name=name, ignore_for=ignore_for, disabled=disabled)
    for _ in range(MAX_PASSES):
        fixes = _fixes(checked.report.findings, rules)
        if not fixes:
            break
        text = current.text
        for finding, replacement in reversed(fixes):
            text = text[: finding.start] + replacement + text[finding.end :]
        edits.extend(Edit(f.rule, f.line, f.column, f.match, new) for f, new in fixes)
        current = reparse(current, text)
        checked = check_document(current, rules, name=name, ignore_for=ignore_for, disabled=disabled)
    return FileFix(name, document, current.text, tuple(edits), checked.report.findings)


def write(fix: FileFix, path: str | Path) -> None:
    """Write the fixed text over `path` atomically, in the file's original encoding and byte-order mark.

    Raises InputError when the new text cannot be encoded or the file cannot be written.
    """
    decoded = fix.document.decoded
    if decoded is None:
        raise InputError(f"{fix.document.kind} files are not rewritten")
    try:
        data = decoded.encode(fix.fixed)
    except UnicodeEncodeError as exc:
        raise InputError(f"the fix cannot be written in {decoded.codec}: {exc.object[exc.start:exc.end]!r}") from None
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".livelint", dir=path.resolve().parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}") from None
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
