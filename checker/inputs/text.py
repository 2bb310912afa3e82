"""Plain-text files: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030/GBK, or a given encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

MAX_BYTES = 200_000_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = frozenset(chr(c) for c in range(32)) - set("\t\n\r\f\v\x1b")


class InputError(Exception):
    """A file that cannot be read as text; the message is one line for the user."""


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for char in sample if char in _CONTROL)
    return controls > max(2, len(sample) // 100)


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode bytes: the given encoding, else a BOM, else UTF-8, else GB18030 (which covers GBK)."""
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {encoding} (byte {exc.start})") from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {codec} after its byte-order mark (byte {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not text")
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise InputError("binary file (control characters), not text")
        return text
    raise InputError("cannot decode as UTF-8 or GB18030; give the encoding with --encoding")


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read and decode a text file; raises InputError with a one-line reason."""
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
    return decode(data, encoding)
