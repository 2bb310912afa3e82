"""`livelint config`, and what every command that checks shares: the effective settings (configuration
file plus command-line options) and the rules compiled from them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.text import Text

from ..config import KEYS, ConfigError, Settings, describe, resolve
from ..engine import Rules, SelectionError, select_rules
from ..files import IgnoreFor
from ..model import Level
from ..suppress import disabled_meta, split_meta
from .app import app, err, fail, load_ruleset, tokens

ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", help="Use this livelint.toml / pyproject.toml instead of searching upwards.")
]
IsolatedOption = Annotated[bool, typer.Option("--no-config", help="Ignore every configuration file.")]
SelectOption = Annotated[
    Optional[list[str]],
    typer.Option("--select", help="Only these rules: rule id, id prefix, category, notice id or ruleset (comma-separated, repeatable)."),
]
IgnoreOption = Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rules (same forms as --select).")]
AllowOption = Annotated[
    Optional[list[str]], typer.Option("--allow", help="Allowlisted term, e.g. a brand name containing 最 (repeatable).")
]
EncodingOption = Annotated[
    Optional[str], typer.Option("--encoding", help="Encoding of the inputs (default: detect UTF-8/UTF-16/GB18030).")
]


@dataclass(frozen=True)
class Run:
    """What a command needs to check files the way the configuration says."""

    settings: Settings
    rules: Rules
    disabled: frozenset[str]  # LL rule ids turned off

    def ignore_for(self) -> IgnoreFor | None:
        return self.settings.ignored_for if self.settings.get("per-file-ignores") else None

    @property
    def encoding(self) -> str | None:
        return self.settings.get("encoding")


def effective_settings(
    paths: Sequence[str],
    *,
    config: Path | None = None,
    isolated: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_level: Level | None = None,
    rules_dirs: list[Path] | None = None,
    allow: list[str] | None = None,
    encoding: str | None = None,
) -> Settings:
    """The configuration found for `paths` (or given), with the command-line options on top."""
    try:
        settings = resolve(paths, config, isolated=isolated)
    except ConfigError as exc:
        for problem in exc.problems:
            err.print(Text(problem))
        raise fail(f"{len(exc.problems)} problem(s) in the configuration") from None
    settings = settings.override("select", tokens(select) if select else None, "--select")
    settings = settings.override("ignore", tokens(ignore) if ignore else None, "--ignore")
    settings = settings.override("fail-level", fail_level, "--fail-level")
    settings = settings.override("rules", [str(p) for p in rules_dirs] if rules_dirs else None, "--rules")
    settings = settings.override("allow", list(allow) if allow else None, "--allow")
    return settings.override("encoding", encoding, "--encoding")


def prepare(settings: Settings) -> Run:
    """Load the rulesets the settings name, check every rule token against them (a bad token is an
    error naming where it was set), and compile the selected rules."""
    ruleset = load_ruleset([Path(folder) for folder in settings.get("rules")])
    select, _ = split_meta(settings.get("select"))
    ignore, _ = split_meta(settings.get("ignore"))
    checks: list[tuple[str, list[str]]] = [("select", select), ("ignore", ignore)]
    for pattern, rules in settings.get("per-file-ignores").items():
        checks.append((f"per-file-ignores {pattern!r}", split_meta(rules)[0]))
    for key, values in checks:
        for token in values:
            try:
                select_rules(ruleset.rules, [token], ())
            except SelectionError as exc:
                source = settings.sources[key.split(" ")[0]]
                raise fail(f"{source}: {key}: {exc}") from None
    try:
        rules = Rules.compile(ruleset, select=select, ignore=ignore, allow=settings.get("allow"))
    except SelectionError as exc:  # pragma: no cover - every token was checked above
        raise fail(str(exc)) from None
    return Run(settings, rules, disabled_meta(settings.get("select"), settings.get("ignore")))


def _show(value: Any) -> str:
    if value is None:
        return "(detect)"
    if isinstance(value, dict):
        return ", ".join(f"{pattern} = [{', '.join(rules)}]" for pattern, rules in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


@app.command("config")
def show_config(
    path: Annotated[Optional[str], typer.Argument(help="A file or folder to find the configuration for (default: here).")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    fail_level: Annotated[Optional[Level], typer.Option("--fail-level", help="As for check.")] = None,
    rules_dirs: Annotated[Optional[list[Path]], typer.Option("--rules", help="As for check.")] = None,
    allow: AllowOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Show the effective configuration for PATH and where each value came from."""
    settings = effective_settings(
        [path] if path else [], config=config, isolated=isolated, select=select, ignore=ignore,
        fail_level=fail_level, rules_dirs=rules_dirs, allow=allow, encoding=encoding,
    )
    prepare(settings)  # the values must also be usable: rule tokens that name rules, ruleset folders that load
    rows = describe(settings)
    if output_format == "json":
        document = {
            "config_file": str(settings.path) if settings.path else None,
            "settings": {key: {"value": value, "source": source} for key, value, source in rows},
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if output_format != "text":
        raise fail(f"unknown format {output_format!r} (one of: text, json)")
    typer.echo(f"# configuration file: {settings.path or '(none found: defaults)'}")
    width = max(len(key) for key in KEYS)
    for key, value, source in rows:
        typer.echo(f"{key:<{width}} = {_show(value)}    # {source}")
