"""`livelint fix`: apply the safe replacement of each finding whose rule has one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ..files import iter_paths
from ..fix import plan, write
from ..inputs import InputError, decode, read_document, streamed, text_document
from ..inputs import text as plain_text
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, RulesOption, app, err
from .config import (
    AllowOption,
    ConfigOption,
    EncodingOption,
    IgnoreOption,
    IsolatedOption,
    SelectOption,
    effective_settings,
    prepare,
)


@app.command()
def fix(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to fix (folders recursively); - reads stdin and prints the result.")],
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the fixes; write nothing (exit 1 if there is any).")] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    rules_dirs: RulesOption = None,
    encoding: EncodingOption = None,
    allow: AllowOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Replace flagged words with the rule's safe suggestion, in place, keeping encoding and line endings.

    Only rules with a suggestion marked `safe: true` are fixed; suppressed and ignored findings are left
    alone. Exit 0 when done, 2 on errors; with --diff, 1 when there is something to fix.
    """
    settings = effective_settings(
        paths, config=config, isolated=isolated, select=select, ignore=ignore, rules_dirs=rules_dirs,
        allow=allow, encoding=encoding,
    )
    run = prepare(settings)
    options = {"ignore_for": run.ignore_for(), "disabled": run.disabled}
    errors = changed_files = edits = remaining = 0
    out = sys.stdout
    targets: list[tuple[str, Path | None]] = []
    for path in paths:
        targets.extend([("-", None)] if path == "-" else iter_paths([path]))
    for name, path in targets:
        try:
            if name == "-":
                document = text_document(decode(sys.stdin.buffer.read(), run.encoding))
                name = "<stdin>"
            elif path is None:
                raise InputError("no such file or folder")
            elif path.suffix.lower() == ".docx":
                err.print(Text(f"livelint: {name}: skipped: .docx files are not rewritten; fix them in Word"))
                continue
            elif streamed(path):  # `check` reads such a file in chunks; a fix rewrites it whole
                raise InputError(f"larger than {plain_text.MAX_BYTES // 1_000_000} MB: too large to fix; split the file")
            else:
                document = read_document(path, run.encoding)
            result = plan(document, run.rules, name=name, **options)
            remaining += len(result.remaining)
            if name == "<stdin>" and not diff:
                out.write(result.fixed)
                continue
            if not result.changed:
                continue
            changed_files += 1
            edits += len(result.edits)
            if diff:
                out.write(result.diff())
                continue
            write(result, path)  # type: ignore[arg-type]
            for edit in result.edits:
                typer.echo(f"{name}:{edit.line}:{edit.column}: {edit.rule}: {edit.old} -> {edit.new}")
        except InputError as exc:
            err.print(Text(f"livelint: {name}: {exc}"))
            errors += 1
    verb = "would fix" if diff else "fixed"
    summary = f"{verb} {edits} finding(s) in {changed_files} file(s)"
    if remaining:
        summary += f"; {remaining} finding(s) have no safe fix (see `livelint check`)"
    err.print(Text(summary))
    if errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if diff and edits else EXIT_CLEAN)
