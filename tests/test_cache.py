"""The compiled-rules cache: written once, read later, ignored and rebuilt when stale or corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import cache as cache_module
from checker import check_text
from checker.cache import cache_dir, cache_key, dumps_rules, load_cached_rules, loads_rules
from checker.segment import Segmenter

RULES_DIR = Path(__file__).parent / "data" / "rules"
TEXT = "家人们今天全网最低价,错过今天再等一年"


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.pickle"))


def findings(rules) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.start, f.end) for f in check_text(TEXT, rules).findings]


def test_first_load_writes_the_cache_and_the_second_reads_it(tmp_path: Path, rules, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_cached_rules(directory=tmp_path)
    assert len(files(tmp_path)) == 1
    assert findings(first) == findings(rules) and ("PRC-001", 5, 10) in findings(first)

    def no_compiling(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("compiled again despite a valid cache")

    monkeypatch.setattr(cache_module, "load_rules", no_compiling)
    second = load_cached_rules(directory=tmp_path)
    assert findings(second) == findings(rules)
    assert [r.id for r in second.selected] == [r.id for r in rules.selected]
    assert isinstance(second.segmenter, Segmenter) and second.segmenter is not first.segmenter


def test_a_corrupt_or_truncated_cache_file_is_ignored_and_rebuilt(tmp_path: Path, rules) -> None:
    load_cached_rules(directory=tmp_path)
    [path] = files(tmp_path)
    good = path.read_bytes()
    for garbage in (b"", b"not a pickle", good[: len(good) // 2], b"\x80\x05K\x01.", good.replace(b"PRC-001", b"PRC-0\xff1")):
        path.write_bytes(garbage)
        assert findings(load_cached_rules(directory=tmp_path)) == findings(rules)
        assert findings(loads_rules(path.read_bytes())) == findings(rules)  # rewritten whole
    assert not list(tmp_path.glob(".rules-*"))  # no temporary file left behind


def test_the_key_changes_with_the_rules_and_the_selection(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in RULES_DIR.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    base = cache_key([folder])
    assert cache_key([folder]) == base
    assert cache_key([folder], select=["PRC"]) != base
    assert cache_key([folder], allow=["第一名牌"]) != base
    assert cache_key() != base
    ruleset = next(p for p in folder.iterdir() if p.name != "notices.yml")
    ruleset.write_text(ruleset.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key([folder]) != base


def test_a_stale_ruleset_never_meets_an_old_cache_file(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in RULES_DIR.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    cached = tmp_path / "cache"
    before = load_cached_rules([folder], bundled=False, directory=cached)
    ruleset = next(p for p in folder.iterdir() if p.name != "notices.yml")
    text = ruleset.read_text(encoding="utf-8")
    ruleset.write_text(text + "\n", encoding="utf-8")
    after = load_cached_rules([folder], bundled=False, directory=cached)
    assert len(files(cached)) == 2
    assert [r.id for r in after.selected] == [r.id for r in before.selected]


def test_an_unwritable_cache_folder_only_means_no_caching(tmp_path: Path, rules) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert findings(load_cached_rules(directory=blocker / "cache")) == findings(rules)


def test_location_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("LIVELINT_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "livelint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "livelint"
    monkeypatch.setenv("LIVELINT_CACHE_DIR", str(tmp_path / "explicit"))
    load_cached_rules()
    assert len(files(tmp_path / "explicit")) == 1


def test_round_trip_keeps_everything_but_the_segmenter(rules) -> None:
    copy = loads_rules(dumps_rules(rules))
    assert copy.ruleset == rules.ruleset and copy.selected == rules.selected and copy.allow == rules.allow
    with pytest.raises(Exception):
        loads_rules(b"garbage")
