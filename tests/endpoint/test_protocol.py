"""SPARQL 1.1 Protocol behaviour through Flask's test client."""

from __future__ import annotations

import csv
import io
import json
import logging

import pyoxigraph as ox
import pytest
from sparql_endpoint import state_of
from support.releases import answer_of

BASE = "https://w3id.org/health-equity-guide/"
LABELS = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
          "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?l")
PRACTICES = ("PREFIX heg: <https://w3id.org/health-equity-guide/ontology#> "
             "SELECT (COUNT(?p) AS ?n) WHERE { ?p a heg:StrategicPractice }")
FORM = "application/x-www-form-urlencoded"


def rows(response) -> list[dict]:
    return response.get_json()["results"]["bindings"]


def count(response) -> int:
    return int(rows(response)[0]["n"]["value"])


@pytest.fixture(scope="module")
def practices(fixture_store) -> int:
    """How many practices the fixture release holds (read straight from its dump)."""
    return int(answer_of(fixture_store, PRACTICES)[0]["n"].value)


def test_get_post_form_and_post_direct_agree(client, practices: int) -> None:
    by_get = client.get("/sparql", query_string={"query": PRACTICES})
    by_form = client.post("/sparql", data={"query": PRACTICES})
    by_direct = client.post("/sparql", data=PRACTICES.encode(), content_type="application/sparql-query")
    assert by_get.status_code == by_form.status_code == by_direct.status_code == 200
    assert count(by_get) == count(by_form) == count(by_direct) == practices > 0


def test_default_dataset_is_the_union_of_the_named_graphs(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    total = count(response)
    per_graph = client.get("/sparql", query_string={
        "query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    graphs = {b["g"]["value"]: int(b["n"]["value"]) for b in rows(per_graph)}
    assert set(graphs) == {BASE + "graph/" + k for k in ("data", "ontology", "shapes", "queries", "metadata")}
    assert sum(graphs.values()) == total


def test_default_graph_uri_and_named_graph_uri_are_honoured(client, practices: int) -> None:
    only_ontology = client.get("/sparql", query_string={
        "query": PRACTICES, "default-graph-uri": BASE + "graph/ontology"})
    assert count(only_ontology) == 0
    data = client.post("/sparql", data={"query": PRACTICES, "default-graph-uri": BASE + "graph/data"})
    assert count(data) == practices
    named = client.get("/sparql", query_string=[
        ("query", "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", BASE + "graph/shapes")])
    assert [b["g"]["value"] for b in rows(named)] == [BASE + "graph/shapes"]
    direct = client.post("/sparql?default-graph-uri=" + BASE + "graph/data", data=PRACTICES,
                         content_type="application/sparql-query")
    assert count(direct) == practices


def test_from_names_a_release_graph(client, practices: int) -> None:
    response = client.get("/sparql", query_string={"query": PRACTICES.replace(
        "WHERE", f"FROM <{BASE}graph/ontology> WHERE")})
    assert count(response) == 0
    response = client.get("/sparql", query_string={"query": PRACTICES.replace("WHERE", f"FROM <{BASE}graph/data> WHERE")})
    assert count(response) == practices


@pytest.mark.parametrize("fmt,media", [("json", "application/sparql-results+json"),
                                       ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                       ("tsv", "text/tab-separated-values")])
def test_select_and_ask_formats_parse_back(client, fixture_store, fmt: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media
    if fmt == "csv":  # lossy: pyoxigraph refuses to parse it back
        parsed = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert set(parsed[0]) == {"s", "l"}
    else:
        parsed = list(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.from_media_type(media)))
    assert len(parsed) == len(answer_of(fixture_store, LABELS)) > 0
    ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": fmt})
    if fmt in ("json", "xml", "tsv"):
        assert bool(ox.parse_query_results(ask.data, format=ox.QueryResultsFormat.from_media_type(media)))
    assert b"true" in ask.data


@pytest.mark.parametrize("fmt,media", [("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
                                       ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
                                       ("nquads", "application/n-quads"), ("trig", "application/trig")])
def test_construct_and_describe_formats_parse_back(client, fixture_store, fmt: str, media: str) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <" + BASE + "graph/ontology> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media
    assert len(list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media)))) \
        == len(answer_of(fixture_store, query)) > 0
    describe = client.get("/sparql", query_string={
        "query": f"DESCRIBE <{BASE}id/place/california>", "format": fmt})
    assert describe.status_code == 200
    assert len(list(ox.parse(describe.data, format=ox.RdfFormat.from_media_type(media)))) \
        == len(answer_of(fixture_store, f"DESCRIBE <{BASE}id/place/california>")) > 0


def test_json_results_follow_the_spec_for_terms(client) -> None:
    response = client.get("/sparql", query_string={"query": (
        "SELECT ?iri ?lang ?typed ?plain ?unbound WHERE { BIND(<http://ex/a> AS ?iri) BIND(\"x\"@en AS ?lang) "
        "BIND(5 AS ?typed) BIND(\"p\" AS ?plain) }")})
    binding = rows(response)[0]
    assert binding == {"iri": {"type": "uri", "value": "http://ex/a"},
                       "lang": {"type": "literal", "value": "x", "xml:lang": "en"},
                       "typed": {"type": "literal", "value": "5",
                                 "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                       "plain": {"type": "literal", "value": "p"}}
    assert response.get_json()["head"]["vars"] == ["iri", "lang", "typed", "plain", "unbound"]


def test_head_works_wherever_get_does(client) -> None:
    for query_string in ({"query": LABELS}, {}):
        got = client.get("/sparql", query_string=query_string)
        head = client.head("/sparql", query_string=query_string)
        assert head.status_code == 200 and head.data == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
        assert head.headers["ETag"] == got.headers["ETag"]


def test_cors_and_preflight(client) -> None:
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("ETag", "Link", "Content-Location"):
        assert name in exposed
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    error = client.get("/sparql", query_string={"query": "SELECT"})
    assert error.headers["Access-Control-Allow-Origin"] == "*"


def test_etag_and_304(client) -> None:
    first = client.get("/sparql", query_string={"query": LABELS})
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_type = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert other_type.headers["ETag"] != etag
    other_dataset = client.get("/sparql", query_string={"query": LABELS, "default-graph-uri": BASE + "graph/data"})
    assert other_dataset.headers["ETag"] != etag
    page = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert client.get("/sparql", headers={"Accept": "text/turtle", "If-None-Match": page.headers["ETag"]}).status_code == 304


def test_result_cache_serves_repeats(shared_app, client) -> None:
    cache = state_of(shared_app).cache
    query = LABELS + " LIMIT 3"
    client.get("/sparql", query_string={"query": query})
    hits = cache.hits
    # a header the fast path keys on but the answer does not depend on: the fast path misses, the cache hits
    second = client.get("/sparql", query_string={"query": query}, headers={"Accept-Language": "fr"})
    assert cache.hits == hits + 1 and len(rows(second)) == 3


def test_cache_is_bounded(make_app) -> None:
    app = make_app(CACHE_ENTRIES=2)
    client = app.test_client()
    for limit in range(1, 6):
        assert client.get("/sparql", query_string={"query": f"{LABELS} LIMIT {limit}"}).status_code == 200
    assert len(state_of(app).cache) == 2


def test_row_cap_says_so_in_a_header(make_app) -> None:
    client = make_app(MAX_ROWS=4).test_client()
    capped = client.get("/sparql", query_string={"query": LABELS})
    assert len(rows(capped)) == 4
    assert capped.headers["X-Result-Capped"] == "4" and capped.headers["X-Result-Rows"] == "4"
    whole = client.get("/sparql", query_string={"query": LABELS + " LIMIT 4"})
    assert "X-Result-Capped" not in whole.headers and len(rows(whole)) == 4
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert graph.headers["X-Result-Capped"] == "4" and len(graph.data.splitlines()) == 4


def test_one_log_line_per_query_without_client_data(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="sparql_endpoint.query")
    client.get("/sparql", query_string={"query": LABELS + " LIMIT 2"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    client.get("/sparql", query_string={"query": "SELECT"})
    lines = [r.getMessage() for r in caplog.records if r.name == "sparql_endpoint.query"]
    assert len(lines) == 2
    assert "status=200" in lines[0] and "rows=2" in lines[0] and "duration_ms=" in lines[0] and "hash=" in lines[0]
    assert "status=400" in lines[1]
    assert not any("10.1.2.3" in line or "prefLabel" in line for line in lines)


# ------------------------------------------------------------------ errors in the client's terms

def body(response) -> str:
    return response.get_data(as_text=True)


def test_syntax_error_gives_400_with_position(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE {\n  ?s ?p }"})
    assert response.status_code == 400
    assert "line 2, column" in body(response) and "How to fix it" in body(response)
    as_json = client.get("/sparql", query_string={"query": "SELECT ?s WHERE {\n  ?s ?p }"},
                         headers={"Accept": "application/json"})
    error = as_json.get_json()["error"]
    assert error["status"] == 400 and error["line"] == 2 and error["hint"]


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql", query_string={"update": "INSERT DATA { <a:s> <a:p> <a:o> }"}),
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <a:s> <a:p> <a:o> }"}),
    lambda c: c.post("/sparql", data="INSERT DATA { <a:s> <a:p> <a:o> }", content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data="INSERT DATA { <a:s> <a:p> <a:o> }", content_type="application/sparql-query"),
    lambda c: c.get("/sparql", query_string={"query": "DROP ALL"}),
], ids=["get-update", "form-update", "sparql-update", "update-as-query", "drop-as-query"])
def test_updates_are_403_read_only(client, send) -> None:
    response = send(client)
    assert response.status_code == 403
    assert "read-only" in body(response)


def test_wrong_method_is_405(client) -> None:
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)("/sparql", data="x")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"] and "How to fix it" in body(response)


@pytest.mark.parametrize("content_type,status", [(None, 415), ("text/plain", 415), ("application/json", 415)])
def test_wrong_or_missing_content_type(client, content_type, status) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/sparql", data=b"SELECT * {}", **kwargs)
    assert response.status_code == status
    assert "application/sparql-query" in body(response)


def test_two_queries_are_400(client) -> None:
    response = client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")])
    assert response.status_code == 400 and "more than one query" in body(response)
    response = client.post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert response.status_code == 400
    response = client.post("/sparql?query=ASK%7B%7D", data="ASK {}", content_type="application/sparql-query")
    assert response.status_code == 400


def test_post_without_query_is_400(client) -> None:
    response = client.post("/sparql", data={"format": "json"})
    assert response.status_code == 400 and "no query" in body(response)


@pytest.mark.parametrize("send", [
    lambda c: c.post("/sparql", data=b"SELECT * { ?s ?p \"\xff\" }", content_type="application/sparql-query"),
    lambda c: c.post("/sparql", data=b"query=ASK%20%7B%7D%FF", content_type="application/x-www-form-urlencoded"),
    lambda c: c.get("/sparql?query=ASK%20%7B%7D%FF"),
], ids=["direct", "form", "get"])
def test_body_that_is_not_utf8_is_400(client, send) -> None:
    response = send(client)
    assert response.status_code == 400 and "UTF-8" in body(response)


def test_request_too_large_is_413(make_app) -> None:
    client = make_app(MAX_REQUEST_BYTES=200).test_client()
    big = "SELECT * { ?s ?p ?o } #" + "x" * 300
    assert client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data={"query": big}).status_code == 413
    assert client.get("/sparql", query_string={"query": big}).status_code == 413
    assert client.post("/sparql", data="ASK {}", content_type="application/sparql-query").status_code == 200


def test_a_500_never_shows_internals(make_app, monkeypatch) -> None:
    app = make_app()
    store = state_of(app).store

    def explode(job, timeout):
        raise RuntimeError("secret /etc/passwd details")

    monkeypatch.setattr(store, "execute", explode)
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 500
    assert "secret" not in body(response) and "Traceback" not in body(response)
    assert "reference" in body(response) and "How to fix it" in body(response)


def test_unknown_path_is_404_with_a_pointer(client) -> None:
    response = client.get("/nope")
    assert response.status_code == 404 and "/sparql" in body(response)


def test_error_bodies_are_plain_text_or_json_by_accept(client) -> None:
    text = client.get("/sparql", query_string={"query": "SELECT"}, headers={"Accept": "*/*"})
    assert text.mimetype == "text/plain"
    as_json = client.get("/sparql", query_string={"query": "SELECT"}, headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json"
    assert set(json.loads(as_json.data)["error"]) >= {"status", "title", "message", "hint"}


# --------------------------------------------------------------------------- relative IRIs, unknown graphs


def test_relative_iris_resolve_against_the_endpoint_url_unless_the_query_has_a_base(client, make_app) -> None:
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}", "format": "ntriples"})
    assert graph.status_code == 200
    assert graph.data.decode().strip() == ('<http://localhost/s> <http://localhost/p> '
                                           '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    bound = client.get("/sparql", query_string={"query": "SELECT ?i WHERE { BIND(<x> AS ?i) }"})
    assert rows(bound) == [{"i": {"type": "uri", "value": "http://localhost/x"}}]
    own = client.get("/sparql", query_string={"query": "BASE <http://example.org/a/> SELECT ?i WHERE { BIND(<x> AS ?i) }"})
    assert rows(own)[0]["i"]["value"] == "http://example.org/a/x"
    public = make_app(PUBLIC_URL="https://kg.example.org/sparql").test_client()
    assert rows(public.get("/sparql", query_string={"query": "SELECT ?i WHERE { BIND(<x> AS ?i) }"}))[0]["i"][
        "value"] == "https://kg.example.org/x"


def test_unknown_graphs_are_empty_graphs_named_in_a_header(client, practices: int) -> None:
    data = BASE + "graph/data"
    unknown = "http://127.0.0.1:9/nothing-here"
    for params in ({"query": PRACTICES, "default-graph-uri": [unknown]},
                   {"query": PRACTICES.replace("WHERE", f"FROM <{unknown}> WHERE")}):
        response = client.get("/sparql", query_string=params)
        assert response.status_code == 200 and count(response) == 0
        assert response.headers["X-Graphs-Not-In-Dataset"] == f"<{unknown}>"
    mixed = client.get("/sparql", query_string={"query": PRACTICES, "default-graph-uri": [unknown, data]})
    assert count(mixed) == practices and mixed.headers["X-Graphs-Not-In-Dataset"] == f"<{unknown}>"
    known = client.get("/sparql", query_string={"query": PRACTICES, "default-graph-uri": [data]})
    assert "X-Graphs-Not-In-Dataset" not in known.headers
    named = client.get("/sparql", query_string={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                                 "named-graph-uri": [unknown]})
    assert rows(named) == []  # an empty named graph matches no triple pattern


def test_a_dataset_given_is_exactly_that_dataset(client) -> None:
    """default-graph-uri alone (like FROM alone) leaves no named graphs; named-graph-uri alone no default."""
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only_default = client.get("/sparql", query_string={"query": graphs, "default-graph-uri": BASE + "graph/data"})
    assert rows(only_default) == []
    from_only = client.get("/sparql", query_string={"query": graphs.replace("WHERE", f"FROM <{BASE}graph/data> WHERE")})
    assert rows(from_only) == []
    only_named = client.get("/sparql", query_string={"query": PRACTICES, "named-graph-uri": BASE + "graph/data"})
    assert count(only_named) == 0


def test_etags_follow_the_settings_not_just_the_release(make_app) -> None:
    """A page cut at an old row cap, or a description of old limits, must not be revalidated (304) by a
    server restarted with other settings; the same settings give the same ETag in another process."""
    requests = [("/sparql", {"query": PRACTICES}, "application/sparql-results+json"),
                ("/sparql", {}, "text/turtle"), ("/practices", {}, "text/html"),
                ("/id/place/california", {}, "text/html")]
    first, same, other = make_app(), make_app(), make_app(MAX_ROWS=3)
    for path, params, accept in requests:
        tags = [app.test_client().get(path, query_string=params, headers={"Accept": accept}).headers["ETag"]
                for app in (first, same, other)]
        assert tags[0] == tags[1] != tags[2], (path, accept)
