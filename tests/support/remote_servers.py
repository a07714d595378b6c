"""Servers for the remote-store tests, all on 127.0.0.1: a real Oxigraph server (the ``oxigraph`` command
of ``pip install oxigraph``) and tiny scripted HTTP servers that misbehave on purpose (slow, garbage, a
proxy that fails mid-upload). Readiness is polled, never slept for.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from .serving import free_port

LOOPBACK = "127.0.0.1"


def oxigraph_command() -> str:
    """The ``oxigraph`` command next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` command is missing: pip install -e '.[test]' (it installs oxigraph)")
    return found


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, started and stopped by the test."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.query_url = self.base + "/query"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> OxigraphServer:
        self.log = tempfile.TemporaryFile()  # a file, not a pipe nobody reads (a full pipe blocks the server)
        self.process = subprocess.Popen([oxigraph_command(), "serve", "--location", str(self.location),
                                         "--bind", f"{LOOPBACK}:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"oxigraph serve exited: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                if requests.get(self.query_url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.base} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def select(self, query: str) -> list[dict[str, str]]:
        response = requests.post(self.query_url, data={"query": query},
                                 headers={"Accept": "application/sparql-results+json"}, timeout=10)
        response.raise_for_status()
        return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}


Handler = Callable[[BaseHTTPRequestHandler], None]


class ScriptedServer:
    """A tiny HTTP server whose every request is answered by ``handle(request_handler)``."""

    def __init__(self, handle: Handler) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                outer.requests.append((self.command, self.path, dict(self.headers)))
                try:
                    handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://{LOOPBACK}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
           length: int | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def recording(status: int, body: bytes, content_type: str, bodies: list[bytes] | None = None) -> Handler:
    """A store that gives every request the same answer, appending each request's body to ``bodies``."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        received = read_body(handler)
        if bodies is not None:
            bodies.append(received)
        answer(handler, status, body, content_type)
    return handle


def forward(handler: BaseHTTPRequestHandler, target: str, body: bytes | None = None) -> None:
    """Pass the request on to ``target`` (a real store) and its answer back."""
    data = read_body(handler) if body is None else body
    headers = {k: v for k, v in handler.headers.items() if k.lower() in ("content-type", "accept")}
    response = requests.request(handler.command, target + handler.path, data=data, headers=headers, timeout=30)
    answer(handler, response.status_code, response.content, response.headers.get("Content-Type", "text/plain"))
