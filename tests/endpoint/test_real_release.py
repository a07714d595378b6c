"""The endpoint over a release written by the real builder (not the small fixture release).

The protocol tests use a small hand-made release whose counts they know; these tests close the loop:
what ``heg build`` writes is what ``heg serve`` answers, through the `heg` command as users run it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask import Flask
from SPARQLWrapper import JSON, SPARQLWrapper

from graph_builder.release import ReleaseOutcome
from support.apps import TEST_SETTINGS, app_factory
from support.serving import serving

HEG = "https://w3id.org/health-equity-guide/ontology#"


@pytest.fixture(scope="module")
def real_app(release: ReleaseOutcome) -> Iterator[Flask]:
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(release.path))


def count(response) -> int:
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_counts_match_the_built_graph(real_app: Flask, release: ReleaseOutcome) -> None:
    client = real_app.test_client()
    data = release.manifest["graphs"]["data"]
    response = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 200
    assert count(response) == release.manifest["triples"]["data"]
    union = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert count(union) == release.manifest["triples"]["total"]


def test_every_graph_of_the_release_can_be_named(real_app: Flask, release: ReleaseOutcome) -> None:
    client = real_app.test_client()
    for name, graph in release.manifest["graphs"].items():
        response = client.get("/sparql", query_string={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": graph})
        assert response.status_code == 200, name
        assert count(response) == release.manifest["triples"][name], name


def test_construct_of_a_practice_parses_back(real_app: Flask) -> None:
    query = ("CONSTRUCT { ?p ?q ?o } WHERE { BIND(<https://w3id.org/health-equity-guide/id/practice/2017/"
             "allocate-resources> AS ?p) ?p ?q ?o }")
    response = real_app.test_client().get("/sparql", query_string={"query": query},
                                          headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    assert len(triples) >= 10
    assert any(t.predicate.value == HEG + "keyAction" for t in triples)


def test_heg_serve_answers_sparqlwrapper_on_the_real_release(release: ReleaseOutcome) -> None:
    with serving(release.path, "--query-workers", "1", command=[sys.executable, "-m", "graph_builder", "serve"]) as base:
        client = SPARQLWrapper(base + "/sparql")
        client.setReturnFormat(JSON)
        client.setQuery(f"PREFIX heg: <{HEG}> SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a heg:StrategicPractice }}")
        bindings = client.query().convert()["results"]["bindings"]
        assert bindings[0]["n"]["value"] == "27"
