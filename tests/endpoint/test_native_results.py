"""Native serialization: a SELECT whose own LIMIT is within the row cap is written by pyoxigraph in the
query process, and its row count stays exact in every format, whatever the literals hold; a LIMIT inside
a subquery, or above the cap, leaves the capped writer in charge."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pyoxigraph as ox
import pytest

from sparql_endpoint.sparql.policy import check_query
from sparql_endpoint.stores.results import (NATIVE_BYTES_PER_ROW, count_rows, serialize, serialize_whole,
                                            serialize_within)

#: literals that would fool a naive count: line breaks, quotes, brackets, markup, separators
TRICKY = ["two\nlines", "quote \" and }},{\"x\":", "<result><binding name=\"o\">", "a,b\r\nc", "tab\there", "",
          "ends in },{", '},{"s":{"type":"uri"', "{}"]
FORMATS = ("json", "xml", "csv", "tsv")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i, text in enumerate(TRICKY):
        subject = ox.NamedNode(f"http://example.org/s{i}")
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/p"), ox.Literal(text)))
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/q"), ox.Literal(text, language="en")))
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/r"), ox.BlankNode(f"b{i}")))
    return store


@pytest.mark.parametrize("key", FORMATS)
def test_native_row_counts_are_exact_with_tricky_literals(store: ox.Store, key: str) -> None:
    query = "SELECT ?s ?p ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?s ?p LIMIT 100"
    body, rows, capped = serialize_whole(store.query(query), key)
    assert (rows, capped) == (len(TRICKY) * 3, False)
    written, written_rows, _ = serialize(store.query(query), key, 1000, {})
    assert written_rows == rows
    if key == "json":  # the same solutions as the capped writer gives
        assert json.loads(body)["results"] == json.loads(written)["results"]
    if key == "csv":
        assert list(csv.reader(io.StringIO(body.decode()))) == list(csv.reader(io.StringIO(written.decode())))
    empty = serialize_whole(store.query("SELECT ?s WHERE { ?s <http://example.org/none> ?o } LIMIT 5"), key)
    assert empty[1] == 0
    unbound = serialize_whole(store.query("SELECT ?x WHERE { ?s <http://example.org/p> ?o } LIMIT 100"), key)
    assert unbound[1] == len(TRICKY)  # solutions that bind nothing count too


@pytest.mark.parametrize("key", FORMATS)
def test_an_answer_the_cap_may_cut_is_written_natively_only_while_it_stays_within_it(store: ox.Store, key: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    whole = serialize_within(store.query(query), key, 1000)
    assert whole is not None and whole[1:] == (len(TRICKY) * 3, False)
    assert serialize_within(store.query(query), key, len(TRICKY) * 3 - 1) is None  # past the cap: not native
    big = ox.Store()
    big.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                    ox.Literal("x" * (NATIVE_BYTES_PER_ROW * 20))))
    assert serialize_within(big.query(query), key, 10) is None  # past the byte budget: not native


def test_json_rows_are_counted_at_solution_boundaries_whatever_the_strings_hold() -> None:
    store = ox.Store()
    texts = [t for t in TRICKY if "{}" not in t] + ['"bindings":[', "x},{", '},{"v":{"type":"literal"}}']
    for i, text in enumerate(texts):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(text)))
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/v"),
                          ox.Literal(text, language="en")))
    body = store.query("SELECT ?v ?s ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.JSON)
    assert b"{}" not in body  # the boundary count, not the read-back
    assert count_rows(body, "json") == len(json.loads(body)["results"]["bindings"]) == len(texts) * 2


def test_the_policy_reads_the_outer_limit_only() -> None:
    def limit(query: str) -> int | None:
        return check_query(query, service_allowlist=(), max_nesting=100).limit

    assert limit("SELECT * WHERE { ?s ?p ?o } LIMIT 10") == 10
    assert limit("SELECT * WHERE { ?s ?p ?o } OFFSET 5 LIMIT 7") == 7
    assert limit("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } ?s ?p ?o }") is None
    assert limit("SELECT * WHERE { ?s ?p 'LIMIT 4' } # LIMIT 5") is None
    assert limit("SELECT * WHERE { ?s ?p ?o }") is None


@pytest.mark.parametrize("key", FORMATS)
def test_served_row_headers_are_true_on_both_writers(make_app, key: str) -> None:
    app = make_app(MAX_ROWS=6)
    client = app.test_client()
    bodies: dict[str, bytes] = {}

    def ask(limit: str) -> tuple[int, str | None, int]:
        query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o {limit}"
        response = client.get("/sparql?" + urllib.parse.urlencode({"query": query, "format": key}))
        assert response.status_code == 200
        body = bodies[limit] = response.get_data()
        if key == "json":
            counted = len(json.loads(body)["results"]["bindings"])
        elif key == "xml":
            counted = body.count(b"<result>")
        elif key == "csv":
            counted = len(list(csv.reader(io.StringIO(body.decode())))) - 1
        else:
            counted = body.count(b"\n") - 1
        return int(response.headers["X-Result-Rows"]), response.headers.get("X-Result-Capped"), counted

    assert ask("LIMIT 4") == (4, None, 4)  # native: within the cap
    assert ask("LIMIT 2 OFFSET 3") == (2, None, 2)
    assert ask("LIMIT 6") == (6, None, 6)  # native: exactly the cap, never cut
    assert ask("LIMIT 50") == (6, "6", 6)  # beyond the cap: the capped writer cuts it and says so
    assert ask("") == (6, "6", 6)
    assert client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3", "format": key,
                                               "default-graph-uri": "http://example.org/none"}).status_code == 200
    small = client.get("/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { VALUES ?s { 1 2 3 } }", "format": key}))  # no LIMIT, yet within the cap
    assert small.headers["X-Result-Rows"] == "3" and "X-Result-Capped" not in small.headers
    if key == "xml":  # which writer wrote it shows: pyoxigraph's puts no line break after the declaration
        assert not bodies["LIMIT 4"].startswith(b'<?xml version="1.0"?>\n')
        assert not small.get_data().startswith(b'<?xml version="1.0"?>\n')
        assert bodies[""].startswith(b'<?xml version="1.0"?>\n')
