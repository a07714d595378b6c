"""Dereferencing: content negotiation over real clients' Accept headers, suffix and ?format= overrides,
Content-Location and Vary everywhere, 404 / 410, and safety of IRIs built from requests."""

from __future__ import annotations

import json

import pytest
import rdflib
from support.linked_data import BASE, RETIRED, SUCCESSOR
from pyld import jsonld
from rdflib.compare import isomorphic

from sparql_endpoint import state_of
from sparql_endpoint.linked_data import iris as ld
from sparql_endpoint.errors import BadRequest

PRACTICE = "/id/practice/2017/allocate-resources"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDFLIB_AUTO = ("application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
               "application/n-quads, application/trig, */*;q=0.1")
JENA_RIOT = ("text/turtle,application/n-triples;q=0.95,application/n-quads;q=0.9,application/trig;q=0.9,"
             "application/rdf+xml;q=0.7,application/ld+json;q=0.8,text/trig;q=0.6,application/trix+xml;q=0.3,"
             "*/*;q=0.1")
LDSPIDER = "application/rdf+xml, text/rdf+n3;q=0.9, text/turtle;q=0.9, application/n-triples;q=0.8"
SPARQLWRAPPER_RDFXML = "application/rdf+xml"
SPARQLWRAPPER_TURTLE = "application/turtle,text/turtle"
SPARQLWRAPPER_JSONLD = "application/ld+json,application/x-json+ld"

# (client, Accept as the client sends it, expected media type)
CLIENTS = [
    ("no Accept", None, "text/html"),
    ("curl", "*/*", "text/html"),
    ("Firefox", FIREFOX, "text/html"),
    ("Chrome", CHROME, "text/html"),
    ("Safari", SAFARI, "text/html"),
    ("rdflib format=turtle", "text/turtle, application/x-turtle, */*;q=0.1", "text/turtle"),
    ("rdflib format=xml", "application/rdf+xml, */*;q=0.1", "application/rdf+xml"),
    ("rdflib format=nt", "text/plain, */*;q=0.1", "application/n-triples"),
    ("rdflib format=json-ld", "application/ld+json, application/json;q=0.9, */*;q=0.1", "application/ld+json"),
    ("rdflib, no format (all equal: our first)", RDFLIB_AUTO, "text/turtle"),
    ("Jena riot", JENA_RIOT, "text/turtle"),
    ("LDSpider", LDSPIDER, "application/rdf+xml"),
    ("SPARQLWrapper RDF/XML", SPARQLWRAPPER_RDFXML, "application/rdf+xml"),
    ("SPARQLWrapper Turtle", SPARQLWRAPPER_TURTLE, "text/turtle"),
    ("SPARQLWrapper JSON-LD", SPARQLWRAPPER_JSONLD, "application/ld+json"),
    ("N-Triples client", "application/n-triples", "application/n-triples"),
    ("q-values", "text/turtle;q=0.5, application/ld+json", "application/ld+json"),
]

PATHS = [PRACTICE, "/id/case-study/alameda-county-advances-equitable-housing-policies", "/id/dataset",
         "/id/release/{version}", "/ontology", "/graph/data", "/id/topic/housing"]
EXTENSIONS = {"text/html": "html", "text/turtle": "ttl", "application/ld+json": "jsonld",
              "application/n-triples": "nt", "application/rdf+xml": "rdf"}
RDFLIB_FORMAT = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                 "application/rdf+xml": "xml"}


def _path(path: str, client) -> str:
    if path == "/id/release/{version}":
        return "/id/release/" + state_of(client.application).store.release.version
    return path


@pytest.mark.parametrize("name,accept,expected", CLIENTS, ids=[c[0] for c in CLIENTS])
def test_real_clients_get_what_they_ask_for(client, name: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(PRACTICE, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Content-Location"] == f"{PRACTICE}.{EXTENSIONS[expected]}"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if expected != "text/html":
        graph = rdflib.Graph().parse(data=response.data, format=RDFLIB_FORMAT[expected])
        assert (rdflib.URIRef(BASE + PRACTICE[1:]), None, None) in graph


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("media_type,ext", list(EXTENSIONS.items()))
def test_suffix_and_format_override_accept(client, path: str, media_type: str, ext: str) -> None:
    path = _path(path, client)
    by_suffix = client.get(f"{path}.{ext}", headers={"Accept": "image/png"})
    assert by_suffix.status_code == 200 and by_suffix.mimetype == media_type
    assert by_suffix.headers["Content-Location"] == f"{path}.{ext}"
    by_param = client.get(path, query_string={"format": ext}, headers={"Accept": FIREFOX})
    assert by_param.status_code == 200 and by_param.mimetype == media_type
    assert by_param.data == by_suffix.data
    negotiated = client.get(path, headers={"Accept": media_type})
    assert negotiated.data == by_suffix.data and negotiated.headers["Vary"] == "Accept"


def test_406_lists_what_is_available(client) -> None:
    response = client.get(PRACTICE, headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    for media_type in EXTENSIONS:
        assert media_type in text
    bad_format = client.get(PRACTICE, query_string={"format": "yaml"})
    assert bad_format.status_code == 406 and "text/turtle" in bad_format.get_data(as_text=True)


def test_the_description_holds_labels_of_links_and_statements_pointing_here(client) -> None:
    graph = rdflib.Graph().parse(data=client.get(PRACTICE + ".ttl").data, format="turtle")
    practice = rdflib.URIRef(BASE + PRACTICE[1:])
    heg = rdflib.Namespace(BASE + "ontology#")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    actions = list(graph.objects(practice, heg.keyAction))
    assert len(actions) >= 3
    for action in actions:  # the labels of what it links to
        assert graph.value(action, skos.prefLabel) is not None
        assert (action, heg.actionOf, practice) in graph  # and the statements pointing here
    placements = list(graph.subjects(heg.placedPractice, practice))
    assert placements and all(graph.value(p, heg.inferred) is not None for p in placements)
    assert all(graph.value(p, heg.basis) is not None for p in placements)


def test_jsonld_is_compacted_with_the_published_context_and_expands_to_the_same_graph(client) -> None:
    context = json.loads(client.get("/context.jsonld").data)
    document = json.loads(client.get(PRACTICE + ".jsonld").data)
    assert document["@context"] == context["@context"]
    text = json.dumps(document)
    assert '"label"' in text and '"keyAction"' in text  # short names of our context, not full IRIs
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld = rdflib.Graph().parse(data=nquads, format="nt")
    from_turtle = rdflib.Graph().parse(data=client.get(PRACTICE + ".ttl").data, format="turtle")
    assert isomorphic(from_pyld, from_turtle)


@pytest.mark.parametrize("path", ["/id/practice/2017/no-such-practice", "/id/nothing", "/id/practice"])
def test_unknown_iri_is_404_with_search_and_browse_for_people(client, path: str) -> None:
    page = client.get(path, headers={"Accept": FIREFOX})
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert 'role="search"' in text and 'href="/practices"' in text and 'href="/case-studies"' in text
    machine = client.get(path, headers={"Accept": "text/turtle"})
    assert machine.status_code == 404 and "How to fix it" in machine.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/id/practice/2017/allocate-resources>%20%3Fp%20%3Fo%20.%20%7D%20%23",  # IRIREF break-out
    "/id/x%22%20%7D%20UNION%20%7B",  # quote and braces
    "/id/%3Cscript%3E", "/id/a%5Cb", "/id/a%0Ab", "/id/%00", "/id/..%2F..%2Fetc%2Fpasswd", "/id/a%20b",
    "/id/practice/2017/allocate-resources%7D",
])
def test_hostile_paths_never_reach_sparql_and_never_500(client, path: str) -> None:
    for accept in (FIREFOX, "text/turtle"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, (path, response.status_code)
        if response.mimetype == "text/html":  # escaped on pages; plain-text bodies are not markup
            assert "<script>" not in response.get_data(as_text=True)
        else:
            assert response.mimetype in ("text/plain", "application/json")


def test_iri_ref_refuses_anything_outside_our_space_or_bending_the_syntax() -> None:
    assert ld.iri_ref(BASE + "id/practice/2017/x", BASE) == f"<{BASE}id/practice/2017/x>"
    for bad in ["https://example.org/id/x", BASE + "id/x> ?p ?o", BASE + 'id/x"', BASE + "id/x y",
                BASE + "id/x{", BASE + "id/../x", BASE + "id//x", BASE + "id/x\n", BASE + "id/x\\u003E"]:
        with pytest.raises(BadRequest):
            ld.iri_ref(bad, BASE)


def test_string_literal_escapes_everything_that_could_end_it() -> None:
    import pyoxigraph as ox

    store = ox.Store()
    for text in ['plain', 'a"b', "a'b", 'a\\b', 'x" } ; DROP ALL ; #', 'line\nbreak', 'tab\there', 'é ✓ 𝄞',
                 '\\"', '"""', "\u0000\u0007"]:
        literal = ld.string_literal(text)
        rows = list(store.query(f"SELECT ?v WHERE {{ BIND({literal} AS ?v) }}"))
        assert rows[0]["v"].value == text, (text, literal)


def test_ontology_terms_resolve_to_the_ontology_document(client) -> None:
    page = client.get("/ontology", headers={"Accept": FIREFOX}).get_data(as_text=True)
    assert 'id="CaseStudy"' in page and 'id="advancesPractice"' in page
    graph = rdflib.Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    assert (rdflib.URIRef(BASE + "ontology#CaseStudy"), None, None) in graph
    shapes = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert shapes.status_code == 200 and shapes.headers["Content-Location"] == "/shapes.ttl"


def test_etag_and_last_modified_give_304(client) -> None:
    first = client.get(PRACTICE, headers={"Accept": "text/turtle"})
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(PRACTICE, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Content-Location"] == PRACTICE + ".ttl"
    since = client.get(PRACTICE, headers={"Accept": "text/turtle", "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(PRACTICE, headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # another representation, another ETag
    for path in ("/", "/practices", "/case-studies?topic=topic/housing", "/graph/data"):
        page = client.get(path)
        assert client.get(path, headers={"If-None-Match": page.headers["ETag"]}).status_code == 304, path


def test_retired_iri_is_410_with_its_successor(make_app, retired_release) -> None:
    app = make_app(retired_release)
    client = app.test_client()
    page = client.get("/" + RETIRED, headers={"Accept": FIREFOX})
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert f'href="/{SUCCESSOR}"' in text and "Renamed when the slug was fixed" in text
    assert f"</{SUCCESSOR}>" in page.headers["Link"]
    data = client.get("/" + RETIRED, headers={"Accept": "text/turtle"})
    assert data.status_code == 410
    graph = rdflib.Graph().parse(data=data.data, format="turtle")
    assert (rdflib.URIRef(BASE + RETIRED), rdflib.URIRef("http://purl.org/dc/terms/isReplacedBy"),
            rdflib.URIRef(BASE + SUCCESSOR)) in graph
    assert client.get("/" + SUCCESSOR).status_code == 200
