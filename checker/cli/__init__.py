"""The `livelint` command line: a thin shell over the library. Each command lives in its own module."""

from __future__ import annotations

from . import batch, catalogue, check, config, evaluate, fix, serve, suppressions  # noqa: F401  (importing registers the commands)
from .app import app


def run() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "run"]
