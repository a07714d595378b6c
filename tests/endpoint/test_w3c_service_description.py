"""The W3C SPARQL 1.1 Service Description test manifest (w3c/rdf-tests,
``sparql/sparql11/service-description/manifest.ttl``) against `heg serve` as a real process, embedded and
over a real Oxigraph server (pytest ids: the server, then the entry's local name).

The manifest's three entries carry only their names (``mf:ServiceDescriptionTest``, no action); what
each asks is read from the Service Description spec (https://www.w3.org/TR/sparql11-service-description/,
section 2, "Accessing a Service Description", and section 3, the vocabulary):

- ``returns-rdf``, "GET on endpoint returns RDF": a GET of the endpoint URL without a query string
  answers a service description in an RDF serialization (here: with no Accept header, as a test runner
  sends it, with ``*/*``, and with each RDF media type docs/endpoint.md offers it in, the same graph).
- ``has-endpoint-triple``, "Service description contains a matching sd:endpoint triple": an
  ``sd:Service`` whose ``sd:endpoint`` is the URL that was fetched.
- ``conforms-to-schema``, "Service description conforms to schema": every term of the ``sd:`` namespace
  used is one of the vocabulary, and every ``sd:`` property is used between nodes of its domain and its
  range (the classes stated with ``rdf:type``, with the vocabulary's subclasses, or the well-known
  instances: the vocabulary's languages and features, the W3C format IRIs, the entailment regimes and
  profiles). Then what docs/endpoint.md says the description states is checked against what the server
  does: the result formats it lists are served, the default dataset's triple counts are those of the
  graphs queried.

Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from support.w3c import SERVER_KINDS, Reply, Servers, send, served_pair

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
FORMATS_NS = "http://www.w3.org/ns/formats/"
BASE = "https://w3id.org/health-equity-guide/"
RELEASE_GRAPHS = {BASE + "graph/" + name for name in ("data", "ontology", "shapes", "queries", "metadata")}

#: The RDF media types a bare GET may ask the description in (docs/endpoint.md, the Accept table).
RDF_MEDIA_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                   "application/n-quads", "application/trig")

# --- the Service Description vocabulary (spec section 3) ------------------------------------------------
SUBCLASS_OF = {"Language": "Feature", "Function": "Feature", "Aggregate": "Function", "Dataset": "GraphCollection"}
CLASSES = {"Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime", "EntailmentProfile",
           "GraphCollection", "Dataset", "Graph", "NamedGraph"}
INSTANCES = {"SPARQL10Query": "Language", "SPARQL11Query": "Language", "SPARQL11Update": "Language",
             "DereferencesURIs": "Feature", "UnionDefaultGraph": "Feature", "RequiresDataset": "Feature",
             "EmptyGraphs": "Feature", "BasicFederatedQuery": "Feature"}
IRI = "an IRI"  # the range of sd:endpoint and sd:name: "the object ... is an IRI"
FORMAT = FORMATS_NS + "Format"
PROPERTIES = {  # property: (domain, range), sd classes by local name
    "endpoint": ("Service", IRI),
    "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "entailmentRegime": ("NamedGraph", "EntailmentRegime"),
    "defaultSupportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "supportedEntailmentProfile": ("NamedGraph", "EntailmentProfile"),
    "extensionFunction": ("Service", "Function"),
    "extensionAggregate": ("Service", "Aggregate"),
    "languageExtension": ("Service", "Feature"),
    "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", "Feature"),
    "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"),
    "resultFormat": ("Service", FORMAT),
    "inputFormat": ("Service", FORMAT),
    "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"),
    "name": ("NamedGraph", IRI),
    "graph": ("NamedGraph", "Graph"),
}
#: Well-known instances outside the sd: namespace: the W3C "Unique URIs for File Formats", the entailment
#: regimes of SPARQL 1.1 Entailment Regimes and the OWL 2 profiles.
FORMAT_IRIS = {FORMATS_NS + name for name in (
    "JSON-LD", "N3", "N-Triples", "N-Quads", "LD_Patch", "microdata", "OWL_XML", "OWL_Functional",
    "OWL_Manchester", "POWDER", "POWDER-S", "PROV-N", "PROV-XML", "RDFa", "RDF_JSON", "RDF_XML", "RIF_XML",
    "Turtle", "TriG", "SPARQL_Results_XML", "SPARQL_Results_JSON", "SPARQL_Results_CSV", "SPARQL_Results_TSV")}
ENTAILMENT_REGIMES = {"http://www.w3.org/ns/entailment/" + name for name in (
    "Simple", "RDF", "RDFS", "D", "OWL-Direct", "OWL-RDF-Based", "RIF")}
ENTAILMENT_PROFILES = {"http://www.w3.org/ns/owl-profile/" + name for name in ("DL", "EL", "QL", "RL", "Full")}

#: The result formats docs/endpoint.md lists, by W3C format IRI: the media type to ask and get them in.
SOLUTION_FORMATS = {"SPARQL_Results_JSON": "application/sparql-results+json",
                    "SPARQL_Results_XML": "application/sparql-results+xml",
                    "SPARQL_Results_CSV": "text/csv", "SPARQL_Results_TSV": "text/tab-separated-values"}
GRAPH_FORMATS = {"Turtle": "text/turtle", "N-Triples": "application/n-triples", "JSON-LD": "application/ld+json",
                 "RDF_XML": "application/rdf+xml", "N-Quads": "application/n-quads", "TriG": "application/trig"}


def entry(name: str) -> pytest.MarkDecorator:
    """The manifest entry a test checks, as its pytest id."""
    return pytest.mark.parametrize("manifest_entry", [pytest.param(name, id=name)])


@pytest.fixture(scope="module")
def servers(fixture_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with served_pair(fixture_release, tmp_path_factory.mktemp("w3c-sd")) as pair:
        yield pair


@pytest.fixture(params=SERVER_KINDS)
def endpoint(request: pytest.FixtureRequest, servers: Servers) -> str:
    return servers.endpoints[request.param]


def quads(reply: Reply) -> list[ox.Quad | ox.Triple]:
    return list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type)))


def description(endpoint: str, headers: dict[str, str] | None = None) -> ox.Store:
    """The description a bare GET answers, in a store (the default graph)."""
    reply = send(endpoint, "GET", "", headers=headers)
    assert reply.status == 200, reply.body
    store = ox.Store()
    for item in quads(reply):
        store.add(ox.Quad(item.subject, item.predicate, item.object))
    return store


def objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode | None, predicate: str) -> set:
    return {q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)}


def services(store: ox.Store) -> set:
    return {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Service"))}


def as_rdflib(store: ox.Store) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(store, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def ask(endpoint: str, query: str, accept: str = "application/sparql-results+json") -> Reply:
    return send(endpoint, "GET", "?query=" + urllib.parse.quote(query, safe=""), headers={"Accept": accept})


@entry("returns-rdf")
@pytest.mark.parametrize("headers", [{}, {"Accept": "*/*"}, *({"Accept": media} for media in RDF_MEDIA_TYPES)],
                         ids=["no Accept", "*/*", *RDF_MEDIA_TYPES])
def test_returns_rdf(manifest_entry: str, endpoint: str, headers: dict[str, str]) -> None:
    """GET on endpoint returns RDF: a service description, the same graph in every RDF format asked."""
    reply = send(endpoint, "GET", "", headers=headers)
    assert reply.status == 200, reply.body
    wanted = headers.get("Accept")
    assert reply.media_type == (wanted if wanted in RDF_MEDIA_TYPES else "text/turtle")
    store = description(endpoint, headers)
    assert len(services(store)) == 1
    assert isomorphic(as_rdflib(store), as_rdflib(description(endpoint, {"Accept": "text/turtle"})))


@entry("has-endpoint-triple")
@pytest.mark.parametrize("host", [None, "localhost"], ids=["127.0.0.1", "Host localhost"])
def test_has_endpoint_triple(manifest_entry: str, endpoint: str, host: str | None) -> None:
    """The description contains a matching sd:endpoint triple: its sd:Service's endpoint is the URL that
    was fetched (also when the client named the server differently; the connection stays on 127.0.0.1)."""
    url = urllib.parse.urlsplit(endpoint)
    fetched = endpoint if host is None else url._replace(netloc=f"{host}:{url.port}").geturl()
    store = description(endpoint, {"Host": f"{host}:{url.port}"} if host else None)
    (service,) = services(store)
    assert objects(store, service, SD + "endpoint") == {ox.NamedNode(fetched)}


def types_of(store: ox.Store, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> set[str]:
    """The classes a node belongs to: stated, with the vocabulary's subclasses, or well known."""
    if isinstance(node, ox.Literal):
        return set()
    found = {t.value for t in objects(store, node, RDF_TYPE)}
    if isinstance(node, ox.NamedNode):
        if node.value.startswith(SD) and node.value[len(SD):] in INSTANCES:
            found.add(SD + INSTANCES[node.value[len(SD):]])
        for known, cls in ((FORMAT_IRIS, FORMAT), (ENTAILMENT_REGIMES, SD + "EntailmentRegime"),
                           (ENTAILMENT_PROFILES, SD + "EntailmentProfile")):
            if node.value in known:
                found.add(cls)
    for iri in list(found):
        name = iri[len(SD):] if iri.startswith(SD) else None
        while name in SUBCLASS_OF:
            name = SUBCLASS_OF[name]
            found.add(SD + name)
    return found


def schema_violations(store: ox.Store) -> list[str]:
    terms = CLASSES | set(INSTANCES) | set(PROPERTIES)
    problems = []
    for quad in store:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SD) and term.value[len(SD):] not in terms:
                problems.append(f"{term} is not a term of the vocabulary")
        if quad.predicate.value == RDF_TYPE and quad.object.value.startswith(SD) \
                and quad.object.value[len(SD):] not in CLASSES:
            problems.append(f"{quad.object} is not a class")
        prop = quad.predicate.value[len(SD):] if quad.predicate.value.startswith(SD) else None
        if prop not in PROPERTIES:
            continue
        domain, range_ = PROPERTIES[prop]
        if SD + domain not in types_of(store, quad.subject):
            problems.append(f"sd:{prop}: subject {quad.subject} is not an sd:{domain}")
        if range_ == IRI:
            if not isinstance(quad.object, ox.NamedNode):
                problems.append(f"sd:{prop}: object {quad.object} is not an IRI")
        elif (range_ if range_ == FORMAT else SD + range_) not in types_of(store, quad.object):
            problems.append(f"sd:{prop}: object {quad.object} is not a {range_}")
    return problems


@entry("conforms-to-schema")
def test_conforms_to_schema(manifest_entry: str, endpoint: str) -> None:
    store = description(endpoint)
    assert schema_violations(store) == []
    assert services(store)
    # the check sees violations: a misspelt term, a literal endpoint, a service-less feature
    broken = description(endpoint)
    service = next(iter(services(broken)))
    broken.add(ox.Quad(service, ox.NamedNode(SD + "suportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")))
    broken.add(ox.Quad(service, ox.NamedNode(SD + "endpoint"), ox.Literal("http://x.test/sparql")))
    broken.add(ox.Quad(ox.BlankNode(), ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "EmptyGraphs")))
    assert len(schema_violations(broken)) == 3


@entry("conforms-to-schema")
def test_what_the_description_states_is_what_the_server_does(manifest_entry: str, endpoint: str) -> None:
    """docs/endpoint.md: SPARQL 1.1 Query only (read-only), the union default graph, no federation (no
    SERVICE allowed), every result format of the tables, and the release's graphs with their sizes."""
    store = description(endpoint)
    (service,) = services(store)
    assert objects(store, service, SD + "supportedLanguage") == {ox.NamedNode(SD + "SPARQL11Query")}
    assert objects(store, service, SD + "feature") == {ox.NamedNode(SD + "UnionDefaultGraph")}
    formats = {f.value for f in objects(store, service, SD + "resultFormat")}
    assert formats == {FORMATS_NS + name for name in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}
    for name, media in SOLUTION_FORMATS.items():
        reply = ask(endpoint, "SELECT (1 AS ?one) {}", media)
        assert (reply.status, reply.media_type) == (200, media), name
    for name, media in GRAPH_FORMATS.items():
        reply = ask(endpoint, "CONSTRUCT { <urn:x:s> <urn:x:p> 1 } WHERE {}", media)
        assert (reply.status, reply.media_type) == (200, media), name
        assert len(quads(reply)) == 1, name
    (dataset,) = objects(store, service, SD + "defaultDataset")
    (default_graph,) = objects(store, dataset, SD + "defaultGraph")
    stated = {}
    for named in objects(store, dataset, SD + "namedGraph"):
        ((name,), (graph,)) = objects(store, named, SD + "name"), objects(store, named, SD + "graph")
        (stated[name.value],) = {int(t.value) for t in objects(store, graph, VOID_TRIPLES)}
    assert set(stated) == RELEASE_GRAPHS
    reply = ask(endpoint, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counted = {row["g"]["value"]: int(row["n"]["value"])
               for row in json.loads(reply.body)["results"]["bindings"]}
    assert counted == stated
    reply = ask(endpoint, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    union = int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])
    assert {int(t.value) for t in objects(store, default_graph, VOID_TRIPLES)} == {union}
