"""Subtitle files (.srt, .vtt): livestream transcripts, checked in place.

The file's own text is what findings point into: cue numbers, timing lines, WebVTT headers, NOTE /
STYLE / REGION blocks and inline tags (`<i>`, `<v 主播>`, `<00:00:01.000>`) are replaced by spaces of
the same length, so offsets, lines and columns are those of the subtitle file, and each finding gets the
start and end time of the cue it falls in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import InputError

_TIME = r"(?:(\d{1,9}):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"  # hours bounded: int() refuses 4,300 digits
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
_TAG = re.compile(r"<[^<>\r\n]*>|\{\\[^{}\r\n]*\}")  # HTML-like tags, and SSA overrides such as {\an8}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class Cue:
    start: int  # offsets of the cue's text in the file text
    end: int
    start_time: str  # HH:MM:SS.mmm
    end_time: str


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its break) for every line."""
    out = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and out:
            break
        out.append((match.start(), match.group().rstrip("\r\n")))
    return out


def _time(hours: str | None, minutes: str, seconds: str, millis: str) -> str:
    return f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{int(millis.ljust(3, '0')):03d}"


def _times(line: str) -> tuple[str, str] | None:
    match = _TIMING.match(line)
    if match is None:
        return None
    groups = match.groups()
    return _time(*groups[0:4]), _time(*groups[4:8])


def _blank(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if chars[index] not in "\r\n":
            chars[index] = " "


def parse(text: str, *, vtt: bool) -> tuple[str, tuple[Cue, ...]]:
    """The text to check (same length as `text`, non-script parts blanked) and the cues, in order."""
    chars = list(text)
    cues: list[Cue] = []
    lines = _lines(text)
    index = 0
    if vtt:
        if not lines or not lines[0][1].lstrip("\ufeff").startswith("WEBVTT"):
            raise InputError("line 1: a WebVTT file must start with 'WEBVTT'")
        while index < len(lines) and lines[index][1].strip():  # the header block
            _blank(chars, lines[index][0], lines[index][0] + len(lines[index][1]))
            index += 1
    while index < len(lines):
        offset, line = lines[index]
        if not line.strip():
            index += 1
            continue
        block = []
        while index < len(lines) and lines[index][1].strip():
            block.append(lines[index])
            index += 1
        first = block[0][1].strip()
        if vtt and (first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first):
            for line_offset, content in block:
                _blank(chars, line_offset, line_offset + len(content))
            continue
        timing_at = next((i for i, (_o, content) in enumerate(block[:2]) if "-->" in content), None)
        if timing_at is None:
            raise InputError(f"line {_line_number(lines, block[0][0])}: a subtitle block without a 'start --> end' timing line")
        timing_offset, timing_line = block[timing_at]
        times = _times(timing_line)
        if times is None:
            raise InputError(f"line {_line_number(lines, timing_offset)}: not a cue timing: {timing_line.strip()[:60]!r}")
        for line_offset, content in block[: timing_at + 1]:
            _blank(chars, line_offset, line_offset + len(content))
        body = block[timing_at + 1 :]
        for line_offset, content in body:
            for tag in _TAG.finditer(content):
                _blank(chars, line_offset + tag.start(), line_offset + tag.end())
        if body:
            cues.append(Cue(body[0][0], body[-1][0] + len(body[-1][1]), *times))
    return "".join(chars), tuple(cues)


def _line_number(lines: list[tuple[int, str]], offset: int) -> int:
    for number, (line_offset, _content) in enumerate(lines, 1):
        if line_offset == offset:
            return number
    return 0
