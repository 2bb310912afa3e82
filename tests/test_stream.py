"""Huge inputs checked in chunks (checker.stream): the same findings as `check_text` on the whole text."""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker.files
import checker.inputs.text
from checker import check_text
from checker.cli import app
from checker.context import QUOTE_REACH
from checker.engine import BOUNDARY_CONTEXT, MAX_TERM, WEDGED_REACH
from checker.inputs import InputError
from checker.match import CONTEXT_REACH
from checker.stream import (
    OVERLAP,
    check_large_file,
    check_stream,
    directive_line,
    read_pieces,
)

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
FILLER = "家人们今天给大家带来一款超级好用的洗面奶,温和不刺激,干皮油皮都能用,"  # no line or sentence break


def key(finding) -> tuple:  # type: ignore[no-untyped-def]
    return (finding.rule, finding.start, finding.end, finding.line, finding.column, finding.end_line, finding.end_column, finding.match)


def pieces_of(text: str, rng: random.Random, count: int) -> list[str]:
    """`text` cut at `count` random places (empty pieces included)."""
    cuts = sorted(rng.randint(0, len(text)) for _ in range(count))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]


@pytest.fixture(scope="module")
def fail_lines(rules) -> list[str]:  # type: ignore[no-untyped-def]
    return [example.text for rule in rules.ruleset.rules for example in rule.fail_examples]


@pytest.mark.parametrize("joiner", ["\n", "\r\n", "\r", "。"], ids=["lf", "crlf", "cr", "one-line"])
def test_chunks_give_exactly_the_findings_of_the_whole_text(rules, fail_lines, joiner: str) -> None:  # type: ignore[no-untyped-def]
    text = joiner.join(fail_lines) + joiner + (ROOT / "examples" / "live-script.txt").read_text(encoding="utf-8")
    whole = [key(f) for f in check_text(text, rules).findings]
    assert len(whole) > 700
    rng = random.Random(joiner)
    for chunk_chars in (50, rng.randint(51, 200), rng.randint(201, 500)):
        streamed = [key(f) for f in check_stream(pieces_of(text, rng, 60), rules, chunk_chars=chunk_chars)]
        assert streamed == whole, chunk_chars


@pytest.mark.parametrize("term", ["全网最低价", "全 网 最 低"])
def test_a_term_across_a_hard_cut_is_found_exactly_once(rules, term: str) -> None:  # type: ignore[no-untyped-def]
    for at in range(50 - len(term), 51):  # the core ends hard at 50: no line or sentence break before it
        text = (FILLER * 2)[:at] + term + "," + FILLER + "\n" + FILLER
        whole = check_text(text, rules).findings
        assert [(f.rule, f.start, f.match) for f in whole] == [("PRC-001", at, term)]
        found = list(check_stream([text], rules, chunk_chars=50))
        assert [key(f) for f in found] == [key(f) for f in whole], at
    straddling = (FILLER * 2)[:47] + term + FILLER
    assert term not in [f.match for f in check_stream([straddling], rules, chunk_chars=50, overlap=0)]


def test_a_text_without_line_breaks_is_cut_at_sentence_breaks(rules, fail_lines) -> None:  # type: ignore[no-untyped-def]
    text = "!".join(line.replace("\n", "") for line in fail_lines)
    assert "\n" not in text and "\r" not in text
    found = list(check_stream([text], rules, chunk_chars=120))
    assert [key(f) for f in found] == [key(f) for f in check_text(text, rules).findings]
    assert {f.line for f in found} == {1}
    assert all(f.column == f.start + 1 for f in found)


def test_line_and_column_across_cores_and_a_crlf_split_between_pieces(rules) -> None:  # type: ignore[no-untyped-def]
    text = FILLER * 3 + "\r\n" + FILLER + "全网最低价\r\n第三行全网最低价"
    pieces = [text[: text.index("\n")], text[text.index("\n") :]]  # the \r\n cut between two pieces
    found = [(f.line, f.column, f.end_line, f.end_column, f.start) for f in check_stream(pieces, rules, chunk_chars=40)]
    first = text.index("全网最低价")
    assert found == [(2, len(FILLER) + 1, 2, len(FILLER) + 5, first), (3, 4, 3, 8, text.rindex("全网最低价"))]


def test_overlap_covers_every_reach_of_the_engine_twice() -> None:
    assert OVERLAP >= 2 * (CONTEXT_REACH + MAX_TERM + WEDGED_REACH + QUOTE_REACH + BOUNDARY_CONTEXT)


# ---- reading in blocks ----------------------------------------------------------------------------


def test_utf8_split_inside_characters_across_blocks(tmp_path: Path) -> None:
    text = "家人们好\r\n今天全网最低价🔥,错过今天再等一年!\n" * 20
    path = tmp_path / "script.txt"
    path.write_bytes(text.encode("utf-8"))
    pieces = list(read_pieces(path, block_bytes=7))
    assert len(pieces) > 100 and "".join(pieces) == text


def test_utf8_with_bom_gbk_and_utf16_with_bom(tmp_path: Path) -> None:
    text = "家人们好\n今天全网最低价,错过今天再等一年!\n" * 10
    for name, data, encoding in (
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"), None),
        ("gbk.txt", text.encode("gbk"), None),
        ("gbk-given.txt", text.encode("gbk"), "gbk"),
        ("utf16.txt", text.encode("utf-16"), None),
        ("utf16be.txt", b"\xfe\xff" + text.encode("utf-16-be"), None),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert "".join(read_pieces(path, encoding, block_bytes=5)) == text, name


def test_an_invalid_byte_late_in_the_file_names_its_offset(tmp_path: Path) -> None:
    good = ("今天全网最低价\n" * 50).encode("utf-8")
    path = tmp_path / "late.txt"
    path.write_bytes(good + b"\xff" + "更多文字\n".encode())
    with pytest.raises(InputError) as raised:
        "".join(read_pieces(path, block_bytes=64))
    assert str(raised.value) == f"not valid utf-8 (byte {len(good)}); give the encoding with --encoding"
    path.write_bytes(good + "家".encode()[:2])  # cut inside the last character
    with pytest.raises(InputError, match=rf"^not valid utf-8 \(byte {len(good)}\)"):
        "".join(read_pieces(path, block_bytes=64))
    path.write_bytes(b"\xff\xfe" + "今天".encode("utf-16-le") + b"\x00\xd8")  # a lone high surrogate
    with pytest.raises(InputError, match=r"^not valid utf-16-le after its byte-order mark \(byte 6\)$"):
        "".join(read_pieces(path, block_bytes=4))


def test_binary_and_missing_files_are_one_line_errors(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"^binary file \(NUL bytes\), not text$"):
        list(read_pieces(binary))
    with pytest.raises(InputError, match=r"^no such file or folder$"):
        list(read_pieces(tmp_path / "missing.txt"))


def test_check_large_file_sets_the_path(tmp_path: Path, rules) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "script.txt"
    path.write_text("家人们好\n今天全网最低价\n", encoding="gbk")
    assert [(f.path, f.rule, f.line, f.column, f.match) for f in check_large_file(path, rules)] == [
        (str(path), "PRC-001", 2, 3, "全网最低价")
    ]


def test_directive_line_across_pieces() -> None:
    assert directive_line(["第一行\r", "\n第二行 # live", "lint: ignore[PRC-001] 已核实\n"]) == 2
    assert directive_line(["一\n二\r\n三 <!-- livelint", "  ", "\n", "", "：off 理由 -->"]) == 3
    assert directive_line(["没有指令的文字 livelint 只是提到\n", "另一行"]) is None


# ---- the command line ----------------------------------------------------------------------------


def test_check_streams_a_file_above_the_limit_with_the_same_findings(tmp_path: Path, fail_lines, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "script.txt"
    path.write_text("\r\n".join(fail_lines), encoding="utf-8")
    read_whole = runner.invoke(app, ["check", str(path), "--format", "json"])
    monkeypatch.setattr(checker.inputs.text, "MAX_BYTES", 1_000)
    monkeypatch.setattr(checker.files, "check_stream", functools.partial(check_stream, chunk_chars=300))
    streamed = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert streamed.exit_code == read_whole.exit_code == 1
    whole, chunked = json.loads(read_whole.stdout), json.loads(streamed.stdout)
    assert len(chunked["findings"]) > 700
    assert chunked == whole
    text = runner.invoke(app, ["check", str(path)])  # the text format without the file's lines
    assert f"{path}:1:" in text.stdout and text.exit_code == 1


def test_a_streamed_file_with_a_directive_is_one_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checker.inputs.text, "MAX_BYTES", 1_000_000)
    path = tmp_path / "big.txt"
    path.write_text("第一行\n今天全网最低价 # livelint: ignore[PRC-001] 已核实\n" + FILLER * 30_000, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    message = "larger than 1 MB and holds livelint: directives (line 2), which need the whole file: split the file"
    assert result.exit_code == 2
    assert result.stderr.strip() == f"livelint: {path}: {message}"
    assert json.loads(result.stdout)["errors"] == [{"path": str(path), "message": message}]


def test_fix_refuses_a_file_above_the_limit_in_one_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(checker.inputs.text, "MAX_BYTES", 1_000_000)
    path = tmp_path / "big.txt"
    path.write_text("今天全网最低价\n" + FILLER * 30_000, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"livelint: {path}: larger than 1 MB: too large to fix; split the file"
    markdown = tmp_path / "big.md"  # other readers keep the limit
    markdown.write_bytes(path.read_bytes())
    result = runner.invoke(app, ["check", str(markdown)])
    assert result.exit_code == 2 and result.stderr.strip() == f"livelint: {markdown}: larger than 1 MB"


@pytest.mark.parametrize(("encoding", "data", "reason"), [
    ("idna", b"xn--a.\xff", "not valid idna ("),
    ("unicode_escape", b"\\ud800 text", "not valid unicode_escape (half a surrogate pair"),
    ("rot13", b"text", "'rot13' is not a text encoding"),
])  # fmt: skip
def test_odd_encodings_are_one_input_error_when_streamed(tmp_path: Path, encoding: str, data: bytes, reason: str) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        list(read_pieces(path, encoding))
    assert str(caught.value).startswith(reason)
