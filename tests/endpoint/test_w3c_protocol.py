"""The W3C SPARQL 1.1 Protocol test manifest (w3c/rdf-tests, ``sparql/sparql11/protocol/manifest.ttl``),
its query-side entries, against `heg serve` as a real process: embedded and over a real Oxigraph server.

Each case is one manifest entry (the pytest id is the entry's local name) and sends the request the
entry describes: its method, its ``ht:absolutePath`` (percent-encoded as in the manifest; the manifest
asks the runner to replace its ``/sparql/`` prefix with the endpoint's path, here ``/sparql``), its body
with its ``cnt:characterEncoding`` and its content type, or none when the entry has none. The entry's
``ht:connectionAuthority "www.example"`` becomes the loopback server: no request of this module goes
anywhere but 127.0.0.1. The expectations are the entry's (``mf:expectedStatus``, ``mf:expectedFormat``,
``mf:expectedBoolean``), made exact where our documentation is (docs/endpoint.md: a 2xx/3xx entry must be
200, a 4xx one the status the Errors table gives).

Query side, covered (all 20): query_post_form, query_dataset_default_graphs_get,
query_dataset_default_graphs_post, query_dataset_named_graphs_post, query_dataset_named_graphs_get,
query_dataset_full, query_multiple_dataset, query_get, query_content_type_select,
query_content_type_ask, query_content_type_describe, query_content_type_construct, query_post_direct,
bad_query_method, bad_multiple_queries, bad_query_wrong_media_type, bad_query_missing_form_type,
bad_query_missing_direct_type, bad_query_non_utf8, bad_query_syntax.

Adapted to our documented behaviour: the entries that name remote data files in a dataset
(``http://kasei.us/2009/09/sparql/data/data0.rdf`` ... ``data3.rdf``, by ``default-graph-uri``,
``named-graph-uri`` or ``FROM``; the manifest's ``ut:graphData`` expects an endpoint to hold them) are
answered over graphs the release does not hold, which our rule makes empty graphs, never fetched: 200,
the answer over empty graphs (``ASK {}`` stays true, the ASKs over the data files' triples are false, the
DESCRIBE is empty), and ``X-Graphs-Not-In-Dataset`` naming exactly the graphs of the dataset the query
was answered over (for query_multiple_dataset, the protocol's named graphs: its ``FROM`` is overridden).
The manifest's own expectation (true) is then checked with the same request where three release graphs
stand in for the data files (each holding one typed subject no other graph types), and shown to depend
on the dataset given: without the request's last graph, false. A listener on loopback standing in for
kasei.us proves that none of these requests makes the server connect anywhere.

Update side, out of scope (the endpoint is read-only: docs/endpoint.md, Safety): update_dataset_default_graph,
update_dataset_default_graphs, update_dataset_named_graphs, update_dataset_full, update_post_form,
update_post_direct, update_base_uri, bad_update_get, bad_multiple_updates, bad_update_wrong_media_type,
bad_update_missing_form_type, bad_update_non_utf8, bad_update_syntax, bad_update_dataset_conflict. One
test sends each of them as the manifest describes: a plain update request (an ``update`` parameter or an
``application/sparql-update`` body) is refused with 403, the two that are not SPARQL requests at all
(``text/plain``, no content type) with 415, the entries' follow-up ASKs find nothing, and the stores hold
what they held.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from support.loopback import Listener
from support.w3c import SERVER_KINDS, Reply, Servers, send, served_pair
from support.w3c_protocol_manifest import (BY_NAME, DATA, DIRECT, KASEI, MANIFEST_ENTRIES, QUERY_ENTRIES,
                                            UPDATE_ENTRIES, Entry, Request, UpdateEntry, q)

BASE = "https://w3id.org/health-equity-guide/"
NOT_IN_DATASET = "X-Graphs-Not-In-Dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

#: mf:expectedFormat -> the media types the manifest's names allow ("expect one of: XML, JSON, CSV, TSV";
#: "expect one of: XML, JSON"; "expect one of: RDF/XML, Turtle, N-Triples, RDFa": RDFa is not parsed here
#: and we never send it).
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


#: Release graphs standing in for the manifest's data files (each with a subject typed in that graph only,
#: checked below): the manifest's ut:graphData, data<n>.rdf holding ``<data<n>.rdf> a foaf:Document``.
STAND_INS = {
    DATA[1]: (BASE + "graph/ontology", BASE + "ontology"),
    DATA[2]: (BASE + "graph/shapes", BASE + "shapes#WebLinks"),
    DATA[3]: (BASE + "graph/queries", BASE + "id/query/key-actions-of-a-practice"),
}
OVER_DATA_FILES = [entry for entry in QUERY_ENTRIES if entry.manifest_boolean is not None]


def over_release_graphs(request: Request) -> Request:
    """The same request with the stand-ins for the data files: each file's IRI becomes its release graph
    in the dataset (parameters, FROM), and ``<data<n>.rdf> a ?type`` becomes ``<subject<n>> a ?type<n>``
    (no one type is held by a subject of each of the three graphs)."""

    def swap(text: str) -> str:
        for n, (data, (graph, subject)) in enumerate(STAND_INS.items(), start=1):
            text = text.replace(f"<{data}> a ?type", f"<{subject}> a ?type{n}").replace(data, graph)
        return text

    head, _, params = request.target.partition("?")
    pairs = [part.partition("=") for part in params.split("&")] if params else []
    target = head + ("?" + "&".join(f"{k}={q(swap(urllib.parse.unquote(v)))}" for k, _, v in pairs) if pairs else "")
    body = swap(request.body.decode()).encode() if request.body is not None else None
    return replace(request, target=target, body=body)


def without_last_graph(request: Request) -> Request:
    """The request without its last ``default-graph-uri`` / ``named-graph-uri`` parameter."""
    head, _, params = request.target.partition("?")
    parts = params.split("&")
    last = max(i for i, part in enumerate(parts) if part.startswith(("default-graph-uri=", "named-graph-uri=")))
    return replace(request, target=f"{head}?{'&'.join(parts[:last] + parts[last + 1:])}")


def with_remote_iris_at(request: Request, base: str) -> Request:
    """The request with ``http://kasei.us/`` replaced by ``base`` (a loopback listener)."""
    body = request.body.replace(KASEI.encode(), base.encode()) if request.body else request.body
    return replace(request, target=request.target.replace(q(KASEI), q(base)), body=body)


@pytest.fixture(scope="module")
def servers(fixture_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with served_pair(fixture_release, tmp_path_factory.mktemp("w3c-protocol")) as pair:
        yield pair


@pytest.fixture(params=SERVER_KINDS)
def endpoint(request: pytest.FixtureRequest, servers: Servers) -> str:
    """The /sparql URL of `heg serve`, embedded or over Oxigraph."""
    return servers.endpoints[request.param]


def boolean_of(reply: Reply) -> bool:
    assert reply.media_type in FORMATS["boolean"], reply.media_type
    result = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.from_media_type(reply.media_type))
    assert isinstance(result, ox.QueryBoolean), result
    return bool(result)


def solutions_of(reply: Reply) -> list[dict[str, str]]:
    """Rows as {variable: lexical value}; CSV (lossy, which pyoxigraph refuses to parse) read as text."""
    assert reply.media_type in FORMATS["tabular"], reply.media_type
    if reply.media_type == "text/csv":
        return list(csv.DictReader(io.StringIO(reply.body.decode())))
    result = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.from_media_type(reply.media_type))
    assert isinstance(result, ox.QuerySolutions), result
    return [{v.value: s[v].value for v in result.variables if s[v] is not None} for s in result]


def triples_of(reply: Reply) -> set[tuple[str, str, str]]:
    assert reply.media_type in FORMATS["RDF"], reply.media_type
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type))}


def test_the_entries_are_the_manifests() -> None:
    """Every manifest entry is here once, on the query side or on the update side."""
    query_side = [entry.name for entry in QUERY_ENTRIES]
    update_side = [entry.name for entry in UPDATE_ENTRIES]
    assert sorted(query_side + update_side) == sorted(MANIFEST_ENTRIES)
    assert len(set(query_side + update_side)) == len(MANIFEST_ENTRIES) == 34


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in QUERY_ENTRIES])
def test_query_side_entry(entry: Entry, endpoint: str) -> None:
    reply = entry.request.to(endpoint)
    body = reply.body.decode(errors="replace")
    # mf:expectedStatus: hts:StatusCode2xx, hts:StatusCode3xx, or hts:StatusCode4xx; ours exactly
    assert (200 <= reply.status < 400) if entry.status < 400 else (400 <= reply.status < 500), (reply.status, body)
    assert reply.status == entry.status, body
    if entry.status >= 400:
        assert "How to fix it" in body  # docs/endpoint.md, Errors: each says how to fix it
        if entry.status == 405:
            assert {"GET", "POST"} <= {m.strip() for m in (reply.headers.get("Allow") or "").split(",")}
        return
    # the dataset's graphs that the release does not hold: named, exactly, once each
    assert sorted(reply.header_iris(NOT_IN_DATASET)) == sorted(entry.not_in_dataset)
    if entry.format == "boolean":
        assert boolean_of(reply) is entry.boolean
    elif entry.format == "tabular":
        # SELECT (1 AS ?value) {}: one solution, ?value = 1, an xsd:integer (which all but the lossy CSV say)
        assert solutions_of(reply) == [{"value": "1"}]
        if reply.media_type != "text/csv":
            result = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.from_media_type(reply.media_type))
            assert [s["value"] for s in result] == [ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER))]
    elif entry.format == "RDF":
        triples = triples_of(reply)
        if entry.name == "query_content_type_construct":
            # <s> and <p> resolve against the endpoint's URL (docs/endpoint.md, Relative IRIs)
            resolved = urllib.parse.urljoin(endpoint, "s"), urllib.parse.urljoin(endpoint, "p")
            assert triples == {(f"<{resolved[0]}>", f"<{resolved[1]}>", f'"1"^^<{XSD_INTEGER}>')}
        else:  # DESCRIBE <http://example.org/> over an empty default graph
            assert triples == set()


def test_stand_ins_are_typed_in_their_graph_only(fixture_store: ox.Store) -> None:
    """Without this, the stand-in answers below would not show which graphs the dataset held."""
    for graph, subject in STAND_INS.values():
        graphs = {q_.graph_name.value for q_ in fixture_store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(RDF_TYPE), None, None)}
        assert graphs == {graph}, subject


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in OVER_DATA_FILES])
def test_the_manifests_answer_over_release_graphs(entry: Entry, endpoint: str) -> None:
    """The manifest's own expectation, with release graphs standing in for its data files; and without
    the request's last graph the answer is false, so it came from the dataset given, not the union."""
    stand_in = over_release_graphs(entry.request)
    assert KASEI not in urllib.parse.unquote(stand_in.target) + (stand_in.body or b"").decode()
    reply = stand_in.to(endpoint)
    assert reply.status == 200, reply.body
    assert boolean_of(reply) is entry.manifest_boolean
    assert NOT_IN_DATASET not in reply.headers
    fewer = without_last_graph(stand_in).to(endpoint)
    assert fewer.status == 200 and boolean_of(fewer) is False


@pytest.mark.parametrize("entry", [pytest.param(BY_NAME["query_multiple_dataset"], id="query_multiple_dataset")])
def test_the_protocol_dataset_overrides_from(entry: Entry, endpoint: str) -> None:
    """query_multiple_dataset's point, "test for use of protocol-specified dataset": with named-graph-uri
    given, the query's FROM graph is not the default graph (the default graph is empty)."""
    graph, subject = STAND_INS[DATA[3]]
    ask = f"ASK FROM <{graph}> {{ <{subject}> a ?type }}".encode()
    stand_in = over_release_graphs(entry.request)
    overridden = replace(stand_in, body=ask).to(endpoint)
    assert overridden.status == 200 and boolean_of(overridden) is False
    alone = replace(stand_in, target="", body=ask).to(endpoint)
    assert alone.status == 200 and boolean_of(alone) is True


def test_no_entry_makes_the_server_connect_anywhere(servers: Servers) -> None:
    """Every query-side entry again, with a loopback listener in place of kasei.us: the answers are the
    same (the graphs named are the listener's), and the listener receives zero connections."""
    listener = Listener()
    try:
        for entry in QUERY_ENTRIES:
            request = with_remote_iris_at(entry.request, listener.url)
            for endpoint in servers.endpoints.values():
                reply = request.to(endpoint)
                assert reply.status == entry.status, (entry.name, reply.body)
                expected = [iri.replace(KASEI, listener.url) for iri in entry.not_in_dataset]
                assert sorted(reply.header_iris(NOT_IN_DATASET)) == sorted(expected), entry.name
        listener.settle()
        assert listener.connections == 0
    finally:
        listener.close()


def _graph_sizes(url: str, tag: str) -> dict[str, int]:
    """Triples per named graph at ``url`` (ours, or Oxigraph's own /query); ``tag`` makes the query text
    new, so that our result cache cannot answer it."""
    query = f"# {tag}\nSELECT ?g (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    reply = send(url, "GET", "?query=" + q(query), headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.body
    return {row["g"]: int(row["n"]) for row in solutions_of(reply)}


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in UPDATE_ENTRIES])
def test_update_side_entries_are_refused(entry: UpdateEntry, endpoint: str, servers: Servers) -> None:
    """Out of scope (read-only endpoint): each update entry's request is refused, its follow-up ASK (what
    the update would have made true) is false, and neither the release store nor Oxigraph changed."""
    held = {url: _graph_sizes(url, f"{entry.name} before") for url in (endpoint, servers.oxigraph.query_url)}
    reply = entry.request.to(endpoint)
    body = reply.body.decode(errors="replace")
    assert 400 <= reply.status < 500 and reply.status == entry.status, (reply.status, body)
    if entry.status == 403:
        assert "read-only" in body
    if entry.follow_up is not None:
        ask = Request("POST", "", entry.follow_up.encode(), DIRECT).to(endpoint)
        assert ask.status == 200 and boolean_of(ask) is False
    for url, sizes in held.items():
        assert len(sizes) == 5 and _graph_sizes(url, f"{entry.name} after") == sizes, url
