"""Configuration files: discovery, every key changing a result, precedence of options, errors with file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.config import ConfigError, find_config, glob_match, load_config

RULES_DIR = Path(__file__).parent / "data" / "rules"
runner = CliRunner()


def rules_found(*args: str) -> list[tuple[str, str]]:
    result = runner.invoke(app, ["check", *args, "--format", "jsonl"])
    assert result.exit_code in (0, 1), result.output
    return [(f["rule"], Path(f["path"]).name) for f in map(json.loads, result.stdout.splitlines())]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts" / "old").mkdir(parents=True)
    (tmp_path / "scripts" / "a.txt").write_text("全网最低价,销量第一\n", encoding="utf-8")
    (tmp_path / "scripts" / "old" / "b.txt").write_text("全网最低价\n", encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_is_found_walking_up_and_select_changes_the_result(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.livelint]\nselect = ["PRC-001"]\n')
    assert find_config(project / "scripts" / "old" / "b.txt") == project / "pyproject.toml"
    assert set(rules_found(str(project / "scripts"))) == {("PRC-001", "a.txt"), ("PRC-001", "b.txt")}


def test_pyproject_without_a_livelint_table_is_skipped(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(project / "scripts") is None


def test_livelint_toml_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.livelint]\nselect = ["PRC-001"]\n')
    write(project / "livelint.toml", 'select = ["TST-002"]\nrules = ["rules"]\n')
    (project / "rules").symlink_to(RULES_DIR, target_is_directory=True)
    assert rules_found(str(project / "scripts" / "a.txt")) == [("TST-002", "a.txt")]


def test_per_file_ignores_fail_level_and_allow(project: Path) -> None:
    write(
        project / "livelint.toml",
        'select = ["PRC-001", "ABS"]\nfail-level = "error"\nallow = ["销量第一"]\n\n'
        '[per-file-ignores]\n"scripts/old/**" = ["PRC-001"]\n',
    )
    assert rules_found(str(project / "scripts")) == [("PRC-001", "a.txt")]
    write(project / "scripts" / "w.txt", "这款产品很受欢迎\n")  # no error-level finding: exit 0 with fail-level error
    assert runner.invoke(app, ["check", str(project / "scripts" / "old" / "b.txt")]).exit_code == 0


def test_command_line_options_override_the_config(project: Path) -> None:
    write(project / "livelint.toml", 'select = ["PRC-001"]\n')
    assert rules_found(str(project / "scripts" / "a.txt"), "--select", "ABS") == [("ABS-002", "a.txt")] or \
        all(rule.startswith("ABS") for rule, _ in rules_found(str(project / "scripts" / "a.txt"), "--select", "ABS"))
    assert rules_found(str(project / "scripts" / "a.txt"), "--no-config", "--select", "PRC-001") == [("PRC-001", "a.txt")]


def test_encoding_from_the_config(project: Path) -> None:
    (project / "scripts" / "big5.txt").write_bytes("全網最低價".encode("big5"))
    write(project / "livelint.toml", 'encoding = "nope"\n')
    result = runner.invoke(app, ["check", str(project / "scripts" / "big5.txt")])
    assert result.exit_code == 2 and f"{project / 'livelint.toml'}:1: encoding: unknown encoding 'nope'" in result.stderr
    write(project / "livelint.toml", 'encoding = "big5"\nselect = ["PRC-001"]\n')
    assert runner.invoke(app, ["check", str(project / "scripts" / "big5.txt")]).exit_code in (0, 1)


def test_unknown_key_is_an_error_with_file_and_line(project: Path) -> None:
    config = write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.livelint]\nselect = ["PRC"]\nfail_level = "error"\n')
    result = runner.invoke(app, ["check", str(project / "scripts")])
    assert result.exit_code == 2
    assert f"{config}:6: unknown key 'fail_level' in the livelint configuration (did you mean 'fail-level'?)" in result.stderr
    assert "Traceback" not in result.output


def test_bad_values_name_their_line(project: Path) -> None:
    config = write(project / "livelint.toml", 'select = ["PRC"]\nfail-level = "fatal"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [f"{config}:2: fail-level: must be one of info, warning, error, not 'fatal'"]
    write(config, 'ignore = ["NOPE-1"]\n')
    result = runner.invoke(app, ["check", str(project / "scripts")])
    assert result.exit_code == 2 and f"{config}:1: ignore: 'NOPE-1' names no rule" in result.stderr
    write(config, 'select = [\n')
    result = runner.invoke(app, ["check", str(project / "scripts")])
    assert result.exit_code == 2 and f"{config}:" in result.stderr and "not valid TOML" in result.stderr


def test_config_command_shows_values_and_where_they_came_from(project: Path) -> None:
    config = write(project / "pyproject.toml", '[tool.livelint]\nselect = ["PRC"]\n\n[tool.livelint.per-file-ignores]\n"old/*" = ["PRC-001"]\n')
    result = runner.invoke(app, ["config", str(project / "scripts"), "--fail-level", "error"])
    assert result.exit_code == 0, result.output
    assert f"select           = [PRC]    # {config}:2" in result.stdout
    assert "fail-level       = error    # --fail-level" in result.stdout
    assert "ignore           = []    # default" in result.stdout
    document = json.loads(runner.invoke(app, ["config", str(project), "--format", "json"]).stdout)
    assert document["settings"]["per-file-ignores"] == {"value": {"old/*": ["PRC-001"]}, "source": f"{config}:4"}


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [("old/**", "old/x/b.txt", True), ("*.srt", "a/b/c.srt", True), ("old/*.txt", "old/x/b.txt", False),
     ("**/b.txt", "b.txt", True), ("scripts/", "scripts/a.txt", True), ("a.txt", "b/a.txt", True)],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected
