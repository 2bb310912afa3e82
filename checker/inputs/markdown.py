"""Markdown: everything is checked except code (fenced and indented blocks) and YAML front matter.

Code is replaced by spaces of the same length (line breaks kept), so offsets, lines and columns are those
of the Markdown file and a fix rewrites the file in place.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _indented(line: str) -> bool:
    return line.startswith(("    ", "\t"))


def mask_code(text: str) -> str:
    """`text` with fenced code blocks, indented code blocks and front matter blanked."""
    chars = list(text)
    lines = [(m.start(), m.group().rstrip("\r\n")) for m in _LINE.finditer(text) if m.group() or m.start() < len(text)]

    def blank(offset: int, content: str) -> None:
        for index in range(offset, offset + len(content)):
            chars[index] = " "

    index = 0
    if lines and lines[0][1].strip() == "---":  # YAML front matter
        end = next((i for i in range(1, len(lines)) if lines[i][1].strip() in ("---", "...")), None)
        if end is not None:
            for offset, content in lines[: end + 1]:
                blank(offset, content)
            index = end + 1
    fence: str | None = None
    previous_blank = True
    in_list = False
    in_code = False
    while index < len(lines):
        offset, content = lines[index]
        index += 1
        if fence is not None:
            blank(offset, content)
            closing = _FENCE.match(content)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) and not content.strip().strip(fence[0]):
                fence = None
            continue
        opening = _FENCE.match(content)
        if opening:
            fence = opening.group(1)
            blank(offset, content)
            previous_blank = in_code = False
            continue
        if not content.strip():
            previous_blank = True
            continue
        if _indented(content) and (in_code or (previous_blank and not in_list)):
            blank(offset, content)
            in_code = True
            previous_blank = False
            continue
        in_code = False
        if _LIST_ITEM.match(content):
            in_list = True
        elif not _indented(content) and previous_blank:
            in_list = False
        previous_blank = False
    return "".join(chars)
