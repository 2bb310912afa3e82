"""`livelint serve`: the HTTP API and the web page (checker/server.py) on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from .app import RulesOption, app, err, fail, load

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback unless you say otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any free port).")] = 8000,
    rules_dirs: RulesOption = None,
    max_body: Annotated[int, typer.Option("--max-body", min=1, help="Largest request body in bytes.")] = 10_000_000,
    max_records: Annotated[int, typer.Option("--max-records", min=1, help="Most records per request.")] = 10_000,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds a check may take.")] = 30.0,
    read_timeout: Annotated[
        float, typer.Option("--read-timeout", min=0.1, help="Seconds a client may take to send a request body.")
    ] = 60.0,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Threads running checks.")] = 4,
) -> None:
    """Serve the web page at / and the HTTP API at /v1 (see /openapi.json)."""
    try:
        import uvicorn

        from ..server import Limits, create_app
    except ImportError as exc:
        raise fail(f"serving needs starlette and uvicorn ({exc.name} is missing): pip install livelint") from None
    rules = load(rules_dirs)
    limits = Limits(
        max_body=max_body, max_records=max_records, timeout=timeout, read_timeout=read_timeout, workers=workers, queue=workers * 16
    )
    if host not in LOOPBACK:
        err.print(Text(f"livelint: warning: listening on {host}, reachable from other machines; the API has no authentication"))
    uvicorn.run(
        create_app(rules, limits),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=5,
        server_header=False,
    )
