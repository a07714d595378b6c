"""The endpoint's guarantees hold over a remote store: the policy runs before anything is forwarded, the
cap, the cache, ETags and error messages are the same, credentials come from the environment."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pytest
from flask import Flask

from support.remote_servers import ScriptedServer, answer, read_body, recording
from sparql_endpoint import state_of

HEG = "https://w3id.org/health-equity-guide/"
RESULTS = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
    {"x": {"type": "literal", "value": "one"}}]}}).encode()


results_store = recording(200, RESULTS, "application/sparql-results+json")


@pytest.mark.parametrize("query,status", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400),
    ("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", 400),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", 403),
    ("LOAD <http://127.0.0.1:9/data.ttl>", 403),
])
def test_policy_refuses_before_anything_reaches_the_store(make_app: Callable[..., Flask], query: str,
                                                          status: int) -> None:
    with ScriptedServer(results_store) as store:
        app = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query")
        response = app.test_client().get("/sparql", query_string={"query": query})
        assert response.status_code == status
        assert store.requests == []


def test_updates_by_protocol_never_reach_the_store(make_app: Callable[..., Flask]) -> None:
    with ScriptedServer(results_store) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        assert client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update").status_code == 403
        assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403
        assert store.requests == []


def test_the_cache_and_etags_spare_the_store(make_app: Callable[..., Flask]) -> None:
    with ScriptedServer(results_store) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        first = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"})
        again = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"})
        assert first.status_code == again.status_code == 200 and first.data == again.data
        etag = first.headers["ETag"]
        assert client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"},
                          headers={"If-None-Match": etag}).status_code == 304
        assert len(store.requests) == 1


def test_the_release_dataset_is_stated_to_the_store(make_app: Callable[..., Flask], release) -> None:
    bodies: list[bytes] = []

    with ScriptedServer(recording(200, RESULTS, "application/sparql-results+json", bodies)) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"})
        method, path, headers = store.requests[0]
    assert method == "POST" and path == "/query"
    assert headers["Accept"].startswith("application/sparql-results+json")
    form = parse_qs(bodies[0].decode())
    graphs = sorted(release.manifest["graphs"].values())
    assert form["query"] == ["SELECT ?x WHERE { ?x ?p ?o }"]
    assert sorted(form["default-graph-uri"]) == graphs and sorted(form["named-graph-uri"]) == graphs


@pytest.mark.parametrize("params,default,named", [
    ({"query": "SELECT * FROM <http://127.0.0.1:9/g> FROM NAMED <GRAPH> WHERE { ?s ?p ?o }"},
     ["ABSENT"], ["GRAPH"]),
    ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": ["http://127.0.0.1:9/g", "GRAPH"]},
     ["ABSENT", "GRAPH"], []),
    ({"query": "SELECT * FROM <GRAPH> WHERE { ?s ?p ?o }", "named-graph-uri": "http://127.0.0.1:9/g"},
     [], ["ABSENT"]),  # the protocol's parameters override the query's FROM, at the store too
])
def test_unknown_graphs_never_reach_the_store(make_app: Callable[..., Flask], release, params, default,
                                              named) -> None:
    """A graph the release does not hold is sent as our own empty placeholder graph, so the store never sees
    (and cannot fetch) the IRI the client named; the dataset is always stated, so the query's FROM clauses
    cannot make the store fetch anything either."""
    bodies: list[bytes] = []

    data_graph = release.manifest["graphs"]["data"]
    absent = release.manifest["base_iri"] + "graph/not-in-this-dataset"
    swap = {"GRAPH": data_graph, "ABSENT": absent}

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value.replace("GRAPH", data_graph)

    with ScriptedServer(recording(200, RESULTS, "application/sparql-results+json", bodies)) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        response = client.get("/sparql", query_string={k: fill(v) for k, v in params.items()})
        assert response.status_code == 200
        assert response.headers["X-Graphs-Not-In-Dataset"] == "<http://127.0.0.1:9/g>"
    form = parse_qs(bodies[0].decode())
    assert form.get("default-graph-uri", []) == [swap[g] for g in default]
    assert form.get("named-graph-uri", []) == [swap[g] for g in named]
    assert "127.0.0.1:9/g" not in "".join(v for k, vs in form.items() if k != "query" for v in vs)


def test_relative_iris_resolve_against_the_endpoint_through_the_store_too(make_app: Callable[..., Flask]) -> None:
    bodies: list[bytes] = []

    with ScriptedServer(recording(200, RESULTS, "application/sparql-results+json", bodies)) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        client.get("/sparql", query_string={"query": "SELECT ?i WHERE { BIND(<x> AS ?i) }"})
        client.get("/sparql", query_string={"query": "BASE <http://example.org/> SELECT ?i WHERE { BIND(<x> AS ?i) }"})
    sent = [parse_qs(b.decode())["query"][0] for b in bodies]
    assert sent == ["BASE <http://localhost/sparql> SELECT ?i WHERE { BIND(<x> AS ?i) }",
                    "BASE <http://example.org/> SELECT ?i WHERE { BIND(<x> AS ?i) }"]  # its own BASE: untouched


def test_bearer_token_from_the_environment(make_app: Callable[..., Flask], monkeypatch) -> None:
    monkeypatch.setenv("HEG_STORE_TOKEN", "s3cret-token")
    with ScriptedServer(results_store) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        assert client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"}).status_code == 200
        assert store.requests[0][2]["Authorization"] == "Bearer s3cret-token"


def test_basic_credentials_from_the_environment(make_app: Callable[..., Flask], monkeypatch) -> None:
    monkeypatch.setenv("HEG_STORE_USER", "reader")
    monkeypatch.setenv("HEG_STORE_PASSWORD", "pw")
    with ScriptedServer(results_store) as store:
        client = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query").test_client()
        assert client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p ?o }"}).status_code == 200
        assert store.requests[0][2]["Authorization"] == "Basic cmVhZGVyOnB3"


def test_syntax_errors_read_the_same(apps: dict[str, Flask]) -> None:
    bodies = []
    for app in apps.values():
        response = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"},
                                         headers={"Accept": "application/json"})
        assert response.status_code == 400
        bodies.append(json.loads(response.data)["error"])
    assert bodies[0] == bodies[1]
    assert bodies[0]["line"] == 1 and bodies[0]["title"] == "Query syntax error"


def test_row_cap_is_the_same(make_app: Callable[..., Flask], oxigraph, published) -> None:
    local = make_app(MAX_ROWS=5).test_client()
    remote = make_app(MAX_ROWS=5, STORE_KIND="remote", STORE_URL=oxigraph.query_url).test_client()
    for query, fmt in (("SELECT * WHERE { ?s ?p ?o }", "csv"), ("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples")):
        answers = [c.get("/sparql", query_string={"query": query, "format": fmt}) for c in (local, remote)]
        for response in answers:
            assert response.status_code == 200
            assert response.headers["X-Result-Rows"] == "5" and response.headers["X-Result-Capped"] == "5"
        assert len(answers[1].data.decode().strip().splitlines()) == (6 if fmt == "csv" else 5)


def test_serving_a_release_the_store_does_not_hold_stops_at_start_up(make_app: Callable[..., Flask]) -> None:
    from sparql_endpoint.errors import ReleaseError

    def no_release(handler: BaseHTTPRequestHandler) -> None:
        read_body(handler)
        answer(handler, 200, b'{"head":{},"boolean":false}', "application/sparql-results+json")

    with ScriptedServer(no_release) as store:
        app = make_app(STORE_KIND="remote", STORE_URL=store.url + "/query")
        with pytest.raises(ReleaseError, match="does not hold release"):
            state_of(app).store.start()


def test_remote_without_url_or_with_credentials_in_it_is_refused(make_app: Callable[..., Flask]) -> None:
    from sparql_endpoint.errors import ConfigError

    with pytest.raises(ConfigError, match="STORE_URL"):
        make_app(STORE_KIND="remote")
    with pytest.raises(ConfigError, match="must not contain credentials"):
        make_app(STORE_KIND="remote", STORE_URL="http://user:pw@127.0.0.1:9/query")
