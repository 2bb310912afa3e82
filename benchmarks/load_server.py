"""Load check of `livelint serve`: a bounded number of requests on loopback, N at a time.

    python3 benchmarks/load_server.py                       # 2,000 requests, 16 at a time, the example script
    python3 benchmarks/load_server.py --payload records     # 20 listings per request instead
    python3 benchmarks/load_server.py --url http://127.0.0.1:8000   # a server that is already running

Without --url it starts `python -m checker serve` on a free loopback port and stops it at the end.
Each of the N clients keeps one HTTP/1.1 keep-alive connection (asyncio streams, no client library
in the way) and checks every answer: status 200 and the expected number of findings, else it counts
as failed. Prints requests/s, p50 and p99 latency and the failed count; exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "live-script.txt"
LISTINGS = ["加绒卫衣 全网最低价 新疆长绒棉", "秋冬款加厚保暖卫衣 男女同款", "这款降压药吃一个月就能停药", "儿童羽绒服 轻薄保暖"]


def payload(kind: str) -> tuple[bytes, str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    if kind == "text":
        return json.dumps({"text": text}, ensure_ascii=False).encode(), "findings"
    records = [{"sku": f"S{i:03d}", "title": LISTINGS[i % len(LISTINGS)]} for i in range(20)]
    return json.dumps({"records": records, "id_field": "sku"}, ensure_ascii=False).encode(), "summary"


def count(body: dict, kind: str) -> int:
    return len(body["findings"]) if kind == "findings" else body["summary"]["findings"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("livelint serve exited before answering")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("livelint serve did not answer within 60 s")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body


async def client(
    host: str, port: int, request: bytes, kind: str, expected: int, jobs: list[int], latencies: list[float], failures: list[str]
) -> None:
    reader = writer = None
    while jobs:
        jobs.pop()
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status, body = await read_response(reader)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"HTTP {status}: {body[:200]!r}")
            elif count(json.loads(body), kind) != expected:
                failures.append(f"{count(json.loads(body), kind)} findings instead of {expected}")
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


async def load(url: str, requests: int, concurrency: int, kind: str) -> int:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    body, counted = payload(kind)
    request = (
        f"POST /v1/check HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode() + body
    with urllib.request.urlopen(
        urllib.request.Request(url + "/v1/check", data=body, headers={"Content-Type": "application/json"}), timeout=30
    ) as response:
        expected = count(json.load(response), counted)
    jobs = list(range(requests))
    latencies: list[float] = []
    failures: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(client(host, port, request, counted, expected, jobs, latencies, failures) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    print(f"payload: {kind} ({len(body):,} bytes, {expected} findings per request)")
    print(f"requests: {requests:,}, {concurrency} at a time, in {elapsed:.2f} s")
    print(f"requests/s: {requests / elapsed:,.0f}")
    if latencies:
        print(f"latency p50: {percentile(latencies, 0.50) * 1000:.1f} ms, p99: {percentile(latencies, 0.99) * 1000:.1f} ms")
    print(f"failed: {len(failures)}")
    for failure in sorted(set(failures))[:5]:
        print(f"  {failure}")
    return len(failures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--payload", choices=["text", "records"], default="text")
    parser.add_argument("--url", help="an already running server (default: start one on loopback)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    process = None
    url = args.url
    if url is None:
        process, url = start_server()
        print(f"server: python -m checker serve --port {urlsplit(url).port} (defaults: 4 check threads)")
    try:
        failed = asyncio.run(load(url.rstrip("/"), args.requests, args.concurrency, args.payload))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
