"""`heg query --endpoint URL`: the same query, outputs and exit codes as `heg query --release`, against a real
`heg serve` and a real Oxigraph server loaded with the same release (one of each per module, on loopback).

Oxigraph's default graph is its own (empty) default graph, not the union of the release's graphs, so the
queries compared on both name their graphs (``GRAPH ?g``): their answers are the same everywhere.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from graph_builder.publish import Endpoints, publish_release
from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS
from support.loopback import Listener
from support.remote_servers import OxigraphServer, ScriptedServer, answer, read_body
from support.serving import free_port, serving
from heg_core.cli import main

SKOS = "http://www.w3.org/2004/02/skos/core#"
SELECT = f"SELECT DISTINCT ?s ?label WHERE {{ GRAPH ?g {{ ?s <{SKOS}prefLabel> ?label }} }} ORDER BY ?s ?label"
ASK = f"ASK {{ GRAPH ?g {{ ?s <{SKOS}prefLabel> ?label }} }}"
CONSTRUCT = f"CONSTRUCT {{ ?s <{SKOS}prefLabel> ?label }} WHERE {{ GRAPH ?g {{ ?s <{SKOS}prefLabel> ?label }} }}"


@pytest.fixture(scope="module")
def heg_serve(fixture_release: Path) -> Iterator[str]:
    """The /sparql URL of `heg serve` on the tiny release."""
    with serving(fixture_release, "--query-workers", "1") as base:
        yield base + "/sparql"


@pytest.fixture(scope="module")
def oxigraph(fixture_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of a real Oxigraph server holding the tiny release (published by `heg publish`'s code)."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-query") / "db").start()
    try:
        publish_release(fixture_release, Endpoints.of(server.base), environ={})
        yield server.query_url
    finally:
        server.stop()


@pytest.fixture(params=["heg_serve", "oxigraph"])
def endpoint(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(request.param)


def heg_query(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["query", *args], input=stdin)


def local(fixture_release: Path, sparql: str, *args: str) -> Result:
    result = heg_query(sparql, "--release", str(fixture_release), *args)
    assert result.exit_code == 0, result.output
    return result


def triples(output: bytes, key: str) -> set[ox.Triple]:
    fmt = next(f for f in GRAPH_FORMATS if f.key == key)
    return {quad.triple for quad in ox.parse(output, format=fmt.engine)}


@pytest.mark.parametrize("fmt", [None, *(f.key for f in SOLUTION_FORMATS)])
@pytest.mark.parametrize("sparql", [SELECT, ASK], ids=["select", "ask"])
def test_solutions_are_the_bytes_of_the_local_command(endpoint: str, fixture_release: Path, sparql: str,
                                                      fmt: str | None) -> None:
    args = ("--format", fmt) if fmt else ()
    expected = local(fixture_release, sparql, *args).stdout_bytes
    result = heg_query(sparql, "--endpoint", endpoint, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected
    assert len(expected) > 20 or expected == b"true"


@pytest.mark.parametrize("fmt", [None, *(f.key for f in GRAPH_FORMATS)])
def test_graphs_parse_to_the_triples_of_the_local_command(endpoint: str, fixture_release: Path,
                                                          fmt: str | None) -> None:
    args = ("--format", fmt) if fmt else ()
    expected = local(fixture_release, CONSTRUCT, *args).stdout_bytes
    result = heg_query(CONSTRUCT, "--endpoint", endpoint, *args)
    assert result.exit_code == 0, result.output
    got, want = triples(result.stdout_bytes, fmt or "turtle"), triples(expected, fmt or "turtle")
    assert got == want and len(want) >= 6
    if fmt in (None, "turtle"):  # the same prefixes as the local command
        assert [line for line in result.stdout_bytes.splitlines() if line.startswith(b"@prefix")] == \
               [line for line in expected.splitlines() if line.startswith(b"@prefix")]


def test_heg_serve_answers_byte_for_byte_as_the_release(heg_serve: str, fixture_release: Path) -> None:
    """Over the same store engine the order of a graph is the same too: the output is the same bytes."""
    sparql = f"CONSTRUCT WHERE {{ ?s <{SKOS}prefLabel> ?label }}"
    for fmt in ("turtle", "ntriples", "trig"):
        assert heg_query(sparql, "--endpoint", heg_serve, "--format", fmt).stdout_bytes == \
               local(fixture_release, sparql, "--format", fmt).stdout_bytes


def test_describe_and_the_query_from_standard_input(heg_serve: str, fixture_release: Path) -> None:
    iri = "https://w3id.org/health-equity-guide/id/practice/2017/allocate-resources"
    sparql = f"DESCRIBE <{iri}>"
    result = heg_query("-", "--endpoint", heg_serve, "--format", "nt", stdin=sparql)
    assert result.exit_code == 0, result.output
    described = triples(result.stdout_bytes, "ntriples")
    assert described == triples(local(fixture_release, sparql, "--format", "nt").stdout_bytes, "ntriples")
    assert len(described) >= 5 and all(t.subject == ox.NamedNode(iri) for t in described if
                                       not isinstance(t.subject, ox.BlankNode))


@pytest.mark.parametrize("sparql", ["SELEKT * WHERE {}", "SELECT * WHERE { ?s ?p }"])
def test_a_query_the_endpoint_rejects_exits_1_with_its_message(endpoint: str, sparql: str) -> None:
    result = heg_query(sparql, "--endpoint", endpoint)
    assert result.exit_code == 1, result.output
    assert "the endpoint rejected the query (400):" in result.stderr
    assert result.stdout_bytes == b""


def test_an_update_exits_1_and_is_never_sent() -> None:
    listener = Listener()
    try:
        result = heg_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--endpoint", listener.url)
        listener.settle(0.2)
        assert result.exit_code == 1, result.output
        assert "INSERT is an update" in result.stderr
        assert listener.connections == 0
    finally:
        listener.close()


def test_a_closed_loopback_port_exits_2() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    result = heg_query("ASK {}", "--endpoint", url)
    assert result.exit_code == 2, result.output
    assert f"cannot reach {url}" in result.stderr and "Connection refused" in result.stderr


def test_an_endpoint_that_never_answers_exits_2_naming_the_timeout() -> None:
    with socket.socket() as silent:  # the kernel completes the connection; nobody ever reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        result = heg_query("ASK {}", "--endpoint", url, "--timeout", "0.5")
    assert result.exit_code == 2, result.output
    assert f"{url} did not answer within the timeout of 0.5 s (--timeout)" in result.stderr


def test_a_connection_closed_without_an_answer_exits_2() -> None:
    listener = Listener()  # accepts, then closes at once
    try:
        result = heg_query("ASK {}", "--endpoint", listener.url + "sparql", "--timeout", "5")
    finally:
        listener.close()
    assert result.exit_code == 2, result.output
    assert "the connection to" in result.stderr


@pytest.mark.parametrize("path,message", [
    ("/no-such-service", "answered HTTP 404"),
    ("/", "answered text/html, not SPARQL results: is it a SPARQL endpoint?"),
])
def test_a_url_that_is_not_the_query_service_exits_2(heg_serve: str, path: str, message: str) -> None:
    result = heg_query("ASK {}", "--endpoint", heg_serve.removesuffix("/sparql") + path)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


@pytest.mark.parametrize("args,message", [
    (["ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--release", "."], "give --endpoint or --release, not both"),
    (["ASK {}", "--timeout", "3"], "--timeout applies to --endpoint only"),
    (["ASK {}", "--endpoint", "ftp://127.0.0.1/sparql"], "is not an http(s) URL"),
    (["ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "0"], "--timeout"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = heg_query(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize("sparql,fmt", [("ASK {}", "turtle"), ("CONSTRUCT WHERE { ?s ?p ?o }", "csv")])
def test_a_format_that_does_not_fit_exits_2_before_anything_is_sent(sparql: str, fmt: str) -> None:
    listener = Listener()
    try:
        result = heg_query(sparql, "--endpoint", listener.url, "--format", fmt)
        listener.settle(0.2)
        assert result.exit_code == 2, result.output
        assert "does not fit" in result.stderr
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize("status,body,content_type,message", [
    (401, b"credentials needed", "text/plain", "answered HTTP 401: credentials needed"),
    (403, b"read-only", "text/plain", "answered HTTP 403: read-only"),
    (503, b"too busy\ntry later", "text/plain", "answered HTTP 503: too busy / try later"),
    (200, b"{not json", "application/sparql-results+json", "is not valid application/sparql-results+json"),
    (200, b"<html></html>", "text/html", "answered text/html, not SPARQL results"),
])
def test_a_failing_endpoint_exits_2_with_what_it_said(status: int, body: bytes, content_type: str,
                                                      message: str) -> None:
    with ScriptedServer(lambda handler: answer(handler, status, body, content_type)) as server:
        result = heg_query("ASK {}", "--endpoint", server.url + "/sparql")
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_short_queries_are_sent_by_get_long_ones_posted_and_json_is_asked_first() -> None:
    bodies: list[bytes] = []

    def handle(handler) -> None:  # type: ignore[no-untyped-def]
        bodies.append(read_body(handler))
        answer(handler, 200, b'{"head":{},"boolean":true}', "application/sparql-results+json")

    long = "ASK { # " + "x" * 2000 + "\n}"
    with ScriptedServer(handle) as server:
        assert heg_query("ASK {}", "--endpoint", server.url + "/sparql").stdout_bytes == b"true"
        assert heg_query(long, "--endpoint", server.url + "/sparql", "--format", "json").exit_code == 0
    (get, _, headers), (post, _, _) = server.requests
    assert (get, post) == ("GET", "POST") and b"query=ASK" in bodies[1]
    assert headers["Accept"].startswith("application/sparql-results+json;q=1.0, application/sparql-results+xml")
    assert headers["User-Agent"].startswith("heg/")
