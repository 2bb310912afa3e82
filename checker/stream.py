"""Texts too large to hold in memory, checked in chunks: the findings `check_text` gives on the whole
text, in order, while memory stays bounded by the chunk size.

The text is cut into consecutive *cores* of about `chunk_chars` characters. Each core is checked with
`overlap` characters of the text on each side (its *window*), and only the findings that start inside
the core are kept: a term across a cut is found once, in the window of the core it starts in, with the
context it has in the whole text. Offsets, lines and columns are counted in the whole text.

A core ends just after the last line break before its limit (never between \\r and \\n) when that lies
in the core's second half; else just after its last sentence break (。!?; and their full-width forms,
the characters that fold to SENTENCE_BREAKS) or line break; else hard at the limit.

What is exact. A line break is a sentence break to the engine, and nothing it decides looks across a
sentence break except within bounded reaches (OVERLAP is far above the longest). So wherever the cuts
fall at line or sentence breaks, which is everywhere in a script, the findings are exactly those of
`check_text` on the whole text: same rules, spans, lines, columns and matches (tests/test_stream.py
checks this over many random chunk sizes). The one case that may differ: a run of more than
`chunk_chars` characters holding no line break and no sentence break has to be cut hard, inside a
sentence; a finding near such a cut can differ from the whole text's when what decides it lies more
than `overlap` characters away: a cue anywhere in the sentence (a qualifier such as 数据来源, a
quotation cue, a closing 吗), or a term spread over more than `overlap` characters by separators.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .engine import Rules, _Lines, check_text
from .inputs.text import InputError, lone_surrogate, looks_binary, open_binary, sniff
from .model import Finding
from .normalise import SENTENCE_BREAKS
from .suppress import _KEYWORD

CHUNK_CHARS = 1_000_000  # characters per core: about 3 MB of Chinese in UTF-8
# Characters of context on each side of a core. The furthest the engine looks from a hit: context terms
# up to match.CONTEXT_REACH folded characters around it, a covering or joined term up to engine.MAX_TERM,
# the wedged-letter pass engine.WEDGED_REACH on each side, quotes context.QUOTE_REACH, jieba
# engine.BOUNDARY_CONTEXT: together 442, and OVERLAP is more than twice that (tests/test_stream.py
# keeps it so). Only dropped separators can stretch folded reaches further in the original text.
OVERLAP = 1_000
BLOCK_BYTES = 1 << 20  # bytes read and decoded at a time

_LINE_BREAKS = "\n\r"
_SENTENCE_CANDIDATES = "。!?;!?;"  # original characters that may fold to a sentence break


def check_stream(
    pieces: Iterable[str],
    rules: Rules,
    *,
    path: str | None = None,
    chunk_chars: int = CHUNK_CHARS,
    overlap: int = OVERLAP,
) -> Iterator[Finding]:
    """The findings of the text made of `pieces` joined, lazily and in order, with offsets, lines and
    columns in the whole text (see the module's docstring for what is exact).

    Holds at most `chunk_chars` + 2 × `overlap` characters and one piece (`read_pieces` gives pieces
    of one block).
    """
    if chunk_chars < 1 or overlap < 0:
        raise ValueError("chunk_chars must be positive and overlap not negative")
    sentence_breaks = "".join(c for c in _SENTENCE_CANDIDATES if rules.folder.fold_term(c) in SENTENCE_BREAKS)
    source = iter(pieces)
    buffer = ""  # the text from offset `base` of the whole text on
    base = 0
    core = 0  # where the next core starts in `buffer`
    line, column = 1, 1  # where buffer[core] is in the whole text
    ended = False
    while True:
        if not ended and len(buffer) - core <= chunk_chars + overlap:
            # Read enough for a full core, its context after it and the character after its limit, and
            # drop what no later window needs (only here: a long piece is not copied once per core).
            drop = max(0, core - overlap)
            base, core = base + drop, core - drop
            parts, size = [buffer[drop:]], len(buffer) - drop
            while size - core <= chunk_chars + overlap:
                piece = next(source, None)
                if piece is None:
                    ended = True
                    break
                parts.append(piece)
                size += len(piece)
            buffer = "".join(parts)
        if core >= len(buffer):
            return
        if ended and len(buffer) - core <= chunk_chars:
            end = len(buffer)
        else:
            end = _cut(buffer, core, core + chunk_chars, sentence_breaks)
        left, right = max(0, core - overlap), min(len(buffer), end + overlap)
        findings = [f for f in check_text(buffer[left:right], rules, path=path).findings if core <= f.start + left < end]
        if findings:
            lines = _Lines(buffer[core:right])  # counted from the core, whose start is a known position
            for finding in findings:
                yield _placed(finding, left - core, base + core, lines, line, column)
        line, column = _advance(buffer, core, end, line, column)
        core = end


def _last(text: str, chars: str, start: int, end: int) -> int:
    """The offset of the last of `chars` in text[start:end], or -1."""
    return max((text.rfind(char, start, end) for char in chars), default=-1)


def _cut(text: str, start: int, limit: int, sentence_breaks: str) -> int:
    """Where the core starting at `start` ends (see the module's docstring); text[limit] exists."""
    line_break = _last(text, _LINE_BREAKS, start, limit)
    if line_break < start + (limit - start) // 2:
        line_break = max(line_break, _last(text, sentence_breaks, start, limit))
    cut = line_break + 1 if line_break >= start else limit
    if text[cut - 1] == "\r" and text[cut] == "\n":  # \r\n is one line break
        cut += 1
    return cut


def _advance(text: str, start: int, end: int, line: int, column: int) -> tuple[int, int]:
    """The position of text[end], knowing that of text[start]: line breaks counted as the engine does."""
    breaks = _breaks(text, start, end)
    if not breaks:
        return line, column + end - start
    return line + breaks, end - _last(text, _LINE_BREAKS, start, end)


def _placed(finding: Finding, shift: int, core_offset: int, lines: _Lines, line: int, column: int) -> Finding:
    """A finding of a window placed in the whole text; `shift` takes window offsets to core offsets,
    `core_offset`, `line` and `column` say where the core starts in the whole text."""
    start, end = finding.start + shift, finding.end + shift

    def position(offset: int) -> tuple[int, int]:
        at_line, at_column = lines.position(offset)
        return line + at_line - 1, at_column if at_line > 1 else column + at_column - 1

    (first_line, first_column), (last_line, last_column) = position(start), position(end - 1)
    return dataclasses.replace(
        finding,
        start=core_offset + start,
        end=core_offset + end,
        line=first_line,
        column=first_column,
        end_line=last_line,
        end_column=last_column,
    )


# ---- reading ------------------------------------------------------------------------------------


def read_pieces(path: str | Path, encoding: str | None = None, *, block_bytes: int = BLOCK_BYTES) -> Iterator[str]:
    """A file's text, decoded a block at a time, with the rules of `checker.inputs.text.decode_bytes`:
    the given encoding, else a byte-order mark, else UTF-8, else GB18030. Only the first block can be
    looked at before deciding: it must be valid UTF-8 for UTF-8 to be chosen, and it is where NUL bytes
    and control characters mark a binary file. Raises InputError with a one-line reason, naming the
    byte offset when later bytes do not decode.
    """
    with open_binary(path) as handle:
        first = _read(handle, max(block_bytes, 4))  # a byte-order mark fits in the first block
        codec, bom, invalid = sniff(first, encoding)
        hint = ""
        if codec is None:  # chosen on the first block only: later bytes may still disagree
            codec = _guess(first)
            invalid, hint = f"not valid {codec}", "; give the encoding with --encoding"
        decoder = codecs.getincrementaldecoder(codec)()
        offset = len(bom)  # bytes of the file given to the decoder so far
        data = first[len(bom) :]
        checked = False
        while True:
            final = not data
            try:
                text = decoder.decode(data, final=final)
            except UnicodeDecodeError as exc:  # exc.object: the decoder's pending bytes, then `data`
                at = offset + len(data) - len(exc.object) + exc.start
                raise InputError(f"{invalid} (byte {at}){hint}") from None
            except UnicodeError as exc:  # idna, punycode: no byte offset
                raise InputError(f"{invalid} ({exc})") from None
            if encoding is not None and lone_surrogate(text):  # unicode_escape, utf-7 can spell half a pair
                raise InputError(f"{invalid} (half a surrogate pair near byte {offset})")
            if not checked and (text or final):
                checked = True
                if looks_binary(text):
                    raise InputError("binary file (control characters), not text")
            if text:
                yield text
            if final:
                return
            offset += len(data)
            data = _read(handle, block_bytes)


def _read(handle: BinaryIO, size: int) -> bytes:
    try:
        return handle.read(size)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def _guess(first: bytes) -> str:
    """UTF-8 when the first block is valid UTF-8 (but for a character cut at its end), else GB18030."""
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(first)
        except UnicodeDecodeError:
            continue
        return codec
    raise InputError("cannot decode as UTF-8 or GB18030; give the encoding with --encoding")


def check_large_file(
    path: str | Path,
    rules: Rules,
    *,
    encoding: str | None = None,
    chunk_chars: int = CHUNK_CHARS,
    overlap: int = OVERLAP,
) -> Iterator[Finding]:
    """The findings of a plain-text file of any size, read and checked in chunks, with `path` set.

    Inline suppression directives are not applied (they need the whole file): see `directive_line`.
    Raises InputError (one line) when the file cannot be read or decoded, possibly after some findings.
    """
    return check_stream(read_pieces(path, encoding), rules, path=str(path), chunk_chars=chunk_chars, overlap=overlap)


def directive_line(pieces: Iterable[str]) -> int | None:
    """The line of the first `livelint:` keyword in the text (every inline directive holds one; so
    may plain text that only mentions it), or None. Holds only a few characters besides one piece."""
    keyword = re.compile(_KEYWORD)
    pending = re.compile(r"livelint\s*\Z|l(?:i(?:v(?:e(?:l(?:i(?:n)?)?)?)?)?)?\Z")  # a keyword may go on
    line = 1  # the line `tail` starts on
    tail = ""
    for piece in pieces:
        text = tail + piece
        found = keyword.search(text)
        if found is not None:
            return line + _breaks(text, 0, found.start())
        more = pending.search(text)
        keep = more.start() if more is not None else len(text)
        if keep and text[keep - 1] == "\r":  # a \r\n split between pieces counts once
            keep -= 1
        line += _breaks(text, 0, keep)
        tail = text[keep:]
    return None


def _breaks(text: str, start: int, end: int) -> int:
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
