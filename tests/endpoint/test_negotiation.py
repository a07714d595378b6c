"""Content negotiation, table-driven over the Accept headers real clients send."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from sparql_endpoint.errors import NotAcceptable
from sparql_endpoint.http.negotiation import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, negotiate

SELECT = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 2"
CONSTRUCT = "CONSTRUCT WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 2"

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
JENA_SELECT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
               "text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, "
               "application/xml;q=0.2, */*;q=0.1")  # QueryEngineHTTP.defaultSelectHeader()
JENA_CONSTRUCT = ("text/turtle, application/n-triples, application/rdf+xml;q=0.9, application/x-turtle;q=0.8, "
                  "application/turtle;q=0.8, text/n3;q=0.7, text/rdf+n3;q=0.6, application/n3;q=0.6, "
                  "text/plain;q=0.5, */*;q=0.1")  # QueryEngineHTTP.defaultConstructHeader()

# (client, query form, Accept header as the client sends it, expected Content-Type)
CASES = [
    ("curl", SELECT, "*/*", "application/sparql-results+json"),
    ("curl", CONSTRUCT, "*/*", "text/turtle"),
    ("no Accept", SELECT, None, "application/sparql-results+json"),
    ("no Accept", CONSTRUCT, None, "text/turtle"),
    ("Firefox", SELECT, FIREFOX, "text/html"),  # a link followed in a browser: the query page, query in it
    ("Chrome", CONSTRUCT, CHROME, "text/html"),
    ("YASGUI select", SELECT, "application/sparql-results+json,*/*;q=0.9", "application/sparql-results+json"),
    ("YASGUI construct", CONSTRUCT, "text/turtle,*/*;q=0.9", "text/turtle"),
    ("SPARQLWrapper default select", SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
    ("SPARQLWrapper JSON select", SELECT,
     "application/sparql-results+json,application/json,text/javascript,application/javascript",
     "application/sparql-results+json"),
    ("SPARQLWrapper default construct", CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
    ("SPARQLWrapper JSON construct", CONSTRUCT, "*/*", "text/turtle"),
    ("Jena select", SELECT, JENA_SELECT, "application/sparql-results+json"),
    ("Jena construct", CONSTRUCT, JENA_CONSTRUCT, "text/turtle"),
    ("rdflib SPARQLStore xml", SELECT, "application/sparql-results+xml, application/rdf+xml",
     "application/sparql-results+xml"),
    ("rdflib SPARQLStore xml construct", CONSTRUCT, "application/sparql-results+xml, application/rdf+xml",
     "application/rdf+xml"),
    ("rdflib SPARQLStore json", SELECT, "application/sparql-results+json", "application/sparql-results+json"),
    ("rdflib SPARQLStore csv", SELECT, "text/csv", "text/csv"),
    ("q-values", SELECT, "text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("JSON-LD client", CONSTRUCT, "application/ld+json", "application/ld+json"),
    ("N-Quads", CONSTRUCT, "application/n-quads", "application/n-quads"),
    ("TriG", CONSTRUCT, "application/trig", "application/trig"),
    ("N-Triples", CONSTRUCT, "application/n-triples", "application/n-triples"),
]


@pytest.mark.parametrize("client_name,query,accept,expected", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_real_clients_get_what_they_asked_for(client, client_name: str, query: str, accept: str | None,
                                              expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == expected
    assert response.headers["Vary"] == "Accept"
    assert response.data


@pytest.mark.parametrize("accept,expected", [
    # the Accept table of docs/endpoint.md, with the headers real clients send
    (FIREFOX, "text/html"), (CHROME, "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # Safari
    ("*/*", "text/turtle"),  # curl, wget, python-requests, urllib: no preference
    (None, "text/turtle"),  # no Accept header at all
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"), ("application/n-quads", "application/n-quads"),
    ("application/trig", "application/trig"),
    (JENA_CONSTRUCT, "text/turtle"),
])
def test_bare_get_is_the_page_for_browsers_and_the_service_description_for_rdf_clients(
        client, accept: str | None, expected: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept is not None else {})
    assert response.status_code == 200
    assert response.mimetype == expected


def test_format_parameter_overrides_accept(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": "csv"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "text/csv"
    assert "Content-Location" in response.headers
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "application/n-triples"})
    assert response.mimetype == "application/n-triples"


def test_406_lists_what_is_available(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    for fmt in SOLUTION_FORMATS:
        assert fmt.media_type in text
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_negotiate_unit() -> None:
    assert negotiate(GRAPH_FORMATS, parse_accept_header("text/n3", MIMEAccept)).key == "turtle"
    assert negotiate((HTML, *GRAPH_FORMATS), parse_accept_header("", MIMEAccept)) is HTML
    with pytest.raises(NotAcceptable):
        negotiate(SOLUTION_FORMATS, parse_accept_header("text/turtle", MIMEAccept))


@pytest.mark.parametrize("fmt,accept,expected", [
    ("html", "text/turtle", "text/html"), ("turtle", FIREFOX, "text/turtle"), ("jsonld", None, "application/ld+json"),
])
def test_bare_get_format_parameter_wins_over_accept(client, fmt: str, accept: str | None, expected: str) -> None:
    response = client.get("/sparql", query_string={"format": fmt}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == expected


def test_bare_get_with_nothing_acceptable_is_406_listing_what_is(client) -> None:
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    assert "text/turtle" in text and "text/html" in text


def test_a_query_link_followed_in_a_browser_opens_the_query_page_with_it(client) -> None:
    """The page holds the query (editor and plain form), does not run it, and names the release; the same
    link with ?format= or from a SPARQL client answers with data."""
    page = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": FIREFOX})
    assert page.status_code == 200 and page.mimetype == "text/html" and page.headers["Vary"] == "Accept"
    text = page.get_data(as_text=True)
    assert '"linkedQuery": "SELECT ?s ?l WHERE' in text  # the editor opens it in a tab of its own
    assert "&lt;http://www.w3.org/2004/02/skos/core#prefLabel&gt; ?l } LIMIT 2</textarea>" in text
    assert "X-Result-Rows" not in page.headers  # nothing was run
    data = client.get("/sparql", query_string={"query": SELECT, "format": "json"}, headers={"Accept": FIREFOX})
    assert data.mimetype == "application/sparql-results+json" and data.headers["X-Result-Rows"] == "2"
