"""The values livelint works with: notices, rules, findings, reports. No I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Level(str, Enum):
    """How serious a finding is. Ordered: info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.INFO: 0, Level.WARNING: 1, Level.ERROR: 2}


class Category(str, Enum):
    """The violation categories of TAXONOMY.md; their values are part of the JSON contract."""

    ABSOLUTE_CLAIM = "absolute-claim"
    PRICE_MARKETING = "price-marketing"
    DISPARAGEMENT = "disparagement"
    RESTRICTED_GOODS = "restricted-goods"
    HEALTH_CLAIM = "health-claim"
    OFF_PLATFORM = "off-platform"
    FREIGHT_ABUSE = "freight-abuse"
    KICK_THREAT = "kick-threat"
    SERVICE_MISREPRESENTATION = "service-misrepresentation"
    CATEGORY_QUALIFICATION = "category-qualification"
    COPYRIGHT = "copyright"
    OTHER_VIOLATION = "other-violation"


class Boundary(str, Enum):
    """Where a hit must sit relative to the words of its sentence (jieba segmentation)."""

    NONE = "none"  # any occurrence counts
    WORD = "word"  # starts and ends on a word boundary
    START = "start"  # starts on a word boundary
    END = "end"  # ends on a word boundary


class Kind(str, Enum):
    """How a rule decides that a pattern hit is a finding."""

    TERMS = "terms"  # every hit of a pattern
    PROXIMITY = "proximity"  # a hit with a `near` term in the same sentence within `window` chars
    PRICE = "price"  # a reference-price word followed by an amount (原价399); `near` = selling-price cues


@dataclass(frozen=True)
class Notice:
    """A source a rule cites: a seed notice, a law article or a platform rule."""

    id: str
    kind: str  # seed | law | platform-rule
    title: str  # verbatim seed title, or the law's name and article
    source: str  # where the text is
    no_rules: str | None = None  # why the notice yields no rule, when it yields none


@dataclass(frozen=True)
class Example:
    text: str
    match: str | None = None  # for fail examples: the text the finding must cover


@dataclass(frozen=True)
class Rule:
    id: str
    ruleset: str
    kind: Kind
    category: Category
    level: Level
    message: str
    clause: str
    notice: Notice
    boundary: Boundary
    patterns: tuple[str, ...]
    exceptions: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    window: int = 12
    suggestions: tuple[str, ...] = ()
    fix: str | None = None  # the one suggestion marked safe: `livelint fix` may apply it
    suppressible: bool = True  # false: inline suppression comments cannot silence this rule
    negation: bool = False  # a negation cue before the hit (不是, 不说) or a quoted mention cancels it
    self_comparison: bool = False  # a self-scope cue before the hit (本店, 我们家) cancels it
    qualified_level: Level | None = None  # level when the sentence limits the fact in time/source
    rationale: str = ""
    fail_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()
    path: str = ""  # the ruleset file
    line: int = 0  # line of the rule in that file


@dataclass(frozen=True)
class Finding:
    """One violation: a rule hit at a span of the ORIGINAL text.

    `start`/`end` are code-point offsets; `line`/`column` are 1-based and counted in characters;
    `end_line`/`end_column` point at the last character of the match (inclusive), as Vale does.
    """

    start: int
    end: int
    match: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    category: Category
    level: Level
    message: str
    suggestions: tuple[str, ...]
    notice: Notice
    clause: str
    path: str | None = None
    cue_start: str | None = None  # subtitles (.srt/.vtt): the cue's start time, HH:MM:SS.mmm
    cue_end: str | None = None  # subtitles: the cue's end time, HH:MM:SS.mmm
    paragraph: int | None = None  # .docx: the 1-based paragraph number (body and table paragraphs in order)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or "", self.start, self.end, self.rule)


@dataclass(frozen=True)
class FileError:
    """An input that could not be checked (missing, unreadable, binary, undecodable)."""

    path: str
    message: str


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    files: int = 0

    def count_by_level(self) -> dict[str, int]:
        counts = {level.value: 0 for level in Level}
        for finding in self.findings:
            counts[finding.level.value] += 1
        return counts

    def count_by_category(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.category.value] = counts.get(finding.category.value, 0) + 1
        return dict(sorted(counts.items()))

    def worst_level(self) -> Level | None:
        if not self.findings:
            return None
        return max((f.level for f in self.findings), key=lambda level: level.rank)


@dataclass(frozen=True)
class Folding:
    """Evasion folding tables (rulesets/folding.yml); see checker.normalise."""

    characters: Mapping[str, str] = field(default_factory=dict)  # one character -> one character
    phrases: Mapping[str, str] = field(default_factory=dict)  # same length
    pinyin: Mapping[str, str] = field(default_factory=dict)  # Latin syllable -> one character
    repeats: tuple[str, ...] = ()  # characters whose repeated runs count once


@dataclass(frozen=True)
class Context:
    """Cue words for context decisions (rulesets/context.yml); see checker.context."""

    negation: tuple[str, ...] = ()  # 不是, 不说 ... before a claim: no claim
    quotation: tuple[str, ...] = ()  # 不能说, 违禁词 ... in a sentence quoting a term: no claim
    self_scope: tuple[str, ...] = ()  # 本店, 我们家 ... before a superlative: self-comparison
    qualifiers: tuple[str, ...] = ()  # 数据来源, 据统计 ... (with a stated period): a time/place-limited fact
    complaints: tuple[str, ...] = ()  # 差, 烂, 脏 ... right after an intensifier: a complaint, no claim
    aspiration: tuple[str, ...] = ()  # 追求, 希望, 致力于 ... before a claim: a goal, not a claim (SAMR guide)


@dataclass(frozen=True)
class Ruleset:
    """All rules and notices loaded from a set of ruleset folders."""

    rules: tuple[Rule, ...]
    notices: tuple[Notice, ...]
    paths: tuple[str, ...] = field(default=())  # the files they came from
    folding: Folding = field(default_factory=Folding)
    context: Context = field(default_factory=Context)

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None
