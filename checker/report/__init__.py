"""Output formats, one module each, chosen by name through FORMATTERS (no if/elif chain)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..engine import Rules
from ..model import Report
from . import csv as csv_format
from . import github as github_format
from . import html as html_format
from . import json as json_format
from . import sarif as sarif_format
from . import text as text_format
from .options import RenderOptions

Formatter = Callable[[Report, Rules, TextIO, RenderOptions], None]

FORMATTERS: dict[str, Formatter] = {
    "text": text_format.render,
    "json": json_format.render,
    "jsonl": json_format.render_lines,
    "sarif": sarif_format.render,
    "github": github_format.render,
    "csv": csv_format.render,
    "html": html_format.render,
}

__all__ = ["FORMATTERS", "Formatter", "RenderOptions"]
