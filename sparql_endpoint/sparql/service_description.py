"""The SPARQL 1.1 Service Description, generated from the running configuration.

Everything stated here comes from the settings and the release actually served: the result formats from
the negotiation tables, the features from what the server does (the default graph is the union of the
named graphs; ``SERVICE`` only to the allow-list), the default dataset with its VoID statistics from the
manifest and ``void.ttl``, the limits as configured, and the release's example queries. The limits use a
small vocabulary of our own (``{base}endpoint#``, each term labelled and defined in the description itself)
because ``sd:`` has none. Each example query is described with the vocabulary the builder publishes it in
(``sh:SPARQLExecutable``, ``rdfs:label``, ``rdfs:comment``, ``sh:select``/..., ``schema:target`` this
endpoint, ``schema:keywords``), linked from the service by ``{base}endpoint#exampleQuery`` and given the
address of its page, ``?example=<slug>`` (``foaf:page``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format
from heg_core.release import Release

from ..state import get_state
from ..stores.results import write_graph
from .query_page import Example, page_data

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
ENT = "http://www.w3.org/ns/entailment/"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
#: example kind -> (the sh: class beside sh:SPARQLExecutable, the property holding the text), as the builder has it
EXAMPLE_TERMS = {"select": ("SPARQLSelectExecutable", "select"), "construct": ("SPARQLConstructExecutable", "construct"),
                 "ask": ("SPARQLAskExecutable", "ask"), "describe": ("SPARQLExecutable", "describe")}

#: setting -> (term, label, definition, datatype)
LIMIT_TERMS: dict[str, tuple[str, str, str, str]] = {
    "QUERY_TIMEOUT": ("queryTimeoutSeconds", "query timeout (seconds)",
                      "A query still running after this many seconds is stopped and answered with 504.", "decimal"),
    "MAX_ROWS": ("maxResultRows", "result row cap",
                 "At most this many solutions (or triples) are returned; a capped answer carries the header "
                 "X-Result-Capped.", "integer"),
    "MAX_REQUEST_BYTES": ("maxRequestBytes", "request size cap",
                          "A request body (or query string) larger than this is refused with 413.", "integer"),
    "QUERY_WORKERS": ("maxConcurrentQueries", "concurrent queries per server process",
                      "Queries run at once in each server process; others wait in a queue.", "integer"),
    "QUEUE_SIZE": ("maxQueuedQueries", "queued queries per server process",
                   "Queries that may wait for a free worker; beyond, 503 with Retry-After.", "integer"),
    "MAX_NESTING": ("maxNestingDepth", "bracket nesting limit",
                    "Queries nesting brackets deeper than this are refused with 400.", "integer"),
}


def endpoint_namespace(release: Release) -> str:
    return release.base_iri + "endpoint#"


def prefixes(release: Release) -> dict[str, str]:
    return {"sd": SD, "void": VOID, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS,
            "ent": ENT, "formats": "http://www.w3.org/ns/formats/", "hege": endpoint_namespace(release),
            "sh": SH, "schema": SCHEMA, "foaf": FOAF, "hegq": release.base_iri + "id/query/"}


def describe_examples(service: ox.NamedNode, release: Release, endpoint_url: str,
                      examples: Sequence[Example]) -> list[ox.Triple]:
    """The example queries, as the builder publishes them, linked from the service and to their page."""
    n = ox.NamedNode
    a = n(RDF + "type")
    link = n(endpoint_namespace(release) + "exampleQuery")
    out = [ox.Triple(link, a, n(RDF + "Property")),
           ox.Triple(link, n(RDFS + "label"), ox.Literal("example query", language="en")),
           ox.Triple(link, n(RDFS + "comment"), ox.Literal(
               "An example query of the release, checked against it when it was built; its foaf:page opens it "
               "on the query page.", language="en"))]
    for example in examples:
        node = n(example.iri)
        extra_class, text_property = EXAMPLE_TERMS.get(example.kind, EXAMPLE_TERMS["select"])
        out += [ox.Triple(service, link, node),
                ox.Triple(node, a, n(SH + "SPARQLExecutable")),
                ox.Triple(node, a, n(SH + extra_class)),
                ox.Triple(node, n(RDFS + "label"), ox.Literal(example.label, language="en")),
                ox.Triple(node, n(SH + text_property), ox.Literal(example.query)),
                ox.Triple(node, n(SCHEMA + "target"), service),
                ox.Triple(node, n(FOAF + "page"), n(endpoint_url + "?example=" + quote(example.slug)))]
        if example.comment:
            out.append(ox.Triple(node, n(RDFS + "comment"), ox.Literal(example.comment, language="en")))
        out += [ox.Triple(node, n(SCHEMA + "keywords"), ox.Literal(k, language="en")) for k in example.keywords]
    return out


def describe(config: Mapping[str, Any], release: Release, endpoint_url: str,
             examples: Sequence[Example] = ()) -> list[ox.Triple]:
    n = ox.NamedNode
    a = n(RDF + "type")
    service = n(endpoint_url)
    ns = endpoint_namespace(release)
    out: list[ox.Triple] = []

    def add(s: Any, p: str, o: Any) -> None:
        out.append(ox.Triple(s, n(p), o))

    out.append(ox.Triple(service, a, n(SD + "Service")))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", n(SD + "SPARQL11Query"))
    add(service, SD + "defaultEntailmentRegime", n(ENT + "Simple"))
    add(service, SD + "feature", n(SD + "UnionDefaultGraph"))
    if config["SERVICE_ALLOWLIST"]:
        add(service, SD + "feature", n(SD + "BasicFederatedQuery"))
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        add(service, SD + "resultFormat", n(fmt.formats_iri))
    add(service, DCTERMS + "title", ox.Literal(f"Health Equity Guide SPARQL endpoint, release {release.version}"))
    add(service, DCTERMS + "description", ox.Literal(
        "Read-only SPARQL 1.1 endpoint: updates, LOAD and SERVICE outside the allow-list are refused. A graph "
        "that the release does not hold, named by FROM, FROM NAMED, default-graph-uri or named-graph-uri, is "
        "an empty graph and is never fetched (the answer lists such graphs in X-Graphs-Not-In-Dataset). "
        "Relative IRIs resolve against this endpoint's URL unless the query sets its own BASE."))
    add(service, ns + "relativeIRIBase", service)
    out.append(ox.Triple(n(ns + "relativeIRIBase"), a, n(RDF + "Property")))
    add(n(ns + "relativeIRIBase"), RDFS + "label", ox.Literal("base of relative IRIs", language="en"))
    add(n(ns + "relativeIRIBase"), RDFS + "comment", ox.Literal(
        "The IRI that relative IRIs of a query resolve against when the query has no BASE of its own.",
        language="en"))

    dataset = ox.BlankNode()
    add(service, SD + "defaultDataset", dataset)
    out.append(ox.Triple(dataset, a, n(SD + "Dataset")))
    add(dataset, RDFS + "seeAlso", n(release.base_iri + "id/dataset"))
    add(dataset, DCTERMS + "hasVersion", ox.Literal(release.version))
    default_graph = ox.BlankNode()
    add(dataset, SD + "defaultGraph", default_graph)
    out.append(ox.Triple(default_graph, a, n(SD + "Graph")))
    add(default_graph, RDFS + "comment", ox.Literal("The union of the release's named graphs."))
    add(default_graph, VOID + "triples", ox.Literal(str(release.triples.get("total", 0)), datatype=n(XSD + "integer")))
    for key, iri in sorted(release.graphs.items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        add(dataset, SD + "namedGraph", named)
        out.append(ox.Triple(named, a, n(SD + "NamedGraph")))
        add(named, SD + "name", n(iri))
        add(named, SD + "graph", graph)
        out.append(ox.Triple(graph, a, n(SD + "Graph")))
        add(graph, VOID + "triples", ox.Literal(str(release.triples.get(key, 0)), datatype=n(XSD + "integer")))

    for setting, (term, label, definition, datatype) in LIMIT_TERMS.items():
        value = config[setting]
        add(service, ns + term, ox.Literal(str(value), datatype=n(XSD + datatype)))
        out.append(ox.Triple(n(ns + term), a, n(RDF + "Property")))
        add(n(ns + term), RDFS + "label", ox.Literal(label, language="en"))
        add(n(ns + term), RDFS + "comment", ox.Literal(definition, language="en"))
    add(service, ns + "readOnly", ox.Literal("true", datatype=n(XSD + "boolean")))
    add(n(ns + "readOnly"), RDFS + "comment", ox.Literal("Updates and LOAD are refused with 403.", language="en"))
    for allowed in config["SERVICE_ALLOWLIST"]:
        add(service, ns + "allowedService", n(allowed))
    add(n(ns + "allowedService"), RDFS + "comment", ox.Literal(
        "A SERVICE IRI queries may call; any other SERVICE is refused with 400. None means no SERVICE call "
        "is allowed.", language="en"))

    out.extend(describe_examples(service, release, endpoint_url, examples))

    if release.void_path is not None:
        with release.void_path.open("rb") as handle:
            out.extend(ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(handle, format=ox.RdfFormat.TURTLE))
    return out


def document(endpoint_url: str, fmt: Format) -> bytes:
    """The Service Description of this endpoint at ``endpoint_url``, in ``fmt`` (kept in the result cache:
    the URL comes from the request)."""
    state = get_state()
    key = ("service-description", state.release.digest, endpoint_url, fmt.key)
    body = state.cache.get(key)
    if body is None:
        triples = describe(state.config, state.release, endpoint_url, page_data().examples)
        body = write_graph(triples, fmt.key, prefixes(state.release))
        state.cache.put(key, body, len(body))
    return body
