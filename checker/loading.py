"""Strict loading of ruleset folders: every mistake is an error with `path:line`.

A ruleset folder holds `notices.yml` (the sources rules may cite) and one `.yml` file per source with
its rules; the format is described in docs/rule-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import yaml

from .model import Boundary, Category, Context, Example, Folding, Kind, Level, Notice, Rule, Ruleset
from .normalise import Folder
from .yamlnodes import OverLimit, compose

NOTICES_FILE = "notices.yml"
FOLDING_FILE = "folding.yml"
CONTEXT_FILE = "context.yml"
SPECIAL_FILES = (NOTICES_FILE, FOLDING_FILE, CONTEXT_FILE)
# Limits on what a ruleset folder may ask of the loader; past one, loading fails with `path:line`.
MAX_FILE_BYTES = 2_000_000  # bytes of one YAML file
MAX_NODES = 250_000  # YAML nodes (scalars, lists, mappings) of one file
MAX_DEPTH = 10  # nesting of lists and mappings (the format needs 7)
MAX_TERMS = 500_000  # patterns, exceptions and near terms of all loaded rulesets together
MAX_PATTERN_LENGTH = 100  # characters of one term, cue word or folding entry, once folded
MAX_CUES = 1_000  # cue words of one context list (each list is one regular expression of literals)
MAX_REPEATS = 100  # characters of folding `repeats` (one regular expression of literals)
# A YAML alias (*name) counts as the nodes it stands for: a few lines of aliases can stand for billions.
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_PREFIX = re.compile(r"[A-Z]{2,5}\Z")
_NOTICE_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FOLDED_CJK_SPACE = re.compile(f"(?<=[{_CJK},.;:!?]) (?=[{_CJK}])|(?<=[{_CJK}]) (?=[(])")


class RulesetError(Exception):
    """Rulesets that cannot be loaded; `problems` are `path:line: message` lines."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class _Budget:
    """What is left of MAX_TERMS while the files of one load are read."""

    terms: int
    spent: bool = False  # the error was reported: later files are not told again


@dataclass
class _Context:
    path: str
    problems: list[str]
    folder: Folder | None = None
    budget: _Budget | None = None

    def error(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")


def bundled_ruleset_dir() -> Path:
    """The rulesets shipped with livelint (in a wheel) or in the source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_data" / "rulesets", package.parent / "rulesets"):
        if (candidate / NOTICES_FILE).is_file():
            return candidate
    raise RulesetError([f"{package}: the bundled rulesets are missing (no {NOTICES_FILE} found)"])


def load_ruleset(folders: Sequence[str | Path] = (), *, bundled: bool = True) -> Ruleset:
    """Load and validate the bundled rulesets (unless `bundled=False`) and those in `folders`.

    Raises RulesetError listing every problem found, each as `path:line: message`.
    """
    dirs = ([bundled_ruleset_dir()] if bundled else []) + [Path(folder) for folder in folders]
    problems: list[str] = []
    notices: dict[str, Notice] = {}
    folding: dict[str, object] = {"characters": {}, "phrases": {}, "pinyin": {}, "repeats": []}
    context: dict[str, list[str]] = {key: [] for key in _CONTEXT_KEYS}
    rule_files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            problems.append(f"{folder}:1: not a folder of rulesets")
            continue
        if (folder / NOTICES_FILE).is_file():
            _load_notices(folder / NOTICES_FILE, notices, problems)
        if (folder / FOLDING_FILE).is_file():
            _load_folding(folder / FOLDING_FILE, folding, problems)
        if (folder / CONTEXT_FILE).is_file():
            _load_context(folder / CONTEXT_FILE, context, problems)
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".yaml":
                problems.append(f"{path}:1: ruleset files end in .yml, not .yaml (rename it)")
            elif path.suffix == ".yml" and path.name not in SPECIAL_FILES and path.is_file():
                rule_files.append(path)
    tables = Folding(
        characters=dict(folding["characters"]),  # type: ignore[call-overload]
        phrases=dict(folding["phrases"]),  # type: ignore[call-overload]
        pinyin=dict(folding["pinyin"]),  # type: ignore[call-overload]
        repeats=tuple(folding["repeats"]),  # type: ignore[arg-type]
    )
    folder_ = Folder(tables)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    budget = _Budget(MAX_TERMS)
    for path in rule_files:
        for rule in _load_rule_file(path, notices, problems, folder_, budget):
            if rule.id in seen:
                problems.append(f"{path}:{rule.line}: duplicate rule id {rule.id} (also in {seen[rule.id]})")
            else:
                seen[rule.id] = f"{path}:{rule.line}"
                rules.append(rule)
    if problems:
        raise RulesetError(list(dict.fromkeys(problems)))  # an aliased node repeats its problems
    cues = Context(**{key: tuple(folder_.fold_term(cue) for cue in values) for key, values in context.items()})
    return Ruleset(tuple(rules), tuple(notices.values()), tuple(str(p) for p in rule_files), tables, cues)


# ---- YAML nodes -------------------------------------------------------------------------------


def _compose(path: Path, problems: list[str]) -> yaml.Node | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{path}:1: file larger than {MAX_FILE_BYTES:,} bytes")
            return None
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}:1: cannot read: {exc}")
        return None
    try:
        node, bomb = compose(text, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
        if bomb is not None:
            problems.append(f"{path}:{bomb}: YAML aliases here stand for more than {MAX_NODES:,} nodes once written out")
        return node
    except OverLimit as exc:
        problems.append(f"{path}:{exc.problem_mark.line + 1}: {exc.problem}")  # type: ignore[union-attr]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(f"{path}:{line}: invalid YAML: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        problems.append(f"{path}:1: invalid YAML: {exc}")
    return None


def _mapping(
    ctx: _Context, node: yaml.Node, required: Iterable[str], optional: Iterable[str], what: str
) -> dict[str, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"{what} must be a mapping")
        return None
    allowed = set(required) | set(optional)
    result: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is None or key not in allowed:
            hint = ", ".join(sorted(allowed))
            ctx.error(key_node, f"unknown key {key!r} in {what} (allowed: {hint})")
        elif key in result:
            ctx.error(key_node, f"duplicate key {key!r} in {what}")
        else:
            result[key] = value_node
    for key in required:
        if key not in result:
            ctx.error(node, f"{what} is missing the required key {key!r}")
    return result


def _string(ctx: _Context, node: yaml.Node | None, what: str) -> str | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
        ctx.error(node, f"{what} must be a string (quote values that look like numbers or dates)")
        return None
    if not node.value.strip():
        ctx.error(node, f"{what} must not be empty")
        return None
    if node.style == ">":  # a folded block joins lines with spaces; Chinese wants none between characters
        return _FOLDED_CJK_SPACE.sub("", node.value).strip()
    return node.value


def _strings(ctx: _Context, node: yaml.Node | None, what: str, *, required: bool) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, f"{what} must be a list of strings")
        return []
    if required and not node.value:
        ctx.error(node, f"{what} must not be empty")
    values = [_string(ctx, item, f"an item of {what}") for item in node.value]
    return [value for value in values if value is not None]


def _enum(ctx: _Context, node: yaml.Node | None, enum: type, what: str):  # type: ignore[no-untyped-def]
    value = _string(ctx, node, what)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        ctx.error(node, f"unknown {what} {value!r} (one of: {choices})")
        return None


# ---- notices ------------------------------------------------------------------------------------


def _load_notices(path: Path, notices: dict[str, Notice], problems: list[str]) -> None:
    ctx = _Context(str(path), problems)
    root = _compose(path, problems)
    if root is None:
        return
    top = _mapping(ctx, root, ["notices"], [], "the notices file")
    if not top or "notices" not in top:
        return
    if not isinstance(top["notices"], yaml.SequenceNode):
        ctx.error(top["notices"], "notices must be a list")
        return
    for node in top["notices"].value:
        fields = _mapping(ctx, node, ["id", "kind", "title", "source"], ["no_rules"], "a notice")
        if fields is None:
            continue
        notice_id = _string(ctx, fields.get("id"), "id")
        kind = _string(ctx, fields.get("kind"), "kind")
        title = _string(ctx, fields.get("title"), "title")
        source = _string(ctx, fields.get("source"), "source")
        no_rules = _string(ctx, fields.get("no_rules"), "no_rules")
        if kind is not None and kind not in ("seed", "law", "platform-rule"):
            ctx.error(fields["kind"], f"unknown notice kind {kind!r} (one of: seed, law, platform-rule)")
            continue
        if notice_id is not None and not _NOTICE_ID.match(notice_id):
            ctx.error(fields["id"], f"notice id {notice_id!r} must be lower-case letters, digits and -")
            continue
        if notice_id in notices:
            ctx.error(fields["id"], f"duplicate notice id {notice_id!r}")
            continue
        if notice_id and kind and title and source:
            notices[notice_id] = Notice(notice_id, kind, title, source, no_rules)


# ---- folding and context tables ------------------------------------------------------------------

_CONTEXT_KEYS = ("negation", "quotation", "self_scope", "qualifiers", "complaints", "aspiration")


def _char_map(ctx: _Context, node: yaml.Node, what: str, *, same_length: bool, single_target: bool) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"{what} must be a mapping")
        return {}
    result: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = _string(ctx, key_node, f"a key of {what}")
        value = _string(ctx, value_node, f"a value of {what}")
        if key is None or value is None:
            continue
        if key in result:
            ctx.error(key_node, f"{what}: duplicate entry {key!r}")
        elif max(len(key), len(value)) > MAX_PATTERN_LENGTH:
            ctx.error(key_node, f"{what}: an entry may have at most {MAX_PATTERN_LENGTH} characters")
        elif same_length and len(key) != len(value):
            ctx.error(key_node, f"{what}: {key!r} and {value!r} must have the same length")
        elif single_target and len(value) != 1:
            ctx.error(value_node, f"{what}: {key!r} must map to one character")
        elif what == "pinyin" and not (key.isascii() and key.isalpha()):
            ctx.error(key_node, f"pinyin: {key!r} must be Latin letters")
        else:
            result[key] = value
    return result


def _load_folding(path: Path, folding: dict[str, object], problems: list[str]) -> None:
    ctx = _Context(str(path), problems)
    root = _compose(path, problems)
    if root is None:
        return
    top = _mapping(ctx, root, [], ["characters", "phrases", "pinyin", "repeats"], "the folding file")
    if top is None:
        return
    shapes = {"characters": (True, True), "phrases": (True, False), "pinyin": (False, True)}
    for key, (same_length, single_target) in shapes.items():
        if key in top:
            entries = _char_map(ctx, top[key], key, same_length=same_length, single_target=single_target)
            if key == "characters":
                for variant, node in zip(entries, top[key].value):
                    if len(variant) != 1:
                        ctx.error(node[0], f"characters: {variant!r} must be one character")
            folding[key].update(entries)  # type: ignore[attr-defined]
    repeats = _strings(ctx, top.get("repeats"), "repeats", required=False)
    if len(repeats) > MAX_REPEATS:
        ctx.error(top["repeats"], f"repeats: at most {MAX_REPEATS} characters")
        repeats = []
    for char in repeats:
        if len(char) != 1:
            ctx.error(top["repeats"], f"repeats: {char!r} must be one character")
        else:
            folding["repeats"].append(char)  # type: ignore[attr-defined]


def _load_context(path: Path, context: dict[str, list[str]], problems: list[str]) -> None:
    ctx = _Context(str(path), problems)
    root = _compose(path, problems)
    if root is None:
        return
    top = _mapping(ctx, root, [], list(_CONTEXT_KEYS), "the context file")
    for key in _CONTEXT_KEYS:
        if top and key in top:
            cues = _strings(ctx, top[key], key, required=True)
            if len(cues) > MAX_CUES:
                ctx.error(top[key], f"{key}: at most {MAX_CUES:,} cue words")
            for cue, item in zip(cues, top[key].value):
                if len(cue) > MAX_PATTERN_LENGTH:
                    ctx.error(item, f"{key}: a cue word may have at most {MAX_PATTERN_LENGTH} characters")
            context[key].extend(cues)


# ---- rules --------------------------------------------------------------------------------------

_RULESET_KEYS = (["prefix", "source", "description", "rules"], ["exceptions"])
_RULE_REQUIRED = ["id", "category", "level", "message", "clause", "boundary", "patterns", "examples"]
_RULE_OPTIONAL = [
    "kind", "rationale", "exceptions", "near", "window", "suggestions", "suppressible",
    "negation", "self_comparison", "qualified",
]


def _load_rule_file(path: Path, notices: dict[str, Notice], problems: list[str], folder: Folder, budget: _Budget) -> list[Rule]:
    ctx = _Context(str(path), problems, folder, budget)
    root = _compose(path, problems)
    if root is None:
        return []
    top = _mapping(ctx, root, *_RULESET_KEYS, "a ruleset file")
    if top is None:
        return []
    prefix = _string(ctx, top.get("prefix"), "prefix")
    if prefix is not None and not _PREFIX.match(prefix):
        ctx.error(top["prefix"], f"prefix {prefix!r} must be 2-5 upper-case letters")
        prefix = None
    _string(ctx, top.get("description"), "description")
    source = _string(ctx, top.get("source"), "source")
    notice = notices.get(source) if source else None
    if source is not None and notice is None:
        ctx.error(top["source"], f"unknown source {source!r}: add it to {NOTICES_FILE}")
    elif notice is not None and notice.no_rules:
        ctx.error(top["source"], f"source {source!r} is marked no_rules in {NOTICES_FILE}")
    shared = _terms(ctx, top.get("exceptions"), "exceptions")
    rules_node = top.get("rules")
    if rules_node is None:
        return []
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        ctx.error(rules_node, "rules must be a non-empty list")
        return []
    rules = [_load_rule(ctx, node, prefix, notice, shared, path) for node in rules_node.value]
    loaded = [rule for rule in rules if rule is not None]
    covers_any = _covering([pattern for rule in loaded for pattern in rule.patterns]) if shared else None
    for phrase, node in shared:
        if covers_any is not None and not covers_any(phrase):
            ctx.error(node, f"exception {phrase!r} contains no pattern of any rule here, so it never applies")
    return loaded


def _terms(ctx: _Context, node: yaml.Node | None, what: str, *, required: bool = False) -> list[tuple[str, yaml.Node]]:
    """A list of literal terms, folded, each with its node; empty or duplicate terms are errors."""
    if node is None:
        return []
    raw = _strings(ctx, node, what, required=required)
    if len(raw) != len(node.value):
        return []
    terms: list[tuple[str, yaml.Node]] = []
    seen: set[str] = set()
    for value, item in zip(raw, node.value):
        if ctx.budget is not None:
            if ctx.budget.terms <= 0:
                if not ctx.budget.spent:
                    ctx.budget.spent = True
                    ctx.error(item, f"more than {MAX_TERMS:,} terms (patterns, exceptions, near) in all rulesets together")
                return []
            ctx.budget.terms -= 1
        folded = ctx.folder.fold_term(value) if ctx.folder else value
        if not folded:
            ctx.error(item, f"{what}: {value!r} is empty once separators are removed")
        elif len(folded) > MAX_PATTERN_LENGTH:
            ctx.error(item, f"{what}: a term may have at most {MAX_PATTERN_LENGTH} characters")
        elif _CONTROL.search(folded):
            ctx.error(item, f"{what}: {value!r} holds a line break or a control character (no finding crosses a line)")
        elif folded in seen:
            ctx.error(item, f"{what}: duplicate term {value!r}")
        else:
            seen.add(folded)
            terms.append((folded, item))
    return terms


def _covering(patterns: Iterable[str]) -> Callable[[str], bool]:
    """Whether a phrase contains one of `patterns`: one Aho-Corasick automaton, so checking every
    exception against every pattern stays linear however long both lists are."""
    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        automaton.add_word(pattern, True)
    if len(automaton) == 0:
        return lambda _phrase: False
    automaton.make_automaton()
    return lambda phrase: next(automaton.iter(phrase), None) is not None


def _load_rule(
    ctx: _Context,
    node: yaml.Node,
    prefix: str | None,
    notice: Notice | None,
    shared: list[tuple[str, yaml.Node]],
    path: Path,
) -> Rule | None:
    fields = _mapping(ctx, node, _RULE_REQUIRED, _RULE_OPTIONAL, "a rule")
    if fields is None:
        return None
    before = len(ctx.problems)
    rule_id = _string(ctx, fields.get("id"), "id")
    if rule_id is not None and prefix is not None and not re.fullmatch(rf"{prefix}-\d{{3}}", rule_id):
        ctx.error(fields["id"], f"rule id {rule_id!r} must be {prefix}-NNN (three digits)")
    kind = _enum(ctx, fields.get("kind"), Kind, "kind") if "kind" in fields else Kind.TERMS
    category = _enum(ctx, fields.get("category"), Category, "category")
    level = _enum(ctx, fields.get("level"), Level, "level")
    boundary = _enum(ctx, fields.get("boundary"), Boundary, "boundary")
    message = _string(ctx, fields.get("message"), "message")
    clause = _string(ctx, fields.get("clause"), "clause")
    rationale = _string(ctx, fields.get("rationale"), "rationale") or ""
    patterns = [term for term, _ in _terms(ctx, fields.get("patterns"), "patterns", required=True)]
    exceptions = _terms(ctx, fields.get("exceptions"), "exceptions")
    covers = _covering(patterns) if exceptions or shared else None
    for phrase, item in exceptions:
        if covers is not None and not covers(phrase):
            ctx.error(item, f"exception {phrase!r} contains none of the rule's patterns, so it never applies")
    near = [term for term, _ in _terms(ctx, fields.get("near"), "near")]
    window = 12
    if kind in (Kind.PROXIMITY, Kind.PRICE):
        if kind is Kind.PROXIMITY and not near:
            ctx.error(node, "a proximity rule needs a non-empty `near` list")
        if kind is Kind.PRICE:
            window = 20
        if "window" in fields:
            window_node = fields["window"]
            if not isinstance(window_node, yaml.ScalarNode) or window_node.tag != _INT:
                ctx.error(window_node, "window must be an integer")
            elif not 1 <= int(window_node.value) <= 60:
                ctx.error(window_node, "window must be between 1 and 60 characters")
            else:
                window = int(window_node.value)
    elif kind is Kind.TERMS:
        for key in ("near", "window"):
            if key in fields:
                ctx.error(fields[key], f"{key!r} only applies to rules of kind proximity or price")
    negation = _boolean(ctx, fields.get("negation"), "negation", default=False)
    self_comparison = _boolean(ctx, fields.get("self_comparison"), "self_comparison", default=False)
    qualified = _enum(ctx, fields.get("qualified"), Level, "qualified level") if "qualified" in fields else None
    suggestions, fix = _suggestions(ctx, fields.get("suggestions"))
    suppressible = _boolean(ctx, fields.get("suppressible"), "suppressible", default=True)
    examples = _examples(ctx, fields.get("examples"))
    if len(ctx.problems) > before or None in (rule_id, category, level, boundary, message, clause, notice):
        return None
    all_exceptions = [phrase for phrase, _ in exceptions]
    own = set(all_exceptions)
    all_exceptions += [p for p, _ in shared if covers is not None and covers(p) and p not in own]
    assert rule_id and message and clause and notice and examples is not None
    return Rule(
        id=rule_id,
        ruleset=path.stem,
        kind=kind,
        category=category,
        level=level,
        message=message,
        clause=clause,
        notice=notice,
        boundary=boundary,
        patterns=tuple(patterns),
        exceptions=tuple(all_exceptions),
        near=tuple(near),
        window=window,
        suggestions=tuple(suggestions),
        fix=fix,
        suppressible=suppressible,
        negation=negation,
        self_comparison=self_comparison,
        qualified_level=qualified,
        rationale=rationale,
        fail_examples=examples[0],
        pass_examples=examples[1],
        path=str(path),
        line=node.start_mark.line + 1,
    )


def _boolean(ctx: _Context, node: yaml.Node | None, what: str, *, default: bool) -> bool:
    if node is None:
        return default
    if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
        ctx.error(node, f"{what} must be true or false")
        return default
    return node.value.lower() in ("true", "yes", "on")


def _suggestions(ctx: _Context, node: yaml.Node | None) -> tuple[list[str], str | None]:
    """Suggestions are strings, or {text, safe} mappings; the one safe suggestion is the rule's fix."""
    if node is None:
        return [], None
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, "suggestions must be a list")
        return [], None
    texts: list[str] = []
    safe: list[str] = []
    for item in node.value:
        if isinstance(item, yaml.MappingNode):
            parts = _mapping(ctx, item, ["text"], ["safe"], "a suggestion")
            text = _string(ctx, parts.get("text"), "suggestion text") if parts else None
            if text is not None:
                texts.append(text)
                if parts and _boolean(ctx, parts.get("safe"), "safe", default=False):
                    safe.append(text)
        else:
            text = _string(ctx, item, "an item of suggestions")
            if text is not None:
                texts.append(text)
    if len(safe) > 1:
        ctx.error(node, "at most one suggestion may be marked safe (it is applied by `livelint fix`)")
    return texts, safe[0] if len(safe) == 1 else None


def _examples(ctx: _Context, node: yaml.Node | None) -> tuple[tuple[Example, ...], tuple[Example, ...]] | None:
    fields = _mapping(ctx, node, ["fail", "pass"], [], "examples") if node is not None else None
    if not fields or "fail" not in fields or "pass" not in fields:
        return None
    result = []
    for key in ("fail", "pass"):
        items = fields[key]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            ctx.error(items, f"examples.{key} must be a non-empty list")
            return None
        examples = []
        for item in items.value:
            if isinstance(item, yaml.MappingNode) and key == "fail":
                parts = _mapping(ctx, item, ["text"], ["match"], "an example")
                if parts is None:
                    continue
                text = _string(ctx, parts.get("text"), "example text")
                match = _string(ctx, parts.get("match"), "example match")
                if text is not None and match is not None and match not in text:
                    ctx.error(parts["match"], f"example match {match!r} is not in its text")
                if text is not None:
                    examples.append(Example(text, match))
            else:
                text = _string(ctx, item, f"an item of examples.{key}")
                if text is not None:
                    examples.append(Example(text))
        result.append(tuple(examples))
    return result[0], result[1]
