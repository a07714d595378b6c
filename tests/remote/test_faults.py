"""A remote store that stops, stalls or talks nonsense gives a clear 502/503/504 in time, never a hang."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from flask import Flask

from support.remote_servers import OxigraphServer, ScriptedServer, answer, read_body

QUERY = {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"}
JSON_ERRORS = {"Accept": "application/json"}
TIMEOUT = 1.0


@pytest.fixture
def empty_oxigraph(tmp_path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "db").start()
    yield server
    server.stop()


def error_of(response) -> dict:
    return json.loads(response.data)["error"]


def test_a_store_stopped_mid_run_gives_503_then_recovers(make_app: Callable[..., Flask],
                                                         empty_oxigraph: OxigraphServer) -> None:
    client = make_app(STORE_KIND="remote", STORE_URL=empty_oxigraph.query_url, CACHE_ENTRIES=0).test_client()
    assert client.get("/sparql", query_string=QUERY).status_code == 200
    empty_oxigraph.stop()
    started = time.monotonic()
    response = client.get("/sparql", query_string=QUERY, headers=JSON_ERRORS)
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "cannot be reached" in error_of(response)["message"]
    empty_oxigraph.start()  # same port, same data
    assert client.get("/sparql", query_string=QUERY).status_code == 200


def slow_headers(handler: BaseHTTPRequestHandler) -> None:
    read_body(handler)
    time.sleep(TIMEOUT * 6)
    answer(handler, 200, b'{"head":{"vars":[]},"results":{"bindings":[]}}', "application/sparql-results+json")


def slow_body(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then the result a few bytes at a time, for longer than the timeout."""
    read_body(handler)
    body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
        {"x": {"type": "literal", "value": str(i)}} for i in range(200)]}}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for start in range(0, len(body), 20):
        handler.wfile.write(body[start:start + 20])
        handler.wfile.flush()
        time.sleep(0.1)


@pytest.mark.parametrize("handle", [slow_headers, slow_body], ids=["slow headers", "slow body"])
def test_a_slow_store_gives_504_within_the_timeout(make_app: Callable[..., Flask], handle) -> None:
    with ScriptedServer(handle) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url, QUERY_TIMEOUT=TIMEOUT).test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string=QUERY, headers=JSON_ERRORS)
        elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert elapsed < TIMEOUT + 1.0
    assert error_of(response)["timeout_seconds"] == TIMEOUT


def scripted(status: int, body: bytes, content_type: str, length: int | None = None):
    def handle(handler: BaseHTTPRequestHandler) -> None:
        read_body(handler)
        answer(handler, status, body, content_type, length)
        if length is not None:
            handler.close_connection = True
    return handle


@pytest.mark.parametrize("handle,status", [
    (scripted(200, b"<html>not results</html>", "application/sparql-results+json"), 502),
    (scripted(200, b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"lit', "application/sparql-results+json"), 502),
    (scripted(200, b"<html>a login page</html>", "text/html"), 502),
    (scripted(200, b'{"head":{"vars":[]},"results":{"bindings":[]}}', "application/sparql-results+json",
              length=4000), 502),
    (scripted(500, b"internal error", "text/plain"), 502),
    (scripted(401, b"who are you", "text/plain"), 502),
    (scripted(503, b"maintenance", "text/plain"), 503),
    (scripted(504, b"upstream timeout", "text/plain"), 504),
    (scripted(400, b"error at 1:8: expected something", "text/plain"), 400),
], ids=["garbage", "cut json", "html", "short body", "500", "401", "503", "504", "400"])
def test_a_store_answering_nonsense_gives_a_clear_status(make_app: Callable[..., Flask], handle,
                                                         status: int) -> None:
    with ScriptedServer(handle) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url, QUERY_TIMEOUT=5.0).test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string=QUERY, headers=JSON_ERRORS)
    assert response.status_code == status
    assert time.monotonic() - started < 5
    error = error_of(response)
    assert error["message"] and error["hint"]
    assert "Traceback" not in response.data.decode()


def test_a_broken_graph_answer_gives_502(make_app: Callable[..., Flask]) -> None:
    with ScriptedServer(scripted(200, b"<http://a> <http://b> garbage", "application/n-triples")) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url).test_client()
        response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert response.status_code == 502


def test_too_many_waiting_queries_give_503(make_app: Callable[..., Flask]) -> None:
    import threading

    with ScriptedServer(slow_headers) as store:
        app = make_app(STORE_KIND="remote", STORE_URL=store.url, QUERY_WORKERS=1, QUEUE_SIZE=0,
                       QUERY_TIMEOUT=TIMEOUT, CACHE_ENTRIES=0)
        busy = threading.Thread(target=lambda: app.test_client().get("/sparql", query_string=QUERY))
        busy.start()
        deadline = time.monotonic() + 2
        while not store.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        busy.join()
    assert response.status_code == 503 and response.headers["Retry-After"]
