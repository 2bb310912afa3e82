"""Service faults: hostile bodies, content types, slow and vanishing clients, many clients at once.

In-process (Starlette's TestClient) for what the application answers, hypothesis-generated bodies
included; against a real `livelint serve` (uvicorn, a subprocess on a free loopback port) for what
only a socket shows: a slow client is cut off by the read timeout while others are served, and the
server stays up through everything, its log free of tracebacks.
"""

from __future__ import annotations

import io
import json
import select
import socket
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

pytest.importorskip("starlette")
pytest.importorskip("multipart")
from starlette.testclient import TestClient  # noqa: E402

from checker import Rules  # noqa: E402
from checker.server import Limits, create_app  # noqa: E402
from test_server import EXAMPLE, error_of, post_json, start_server, stop_server  # noqa: E402

ANSWERS = {200, 400, 408, 413, 415, 422}  # what a request may get (503 and 504 come from load and time)
CHECK_KEYS = ["text", "path", "records", "fields", "id_field", "select", "ignore", "fail_level"]


@pytest.fixture(scope="module")
def client(rules: Rules) -> Iterator[TestClient]:
    with TestClient(create_app(rules, Limits(max_body=200_000, max_records=50)), raise_server_exceptions=False) as test_client:
        yield test_client


def assert_json_answer(response: Any) -> dict[str, Any]:
    """A JSON answer of an expected status; an error is {"error": {"code", "message"}} and no trace."""
    assert response.status_code in ANSWERS, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "Traceback" not in response.text and 'File "' not in response.text
    if response.status_code != 200:
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    return body


# ---- hostile bodies, in-process ---------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["全网最低价", "PRC", "price-marketing", "error", "info", "\ud800", "销量第一\udfff"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.one_of(st.sampled_from(CHECK_KEYS + ["title", "sku"]), st.text(max_size=5)), inner, max_size=4),
    max_leaves=12,
)
check_bodies = st.one_of(json_values, st.dictionaries(st.sampled_from(CHECK_KEYS), json_values, max_size=5))


@given(check_bodies)
@example({"text": "\ud800全网最低价", "path": "\udfff"})  # lone surrogates in the answer: was a 500
@example({"records": [{"\ud800": "全网最低价"}]})
@example({"records": [{"t": "全网最低价\ud800"}], "id_field": "t"})
@example({"text": float("nan")})
def test_any_json_body_gets_a_json_answer(client: TestClient, body: Any) -> None:
    encoded = json.dumps(body, ensure_ascii=True, allow_nan=True).encode()  # \ud800 travels as an escape
    assert_json_answer(client.post("/v1/check", content=encoded, headers={"Content-Type": "application/json"}))


@given(st.binary(max_size=300), st.sampled_from(["application/json", "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=gbk", "application/problem+json"]))
@example(b"\xed\xa0\x80", "application/json")  # a surrogate encoded as UTF-8 bytes
@example(b'{"text": ' + b"1" * 5000 + b"}", "application/json")  # an integer past Python's digit limit
@example(b"[" * 100_000, "application/json")  # nesting past the recursion limit
def test_any_bytes_to_check_get_a_json_answer(client: TestClient, data: bytes, media: str) -> None:
    assert_json_answer(client.post("/v1/check", content=data, headers={"Content-Type": media} if media else {}))


@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.md", "a.srt", "a.vtt", "a.docx", "a.pdf", "a", "a.TXT", "..", "a.%00", "\u202ea.txt"]), st.sampled_from([None, "gbk", "utf-16", "rot13", "unicode_escape", "idna", "klingon"]))
@example(b"\\ud800", "a.txt", "unicode_escape")  # a codec that makes lone surrogates: was a 500
@example(b"x", "a.txt", "rot13")  # not a text encoding: was a 500
def test_any_file_upload_gets_a_json_answer(client: TestClient, data: bytes, name: str, encoding: str | None) -> None:
    params = {"filename": name, **({"encoding": encoding} if encoding else {})}
    assert_json_answer(client.post("/v1/check-file", params=params, content=data))
    assert_json_answer(client.post("/v1/check-file", files={"file": (name, data)}, data={"encoding": encoding} if encoding else {}))


def test_lone_surrogates_are_a_400_not_a_500(client: TestClient) -> None:
    for body in [b'{"text": "x", "path": "\\ud800"}', b'{"records": [{"t": "\\udfff"}]}', b'{"text": "\xed\xa0\x80"}']:
        error = error_of(client.post("/v1/check", content=body, headers={"Content-Type": "application/json"}), 400, "bad-json")
        assert "lone surrogate" in error["message"]
    pair = client.post("/v1/check", content=b'{"text": "\\ud83d\\udd25\\u5168\\u7f51\\u6700\\u4f4e\\u4ef7"}', headers={"Content-Type": "application/json"})
    assert pair.status_code == 200 and [f["match"] for f in pair.json()["findings"]] == ["全网最低价"]  # a pair is 🔥


def test_oversized_bodies_and_uploads_are_413(rules: Rules) -> None:
    with TestClient(create_app(rules, Limits(max_body=1000)), raise_server_exceptions=False) as small:
        error_of(small.post("/v1/check-file", files={"file": ("a.txt", b"x" * 5000)}), 413, "body-too-large")
        error_of(small.post("/v1/check", content=b"{" + b" " * 5000 + b"}", headers={"Content-Type": "application/json"}), 413, "body-too-large")
        error_of(small.post("/v1/check", json={"records": [{"t": "x"}] * 400}), 413, "body-too-large")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 50_000_000)  # 50 MB of zeros in a small zip
    with TestClient(create_app(rules, Limits(max_body=1_000_000)), raise_server_exceptions=False) as server:
        error = error_of(server.post("/v1/check-file?filename=bomb.docx", content=bomb.getvalue()), 413, "body-too-large")
        assert "once unpacked" in error["message"]


def test_wrong_methods_paths_and_content_types_are_json(client: TestClient) -> None:
    error_of(client.request("OPTIONS", "/v1/check"), 405, "method-not-allowed")
    error_of(client.put("/v1/check", json={"text": "x"}), 405, "method-not-allowed")
    error_of(client.get("/v1/../../etc/passwd"), 404, "not-found")
    error_of(client.get("/v1/rules/%ED%A0%80"), 404, "unknown-rule")
    error_of(client.post("/v1/check", content=b'{"text": "x"}', headers={"Content-Type": "text/json"}), 415, "unsupported-media-type")
    error_of(client.post("/v1/check-file", content=b"a=b", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported-media-type")
    error_of(client.post("/v1/check-file", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}), 422, "missing-input")
    many = b"".join(b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(50)) + b"--x--\r\n"
    assert "Too many fields" in error_of(client.post("/v1/check-file", content=many, headers={"Content-Type": "multipart/form-data; boundary=x"}), 400, "bad-request")["message"]


# ---- a real server: slow, vanishing and many clients ------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Any]]:
    process, url = start_server("--read-timeout", "1", "--workers", "1", "--timeout", "20")
    try:
        yield url, process
    finally:
        stop_server(process)
    log = process.stdout.read().decode()  # type: ignore[union-attr]
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]


def address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def exchange(url: str, request: bytes, *, dribble: bytes = b"", every: float = 0.2, wait: float = 30) -> tuple[bytes, bool]:
    """Send `request`, then `dribble` one byte every `every` seconds until the server answers, then
    read until it closes. Returns everything received and whether the server closed the connection."""
    with socket.create_connection(address(url), timeout=wait) as sock:
        sock.sendall(request)
        for byte in dribble:
            if select.select([sock], [], [], every)[0]:  # the server answered (or closed): stop sending
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
            closed = True
        except ConnectionResetError:  # closed with a reset: a byte of ours crossed the close
            closed = True
        except TimeoutError:
            closed = False
    return received, closed


def split(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_a_client_dribbling_its_body_is_cut_off_while_others_are_served(served: tuple[str, Any]) -> None:
    url, _process = served
    head = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(exchange, url, head + b'{"text": "', dribble=b"a" * 200)  # 40 s of dribbling if never cut
        time.sleep(0.3)
        answers = [post_json(url + "/v1/check", {"text": "全网最低价"}) for _ in range(5)]  # served meanwhile
        response, closed = slow.result(timeout=60)
    assert [status for status, _body in answers] == [200] * 5
    assert all([f["rule"] for f in body["findings"]] == ["PRC-001"] for _status, body in answers)
    status, headers, body = split(response)
    assert status == 408 and headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert json.loads(body)["error"]["code"] == "request-timeout"
    assert closed  # cut off: the server closed the connection


@pytest.mark.parametrize(
    "request_",
    [
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",  # promised, never sent
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
        b"POST /v1/check-file?filename=a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab",
    ],
    ids=["content-length", "chunked", "check-file"],
)
def test_a_body_that_stops_coming_is_a_408_and_the_connection_closes(served: tuple[str, Any], request_: bytes) -> None:
    response, closed = exchange(served[0], request_)
    status, _headers, body = split(response)
    assert (status, json.loads(body)["error"]["code"], closed) == (408, "request-timeout", True)


def test_garbage_and_vanishing_clients_leave_the_server_up(served: tuple[str, Any]) -> None:
    """Bytes that are not HTTP never reach the application: uvicorn answers 400 text/plain and closes
    (documented in docs/reliability.md). A client that leaves mid-body is forgotten quietly."""
    url, _process = served
    response, closed = exchange(url, b"GARBAGE\x00\xff\r\n\r\n")
    status, _headers, body = split(response)
    assert status == 400 and closed and b"Traceback" not in body
    response, closed = exchange(url, b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert split(response)[0] == 400 and closed
    for _ in range(20):
        with socket.create_connection(address(url)) as sock:
            sock.sendall(b'POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te')
    assert post_json(url + "/v1/check", {"text": "销量第一"})[0] == 200


def test_idle_and_half_sent_connections_do_not_block_others(served: tuple[str, Any]) -> None:
    """Connections that send nothing or half a request head hold a socket each, not a check thread."""
    url, _process = served
    idle = [socket.create_connection(address(url)) for _ in range(100)]
    halves = [socket.create_connection(address(url)) for _ in range(100)]
    try:
        for sock in halves:
            sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        status, body = post_json(url + "/v1/check", {"text": EXAMPLE})
        assert status == 200 and len(body["findings"]) > 5
    finally:
        for sock in idle + halves:
            sock.close()


def test_many_clients_at_once_each_get_an_answer_or_a_json_503(served: tuple[str, Any]) -> None:
    """One check thread and a queue of 16 (`--workers 1`): 64 clients at once with large texts each get
    their findings or a JSON 503 with Retry-After; the server stays up and answers afterwards."""
    url, _process = served
    text = EXAMPLE * 40

    def one(_index: int) -> tuple[int, Any]:
        return post_json(url + "/v1/check", {"text": text})

    with ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(one, range(64)))
    statuses = {status for status, _body in answers}
    assert statuses <= {200, 503} and 200 in statuses
    expected = next(len(body["findings"]) for status, body in answers if status == 200)
    for status, body in answers:
        if status == 200:
            assert len(body["findings"]) == expected
        else:
            assert body["error"]["code"] == "busy"
    assert post_json(url + "/v1/check", {"text": "全网最低价"})[0] == 200
