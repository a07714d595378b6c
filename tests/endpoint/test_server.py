"""`heg serve` as a real process on loopback, queried with SPARQLWrapper (under granian, the default, and
gunicorn, `--server gunicorn`; then --dev)."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import serving
from support.serving import stop
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

BASE = "https://w3id.org/health-equity-guide/"


def start(release: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """`python -m sparql_endpoint` on ``release`` with a 5 s timeout and one query worker; returns its /sparql URL."""
    process, base = serving.start(release, "--query-timeout", "5", "--query-workers", "1", *extra,
                                  command=[sys.executable, "-m", "sparql_endpoint"])
    return process, base + "/sparql"


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def server(fixture_release, request) -> Iterator[str]:
    process, url = start(fixture_release, "--workers", "2", "--threads", "4", "--server", request.param)
    yield url
    stop(process)


def test_sparqlwrapper_select_against_the_server(server: str) -> None:
    sparql = SPARQLWrapper(server)
    sparql.setQuery("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                    "SELECT ?label WHERE { ?p a <" + BASE + "ontology#StrategicPractice> ; skos:prefLabel ?label } "
                    "ORDER BY ?label")
    sparql.setReturnFormat(JSON)
    labels = [b["label"]["value"] for b in sparql.queryAndConvert()["results"]["bindings"]]
    assert labels == ["Allocate Resources", "Build Internal Infrastructure and Capacity", "Build Organizational Capacity",
                      "Change Internal Practices and Processes", "Develop a Shared Analysis",
                      "Develop a Shared Analysis"]  # the fixture's four 2017 and two relaunch practices


def test_sparqlwrapper_default_xml_post_construct_and_ask(server: str) -> None:
    sparql = SPARQLWrapper(server)
    sparql.setQuery("ASK { ?s a <" + BASE + "ontology#CaseStudy> }")
    assert sparql.queryAndConvert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    sparql.setMethod(POST)
    sparql.setQuery("CONSTRUCT WHERE { ?s a <" + BASE + "ontology#CaseStudy> }")
    sparql.setReturnFormat(TURTLE)
    turtle = sparql.queryAndConvert()
    assert b"alameda-county-advances-equitable-housing-policies" in turtle


def test_sparqlwrapper_sees_errors(server: str) -> None:
    sparql = SPARQLWrapper(server)
    sparql.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sparql.query()
    sparql.setQuery("INSERT DATA { <a:s> <a:p> <a:o> }")
    sparql.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as err:  # SPARQLWrapper passes a 403 through as is
        sparql.query()
    assert err.value.code == 403 and b"read-only" in err.value.read()


def test_service_description_over_http(server: str) -> None:
    request = urllib.request.Request(server, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=5) as response:
        text = response.read().decode()
    assert "sd:Service" in text and server in text


def test_dev_server_answers(fixture_release) -> None:
    process, url = start(fixture_release, "--dev")
    try:
        sparql = SPARQLWrapper(url)
        sparql.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        sparql.setReturnFormat(JSON)
        assert int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) > 0
    finally:
        stop(process)


def test_bad_release_exits_2_with_the_reason(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "sparql_endpoint", "--release", str(tmp_path / "nope")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "heg build" in result.stderr


def test_bad_releases_dir_exits_2_before_starting_workers(release_dir, tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "sparql_endpoint", "--release", str(release_dir),
                             "--releases-dir", str(tmp_path / "nope")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "RELEASES_DIR" in result.stderr and "is not a directory" in result.stderr
    assert "Traceback" not in result.stderr and "gunicorn" not in result.stderr.lower()


def test_granian_with_one_io_thread_answers_like_the_default(fixture_release, server: str) -> None:
    """``--io-threads 1`` is granian's single-threaded runtime, the default 2 its multi-threaded one: the
    same answer from both (the module's server runs with the default)."""
    query = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } ORDER BY ?s"

    def ask(url: str) -> list[str]:
        sparql = SPARQLWrapper(url)
        sparql.setQuery(query)
        sparql.setReturnFormat(JSON)
        return [row["s"]["value"] for row in sparql.queryAndConvert()["results"]["bindings"]]

    process, url = start(fixture_release, "--io-threads", "1")
    try:
        answer = ask(url)
    finally:
        stop(process)
    assert answer and answer == ask(server)


def test_io_threads_below_one_exits_2_naming_the_option(fixture_release) -> None:
    result = subprocess.run([sys.executable, "-m", "sparql_endpoint", "--release", str(fixture_release),
                             "--io-threads", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--io-threads" in result.stderr
