"""The neighbourhood drawn on entity pages: the record's direct links, each a link to its page, inferred
relations dashed; checked against the store and as a pure function of a description."""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox
from support.linked_data import BASE
from support.releases import answer_of, dump_store

from sparql_endpoint.linked_data.neighbourhood import MAX_NODES, neighbourhood, render
from sparql_endpoint.linked_data.resource import arrange

BROWSER = "text/html,application/xhtml+xml"
CASE = "case-study/alameda-county-advances-equitable-housing-policies"
HEG = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def drawn(html: str) -> list[tuple[str, str, str]]:
    """(href, label, line class) of every neighbour drawn, in order."""
    svg = re.search(r'<svg class="neighbourhood-svg".*?</svg>', html, re.DOTALL).group(0)
    lines = re.findall(r'<line class="(edge(?: inferred)?)" x1="14"', svg)
    nodes = re.findall(r'<a href="([^"]+)" class="neighbour"><title>(.*?)</title>', svg)
    assert len(lines) == len(nodes)
    return [(href, unescape(label), line) for (href, label), line in zip(nodes, lines, strict=True)]


def test_a_case_study_is_drawn_with_every_record_it_links_to(client, release) -> None:
    html = client.get("/id/" + CASE, headers={"Accept": BROWSER}).get_data(as_text=True)
    nodes = drawn(html)
    assert 'role="group" aria-labelledby="nb-title nb-desc"' in html
    store = dump_store(release.path)
    iri = f"<{BASE}id/{CASE}>"
    direct = {s["o"].value for s in answer_of(store, f"SELECT DISTINCT ?o WHERE {{ {iri} ?p ?o FILTER(isIRI(?o) && "
                                                     f"STRSTARTS(STR(?o), '{BASE}id/')) FILTER(?p != <{RDF_TYPE}>) }}")}
    pointing = {s["s"].value for s in answer_of(store, f"SELECT DISTINCT ?s WHERE {{ ?s ?p {iri} FILTER(isIRI(?s))"
                                                       f" FILTER NOT EXISTS {{ ?s <{HEG}inferred> ?i }} }}")}
    linked = {s["p"].value: s["i"].value for s in answer_of(store, f"SELECT ?p ?i WHERE {{ ?l <{HEG}linkedCaseStudy> "
                                                                   f"{iri} ; <{HEG}linkedPractice> ?p ; <{HEG}inferred> ?i }}")}
    expected = direct | pointing | set(linked)
    hrefs = {href for href, _, _ in nodes}
    assert len(nodes) == min(len(expected), MAX_NODES)
    assert hrefs <= {"/" + e[len(BASE):] for e in expected}
    for practice, inferred in linked.items():  # the practice links: dashed when inferred
        line = next((line for href, _, line in nodes if href == "/" + practice[len(BASE):]), None)
        if line is not None:
            assert line == ("edge inferred" if inferred == "true" else "edge")
    assert any(line == "edge inferred" for _, _, line in nodes) and "dashed line: inferred" in html
    assert "Alameda County Public Health Department" in {label for _, label, _ in nodes}
    for href, _, _ in nodes:
        assert client.get(href, headers={"Accept": BROWSER}).status_code == 200, href


def _resource(triples: list[ox.Triple]):
    return arrange(BASE + "id/x", triples, base=BASE, property_labels={}, prefixes={})


def test_a_pure_function_of_the_description_escaped_and_capped() -> None:
    x, label = ox.NamedNode(BASE + "id/x"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    link = ox.NamedNode(HEG + "partner")
    triples = [ox.Triple(x, label, ox.Literal("X <b>&"))]
    for i in range(MAX_NODES + 3):
        other = ox.NamedNode(f"{BASE}id/organization/o{i}")
        triples += [ox.Triple(x, link, other), ox.Triple(other, label, ox.Literal(f"Org <{i}>"))]
    triples.append(ox.Triple(x, link, ox.NamedNode("https://example.org/outside")))
    n = neighbourhood(_resource(triples))
    assert n.count == MAX_NODES and n.hidden == 3
    svg = render(n)
    assert "<b>" not in svg and "X &lt;b&gt;&amp;" in svg and "Org &lt;0&gt;" in svg
    assert "example.org" not in svg and "and 3 more" in svg and "style=" not in svg
    assert "dashed line" not in svg  # nothing inferred, so no such legend


def test_a_record_without_links_draws_nothing() -> None:
    x = ox.NamedNode(BASE + "id/x")
    n = neighbourhood(_resource([ox.Triple(x, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                                           ox.Literal("Alone"))]))
    assert n.count == 0 and "No direct links" in render(n)
