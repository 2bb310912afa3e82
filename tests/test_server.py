"""The HTTP API in-process (Starlette's TestClient), and once for real: `livelint serve` in a subprocess."""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("starlette")
pytest.importorskip("multipart")
from starlette.testclient import TestClient  # noqa: E402

from checker import Rules, check_records, check_text, load_rules  # noqa: E402
from checker.cli import app as cli_app  # noqa: E402
from checker.report.json import report_dict  # noqa: E402
from checker.server import ApiError, Checker, Limits, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "live-script.txt").read_text(encoding="utf-8")
PRICE_NOTICE = "快手违规价格营销和价格炒作有哪些表现?怎么做?"

FIX_RULESET = """\
prefix: TFX
source: test-fix
description: A rule with a safe suggestion, for the API's `fix`.
rules:
  - id: TFX-001
    category: price-marketing
    level: error
    message: 测试:全网最低价
    clause: 第一条
    boundary: none
    patterns: [全网最低价]
    suggestions: [{text: 直播间活动价, safe: true}, 今日专享价]
    examples:
      fail: [今天全网最低价]
      pass: [今天直播间活动价]
"""
FIX_NOTICES = """\
notices:
  - id: test-fix
    kind: law
    title: 测试来源 安全替换
    source: tests/test_server.py
"""


def write_fix_rules(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notices.yml").write_text(FIX_NOTICES, encoding="utf-8")
    (folder / "test-fix.yml").write_text(FIX_RULESET, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client(rules: Rules) -> Iterator[TestClient]:
    with TestClient(create_app(rules)) as test_client:
        yield test_client


def limited(rules: Rules, **limits: Any) -> TestClient:
    return TestClient(create_app(rules, Limits(**limits)))


def span(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return body["error"]


# ---- /v1/check: text ---------------------------------------------------------------------------


def test_text_gives_the_clis_json_document(client: TestClient, rules: Rules) -> None:
    cli = CliRunner().invoke(cli_app, ["check", "-", "--format", "json"], input=EXAMPLE)
    assert cli.exit_code == 1
    expected = json.loads(cli.stdout)
    response = client.post("/v1/check", json={"text": EXAMPLE, "path": "<stdin>"})
    assert response.status_code == 200
    body = response.json()
    assert body["failed"] is True and body["fail_level"] == "warning"
    assert [{k: v for k, v in f.items() if k != "fix"} for f in body["findings"]] == expected["findings"]
    assert {k: v for k, v in body.items() if k not in ("findings", "failed", "fail_level")} == {
        k: v for k, v in expected.items() if k != "findings"
    }
    fixes = {rule.id: rule.fix for rule in rules.ruleset.rules}
    assert [f["fix"] for f in body["findings"]] == [fixes[f["rule"]] for f in body["findings"]]


def test_text_findings_carry_rule_span_and_notice(client: TestClient) -> None:
    body = client.post("/v1/check", json={"text": EXAMPLE}).json()
    by_rule = {(f["rule"], f["start"], f["end"]) for f in body["findings"]}
    assert ("PRC-001", *span(EXAMPLE, "全网最低价")) in by_rule
    assert ("PRC-001", *span(EXAMPLE, "全 网 最 低")) in by_rule
    assert ("OFF-001", *span(EXAMPLE, "加我微信私聊")) in by_rule
    assert ("KCK-001", *span(EXAMPLE, "不买的都给我踢出去")) in by_rule
    first = body["findings"][0]
    assert first["path"] == "<text>"
    assert first["notice"]["title"] == PRICE_NOTICE
    assert (first["line"], first["column"], first["match"]) == (7, 1, "全网最低价")
    assert body["summary"]["by_category"]["price-marketing"] == sum(f["category"] == "price-marketing" for f in body["findings"]) >= 3
    assert not any("第一次" in f["match"] or "国家级" in f["match"] for f in body["findings"])


def test_inline_suppressions_apply_as_on_the_command_line(client: TestClient) -> None:
    text = "今天全网最低价 # livelint: ignore[PRC-001] 已核实为平台活动价\n销量第一\n"
    body = client.post("/v1/check", json={"text": text, "path": "<stdin>"}).json()
    cli = json.loads(CliRunner().invoke(cli_app, ["check", "-", "--format", "json"], input=text).stdout)
    assert [{k: v for k, v in f.items() if k != "fix"} for f in body["findings"]] == cli["findings"]
    assert [f["rule"] for f in body["findings"]] == ["ABS-006"]


def test_clean_text_passes(client: TestClient) -> None:
    body = client.post("/v1/check", json={"text": "这是我第一次来直播间,最近天气冷了多穿点"}).json()
    assert body["findings"] == [] and body["failed"] is False
    assert body["summary"]["by_level"] == {"info": 0, "warning": 0, "error": 0}


def test_select_ignore_and_fail_level_work_as_on_the_command_line(client: TestClient, rules: Rules) -> None:
    body = client.post("/v1/check", json={"text": EXAMPLE, "select": "price-marketing", "ignore": ["PRC-001"]}).json()
    got = [(f["rule"], f["start"], f["end"]) for f in body["findings"]]
    assert ("PRC-011", *span(EXAMPLE, "错过今天再等一年")) in got
    assert {f["category"] for f in body["findings"]} == {"price-marketing"}
    assert "PRC-001" not in {rule for rule, _, _ in got}
    cli = CliRunner().invoke(
        cli_app, ["check", "-", "--format", "json", "--select", "price-marketing", "--ignore", "PRC-001"], input=EXAMPLE
    )
    assert [(f["rule"], f["start"], f["end"]) for f in json.loads(cli.stdout)["findings"]] == got
    warnings_only = client.post("/v1/check", json={"text": "错过今天再等一年", "fail_level": "error"}).json()
    assert [f["rule"] for f in warnings_only["findings"]] == ["PRC-011"]
    assert warnings_only["failed"] is False
    assert client.post("/v1/check", json={"text": "错过今天再等一年"}).json()["failed"] is True


def test_a_safe_suggestion_is_the_findings_fix(tmp_path: Path) -> None:
    rules = load_rules([write_fix_rules(tmp_path / "rules")], bundled=False)
    with TestClient(create_app(rules)) as test_client:
        body = test_client.post("/v1/check", json={"text": "今天全网最低价!"}).json()
        (finding,) = body["findings"]
        assert (finding["rule"], finding["start"], finding["end"], finding["fix"]) == ("TFX-001", 2, 7, "直播间活动价")
        assert finding["suggestions"] == ["直播间活动价", "今日专享价"]
        assert test_client.get("/v1/rules/TFX-001").json()["fix"] == "直播间活动价"


# ---- /v1/check: records ------------------------------------------------------------------------


def test_records_give_per_record_verdicts_with_field_names(client: TestClient, rules: Rules) -> None:
    records = [
        {"sku": "A1", "title": "加绒卫衣 全网最低价", "desc": "新疆长绒棉", "price": 99},
        {"sku": "A2", "title": "加绒卫衣", "desc": "错过今天再等一年"},
        {"sku": 3, "title": "加绒卫衣", "desc": "柔软不起球"},
    ]
    body = client.post("/v1/check", json={"records": records, "fields": ["title", "desc"], "id_field": "sku"}).json()
    got = [(r["row"], r["id"], r["verdict"], r["error"]) for r in body["records"]]
    assert got == [(1, "A1", "fail", None), (2, "A2", "review", None), (3, "3", "pass", None)]
    (finding,) = body["records"][0]["findings"]
    assert (finding["field"], finding["rule"], finding["start"], finding["end"], finding["match"]) == ("title", "PRC-001", 5, 10, "全网最低价")
    assert finding["notice"]["title"] == PRICE_NOTICE and finding["fix"] == rules.ruleset.rule("PRC-001").fix  # type: ignore[union-attr]
    assert [(f["field"], f["rule"]) for f in body["records"][1]["findings"]] == [("desc", "PRC-011")]
    assert body["summary"]["records"] == 3 and body["summary"]["findings"] == 2
    assert body["summary"]["by_verdict"] == {"pass": 1, "review": 1, "fail": 1, "error": 0}
    assert body["failed"] is True
    # The same verdicts as the library's check_records (what `livelint batch` writes).
    library = [(r.row, r.id, r.verdict.value) for r in check_records(records, rules, fields=["title", "desc"], id_field="sku")]
    assert library == [(r["row"], r["id"], r["verdict"]) for r in body["records"]]
    warnings_only = client.post("/v1/check", json={"records": records[1:], "id_field": "sku", "fail_level": "error"}).json()
    assert warnings_only["failed"] is False


def test_records_default_to_every_text_field_and_report_bad_ones(client: TestClient) -> None:
    records = [{"title": "销量第一", "note": "全网最低价", "n": 3}, {"title": None}, {"note": "好"}, {"title": 5}]
    body = client.post("/v1/check", json={"records": records}).json()
    first = body["records"][0]
    assert first["id"] is None
    assert [(f["field"], f["rule"]) for f in first["findings"]] == [("title", "ABS-006"), ("note", "PRC-001")]
    assert [r["verdict"] for r in body["records"]] == ["fail", "pass", "pass", "pass"]
    strict = client.post("/v1/check", json={"records": records, "fields": ["title"]}).json()
    assert [r["verdict"] for r in strict["records"]] == ["fail", "pass", "error", "error"]
    assert "missing field 'title'" in strict["records"][2]["error"]
    assert "'title'" in strict["records"][3]["error"] and "not text" in strict["records"][3]["error"]
    assert strict["summary"]["by_verdict"]["error"] == 2


def test_records_limits_and_types(rules: Rules, client: TestClient) -> None:
    with limited(rules, max_records=2) as small:
        error = error_of(small.post("/v1/check", json={"records": [{}, {}, {}]}), 413, "too-many-records")
        assert "at most 2" in error["message"]
    assert error_of(client.post("/v1/check", json={"records": [{"a": "x"}, "text"]}), 422, "wrong-type")["field"] == "records[1]"
    error_of(client.post("/v1/check", json={"records": {"a": "b"}}), 422, "wrong-type")
    error_of(client.post("/v1/check", json={"records": [], "fields": "title"}), 422, "wrong-type")
    error_of(client.post("/v1/check", json={"records": [], "id_field": 3}), 422, "wrong-type")
    error_of(client.post("/v1/check", json={"records": [], "path": "x"}), 422, "unknown-key")
    error_of(client.post("/v1/check", json={"text": "x", "fields": ["a"]}), 422, "unknown-key")


# ---- errors and limits -------------------------------------------------------------------------


def test_bad_requests_get_clear_json_errors(client: TestClient) -> None:
    error_of(client.post("/v1/check", content=b'{"text": ', headers={"Content-Type": "application/json"}), 400, "bad-json")
    error_of(client.post("/v1/check", content=b"\xff\xfe\x00", headers={"Content-Type": "application/json"}), 400, "bad-json")
    error_of(client.post("/v1/check", content="text=全网最低价".encode(), headers={"Content-Type": "text/plain"}), 415, "unsupported-media-type")
    error_of(client.post("/v1/check", content=b'{"text": "x"}'), 415, "unsupported-media-type")
    error_of(client.post("/v1/check", json=["全网最低价"]), 422, "wrong-type")
    error_of(client.post("/v1/check", json={"text": "x", "records": []}), 422, "missing-input")
    error_of(client.post("/v1/check", json={}), 422, "missing-input")
    assert error_of(client.post("/v1/check", json={"txt": "x"}), 422, "unknown-key")["field"] == "txt"
    assert error_of(client.post("/v1/check", json={"text": ["x"]}), 422, "wrong-type")["field"] == "text"
    assert error_of(client.post("/v1/check", json={"text": "x", "fail_level": "fatal"}), 422, "wrong-value")["field"] == "fail_level"
    assert error_of(client.post("/v1/check", json={"text": "x", "select": 3}), 422, "wrong-type")["field"] == "select"
    error = error_of(client.post("/v1/check", json={"text": "x", "ignore": "NOPE-9"}), 422, "unknown-selection")
    assert "NOPE-9" in error["message"]
    error_of(client.post("/v1/check", content=b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "application/json"}), 400, "bad-json")
    error_of(client.get("/v1/nothing"), 404, "not-found")
    error_of(client.get("/v1/check"), 405, "method-not-allowed")


def test_body_size_limit_by_length_and_while_streaming(rules: Rules) -> None:
    with limited(rules, max_body=1000) as small:
        text = "全网最低价" * 100  # 1,500 bytes of UTF-8
        error = error_of(small.post("/v1/check", json={"text": text}), 413, "body-too-large")
        assert "1,000 bytes" in error["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies as the body arrives
            yield b'{"text": "'
            for _ in range(10):
                yield "全网最低价".encode() * 20
            yield b'"}'

        error_of(small.post("/v1/check", content=chunks(), headers={"Content-Type": "application/json"}), 413, "body-too-large")
        error_of(small.post("/v1/check-file?filename=a.txt", content=text.encode()), 413, "body-too-large")
        assert small.post("/v1/check", json={"text": "全网最低价"}).status_code == 200


def test_time_limit_gives_504(rules: Rules) -> None:
    with limited(rules, timeout=0) as hasty:
        error_of(hasty.post("/v1/check", json={"text": EXAMPLE}), 504, "timeout")
        error_of(hasty.post("/v1/check", json={"records": [{"t": EXAMPLE}] * 50}), 504, "timeout")
        assert hasty.get("/healthz").status_code == 200  # the server is still up


def test_too_many_checks_at_once_gives_503(rules: Rules) -> None:
    checker = Checker(rules, Limits(workers=1, queue=1, timeout=30))
    started, release = threading.Event(), threading.Event()

    def slow(_deadline: object) -> str:
        started.set()
        release.wait(10)
        return "done"

    async def scenario() -> tuple[str, ApiError]:
        first = asyncio.ensure_future(checker.run(slow))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        with pytest.raises(ApiError) as busy:
            await checker.run(slow)
        release.set()
        return await first, busy.value

    try:
        result, busy = asyncio.run(scenario())
    finally:
        release.set()
        checker.close()
    assert result == "done"
    assert (busy.status, busy.code) == (503, "busy")
    assert busy.response().headers["retry-after"] == "1"


def test_an_unexpected_error_is_a_json_500_without_a_trace(rules: Rules) -> None:
    app = create_app(rules)

    async def broken(_request: Any) -> Any:
        raise RuntimeError("secret internals")

    app.add_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/broken")
    error_of(response, 500, "internal")
    assert "secret" not in response.text


# ---- /v1/check-file ----------------------------------------------------------------------------


def test_check_file_decodes_gbk_and_returns_the_text(client: TestClient) -> None:
    text = "家人们好\r\n今天全网最低价\r\n"
    body = client.post("/v1/check-file?filename=script.txt", content=text.encode("gbk")).json()
    assert body["text"] == text and body["format"] == "text"
    (finding,) = body["findings"]
    assert (finding["path"], finding["rule"], finding["line"], finding["start"], finding["end"]) == ("script.txt", "PRC-001", 2, 8, 13)
    assert body["summary"]["files"] == 1


def test_check_file_masks_subtitle_numbers_timings_and_tags(client: TestClient) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,500\n家人们<i>全网最低价</i>\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\n有问题的加我微信私聊下单\n\n"
        "3\n00:01:00,000 --> 00:01:02,000\n今天天气不错\n"
    )
    body = client.post("/v1/check-file?filename=live.srt", content=srt.encode()).json()
    assert body["format"] == "srt" and body["text"] == srt
    got = [(f["rule"], f["start"], f["end"], f["match"], f["line"], f["cue_start"], f["cue_end"]) for f in body["findings"]]
    assert ("PRC-001", *span(srt, "全网最低价"), "全网最低价", 3, "00:00:01.000", "00:00:03.500") in got
    assert ("OFF-001", *span(srt, "加我微信私聊"), "加我微信私聊", 7, "00:00:04.000", "00:00:06.000") in got
    assert {line for *_, line, _, _ in got} <= {3, 7, 11}  # never a cue number or a timing line
    assert all(srt[f["start"] : f["end"]] == f["match"] and "<" not in f["match"] for f in body["findings"])
    vtt = "WEBVTT\n\nNOTE 全网最低价 (a note is not said aloud)\n\n00:05.000 --> 00:07.250 align:start\n<v 主播>销量第一\n"
    body = client.post("/v1/check-file?filename=live.vtt", content=vtt.encode()).json()
    assert [(f["rule"], f["match"], f["cue_start"], f["cue_end"]) for f in body["findings"]] == [
        ("ABS-006", "销量第一", "00:00:05.000", "00:00:07.250")
    ]


def test_check_file_reads_docx_paragraphs_and_tables(client: TestClient) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("开场:家人们晚上好")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "卖点"
    table.cell(0, 1).text = "这款降压药吃一个月就能停药"
    document.add_paragraph("全网最低价,拍了退货还能白赚运费")
    data = io.BytesIO()
    document.save(data)
    body = client.post("/v1/check-file", files={"file": ("脚本.docx", data.getvalue())}).json()
    assert body["format"] == "docx"
    assert body["text"] == "开场:家人们晚上好\n卖点\n这款降压药吃一个月就能停药\n全网最低价,拍了退货还能白赚运费"
    got = [(f["rule"], f["match"], f["paragraph"], f["path"]) for f in body["findings"]]
    for expected in [
        ("SPY-002", "降压药", 3, "脚本.docx"),
        ("HLT-014", "就能停药", 3, "脚本.docx"),
        ("PRC-001", "全网最低价", 4, "脚本.docx"),
        ("FRT-001", "白赚运费", 4, "脚本.docx"),
    ]:
        assert expected in got
    assert all(f["match"] in body["text"].split("\n")[f["paragraph"] - 1] for f in body["findings"])


def test_check_file_multipart_options_and_bad_files(client: TestClient) -> None:
    body = client.post(
        "/v1/check-file", files={"file": ("a.txt", EXAMPLE.encode())}, data={"select": "ABS", "fail_level": "error"}
    ).json()
    assert {f["rule"][:3] for f in body["findings"]} == {"ABS"} and body["failed"] is True
    raw = client.post("/v1/check-file?filename=a.txt&select=OFF&select=KCK", content=EXAMPLE.encode()).json()
    assert [f["rule"] for f in raw["findings"]] == ["OFF-001", "KCK-001"]
    error_of(client.post("/v1/check-file?filename=a.txt", content=b"\x00\x01\x02binary"), 422, "undecodable")
    error_of(client.post("/v1/check-file?filename=a.pdf", content=b"%PDF-1.7"), 415, "unsupported-file-type")
    error_of(client.post("/v1/check-file?filename=a.docx", content=b"not a zip"), 422, "unreadable")
    assert "timing" in error_of(client.post("/v1/check-file?filename=a.srt", content="全网最低价".encode()), 422, "unreadable")["message"]
    error_of(client.post("/v1/check-file", json={"text": "x"}), 415, "unsupported-media-type")
    error_of(client.post("/v1/check-file", files={"other": ("a.txt", b"x")}), 422, "missing-input")
    error_of(client.post("/v1/check-file", content=b"xx", headers={"Content-Type": "multipart/form-data"}), 400, "bad-request")
    error_of(client.post("/v1/check-file?filename=a.txt&encoding=klingon", content=b"x"), 422, "undecodable")


# ---- catalogue endpoints, page, OpenAPI ----------------------------------------------------------


def test_rules_and_notices(client: TestClient, rules: Rules) -> None:
    listing = client.get("/v1/rules").json()
    assert listing["count"] == len(rules.ruleset.rules) == len(listing["rules"])
    assert {r["id"] for r in listing["rules"]} == {r.id for r in rules.ruleset.rules}
    price = client.get("/v1/rules", params={"select": "price-marketing"}).json()["rules"]
    assert price and {r["category"] for r in price} == {"price-marketing"}
    error_of(client.get("/v1/rules", params={"select": "NOPE"}), 422, "unknown-selection")
    rule = client.get("/v1/rules/prc-001").json()
    assert rule["id"] == "PRC-001" and "全网最低价" in rule["patterns"]
    assert rule["notice"] == {"id": "ks-price-marketing", "title": PRICE_NOTICE, "source": rule["notice"]["source"]}
    assert rule["examples"]["fail"] and rule["examples"]["pass"]
    error_of(client.get("/v1/rules/XYZ-999"), 404, "unknown-rule")
    notices = client.get("/v1/notices").json()
    assert notices["count"] == len(rules.ruleset.notices)
    price_notice = next(n for n in notices["notices"] if n["id"] == "ks-price-marketing")
    assert "PRC-001" in price_notice["rules"] and price_notice["title"] == PRICE_NOTICE
    assert client.get("/healthz").json() == {
        "status": "ok",
        "version": "0.1.0",
        "rules": len(rules.selected),
        "notices": len(rules.ruleset.notices),
    }


def test_the_page_is_self_contained_chinese_html(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="zh-CN">' in page and "检查" in page and "复制应用安全替换后的文本" in page
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page)
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_openapi_describes_every_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.") and document["info"]["version"] == "0.1.0"
    routes = {
        (route.path, method.lower())
        for route in client.app.routes  # type: ignore[attr-defined]
        for method in (route.methods or []) - {"HEAD"}
    }
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert described == routes

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


# ---- the real server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    """`livelint serve` on a free loopback port; returns the process and its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"livelint serve exited: {process.stdout.read().decode()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    raise AssertionError("livelint serve did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_json(url: str, payload: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_livelint_serve_answers_concurrent_requests_on_loopback(rules: Rules) -> None:
    process, url = start_server("--max-records", "5")
    try:
        expected = report_dict(check_text(EXAMPLE, rules, path="<text>"))["findings"]
        texts = [EXAMPLE if i % 2 else "这是我第一次来直播间" for i in range(40)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda text: post_json(url + "/v1/check", {"text": text}), texts))
        for text, (status, body) in zip(texts, answers):
            assert status == 200
            findings = [{k: v for k, v in f.items() if k != "fix"} for f in body["findings"]]
            assert findings == (expected if text == EXAMPLE else [])
        status, body = post_json(url + "/v1/check", {"records": [{"t": "x"}] * 6})
        assert (status, body["error"]["code"]) == (413, "too-many-records")
        with urllib.request.urlopen(url + "/", timeout=10) as response:
            assert "livelint" in response.read().decode()
    finally:
        stop_server(process)
    output = process.stdout.read().decode()  # type: ignore[union-attr]
    assert "Uvicorn running on http://127.0.0.1:" in output
    assert "Traceback" not in output


def test_serve_binds_to_loopback_by_default() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.stdout
