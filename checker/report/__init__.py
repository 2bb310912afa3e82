"""Output formats, one module each, chosen by name through FORMATTERS (no if/elif chain)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..engine import Rules
from ..model import Report
from . import json as json_format
from . import text as text_format
from .options import RenderOptions

Formatter = Callable[[Report, Rules, TextIO, RenderOptions], None]

FORMATTERS: dict[str, Formatter] = {
    "text": text_format.render,
    "json": json_format.render,
    "jsonl": json_format.render_lines,
}

__all__ = ["FORMATTERS", "Formatter", "RenderOptions"]
