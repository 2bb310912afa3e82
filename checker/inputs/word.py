"""Word documents (.docx, through python-docx): the paragraphs in reading order, tables included.

The checked text is the paragraphs joined by line breaks; each finding also names its paragraph number
(1-based, counting body paragraphs and the paragraphs of table cells in document order).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .text import InputError, read_bytes

MAX_UNPACKED = 200_000_000  # bytes of all the parts of a .docx, unpacked (a script's text is a tiny share)


def _paragraphs(container: Any) -> Iterator[Any]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    seen_cells: set[int] = set()
    for child in container.iter_inner_content():
        if isinstance(child, Paragraph):
            yield child
        elif isinstance(child, Table):
            for row in child.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen_cells:  # a merged cell appears once per grid column it spans
                        continue
                    seen_cells.add(id(cell._tc))
                    yield from _paragraphs(cell)


def read_paragraphs(path: str | Path) -> list[str]:
    """The text of every paragraph; raises InputError with a one-line reason."""
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError("reading .docx needs python-docx (pip install python-docx)") from None
    data = read_bytes(path)  # the same one-line reasons (missing, folder, permission) and size limit as text
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except Exception:  # not a zip: python-docx says so below
        unpacked = 0
    if unpacked > MAX_UNPACKED:  # python-docx holds every part in memory: a zip bomb would exhaust it
        raise InputError(f"larger than {MAX_UNPACKED // 1_000_000} MB once unpacked")
    try:
        document = docx.Document(io.BytesIO(data))
        return [paragraph.text for paragraph in _paragraphs(document)]
    except Exception as exc:  # python-docx raises zipfile, KeyError, lxml and its own errors for broken files
        raise InputError(f"not a readable .docx Word document ({type(exc).__name__})") from None
