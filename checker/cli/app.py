"""The Typer app and what every command shares: loading rules, failing cleanly, atomic output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.text import Text

from .. import __version__
from ..cache import load_cached_rules
from ..engine import Rules, SelectionError
from ..loading import RulesetError
from ..model import Ruleset

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="livelint",
    help="Check Chinese livestream scripts and listings against Kuaishou notices and the law.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Print one error line to stderr; raise the returned Exit (code 2)."""
    err.print(Text(f"livelint: error: {message}"))
    return typer.Exit(EXIT_ERROR)


def tokens(values: list[str] | None) -> list[str]:
    """Comma-separated and repeated option values, flattened."""
    return [token.strip() for value in values or [] for token in value.split(",") if token.strip()]


def load(
    rules_dirs: list[Path] | None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    allow: list[str] | None = None,
) -> Rules:
    """Load and compile rules; ruleset problems are printed as path:line lines and exit 2."""
    try:
        return load_cached_rules(rules_dirs or [], select=tokens(select), ignore=tokens(ignore), allow=allow or [])
    except RulesetError as exc:
        for problem in exc.problems:
            err.print(Text(problem))
        raise fail(f"{len(exc.problems)} problem(s) in the rulesets") from None
    except SelectionError as exc:
        raise fail(str(exc)) from None


def load_ruleset(rules_dirs: list[Path] | None) -> Ruleset:
    return load(rules_dirs).ruleset


def write_output(output: Path | None, render) -> None:  # type: ignore[no-untyped-def]
    """Call render(stream, colour) on stdout, or atomically on `output` (a temporary file renamed into place)."""
    if output is None:
        render(sys.stdout, sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        return
    with atomic_file(output) as stream:
        render(stream, False)


@contextmanager
def atomic_file(output: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A stream on a hidden temporary file beside `output`, renamed onto it when the block ends without
    an error (else removed): a crash or Ctrl-C never leaves a half-written file under the real name."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.resolve().parent)
    except OSError as exc:
        raise fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    try:
        with open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(temporary, output)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"livelint {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """livelint: a linter for livestream-commerce scripts and listings."""


RulesOption = Annotated[
    Optional[list[Path]], typer.Option("--rules", help="Extra ruleset folder (repeatable), added to the bundled rules.")
]
