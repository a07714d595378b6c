"""The SPARQL 1.1 Service Description, generated from the running configuration.

Everything stated here comes from the settings and the release actually served: the result formats from
the negotiation tables, the features from what the server does (the default graph is the union of the
named graphs; ``SERVICE`` only to the allow-list), the default dataset with its VoID statistics from the
manifest and ``void.ttl``, and the limits as configured. The limits use a small vocabulary of our own
(``{base}endpoint#``, each term labelled and defined in the description itself) because ``sd:`` has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from .negotiation import GRAPH_FORMATS, SOLUTION_FORMATS
from .store import Release

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
ENT = "http://www.w3.org/ns/entailment/"

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
            "ent": ENT, "formats": "http://www.w3.org/ns/formats/", "hege": endpoint_namespace(release)}


def describe(config: Mapping[str, Any], release: Release, endpoint_url: str) -> list[ox.Triple]:
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
        "Read-only SPARQL 1.1 endpoint: updates, LOAD and SERVICE outside the allow-list are refused; "
        "FROM and FROM NAMED may only name the graphs of the release."))

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

    if release.void_path is not None:
        with release.void_path.open("rb") as handle:
            out.extend(ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(handle, format=ox.RdfFormat.TURTLE))
    return out
