"""Inline suppression comments, which findings they silence, and which of them silenced nothing.

A directive sits in a comment the checker never reads as script text:

    今天全网最低价 # livelint: ignore[PRC-001] 已核实为平台活动价
    // livelint: ignore-next-line[PRC, ABS-003] 品牌名,已报备
    <!-- livelint: off[health-claim] 以下为药品说明书原文,已审核 -->
    【livelint: on】

`#` and `//` start a comment that runs to the end of the line (only when `livelint:` follows, so a
hashtag such as `#好物推荐` is still checked); `<!-- -->` and `【】` hold one directive on one line.
The whole comment is replaced by spaces of the same length before checking, so offsets stay exact and
the reason is never flagged. Problems with directives are findings of the `LL` rules below (as ruff
reports an unused `noqa` as RUF100), so they show in every output format and fail the run.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from .engine import Rules, SelectionError, check_text, select_rules
from .model import Boundary, Category, Example, Finding, Kind, Level, Notice, Report, Rule

NOTICE = Notice(
    id="livelint-suppression",
    kind="livelint",
    title="livelint 行内抑制注释(livelint: ignore / ignore-next-line / off / on)",
    source="README.md#inline-suppression",
)


def _meta(rule_id: str, level: Level, message: str, rationale: str, fail: str, ok: str) -> Rule:
    return Rule(
        id=rule_id,
        ruleset="livelint",
        kind=Kind.TERMS,
        category=Category.OTHER_VIOLATION,
        level=level,
        message=message,
        clause="抑制注释必须写明理由,且只能用于真正需要豁免的规则(审计留痕)",
        notice=NOTICE,
        boundary=Boundary.NONE,
        patterns=("livelint:",),
        rationale=rationale,
        fail_examples=(Example(fail),) if fail else (),
        pass_examples=(Example(ok),) if ok else (),
        path="checker/suppress.py",
    )


MISSING_REASON = _meta(
    "LL-001", Level.ERROR, "抑制注释没有写理由,未生效",
    "每条豁免都要留下可审计的理由:谁核实了什么。没有理由的注释不会生效,原来的问题照常报告。",
    "全网最低价 # livelint: ignore[PRC-001]", "全网最低价 # livelint: ignore[PRC-001] 已核实为平台活动价",
)
UNUSED = _meta(
    "LL-002", Level.WARNING, "抑制注释没有压制任何问题,可以删除",
    "文案改过之后,旧的豁免注释常常已经不再需要;留着它会在以后悄悄放过新写进这一行的违规说法(同 ruff 的 RUF100)。",
    "今天活动价 # livelint: ignore[PRC-001] 已核实", "全网最低价 # livelint: ignore[PRC-001] 已核实",
)
NOT_SUPPRESSIBLE = _meta(
    "LL-003", Level.ERROR, "该规则不允许用注释豁免,问题照常报告",
    "标记为 suppressible: false 的规则(如绝对禁止的说法)不能在文案里自行豁免,只能修改文案。",
    "", "",
)
MALFORMED = _meta(
    "LL-004", Level.ERROR, "无法识别的抑制注释,未生效",
    "指令拼错、没有写规则(ignore 必须写 [规则])、或写了不存在的规则时,注释不会生效。",
    "", "",
)
META_RULES: tuple[Rule, ...] = (MISSING_REASON, UNUSED, NOT_SUPPRESSIBLE, MALFORMED)
META_PREFIX = "LL"

_KEYWORD = r"livelint\s*[:：]"
_DIRECTIVE = re.compile(
    rf"(?P<hash>(?:#|//)[ \t]*{_KEYWORD}(?P<hash_body>[^\r\n]*))"
    rf"|(?P<html><!--[ \t]*{_KEYWORD}(?P<html_body>(?:(?!-->)[^\r\n])*)-->)"
    rf"|(?P<bracket>【[ \t]*{_KEYWORD}(?P<bracket_body>[^】\r\n]*)】)"
)
_BODY = re.compile(r"\s*(?P<action>ignore-next-line|ignore|off|on)(?![\w-])(?:\s*\[(?P<codes>[^\]]*)\])?(?P<reason>.*)", re.S)
_CODE_SPLIT = re.compile(r"[\s,,、;;]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Suppression:
    """One directive: where it is, what it names, why, and what it silenced (the audit trail)."""

    line: int
    column: int
    start: int  # the whole comment, offsets into the text
    end: int
    action: str  # ignore | ignore-next-line | off | on | "" (unreadable)
    codes: tuple[str, ...]  # as written; empty for `off` = every rule
    reason: str
    problem: str | None = None  # why it does not apply (missing reason, unknown rule, ...), None when valid
    until_line: int | None = None  # `off`: the line of the closing `on` (None: to the end of the text)
    silenced: dict[str, int] = field(default_factory=dict)  # rule id -> findings silenced
    refused: list[str] = field(default_factory=list)  # rules it tried to silence that are not suppressible
    rule_ids: dict[str, frozenset[str]] = field(default_factory=dict)  # code -> rule ids it names

    @property
    def valid(self) -> bool:
        return self.problem is None and self.action in ("ignore", "ignore-next-line", "off")

    def covers_line(self, line: int) -> bool:
        if self.action == "ignore":
            return line == self.line
        if self.action == "ignore-next-line":
            return line == self.line + 1
        if self.action == "off":
            return self.line <= line and (self.until_line is None or line < self.until_line)
        return False

    def names(self, rule_id: str) -> str | None:
        """The code of this directive that names `rule_id` (`*` for a bare `off`), or None."""
        if self.action == "off" and not self.codes:
            return "*"
        for code, ids in self.rule_ids.items():
            if rule_id in ids:
                return code
        return None


@dataclass(frozen=True)
class Checked:
    """A text checked with its suppressions applied."""

    report: Report
    suppressions: tuple[Suppression, ...]
    masked: str  # the text as checked: every directive comment replaced by spaces


def mask(text: str, start: int, end: int) -> str:
    """`text` with text[start:end] replaced by spaces, line breaks kept (so offsets and lines stay)."""
    return text[:start] + re.sub(r"[^\r\n]", " ", text[start:end]) + text[end:]


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def parse(text: str, rules: Rules | None = None) -> tuple[list[Suppression], str]:
    """Every directive of `text`, and the text with each directive comment masked by spaces.

    With `rules`, each code is resolved to the rule ids it names (rule id, id prefix, category, notice
    or ruleset, as `--select` takes them); a code that names no rule makes the directive malformed.
    """
    lines = _Lines(text)
    found: list[Suppression] = []
    masked = text
    for match in _DIRECTIVE.finditer(text):
        kind = match.lastgroup
        body = match.group(f"{kind}_body") if kind else ""
        line, column = lines.position(match.start())
        masked = mask(masked, match.start(), match.end())
        found.append(_parse_body(body or "", line, column, match.start(), match.end(), rules))
    open_offs: list[Suppression] = []
    for item in found:
        if item.action == "off" and item.problem is None:
            open_offs.append(item)
        elif item.action == "on":
            for off in open_offs:
                off.until_line = item.line
            open_offs = []
    return found, masked


def _parse_body(body: str, line: int, column: int, start: int, end: int, rules: Rules | None) -> Suppression:
    parsed = _BODY.match(body)
    if parsed is None:
        word = body.strip().split(" ")[0][:20] or "(nothing)"
        return Suppression(line, column, start, end, "", (), body.strip(), f"unknown directive {word!r} (use ignore[...], ignore-next-line[...], off, on)")
    action = parsed["action"]
    codes = tuple(code for code in _CODE_SPLIT.split(parsed["codes"] or "") if code)
    reason = parsed["reason"].strip().strip("-—:: ").strip()
    item = Suppression(line, column, start, end, action, codes, reason)
    if parsed["codes"] is not None and not codes:
        item.problem = f"empty rule list in {action}[]"
    elif action in ("ignore", "ignore-next-line") and not codes:
        item.problem = f"{action} must name its rules: {action}[PRC-001] reason"
    elif action == "on" and codes:
        item.problem = "on takes no rules: it ends every open off"
    if item.problem is None and rules is not None:
        everything = rules.ruleset.rules
        for code in codes:
            if code.upper().startswith(META_PREFIX + "-") or code.upper() == META_PREFIX:
                item.problem = f"{code!r}: the LL rules cannot be suppressed inline"
                break
            try:
                item.rule_ids[code] = frozenset(rule.id for rule in select_rules(everything, [code], ()))
            except SelectionError:
                item.problem = f"{code!r} names no rule, id prefix, category, notice or ruleset"
                break
    if item.problem is None and action != "on" and not reason:
        item.problem = "no reason given"
    return item


def check(
    text: str,
    rules: Rules,
    *,
    path: str | None = None,
    disabled: Collection[str] = (),
) -> Checked:
    """Check `text` with its inline suppressions: directives masked, findings they name silenced,
    and findings of the LL rules for each directive that is malformed, has no reason, silenced
    nothing, or names a rule that cannot be suppressed. `disabled` lists LL rule ids not to report."""
    suppressions, masked = parse(text, rules)
    report = check_text(masked, rules, path=path)
    if not suppressions:
        return Checked(report, (), masked)
    by_id = {rule.id: rule for rule in rules.ruleset.rules}
    active = [item for item in suppressions if item.valid]
    kept: list[Finding] = []
    for finding in report.findings:
        finding = replace(finding, match=text[finding.start : finding.end])
        silenced = False
        for item in active:
            if not any(item.covers_line(line) for line in range(finding.line, finding.end_line + 1)):
                continue
            code = item.names(finding.rule)
            if code is None:
                continue
            rule = by_id.get(finding.rule)
            if rule is not None and not rule.suppressible:
                if finding.rule not in item.refused:
                    item.refused.append(finding.rule)
                continue
            item.silenced[finding.rule] = item.silenced.get(finding.rule, 0) + 1
            silenced = True
        if not silenced:
            kept.append(finding)
    selected = {rule.id for rule in rules.selected}
    lines = _Lines(text)
    for item in suppressions:
        for rule, detail in _problems(item, selected):
            if rule.id not in disabled:
                kept.append(_finding(rule, detail, item, text, lines, path))
    kept.sort(key=Finding.sort_key)
    return Checked(Report(tuple(kept), report.errors, report.files), tuple(suppressions), masked)


def _problems(item: Suppression, selected: set[str]) -> list[tuple[Rule, str]]:
    if item.problem == "no reason given":
        return [(MISSING_REASON, f"{MISSING_REASON.message}: livelint: {item.action}[{', '.join(item.codes)}] 后面写上理由")]
    if item.problem is not None:
        return [(MALFORMED, f"{MALFORMED.message}: {item.problem}")]
    problems: list[tuple[Rule, str]] = []
    if item.refused:
        problems.append((NOT_SUPPRESSIBLE, f"{NOT_SUPPRESSIBLE.message}: {', '.join(item.refused)}"))
    if item.action == "on":
        return problems
    if not item.codes:
        if not item.silenced and not item.refused:
            problems.append((UNUSED, f"{UNUSED.message}: livelint: off 范围内没有任何问题"))
        return problems
    unused = []
    for code in item.codes:
        ids = item.rule_ids.get(code, frozenset())
        if not ids & selected:  # the rule is not being checked in this run: nothing to say (like RUF100)
            continue
        if not any(rule_id in ids for rule_id in item.silenced) and not any(rule_id in ids for rule_id in item.refused):
            unused.append(code)
    if unused:
        problems.append((UNUSED, f"{UNUSED.message}: {', '.join(unused)}"))
    return problems


def _finding(rule: Rule, message: str, item: Suppression, text: str, lines: _Lines, path: str | None) -> Finding:
    end_line, end_column = lines.position(max(item.start, item.end - 1))
    return Finding(
        start=item.start,
        end=item.end,
        match=text[item.start : item.end],
        line=item.line,
        column=item.column,
        end_line=end_line,
        end_column=end_column,
        rule=rule.id,
        category=rule.category,
        level=rule.level,
        message=message,
        suggestions=(),
        notice=rule.notice,
        clause=rule.clause,
        path=path,
    )


def split_meta(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split --select/--ignore tokens into (tokens for the rulesets, tokens naming LL rules)."""
    meta = [t for t in tokens if t.upper() == META_PREFIX or t.upper().startswith(META_PREFIX + "-")]
    return [t for t in tokens if t not in meta], meta


def disabled_meta(select: Sequence[str], ignore: Sequence[str]) -> frozenset[str]:
    """The LL rule ids turned off by meta tokens of --select / --ignore (all on by default)."""

    def hit(token: str, rule: Rule) -> bool:
        return rule.id.startswith(token.upper())

    _, chosen = split_meta(select)
    _, dropped = split_meta(ignore)
    off = set()
    for rule in META_RULES:
        if (chosen and not any(hit(t, rule) for t in chosen)) or any(hit(t, rule) for t in dropped):
            off.add(rule.id)
    return frozenset(off)
