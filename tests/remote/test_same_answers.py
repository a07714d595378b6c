"""The release published into a real Oxigraph server answers exactly as the embedded store does.

Every comparison parses both answers (blank nodes canonicalized), never compares bytes.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from flask import Flask

from graph_builder.publish import PublishReport
from graph_builder.release import ReleaseOutcome
from support.answers import group_concats, order_free_literal
from support.remote_servers import OxigraphServer

HEG = "https://w3id.org/health-equity-guide/"
PREFIXES = f"""PREFIX heg: <{HEG}ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""
SOLUTION_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                    "tsv": ox.QueryResultsFormat.TSV, "csv": None}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                 "rdfxml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}

SELECTS = {
    "classes": "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "named graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "labels": PREFIXES + "SELECT * WHERE { ?p a heg:StrategicPractice ; skos:prefLabel ?l OPTIONAL { ?p heg:keyAction ?a } }",
    "from data": f"SELECT (COUNT(*) AS ?n) FROM <{HEG}graph/data> WHERE {{ ?s ?p ?o }}",
    "from named": f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{HEG}graph/ontology> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
    "bnodes": PREFIXES + "SELECT ?shape ?path WHERE { ?shape sh:property ?prop . ?prop sh:path ?path }",
    "ask": "ASK { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> }",
    "ask false": "ASK { ?s a <http://example.org/Nothing> }",
}
GRAPHS = {
    "construct": PREFIXES + "CONSTRUCT { ?p skos:prefLabel ?l } WHERE { ?p a heg:StrategicPractice ; skos:prefLabel ?l }",
    "construct bnodes": PREFIXES + "CONSTRUCT { ?s sh:property ?p . ?p ?x ?y } WHERE { ?s sh:property ?p . ?p ?x ?y }",
    "describe": PREFIXES + "DESCRIBE ?p WHERE { ?p a heg:StrategicPractice } ",
}


def solutions(body: bytes, key: str, concats: dict[str, str] | None = None) -> object:
    """A SELECT/ASK answer as a comparable value: a sorted list of rows (blank nodes as `_`), or a bool;
    the parts of each GROUP_CONCAT (``concats``: variable -> separator) sorted, their order being the
    engine's (tests/support/answers.py)."""
    concats = concats or {}
    if key == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        if rows and list(rows[0]) == ["_askResult"]:
            return rows[0]["_askResult"] == "true"
        return sorted(sorted((k, "_" if v.startswith("_:") else v) for k, v in row.items()) for row in rows)
    parsed = ox.parse_query_results(body, format=SOLUTION_FORMATS[key])
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]

    def term(name: str, t: object) -> str:
        if isinstance(t, ox.Literal) and name in concats:
            return str(order_free_literal(t, concats[name]))
        return "_" if isinstance(t, ox.BlankNode) else str(t)

    return sorted(sorted((n, term(n, t)) for n, t in zip(names, row) if t is not None) for row in parsed)


def graph(body: bytes, key: str) -> set[ox.Quad]:
    """A CONSTRUCT/DESCRIBE answer as a canonical set of quads (blank nodes relabelled canonically)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(body, format=GRAPH_FORMATS[key]))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def both(apps: dict[str, Flask], method: str = "GET", **kwargs: object) -> dict[str, object]:
    answers = {}
    for name, app in apps.items():
        response = app.test_client().open("/sparql", method=method, **kwargs)
        assert response.status_code == 200, (name, response.data[:500])
        answers[name] = response
    return answers


def test_publish_put_every_graph_live_and_left_no_staging(oxigraph: OxigraphServer, published: PublishReport,
                                                           release: ReleaseOutcome) -> None:
    manifest = release.manifest
    counts = oxigraph.graph_counts()
    assert counts == {manifest["graphs"][name]: manifest["triples"][name] for name in manifest["graphs"]}
    assert published.triples == {name: manifest["triples"][name] for name in manifest["graphs"]}
    assert not [g for g in counts if "/staging/" in g]


@pytest.mark.parametrize("name", SELECTS)
@pytest.mark.parametrize("key", SOLUTION_FORMATS)
def test_select_and_ask_answer_the_same(apps: dict[str, Flask], name: str, key: str) -> None:
    answers = both(apps, query_string={"query": SELECTS[name], "format": key})
    local, remote = (solutions(answers[n].data, key) for n in ("local", "remote"))
    assert local == remote
    assert local not in ([], None)
    assert answers["local"].headers["Content-Type"] == answers["remote"].headers["Content-Type"]
    assert answers["local"].headers["X-Result-Rows"] == answers["remote"].headers["X-Result-Rows"]


@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("key", GRAPH_FORMATS)
def test_construct_and_describe_answer_the_same(apps: dict[str, Flask], name: str, key: str) -> None:
    answers = both(apps, query_string={"query": GRAPHS[name], "format": key})
    local, remote = (graph(answers[n].data, key) for n in ("local", "remote"))
    assert local == remote and local
    assert answers["local"].headers["Content-Type"] == answers["remote"].headers["Content-Type"]


def test_every_protocol_form_answers_the_same(apps: dict[str, Flask]) -> None:
    query = SELECTS["classes"]
    forms = {
        "get": {"method": "GET", "query_string": {"query": query}},
        "form": {"method": "POST", "data": {"query": query}},
        "direct": {"method": "POST", "data": query, "content_type": "application/sparql-query"},
    }
    seen = []
    for form in forms.values():
        answers = both(apps, **form, headers={"Accept": "application/sparql-results+json"})
        seen.append(solutions(answers["remote"].data, "json"))
        assert seen[-1] == solutions(answers["local"].data, "json")
    assert seen[0] == seen[1] == seen[2]


def test_dataset_parameters_answer_the_same(apps: dict[str, Flask], release: ReleaseOutcome) -> None:
    graphs = release.manifest["graphs"]
    cases = [
        {"default-graph-uri": graphs["data"]},
        {"default-graph-uri": [graphs["ontology"], graphs["shapes"]]},
        {"named-graph-uri": graphs["metadata"]},
    ]
    query = "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for params in cases:
        answers = both(apps, query_string={"query": query, "format": "json", **params})
        assert solutions(answers["local"].data, "json") == solutions(answers["remote"].data, "json"), params


def example_queries(app: Flask) -> list[tuple[str, str, str]]:
    """(IRI, kind, text) of every example query published in the release's queries graph."""
    query = PREFIXES + """SELECT ?ex ?kind ?text WHERE {
      VALUES (?property ?kind) { (sh:select "select") (sh:ask "ask") (sh:construct "construct")
                                 (<http://www.w3.org/ns/shacl#describe> "describe") }
      ?ex a sh:SPARQLExecutable ; ?property ?text } ORDER BY ?ex"""
    response = app.test_client().get("/sparql", query_string={"query": query, "format": "json"})
    rows = json.loads(response.data)["results"]["bindings"]
    return [(r["ex"]["value"], r["kind"]["value"], r["text"]["value"]) for r in rows]


def test_example_queries_answer_the_same(apps: dict[str, Flask]) -> None:
    examples = example_queries(apps["local"])
    assert len(examples) >= 5
    assert example_queries(apps["remote"]) == examples
    for iri, kind, text in examples:
        key = "ntriples" if kind in ("construct", "describe") else "json"
        answers = both(apps, query_string={"query": text, "format": key})
        if key == "ntriples":
            local, remote = graph(answers["local"].data, key), graph(answers["remote"].data, key)
        else:
            concats = group_concats(text)
            local, remote = (solutions(answers[name].data, key, concats) for name in ("local", "remote"))
        assert local == remote, iri
