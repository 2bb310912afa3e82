"""Readers that turn input files into text to check, chosen by file extension through READERS."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import Finding
from . import markdown, subtitles, word
from .subtitles import Cue
from .text import Decoded, InputError, decode, decode_bytes, read_bytes, read_text, too_large


@dataclass(frozen=True)
class Document:
    """One input: its text, the text to check, and how to place findings in it.

    `text` is what finding offsets, lines and columns refer to (for a subtitle or Markdown file, the
    file's own text). `checked` has the same length: parts that are not script (timestamps, code) are
    spaces. `decoded` tells how to write the file back (None when it cannot be rewritten as text).
    """

    text: str
    checked: str
    kind: str  # text | markdown | srt | vtt | docx
    decoded: Decoded | None = None
    cues: tuple[Cue, ...] = ()
    paragraph_starts: tuple[int, ...] = ()  # docx: offset of each paragraph in `text`

    def place(self, finding: Finding) -> Finding:
        """The finding with its cue times or paragraph number, when this input has them."""
        if self.cues:
            starts = [cue.start for cue in self.cues]
            at = bisect_right(starts, finding.start) - 1
            if at >= 0 and finding.start <= self.cues[at].end:
                cue = self.cues[at]
                last = self.cues[max(at, bisect_right(starts, max(finding.start, finding.end - 1)) - 1)]
                return replace(finding, cue_start=cue.start_time, cue_end=last.end_time)
        if self.paragraph_starts:
            return replace(finding, paragraph=bisect_right(self.paragraph_starts, finding.start))
        return finding


def reparse(document: Document, text: str) -> Document:
    """The same kind of document with new text (after a fix), read the way its kind is read."""
    if document.kind == "markdown":
        return replace(document, text=text, checked=markdown.mask_code(text))
    if document.kind in ("srt", "vtt"):
        checked, cues = subtitles.parse(text, vtt=document.kind == "vtt")
        return replace(document, text=text, checked=checked, cues=cues)
    if document.kind == "text":
        return replace(document, text=text, checked=text)
    raise InputError(f"a {document.kind} document cannot be rewritten as text")


def _text(path: Path, encoding: str | None) -> Document:
    decoded = decode_bytes(read_bytes(path), encoding)
    return Document(decoded.text, decoded.text, "text", decoded)


def _markdown(path: Path, encoding: str | None) -> Document:
    decoded = decode_bytes(read_bytes(path), encoding)
    return Document(decoded.text, markdown.mask_code(decoded.text), "markdown", decoded)


def _subtitles(vtt: bool) -> Callable[[Path, str | None], Document]:
    def read(path: Path, encoding: str | None) -> Document:
        decoded = decode_bytes(read_bytes(path), encoding)
        checked, cues = subtitles.parse(decoded.text, vtt=vtt)
        return Document(decoded.text, checked, "vtt" if vtt else "srt", decoded, cues)

    return read


def _docx(path: Path, encoding: str | None) -> Document:
    paragraphs = word.read_paragraphs(path)
    starts, offset = [], 0
    for paragraph in paragraphs:
        starts.append(offset)
        offset += len(paragraph) + 1
    text = "\n".join(paragraphs)
    return Document(text, text, "docx", None, (), tuple(starts))


Reader = Callable[[Path, "str | None"], Document]

READERS: dict[str, Reader] = {
    ".srt": _subtitles(vtt=False),
    ".vtt": _subtitles(vtt=True),
    ".docx": _docx,
    ".md": _markdown,
    ".markdown": _markdown,
}


def read_document(path: str | Path, encoding: str | None = None) -> Document:
    """Read one input with the reader of its extension (plain text for any other); InputError if bad."""
    path = Path(path)
    return READERS.get(path.suffix.lower(), _text)(path, encoding)


def streamed(path: str | Path) -> bool:
    """A plain-text input (the default reader) larger than MAX_BYTES: too large to read whole, it is
    checked in chunks (`checker.stream`); other kinds of input that large are refused."""
    path = Path(path)
    return path.suffix.lower() not in READERS and too_large(path)


def text_document(text: str, kind: str = "text") -> Document:
    """A document for text given directly (stdin)."""
    return Document(text, text, kind)


__all__ = [
    "READERS",
    "Cue",
    "Decoded",
    "Document",
    "InputError",
    "decode",
    "decode_bytes",
    "read_bytes",
    "read_document",
    "read_text",
    "reparse",
    "streamed",
    "text_document",
]
