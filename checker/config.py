"""Project configuration: `[tool.livelint]` in pyproject.toml, or a livelint.toml, found by walking up.

    [tool.livelint]                       # livelint.toml: the same keys at the top level
    select = ["price-marketing", "ABS"]
    ignore = ["ABS-007"]
    fail-level = "error"
    rules = ["compliance/rules"]          # extra ruleset folders, relative to this file
    allow = ["最生活", "第一坊"]          # brand and product names: no finding inside them
    encoding = "gb18030"
    [tool.livelint.per-file-ignores]
    "archive/**" = ["PRC"]
    "*.srt" = ["ABS-001", "LL-002"]

Each value remembers where it came from (`livelint config` prints it). Unknown keys and wrong types are
errors `path:line: message`. Command-line options replace the value of the same key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .model import Level

CONFIG_FILES = ("livelint.toml", "pyproject.toml")  # in this order of precedence within one folder

KEYS: dict[str, str] = {
    "select": "rules to check: rule ids, id prefixes, categories, notice ids or ruleset names",
    "ignore": "rules to skip (same forms as select)",
    "fail-level": "exit 1 when a finding has at least this level: info, warning or error",
    "per-file-ignores": "table: glob -> rules to skip in the files it matches",
    "rules": "extra ruleset folders, relative to the config file",
    "allow": "allowlisted terms (brand and product names): no finding inside them",
    "encoding": "encoding of the inputs (default: detect UTF-8/UTF-16/GB18030)",
}
DEFAULTS: dict[str, Any] = {
    "select": [],
    "ignore": [],
    "fail-level": "warning",
    "per-file-ignores": {},
    "rules": [],
    "allow": [],
    "encoding": None,
}
DEFAULT = "default"


class ConfigError(ValueError):
    """A configuration file that cannot be used; `problems` are `path:line: message` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Settings:
    """The effective configuration: each value and where it came from (a `path:line`, an option, default)."""

    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    sources: dict[str, str] = field(default_factory=lambda: {key: DEFAULT for key in DEFAULTS})
    path: Path | None = None  # the configuration file, if any

    @property
    def root(self) -> Path:
        """The folder that relative paths and per-file-ignores globs are resolved against."""
        return self.path.parent if self.path is not None else Path.cwd()

    def get(self, key: str) -> Any:
        return self.values[key]

    @property
    def fail_level(self) -> Level:
        return Level(self.values["fail-level"])

    def override(self, key: str, value: Any, source: str) -> Settings:
        """These settings with `key` set from the command line (None: keep the current value)."""
        if value is None:
            return self
        if key == "fail-level" and isinstance(value, Level):
            value = value.value
        return Settings({**self.values, key: value}, {**self.sources, key: source}, self.path)

    def ignored_for(self, name: str) -> list[str]:
        """The per-file-ignores tokens that apply to the file `name` (as given or found by the walk)."""
        relative = _relative(Path(name), self.root)
        tokens: list[str] = []
        for pattern, rules in self.values["per-file-ignores"].items():
            if glob_match(pattern, relative):
                tokens.extend(rules)
        return tokens


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        index += 1
    return re.compile("".join(out))


def glob_match(pattern: str, relative: str) -> bool:
    """Does the posix path `relative` match `pattern`? `*` stays within a folder, `**` crosses folders;
    a pattern without `/` matches the file name in any folder (as in .gitignore and ruff)."""
    pattern = pattern.removeprefix("./")
    if pattern.endswith("/"):  # a folder: everything in it
        pattern += "**"
    if "/" not in pattern:
        return bool(_glob_regex(pattern).fullmatch(PurePosixPath(relative).name)) or bool(_glob_regex(pattern).fullmatch(relative))
    return bool(_glob_regex(pattern).fullmatch(relative))


def find_config(start: str | Path | None) -> Path | None:
    """The nearest livelint.toml, or pyproject.toml with a [tool.livelint] table, from `start` upwards."""
    folder = Path(start) if start is not None else Path.cwd()
    folder = folder.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (name == "livelint.toml" or _has_livelint_table(path)):
                return path
    return None


def _has_livelint_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return bool(re.search(r"^\s*\[\s*tool\s*\.\s*livelint\s*[\].]", _read(path), re.M))  # broken: report it
    return isinstance(data.get("tool"), dict) and "livelint" in data["tool"]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _key_line(text: str, key: str, table: str | None) -> int:
    """The line where `key` is set in `table` (a dotted name such as tool.livelint; None: top level)."""
    quoted = rf"""(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')"""
    own_table = f"{table}.{key}" if table else key
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        heading = _HEADER.match(line)
        if heading:
            current = re.sub(r"\s*\.\s*", ".", heading.group(1)).replace('"', "").replace("'", "")
            if current == own_table:
                return number
            continue
        if current == table and re.match(rf"^\s*{quoted}\s*=", line):
            return number
    return 1


def load_config(path: str | Path) -> Settings:
    """Read one configuration file; ConfigError with `path:line: message` problems."""
    path = Path(path)
    text = _read(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError([f"{path}:{line}: not valid TOML: {str(exc).split(' (at line')[0]}"]) from None
    if not text and not path.is_file():
        raise ConfigError([f"{path}:1: cannot read the configuration file"])
    table_name: str | None
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("livelint", {})
        table_name = "tool.livelint"
        if not isinstance(table, dict):
            raise ConfigError([f"{path}:{_key_line(text, 'livelint', 'tool')}: [tool.livelint] must be a table"])
    else:
        table, table_name = document, None
    problems: list[str] = []
    values = dict(DEFAULTS)
    sources = {key: DEFAULT for key in DEFAULTS}

    def where(key: str, sub: str | None = None) -> str:
        if sub is None:
            return f"{path}:{_key_line(text, key, table_name)}"
        return f"{path}:{_key_line(text, sub, f'{table_name}.{key}' if table_name else key)}"

    for key, value in table.items():
        if key not in KEYS:
            close = [k for k in KEYS if k.replace("-", "_") == key.replace("-", "_")]
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(KEYS)})"
            problems.append(f"{where(key)}: unknown key {key!r} in the livelint configuration{hint}")
            continue
        problem, value = _check_value(key, value, path.parent)
        if problem:
            problems.append(f"{where(key)}: {key}: {problem}")
            continue
        values[key] = value
        sources[key] = where(key)
    if problems:
        raise ConfigError(problems)
    return Settings(values, sources, path)


def _line_from_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    return None


def _check_value(key: str, value: Any, folder: Path) -> tuple[str | None, Any]:
    if key in ("select", "ignore", "allow"):
        items = _strings(value)
        return ("must be a list of strings", None) if items is None else (None, items)
    if key == "rules":
        items = _strings(value)
        if items is None:
            return "must be a list of folders", None
        resolved = [folder / item for item in items]
        missing = [str(item) for item in resolved if not item.is_dir()]
        if missing:
            return f"no such folder: {missing[0]}", None
        return None, [str(item) for item in resolved]
    if key == "fail-level":
        levels = [level.value for level in Level]
        if value not in levels:
            return f"must be one of {', '.join(levels)}, not {value!r}", None
        return None, value
    if key == "encoding":
        import codecs

        if not isinstance(value, str):
            return "must be a string", None
        try:
            codecs.lookup(value)
        except LookupError:
            return f"unknown encoding {value!r}", None
        return None, value
    if key == "per-file-ignores":
        if not isinstance(value, dict):
            return "must be a table of glob = [rules]", None
        table = {}
        for pattern, rules in value.items():
            items = _strings(rules)
            if items is None:
                return f"{pattern!r} must map to a list of rules", None
            table[pattern] = items
        return None, table
    return None, value  # pragma: no cover - KEYS and this function list the same keys


def resolve(paths: Iterable[str], explicit: str | Path | None = None, *, isolated: bool = False) -> Settings:
    """The settings for a run over `paths`: `explicit` if given, else the configuration found by
    walking up from the first path (the working folder for stdin), else the defaults."""
    if isolated:
        return Settings()
    if explicit is not None:
        if not Path(explicit).is_file():
            raise ConfigError([f"{explicit}:1: no such configuration file"])
        return load_config(explicit)
    first = next((p for p in paths if p != "-"), None)
    found = find_config(first)
    return load_config(found) if found is not None else Settings()


def describe(settings: Settings) -> list[tuple[str, Any, str]]:
    """(key, value, source) for every key, in the documented order."""
    return [(key, settings.values[key], settings.sources[key]) for key in KEYS]
