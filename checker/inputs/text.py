"""Plain-text files: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030/GBK, or a given encoding."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

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


class InputError(Exception):
    """A file that cannot be read as text; the message is one line for the user."""


def _looks_binary(text: str) -> bool:
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


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode bytes: the given encoding, else a BOM, else UTF-8, else GB18030 (which covers GBK)."""
    return decode_bytes(data, encoding).text


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Like `decode`, also telling the codec and byte-order mark found (see `Decoded.encode`)."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        bom, codec = b"", encoding
        base = {"utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-32": "utf-32", "utf-8": "utf-8"}.get(name)
        if base is not None:  # a byte-order mark of the same Unicode encoding is kept apart, to be written back
            codec = "utf-8" if name == "utf-8-sig" else encoding
            for mark, marked_codec in _BOMS:
                if data.startswith(mark) and marked_codec.startswith(base):
                    bom, codec = mark, marked_codec
                    break
        try:
            return Decoded(data[len(bom) :].decode(codec), codec, bom)
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {encoding} (byte {exc.start + len(bom)})") from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec, bom)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {codec} after its byte-order mark (byte {exc.start + len(bom)})") from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not text")
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise InputError("binary file (control characters), not text")
        return Decoded(text, codec)
    raise InputError("cannot decode as UTF-8 or GB18030; give the encoding with --encoding")


def read_bytes(path: str | Path) -> bytes:
    """Read a file's bytes; raises InputError with a one-line reason."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise InputError("is a folder") from None
    except FileNotFoundError:
        raise InputError("no such file or folder") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 1_000_000} MB")
    return data


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read and decode a text file; raises InputError with a one-line reason."""
    return decode(read_bytes(path), encoding)
