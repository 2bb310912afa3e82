"""A cache of compiled rules: the rulesets are parsed and the automaton built once per ruleset version.

The cache file holds the pickled `Rules` (its segmenter left out: it holds a lock and is rebuilt
empty on load). Its name is a hash of everything the compiled rules depend on: the bytes of every file
in the ruleset folders (bundled and extra), the sources of the checker package, the package version,
the Python version, the matcher backend and the selection (`select`, `ignore`, `allow`). A changed rule
file or a new livelint therefore never meets an old cache file; a corrupt or unreadable file is ignored
and rebuilt; files are written atomically (a temporary file renamed into place), so a crash or a
concurrent run never leaves half a file under the real name.

Location: `$LIVELINT_CACHE_DIR`, else `$XDG_CACHE_HOME/livelint`, else `~/.cache/livelint`. The files
are pickles: only point the cache at a folder that only you can write to.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .engine import Rules, load_rules
from .loading import bundled_ruleset_dir
from .segment import Segmenter

CACHE_ENV = "LIVELINT_CACHE_DIR"
_FORMAT = 1  # bump when the layout of a cache file changes
_KEEP = 8  # cache files kept in the folder; older ones are removed when a new one is written
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """Where compiled rules are cached: $LIVELINT_CACHE_DIR, $XDG_CACHE_HOME/livelint or ~/.cache/livelint."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "livelint"


def _hash_tree(digest: Any, folder: Path, pattern: str) -> None:
    digest.update(f"\0folder {folder}\0".encode())
    if not folder.is_dir():
        digest.update(b"missing")
        return
    for path in sorted(folder.rglob(pattern)):
        if path.is_file():
            digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"unreadable")


def cache_key(
    folders: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    allow: Sequence[str] = (),
) -> str:
    """The hash naming the cache file of these rules; see the module docstring for what goes in."""
    from . import __version__

    try:
        import ahocorasick

        matcher_version = getattr(ahocorasick, "__version__", "") or str(getattr(ahocorasick, "unicode", ""))
    except ImportError:  # pragma: no cover - a runtime dependency
        matcher_version = "missing"
    from .match import DEFAULT_BACKEND

    digest = hashlib.sha256()
    head = [str(_FORMAT), __version__, sys.version, DEFAULT_BACKEND, matcher_version, repr(bundled)]
    head += [repr(list(select)), repr(list(ignore)), repr(list(allow))]
    digest.update("\0".join(head).encode())
    _hash_tree(digest, _PACKAGE, "*.py")
    if bundled:
        _hash_tree(digest, bundled_ruleset_dir(), "*")
    for folder in folders:
        _hash_tree(digest, Path(folder).resolve(), "*")
    return digest.hexdigest()


def dumps_rules(rules: Rules) -> bytes:
    """Pickle compiled rules without their segmenter (rebuilt by `loads_rules`)."""
    state = {
        field.name: getattr(rules, field.name)
        for field in dataclasses.fields(rules)
        if not isinstance(getattr(rules, field.name), Segmenter)
    }
    return pickle.dumps((_FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL)


def loads_rules(data: bytes) -> Rules:
    """The inverse of `dumps_rules`, with a fresh segmenter; raises on anything but a valid payload."""
    version, state = pickle.loads(data)
    if version != _FORMAT or not isinstance(state, dict):
        raise ValueError("not a livelint rules cache")
    missing = {field.name: Segmenter() for field in dataclasses.fields(Rules) if field.name not in state}
    rules = Rules(**state, **missing)
    if not isinstance(rules.selected, tuple):
        raise ValueError("not a livelint rules cache")
    return rules


def load_cached_rules(
    folders: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    allow: Sequence[str] = (),
    directory: str | Path | None = None,
) -> Rules:
    """`load_rules` with the compiled result cached on disk; same arguments, same result, same errors.

    A missing, stale or corrupt cache file costs one normal load (and is then rewritten); a cache
    folder that cannot be written only means no caching.
    """
    folder = Path(directory) if directory is not None else cache_dir()
    key = cache_key(folders, bundled=bundled, select=select, ignore=ignore, allow=allow)
    path = folder / f"rules-{key[:40]}.pickle"
    try:
        return loads_rules(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt or from an incompatible build: rebuild
        pass
    rules = load_rules(folders, bundled=bundled, select=select, ignore=ignore, allow=allow)
    _write(folder, path, dumps_rules(rules))
    return rules


def _write(folder: Path, path: Path, data: bytes) -> None:
    """Write atomically; give up silently when the folder cannot be written (caching is optional)."""
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=folder)
        with open(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        temporary = None
        old = sorted(folder.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
