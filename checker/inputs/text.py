"""Plain-text files: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030/GBK, or a given encoding."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Files up to this size are read whole; a larger plain-text file is checked in chunks (checker.stream),
# any other larger input is refused.
MAX_BYTES = 200_000_000

# (byte-order mark, codec of the text after it); UTF-32 LE before UTF-16 LE: its BOM starts the same way.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = frozenset(chr(c) for c in range(32)) - set("\t\n\r\f\v\x1b")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InputError(Exception):
    """A file that cannot be read as text; the message is one line for the user."""


def looks_binary(text: str) -> bool:
    """Too many control characters in the first 8 KB for a text."""
    sample = text[:8192]
    controls = sum(1 for char in sample if char in _CONTROL)
    return controls > max(2, len(sample) // 100)


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how to write it back byte for byte: the codec and the byte-order mark."""

    text: str
    codec: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """`text` in the original encoding, with the original byte-order mark (raises UnicodeEncodeError)."""
        return self.bom + text.encode(self.codec)


def text_encoding(encoding: str) -> str:
    """The canonical name of a codec that decodes bytes to text; InputError for an unknown name, or
    for a codec that bytes.decode refuses (rot13, base64, hex transform bytes or text, not one into the other)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{encoding!r} is not a text encoding")
    return info.name


def lone_surrogate(value: object) -> bool:
    """A string in `value` (or in its lists and dicts, keys included) holds half a surrogate pair:
    JSON's \\ud800 and codecs such as unicode_escape can make one, no text holds one, and no answer
    or report can be encoded with one."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode bytes: the given encoding, else a BOM, else UTF-8, else GB18030 (which covers GBK)."""
    return decode_bytes(data, encoding).text


def sniff(head: bytes, encoding: str | None = None) -> tuple[str | None, bytes, str]:
    """How to decode a text whose bytes start with `head`: (codec, byte-order mark, the start of the
    error message for undecodable bytes). The codec is None when neither an encoding nor a byte-order
    mark says it: then UTF-8, else GB18030. Raises InputError for an unknown encoding or NUL bytes."""
    if encoding is not None:
        name = text_encoding(encoding)
        bom, codec = b"", encoding
        base = {"utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-32": "utf-32", "utf-8": "utf-8"}.get(name)
        if base is not None:  # a byte-order mark of the same Unicode encoding is kept apart, to be written back
            codec = "utf-8" if name == "utf-8-sig" else encoding
            for mark, marked_codec in _BOMS:
                if head.startswith(mark) and marked_codec.startswith(base):
                    bom, codec = mark, marked_codec
                    break
        return codec, bom, f"not valid {encoding}"
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, bom, f"not valid {codec} after its byte-order mark"
    if b"\x00" in head[:8192]:
        raise InputError("binary file (NUL bytes), not text")
    return None, b"", ""


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Like `decode`, also telling the codec and byte-order mark found (see `Decoded.encode`)."""
    codec, bom, invalid = sniff(data, encoding)
    if codec is not None:
        try:
            text = data[len(bom) :].decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(f"{invalid} (byte {exc.start + len(bom)})") from None
        except UnicodeError as exc:  # idna, punycode: no byte offset
            raise InputError(f"{invalid} ({exc})") from None
        surrogate = _SURROGATE.search(text) if encoding is not None else None
        if surrogate is not None:  # unicode_escape, utf-7 ... can spell half a surrogate pair; no text holds one
            raise InputError(f"{invalid} (half a surrogate pair at character {surrogate.start()})")
        return Decoded(text, codec, bom)
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            raise InputError("binary file (control characters), not text")
        return Decoded(text, codec)
    raise InputError("cannot decode as UTF-8 or GB18030; give the encoding with --encoding")


def _reason(exc: OSError) -> str:
    """Why a file cannot be opened or read, in one line."""
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def open_binary(path: str | Path) -> BinaryIO:
    """Open a file to read its bytes; raises InputError with a one-line reason."""
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(_reason(exc)) from None


def too_large(path: str | Path) -> bool:
    """A file larger than MAX_BYTES (False when it cannot be looked at: reading it tells why)."""
    try:
        return os.stat(path).st_size > MAX_BYTES
    except OSError:
        return False


def read_bytes(path: str | Path) -> bytes:
    """Read a file's bytes; raises InputError with a one-line reason."""
    with open_binary(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size  # a file known to be too large is not read at all
            data = handle.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
        except OSError as exc:
            raise InputError(_reason(exc)) from None
    if size > MAX_BYTES or len(data) > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 1_000_000} MB")
    return data


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read and decode a text file; raises InputError with a one-line reason."""
    return decode(read_bytes(path), encoding)
