"""The W3C SPARQL 1.1 Protocol test manifest (w3c/rdf-tests, ``sparql/sparql11/protocol/manifest.ttl``)
as data: each entry's first request as the manifest describes it (method, ``ht:absolutePath`` after its
``/sparql/`` prefix, body in its ``cnt:characterEncoding``, content type or none), its ``mf:name``, and
what tests/endpoint/test_w3c_protocol.py expects of it (the manifest's expectation, made exact by
docs/endpoint.md, and adapted where the manifest expects remote data files the release does not hold).
Written from the manifest's text (and compared with its RDF, request by request, when written); none of
its harness is used.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from .w3c import Reply, send

KASEI = "http://kasei.us/"
DATA = [f"{KASEI}2009/09/sparql/data/data{n}.rdf" for n in range(4)]
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

#: The manifest's mf:entries, in its order.
MANIFEST_ENTRIES = (
    "query_post_form", "query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post", "query_dataset_named_graphs_get", "query_dataset_full",
    "query_multiple_dataset", "query_get", "query_content_type_select", "query_content_type_ask",
    "query_content_type_describe", "query_content_type_construct", "update_dataset_default_graph",
    "update_dataset_default_graphs", "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri", "query_post_direct", "bad_query_method", "bad_multiple_queries",
    "bad_query_wrong_media_type", "bad_query_missing_form_type", "bad_query_missing_direct_type",
    "bad_query_non_utf8", "bad_query_syntax", "bad_update_get", "bad_multiple_updates",
    "bad_update_wrong_media_type", "bad_update_missing_form_type", "bad_update_non_utf8", "bad_update_syntax",
    "bad_update_dataset_conflict",
)

def q(iri: str) -> str:
    """An IRI as the manifest writes it in a path: every reserved character percent-encoded."""
    return urllib.parse.quote(iri, safe="")


@dataclass(frozen=True)
class Request:
    method: str
    target: str = ""                   # ht:absolutePath after "/sparql/": "" or "?..."
    body: bytes | None = None          # cnt:chars in cnt:characterEncoding
    content_type: str | None = None    # the ht:RequestHeader content-type, when the entry has one

    def to(self, endpoint: str) -> Reply:
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        return send(endpoint, self.method, self.target, self.body, headers)


@dataclass(frozen=True)
class Entry:
    name: str                          # the entry's local name
    title: str                         # its mf:name
    request: Request
    status: int                        # mf:expectedStatus, made exact by docs/endpoint.md
    format: str | None = None          # mf:expectedFormat
    boolean: bool | None = None        # the answer we expect (the manifest's, or over empty graphs)
    manifest_boolean: bool | None = None  # mf:expectedBoolean, when it differs from ``boolean``
    not_in_dataset: tuple[str, ...] = ()  # the dataset's graphs the release does not hold


def _ask_two_defaults() -> str:
    return f"ASK {{ <{DATA[1]}> a ?type . <{DATA[2]}> a ?type . }}"


def _ask_two_named() -> str:
    return f"ASK {{ GRAPH ?g1 {{ <{DATA[1]}> a ?type }} GRAPH ?g2 {{ <{DATA[2]}> a ?type }} }}"


QUERY_ENTRIES = (
    Entry("query_post_form", "query via URL-encoded POST",
          Request("POST", f"?default-graph-uri={q(DATA[0])}", b"query=ASK%20%7B%7D", FORM),
          200, "boolean", True, not_in_dataset=(DATA[0],)),
    Entry("query_dataset_default_graphs_get", "GET query with protocol-specified default graph",
          Request("GET", f"?query={q(_ask_two_defaults())}&default-graph-uri={q(DATA[1])}"
                         f"&default-graph-uri={q(DATA[2])}"),
          200, "boolean", False, True, (DATA[1], DATA[2])),
    Entry("query_dataset_default_graphs_post", "POST query with protocol-specified default graphs",
          Request("POST", f"?default-graph-uri={q(DATA[1])}&default-graph-uri={q(DATA[2])}",
                  _ask_two_defaults().encode(), DIRECT),
          200, "boolean", False, True, (DATA[1], DATA[2])),
    Entry("query_dataset_named_graphs_post", "POST query with protocol-specified named graphs",
          Request("POST", f"?named-graph-uri={q(DATA[1])}&named-graph-uri={q(DATA[2])}",
                  _ask_two_named().encode(), DIRECT),
          200, "boolean", False, True, (DATA[1], DATA[2])),
    Entry("query_dataset_named_graphs_get", "GET query with protocol-specified named graphs",
          Request("GET", f"?query={q(_ask_two_named())}&named-graph-uri={q(DATA[1])}"
                         f"&named-graph-uri={q(DATA[2])}"),
          200, "boolean", False, True, (DATA[1], DATA[2])),
    Entry("query_dataset_full", "query with protocol-specified dataset (both named and default graphs)",
          Request("POST", f"?default-graph-uri={q(DATA[3])}&named-graph-uri={q(DATA[1])}"
                          f"&named-graph-uri={q(DATA[2])}",
                  (f"ASK {{\n  <{DATA[3]}> a ?type\n  GRAPH ?g1 {{ <{DATA[1]}> a ?type }}\n"
                   f"  GRAPH ?g2 {{ <{DATA[2]}> a ?type }}\n}}").encode(), DIRECT),
          200, "boolean", False, True, (DATA[3], DATA[1], DATA[2])),
    Entry("query_multiple_dataset", "query specifying dataset in both query string and protocol; test for "
                                    "use of protocol-specified dataset",
          Request("POST", f"?named-graph-uri={q(DATA[1])}&named-graph-uri={q(DATA[2])}",
                  (f"ASK FROM <{DATA[3]}> {{ GRAPH ?g1 {{ <{DATA[1]}> a ?type }} "
                   f"GRAPH ?g2 {{ <{DATA[2]}> a ?type }} }}").encode(), DIRECT),
          200, "boolean", False, True, (DATA[1], DATA[2])),  # FROM <data3> is overridden: not in the dataset
    Entry("query_get", "query via GET",
          Request("GET", f"?query=ASK%20%7B%7D&default-graph-uri={q(DATA[0])}"),
          200, "boolean", True, not_in_dataset=(DATA[0],)),
    Entry("query_content_type_select", "query appropriate content type (expect one of: XML, JSON, CSV, TSV)",
          Request("POST", f"?default-graph-uri={q(DATA[0])}", b"SELECT (1 AS ?value) {}", DIRECT),
          200, "tabular", not_in_dataset=(DATA[0],)),
    Entry("query_content_type_ask", "query appropriate content type (expect one of: XML, JSON)",
          Request("POST", f"?default-graph-uri={q(DATA[0])}", b"ASK {}", DIRECT),
          200, "boolean", True, not_in_dataset=(DATA[0],)),
    Entry("query_content_type_describe", "query appropriate content type (expect one of: RDF/XML, Turtle, "
                                         "N-Triples, RDFa)",
          Request("POST", f"?default-graph-uri={q(DATA[0])}", b"DESCRIBE <http://example.org/>", DIRECT),
          200, "RDF", not_in_dataset=(DATA[0],)),
    Entry("query_content_type_construct", "query appropriate content type (expect one of: RDF/XML, Turtle, "
                                          "N-Triples, RDFa)",
          Request("POST", f"?default-graph-uri={q(DATA[0])}", b"CONSTRUCT { <s> <p> 1 } WHERE {}", DIRECT),
          200, "RDF", not_in_dataset=(DATA[0],)),
    Entry("query_post_direct", "query via POST directly",
          Request("POST", "", b"ASK {}", DIRECT), 200, "boolean", True),
    Entry("bad_query_method", "invoke query operation with a method other than GET or POST",
          Request("PUT", f"?query=ASK%20%7B%7D&default-graph-uri={q(DATA[0])}", None, FORM), 405),
    Entry("bad_multiple_queries", "invoke query operation with more than one query string",
          Request("GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D"), 400),
    Entry("bad_query_wrong_media_type", "invoke query operation with a POST with media type that's not "
                                        "url-encoded or application/sparql-query",
          Request("POST", "", b"ASK {}", "text/plain"), 415),
    Entry("bad_query_missing_form_type", "invoke query operation with url-encoded body, but without "
                                         "application/x-www-form-urlencoded media type",
          Request("POST", "", b"query=ASK%20%7B%7D"), 415),
    Entry("bad_query_missing_direct_type", "invoke query operation with SPARQL body, but without "
                                           "application/sparql-query media type",
          Request("POST", "", b"ASK {}"), 415),
    Entry("bad_query_non_utf8", "invoke query operation with direct POST, but with a non-UTF8 encoding "
                                "(UTF-16)",
          Request("POST", "", "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"), 400),
    Entry("bad_query_syntax", "invoke query operation with invalid query syntax (4XX result)",
          Request("GET", "?query=ASK%20%7B"), 400),
)

BY_NAME = {entry.name: entry for entry in QUERY_ENTRIES}


@dataclass(frozen=True)
class UpdateEntry:
    name: str
    title: str
    request: Request
    status: int                        # 403 (read-only) or 415 (not a SPARQL request)
    follow_up: str | None = None       # the entry's second request: an ASK the update would make true


def _update(target: str, text: str) -> Request:
    return Request("POST", target, text.encode(), UPDATE)


_FOAF_DC = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
_INSERT_THREE = ("DROP ALL ;\nINSERT DATA {\n"
                 + "".join(f"    GRAPH <{DATA[n]}> {{ <{DATA[n]}> a foaf:Document }}\n" for n in (1, 2, 3)) + "} ;\n")
_BIBLIO = "<http://purl.org/dc/terms/BibliographicResource>"


def _ask_two_of_three(graph: str) -> str:
    return (f"ASK {{\n    GRAPH <{graph}> {{\n        <{DATA[1]}> a {_BIBLIO} .\n        <{DATA[2]}> a {_BIBLIO} .\n"
            f"    }}\n    FILTER NOT EXISTS {{\n        GRAPH <{graph}> {{\n            <{DATA[3]}> a {_BIBLIO} .\n"
            f"        }}\n    }}\n}}")


UPDATE_ENTRIES = (
    UpdateEntry("update_dataset_default_graph", "update with protocol-specified default graph",
                _update(f"?using-graph-uri={q(DATA[1])}",
                        _FOAF_DC + f"CLEAR ALL ;\nINSERT DATA {{\n    GRAPH <{DATA[1]}> {{\n        <{DATA[1]}> a "
                        "foaf:Document\n    }\n} ;\nINSERT {\n    GRAPH <http://example.org/protocol-update-dataset-test/>"
                        " {\n        ?s a dc:BibliographicResource\n    }\n}\nWHERE {\n    ?s a foaf:Document\n}"),
                403, f"ASK {{\n    GRAPH <http://example.org/protocol-update-dataset-test/> {{\n        <{DATA[1]}> "
                     f"a {_BIBLIO}\n    }}\n}}"),
    UpdateEntry("update_dataset_default_graphs", "update with protocol-specified default graphs",
                _update(f"?using-graph-uri={q(DATA[1])}&using-graph-uri={q(DATA[2])}",
                        _FOAF_DC + _INSERT_THREE + "INSERT {\n    GRAPH <http://example.org/protocol-update-dataset-"
                        "graphs-test/> {\n        ?s a dc:BibliographicResource\n    }\n}\nWHERE {\n    ?s a "
                        "foaf:Document\n}"),
                403, _ask_two_of_three("http://example.org/protocol-update-dataset-graphs-test/")),
    UpdateEntry("update_dataset_named_graphs", "update with protocol-specified named graphs",
                _update(f"?using-named-graph-uri={q(DATA[1])}&using-named-graph-uri={q(DATA[2])}",
                        _FOAF_DC + _INSERT_THREE + "INSERT {\n    GRAPH <http://example.org/protocol-update-dataset-"
                        "named-graphs-test/> {\n        ?s a dc:BibliographicResource\n    }\n}\nWHERE {\n    GRAPH ?g"
                        " {\n        ?s a foaf:Document\n    }\n}"),
                403, _ask_two_of_three("http://example.org/protocol-update-dataset-named-graphs-test/")),
    UpdateEntry("update_dataset_full", "update with protocol-specified dataset (both named and default graphs)",
                _update(f"?using-graph-uri={q(DATA[1])}&using-named-graph-uri={q(DATA[2])}",
                        _FOAF_DC + _INSERT_THREE + "INSERT {\n    GRAPH <http://example.org/protocol-update-dataset-"
                        "full-test/> {\n        ?s <http://example.org/in> ?in\n    }\n}\nWHERE {\n    {\n        "
                        "GRAPH ?g { ?s a foaf:Document }\n        BIND(?g AS ?in)\n    }\n    UNION\n    {\n        "
                        "?s a foaf:Document .\n        BIND(\"default\" AS ?in)\n    }\n}"),
                403, f"ASK {{\n    GRAPH <http://example.org/protocol-update-dataset-full-test/> {{\n        "
                     f"<{DATA[1]}> <http://example.org/in> \"default\" .\n        <{DATA[2]}> <http://example.org/in>"
                     f" <{DATA[2]}> .\n    }}\n    FILTER NOT EXISTS {{\n        GRAPH <http://example.org/protocol-"
                     f"update-dataset-full-test/> {{\n            <{DATA[3]}> ?p ?o\n        }}\n    }}\n}}"),
    UpdateEntry("update_post_form", "update via URL-encoded POST",
                Request("POST", "", b"update=CLEAR+ALL", FORM), 403),
    UpdateEntry("update_post_direct", "update via POST directly", _update("", "CLEAR ALL"), 403),
    UpdateEntry("update_base_uri", "test for service-defined BASE URI (\"which MAY be the service endpoint\")",
                _update("", "CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH "
                        "<http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> "
                        "<test> } }"),
                403, "ASK {\n    GRAPH <http://example.org/protocol-base-test/> {\n        <http://example.org/s> "
                     "<http://example.org/p> ?o\n        FILTER (isIRI(?o) && STR(?o) != \"test\")\n    }\n}"),
    UpdateEntry("bad_update_get", "invoke update operation with GET", Request("GET", "?update=CLEAR%20ALL"), 403),
    UpdateEntry("bad_multiple_updates", "invoke update operation with more than one update string",
                Request("POST", "", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM), 403),
    UpdateEntry("bad_update_wrong_media_type", "invoke update operation with a POST with media type that's not "
                                               "url-encoded or application/sparql-update",
                Request("POST", "", b"CLEAR NAMED", "text/plain"), 415),
    UpdateEntry("bad_update_missing_form_type", "invoke update operation with url-encoded body, but without "
                                                "application/x-www-form-urlencoded media type",
                Request("POST", "", b"update=CLEAR%20NAMED"), 415),
    UpdateEntry("bad_update_non_utf8", "invoke update operation with direct POST, but with a non-UTF8 encoding",
                Request("POST", "", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"),
                403),
    UpdateEntry("bad_update_syntax", "invoke update operation with invalid update syntax",
                Request("POST", "", b"update=CLEAR%20XYZ", FORM), 403),
    UpdateEntry("bad_update_dataset_conflict", "invoke update with both using-graph-uri/using-named-graph-uri "
                                               "parameter and USING/WITH clause",
                _update("?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
                        "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\nDELETE { ?person"
                        " foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\nWHERE {\n    ?person "
                        "foaf:givenName 'Bill'\n}"),
                403),
)
