"""Hostile rulesets and hostile texts: each is refused with `path:line` (exit 2 on the command line)
or handled within the limits of checker/loading.py; nothing hangs.

Limits (checker.loading): MAX_FILE_BYTES, MAX_NODES (aliases counted as written out), MAX_DEPTH,
MAX_TERMS, MAX_PATTERN_LENGTH, MAX_CUES, MAX_REPEATS. The only regular expressions built from ruleset
data are alternations of escaped literals (cue words, repeated characters): the tests at the end show
that texts built to make a backtracking engine stall finish, and give the findings they should.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from checker import RulesetError, check_text, load_rules, load_ruleset, loading
from checker.cli import app
from checker.context import cue_pattern

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "tests" / "data" / "rules" / "notices.yml"
HANG_GUARD = 300  # seconds: far beyond what any case below needs; only a hang gets there

RULE = """\
  - id: HOS-{n:03d}
    category: price-marketing
    level: error
    message: m
    clause: c
    boundary: none
    patterns: {patterns}
    examples:
      fail: [全网最低]
      pass: [很低]
"""


def ruleset(patterns: str = "[全网最低]", rules: str | None = None, head: str = "") -> str:
    body = rules if rules is not None else RULE.format(n=1, patterns=patterns)
    return f"prefix: HOS\nsource: test-notice\ndescription: d\n{head}rules:\n{body}"


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    target = tmp_path / "rules"
    target.mkdir(exist_ok=True)
    shutil.copy(NOTICES, target / "notices.yml")
    for name, content in files.items():
        if isinstance(content, bytes):
            (target / name).write_bytes(content)
        else:
            (target / name).write_text(content, encoding="utf-8")
    return target


def problems_of(target: Path) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        load_ruleset([target], bundled=False)
    return caught.value.problems


def cli(target: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str = "全网最低") -> tuple[int, str, str]:
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["check", "-", "--no-config", "--rules", str(target)], input=text)
    return result.exit_code, result.stdout, result.stderr


def assert_refused(target: Path, where: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The library names the problem at `where` (path:line); the command line prints it and exits 2."""
    problems = problems_of(target)
    assert any(p.startswith(f"{target / where}: ") and message in p for p in problems), problems
    code, stdout, stderr = cli(target, monkeypatch, tmp_path)
    assert code == 2 and stdout == ""
    assert f"{target / where}: " in stderr and message in stderr
    assert "Traceback" not in stderr and "problem(s) in the rulesets" in stderr


# ---- YAML shape -----------------------------------------------------------------------------------


def alias_bomb(levels: int) -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_where_its_aliases_pass_the_node_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 10**31 nodes once written out; lol5 (the first past 250,000) is on line 6
    target = folder(tmp_path, {"bomb.yml": alias_bomb(30)})
    assert_refused(target, "bomb.yml:6", "YAML aliases here stand for more than 250,000 nodes once written out", monkeypatch, tmp_path)
    assert any("unknown key 'lol0'" in p for p in problems_of(target))  # the rest of the file is still checked


def test_an_alias_bomb_in_the_places_the_format_reads_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Aliases where a list of terms belongs: each reference would be read (and folded) again."""
    terms = "[" + ", ".join(f"词{i}" for i in range(1000)) + "]"
    rules = RULE.format(n=1, patterns=f"&many {terms}") + "".join(RULE.format(n=n, patterns="*many") for n in range(2, 400))
    target = folder(tmp_path, {"hostile.yml": ruleset(rules=rules)})
    # each rule is about 1,020 nodes written out: the patterns of rule 245 (line 11 + 10 * 244) pass 250,000
    assert_refused(target, "hostile.yml:2451", "stand for more than 250,000 nodes", monkeypatch, tmp_path)


def test_aliases_within_the_limit_load_as_written_out(tmp_path: Path) -> None:
    rules = RULE.format(n=1, patterns="&both [全网最低, 全网最便宜]") + RULE.format(n=2, patterns="*both")
    loaded = load_ruleset([folder(tmp_path, {"ok.yml": ruleset(rules=rules)})], bundled=False)
    assert [r.patterns for r in loaded.rules] == [("全网最低", "全网最便宜")] * 2


@pytest.mark.parametrize(("opening", "line"), [("[", 10), ("{a: ", 9)], ids=["lists", "mappings"])
def test_deep_nesting_is_refused_at_the_level_past_the_limit(opening: str, line: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """100,000 levels, one per line: PyYAML's recursive composer would die of RecursionError; the
    limit stops it at level 11 (line 10 of lists; in mappings, the key on line 9 is already level 11)."""
    closing = "]" if opening == "[" else "}"
    deep = "patterns: " + "\n".join([opening] * 100_000) + "x" + closing * 100_000
    target = folder(tmp_path, {"deep.yml": deep})
    assert_refused(target, f"deep.yml:{line}", "nested deeper than 10 levels", monkeypatch, tmp_path)


def test_too_many_nodes_in_one_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = "\n".join(["- a"] * 300_000)  # 1.2 MB: under the size limit, past the node limit
    target = folder(tmp_path, {"wide.yml": f"description:\n{items}\n"})
    # the mapping, its key and the list are nodes 1-3: node 250,001 is the item on line 249,999
    assert_refused(target, "wide.yml:249999", "more than 250,000 YAML nodes in one file", monkeypatch, tmp_path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = folder(tmp_path, {"huge.yml": "# " + "x" * loading.MAX_FILE_BYTES + "\n"})
    assert_refused(target, "huge.yml:1", "file larger than 2,000,000 bytes", monkeypatch, tmp_path)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"prefix: HOS\n\x00\x01\x02", 1, "invalid YAML"),
        (b"prefix: \xff\xfe HOS\n", 1, "cannot read"),
        ("[1, 2, 3]\n", 1, "a ruleset file must be a mapping"),
        ("prefix: HOS\n---\nprefix: HOS\n", 2, "invalid YAML"),
        ('prefix: !!python/object/apply:os.system ["touch pwned"]\n', 1, "prefix must be a string"),
        (ruleset(rules="  bad: 1\n"), 5, "rules must be a non-empty list"),
        (ruleset(rules="  - 5\n"), 5, "a rule must be a mapping"),
        (ruleset(patterns="{全网: 最低}"), 11, "patterns must be a list of strings"),
        (ruleset(patterns="[[全网最低]]"), 11, "an item of patterns must be a string"),
        (ruleset(patterns="[yes, ~, 3.5]"), 11, "an item of patterns must be a string (quote values"),
        (ruleset(patterns='["全网\\n最低"]'), 11, "holds a line break or a control character"),
        (ruleset(patterns='["全网\\0最低"]'), 11, "holds a line break or a control character"),
        (ruleset(rules=RULE.format(n=1, patterns="[全网最低]").replace("level: error", "level: [error]")), 7, "level must be a string"),
        (ruleset(rules=RULE.format(n=1, patterns="[全网最低]").replace("clause: c", "clause: 2024-01-01")), 9, "clause must be a string"),
        (ruleset(rules=RULE.format(n=1, patterns="[全网最低]").replace("boundary: none", "boundary: none\n    negation: 'yes'")), 11, "negation must be true or false"),
        (ruleset(rules=RULE.format(n=1, patterns="[全网最低]").replace("boundary: none", "boundary: none\n    kind: proximity\n    near: [别家]\n    window: '5'")), 13, "window must be an integer"),
        (ruleset(rules=RULE.format(n=1, patterns="[全网最低]").replace("      fail: [全网最低]", "      fail: 全网最低")), 13, "examples.fail must be a non-empty list"),
    ],
    ids=[
        "nul-bytes", "not-utf8", "a-list", "two-documents", "python-tag", "rules-a-mapping", "rule-a-number",
        "patterns-a-mapping", "nested-list", "bool-null-float", "line-break", "nul-in-term", "level-a-list",
        "clause-a-date", "negation-a-string", "window-a-string", "examples-a-string",
    ],
)
def test_wrong_types_and_broken_files_are_problems_with_path_and_line(tmp_path: Path, content: str | bytes, line: int, message: str) -> None:
    target = folder(tmp_path, {"bad.yml": content})
    problems = problems_of(target)
    assert any(p.startswith(f"{target / 'bad.yml'}:{line}: ") and message in p for p in problems), problems
    assert not (Path.cwd() / "pwned").exists()


def test_wrong_types_exit_2_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = folder(tmp_path, {"bad.yml": ruleset(patterns="{全网: 最低}")})
    assert_refused(target, "bad.yml:11", "patterns must be a list of strings", monkeypatch, tmp_path)


# ---- sizes: terms, cue words, folding tables ----------------------------------------------------------


def test_a_10000_character_pattern_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = folder(tmp_path, {"long.yml": ruleset(patterns="[全网最低, " + "最" + "低价" * 5000 + "]")})
    assert_refused(target, "long.yml:11", "a term may have at most 100 characters", monkeypatch, tmp_path)


def bundled_terms() -> int:
    """Terms as the loader counts them: every item of patterns, exceptions and near lists, an alias as
    often as it is referenced, a ruleset's shared exceptions once."""
    count = 0
    for path in loading.bundled_ruleset_dir().glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name not in loading.SPECIAL_FILES:
            count += len(data.get("exceptions", [])) + sum(len(rule.get(k, [])) for rule in data["rules"] for k in ("patterns", "exceptions", "near"))
    return count


def test_past_max_terms_in_all_rulesets_is_refused_at_the_term_that_passes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAX_TERMS counts over every file of a load; lowered here so that the test stays small."""
    first = ruleset(rules=RULE.format(n=1, patterns="[全网最低, 全网最便宜, 全网第一]"))
    second = ruleset(rules=RULE.format(n=2, patterns="[史上最低,\n      史上最便宜,\n      史上第一]"))
    target = folder(tmp_path, {"a.yml": first, "b.yml": second})
    monkeypatch.setattr(loading, "MAX_TERMS", 5)
    problems = problems_of(target)
    assert problems == [f"{target / 'b.yml'}:13: more than 5 terms (patterns, exceptions, near) in all rulesets together"]
    monkeypatch.setattr(loading, "MAX_TERMS", bundled_terms() + 5)  # the command line loads the bundled rules too
    code, stdout, stderr = cli(target, monkeypatch, tmp_path)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"{target / 'b.yml'}:13: more than {bundled_terms() + 5:,} terms")


def test_200000_patterns_load_and_match_never_hanging(tmp_path: Path) -> None:
    """MAX_TERMS is 500,000: 200,000 patterns (four files of 50,000) load, in a few seconds on two cores
    and about 160 MB; the run is a subprocess so that a hang fails the test instead of stopping it."""
    files = {}
    for part in range(4):
        terms = ", ".join(f"违禁{part}号{i}" for i in range(50_000))
        files[f"big{part}.yml"] = ruleset(rules=RULE.format(n=part + 1, patterns=f"[{terms}]"))
    target = folder(tmp_path, files)
    env = {**os.environ, "LIVELINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "checker", "check", "-", "--no-config", "--rules", str(target), "--select", "HOS", "--format", "json"],
        input="今天说违禁3号49999,明天说违禁0号7".encode(), capture_output=True, timeout=HANG_GUARD, check=False, env=env, cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr.decode()
    found = [(f["rule"], f["match"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("HOS-004", "违禁3号49999"), ("HOS-001", "违禁0号7")]


def test_too_many_cue_words_or_repeats_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cues = ", ".join(f"不是{i}" for i in range(1001))
    target = folder(tmp_path, {"context.yml": f"# cues\nnegation: [{cues}]\n", "ok.yml": ruleset()})
    assert_refused(target, "context.yml:2", "negation: at most 1,000 cue words", monkeypatch, tmp_path)
    (target / "context.yml").unlink()
    repeats = ", ".join(chr(0x4E00 + i) for i in range(101))
    (target / "folding.yml").write_text(f"repeats: [{repeats}]\n", encoding="utf-8")
    assert_refused(target, "folding.yml:1", "repeats: at most 100 characters", monkeypatch, tmp_path)


def test_long_cue_words_and_folding_entries_are_refused(tmp_path: Path) -> None:
    target = folder(tmp_path, {"context.yml": "negation: [不是, " + "不" * 101 + "]\n", "folding.yml": "phrases:\n  " + "薇" * 101 + ": " + "微" * 101 + "\n"})
    problems = problems_of(target)
    assert f"{target / 'context.yml'}:1: negation: a cue word may have at most 100 characters" in problems
    assert f"{target / 'folding.yml'}:2: phrases: an entry may have at most 100 characters" in problems


def test_every_exception_against_every_pattern_stays_linear(tmp_path: Path) -> None:
    """20,000 patterns and 20,000 exceptions in one rule: checking that each exception contains a pattern
    is one automaton pass per exception, not 400 million substring tests."""
    patterns = ", ".join(f"词{i}甲" for i in range(20_000))
    exceptions = ", ".join(f"不是词{i}甲" for i in range(20_000))
    rule = RULE.format(n=1, patterns=f"[{patterns}]") + f"    exceptions: [{exceptions}]\n"
    target = folder(tmp_path, {"pairs.yml": ruleset(rules=rule)})
    [loaded] = load_ruleset([target], bundled=False).rules
    assert len(loaded.patterns) == len(loaded.exceptions) == 20_000
    rules = load_rules([target], bundled=False)
    assert [f.match for f in check_text("不是词7甲,就是词8甲", rules).findings] == ["词8甲"]


# ---- regular expressions and long texts ----------------------------------------------------------------


def test_cue_words_are_literals_never_patterns() -> None:
    pattern = cue_pattern(["(a+)+$", "a|b", "不是"])
    assert pattern is not None
    assert pattern.search("x" + "a" * 50_000 + "!") is None  # no catastrophic backtracking: nothing to backtrack
    assert pattern.search("看 (a+)+$ 这个") is not None and pattern.search("ab") is None


# Texts of 50,000 characters built to make per-hit work grow with the text (no sentence or clause
# break anywhere, a hit every few characters), with the findings each must give. Before the fixes
# recorded in docs/reliability.md the first took minutes (each hit rescanned its whole sentence).
HOSTILE_TEXTS = {
    "sales-rank": ("销量第一" * 12_500, 12_500),
    "dated-rank": ("2023年销量第一" * 5_555, 5_555),
    "quoted": ("“全网最低价”" * 7_142, 7_142),
    "negated": ("不是全网最低价" * 7_142, 0),
    "reference-price": ("原价" * 25_000, 0),
    "priced": ("原价399现价99" * 5_555, 5_555),
    "cue-prefix": ("“全网最低价”" + "不能" * 25_000, 1),  # 不能 begins the quotation cue 不能说
    "long-numeral": ("原价" + "九" * 50_000, 1),
    "long-number": ("原价" + "9" * 50_000 + "现价99", 1),
    "separators": ("全" + " " * 50_000 + "网最低", 1),
    "repeats": ("最" * 50_000, 0),
    "wedged-letters": ("a中" * 25_000, 0),
    "lone-cr": ("\r" * 50_000 + "全网最低价", 1),
}


def test_hostile_long_texts_finish_with_the_findings_they_should() -> None:
    script = (
        "import json, sys\n"
        "from checker import check_text, load_rules\n"
        "rules = load_rules()\n"
        "cases = json.load(sys.stdin)\n"
        "print(json.dumps({name: len(check_text(text, rules).findings) for name, text in cases.items()}))\n"
    )
    cases = {name: text for name, (text, _count) in HOSTILE_TEXTS.items()}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(cases).encode(), capture_output=True, timeout=HANG_GUARD, check=False, env=env
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == {name: count for name, (_text, count) in HOSTILE_TEXTS.items()}
