"""Past releases on the server: every kept release answers at /releases/<version>/... (SPARQL, every IRI in
every format, pages), the list at /releases/ (HTML and DCAT), X-Release on every answer, RFC 5829 Link
headers between the versions of a resource, the banner, and the unknown or downloads-only versions refused
with the reason. Over three releases built from changed sources (conftest.py)."""

from __future__ import annotations

import json
import re
import statistics
import time

import pyoxigraph as ox
import pytest
from support.series import ADDED, CHANGED, FIRST, KEPT, NEW_NOTE, OLD_NOTE, SECOND, THIRD

from heg_core.namespaces import DCAT
from support.apps import TEST_SETTINGS, app_factory

BASE = "https://w3id.org/health-equity-guide/"


def links(response) -> dict[str, str]:
    """rel -> target of the RFC 5829 relations in ``Link`` (the alternates left out)."""
    found = re.findall(r'<([^>]*)>; rel="([a-z-]+-version)"', response.headers.get("Link", ""))
    return {rel: target for target, rel in found}


def ask(client, version: str | None, query: str) -> bool:
    path = f"/releases/{version}/sparql" if version else "/sparql"
    response = client.get(path, query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    return json.loads(response.data)["boolean"]


def test_each_release_answers_sparql_on_its_own_data(series_app) -> None:
    client = series_app.test_client()
    query = f"ASK {{ <{BASE}{ADDED[1:]}> ?p ?o }}"
    assert [ask(client, v, query) for v in (FIRST, SECOND, THIRD)] == [False, True, False]
    assert ask(client, None, query) is False  # unversioned: the latest (the third)
    note = f'ASK {{ <{BASE}{CHANGED[1:]}> ?p "{NEW_NOTE}"@en }}'
    assert [ask(client, v, note) for v in (FIRST, SECOND, THIRD)] == [False, True, True]


def test_versioned_service_description_names_its_release_and_url(series_app) -> None:
    client = series_app.test_client()
    response = client.get(f"/releases/{FIRST}/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"release {FIRST}" in text and f"/releases/{FIRST}/sparql" in text
    assert response.headers["X-Release"] == FIRST


@pytest.mark.parametrize("suffix,media", [("", "text/turtle"), (".ttl", None), (".nt", None),
                                          (".jsonld", None), (".rdf", None), (".html", None)])
def test_an_iri_is_dereferenced_as_its_release_had_it(series_app, suffix: str, media: str | None) -> None:
    client = series_app.test_client()
    headers = {"Accept": media} if media else {}
    answers = {v: client.get(f"/releases/{v}{ADDED}{suffix}", headers=headers) for v in (FIRST, SECOND, THIRD)}
    assert [answers[v].status_code for v in (FIRST, SECOND, THIRD)] == [404, 200, 404]
    assert "Middlesex County" in answers[SECOND].get_data(as_text=True)
    assert answers[SECOND].headers["X-Release"] == SECOND
    assert answers[SECOND].headers["Content-Location"].startswith(f"/releases/{SECOND}{ADDED}.")
    changed = {v: client.get(f"/releases/{v}{CHANGED}{suffix}", headers=headers).get_data(as_text=True)
               for v in (FIRST, SECOND)}
    assert OLD_NOTE.split(":")[1].strip() in changed[FIRST] and NEW_NOTE.split("(")[1][:-2] not in changed[FIRST]
    assert "a test edit of the second release" in changed[SECOND]


def test_unversioned_paths_answer_from_the_latest_and_say_so(series_app) -> None:
    client = series_app.test_client()
    for path in ("/", KEPT, "/sparql", "/releases/", "/downloads", "/static/site.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Release"] == THIRD, path
    assert client.get(ADDED).status_code == 404
    assert client.get(f"/releases/{SECOND}/static/site.css").headers["X-Release"] == SECOND


def test_link_headers_join_only_the_versions_holding_the_resource(series_app) -> None:
    client = series_app.test_client()
    middle = links(client.get(f"/releases/{SECOND}{KEPT}"))
    assert middle == {"latest-version": KEPT, "predecessor-version": f"/releases/{FIRST}{KEPT}",
                      "successor-version": f"/releases/{THIRD}{KEPT}"}
    assert links(client.get(f"/releases/{FIRST}{KEPT}.ttl")) == {
        "latest-version": KEPT, "successor-version": f"/releases/{SECOND}{KEPT}"}
    assert links(client.get(KEPT)) == {"predecessor-version": f"/releases/{SECOND}{KEPT}"}
    # the place only the second release had: no neighbours in time, no latest version
    assert links(client.get(f"/releases/{SECOND}{ADDED}")) == {}
    # gone from the latest: its 404 points back at the last release that had it
    assert links(client.get(ADDED, headers={"Accept": "text/turtle"})) == {
        "predecessor-version": f"/releases/{SECOND}{ADDED}"}
    assert links(client.get(f"/releases/{THIRD}{ADDED}")) == {"predecessor-version": f"/releases/{SECOND}{ADDED}"}


def test_versioned_pages_carry_a_banner_linking_to_the_latest(series_app) -> None:
    client = series_app.test_client()
    page = client.get(f"/releases/{FIRST}{KEPT}").get_data(as_text=True)
    banner = re.search(r'<p class="release-banner"[^>]*>(.*?)</p>', page, re.S)
    assert banner is not None
    assert f"release {FIRST}" in banner.group(1) and f'href="http://localhost{KEPT}"' in banner.group(1)
    assert f"({THIRD})" in banner.group(1)
    # the record's links, its formats and the navigation stay in the release it shows
    assert f'href="/releases/{FIRST}/id/place/' in page and f'href="/releases/{FIRST}{KEPT}.ttl"' in page
    assert 'href="/id/' not in page and 'href="/practices"' not in page
    assert "release-banner" not in client.get(KEPT).get_data(as_text=True)
    home = client.get(f"/releases/{SECOND}/").get_data(as_text=True)
    assert "release-banner" in home and f'href="/releases/{SECOND}/practices"' in home  # links stay in it


def test_the_list_of_releases_newest_first(series_app) -> None:
    response = series_app.test_client().get("/releases/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = re.findall(r'<th scope="row">([^<(]+)', page)
    assert [r.strip() for r in rows] == [THIRD, SECOND, FIRST]
    for version in (FIRST, SECOND, THIRD):
        assert f'href="/releases/{version}/sparql"' in page
    cells = re.findall(r"</td>\s*<td>(first release|after \S+|since \S+)", page)
    assert len(cells) == 3 and cells[2] == "first release"
    assert cells[0] in (f"after {SECOND}", f"since {SECOND}:")  # "since": the manifest records what changed


def test_the_list_as_a_dcat_catalog(series_app) -> None:
    client = series_app.test_client()
    negotiated = client.get("/releases/", headers={"Accept": "text/turtle"})
    assert negotiated.status_code == 200 and negotiated.headers["Content-Type"].startswith("text/turtle")
    assert negotiated.data == client.get("/releases.ttl").data
    graph = list(ox.parse(negotiated.data, format=ox.RdfFormat.TURTLE))
    datasets = {t.subject.value for t in graph if t.predicate.value == DCAT + "inSeries"}
    assert datasets == {f"{BASE}id/release/{v}" for v in (FIRST, SECOND, THIRD)}
    services = {t.object.value for t in graph if t.predicate.value == DCAT + "accessService"}
    assert services == {f"http://localhost/releases/{v}/sparql" for v in (FIRST, SECOND, THIRD)}
    previous = {(t.subject.value, t.object.value) for t in graph if t.predicate.value == DCAT + "previousVersion"}
    assert (f"{BASE}id/release/{THIRD}", f"{BASE}id/release/{SECOND}") in previous
    for suffix in (".jsonld", ".nt", ".rdf"):
        assert client.get("/releases" + suffix).status_code == 200


def test_an_unknown_version_is_404_with_the_versions(series_app) -> None:
    client = series_app.test_client()
    for path in ("/releases/1999.1.0/sparql", f"/releases/1999.1.0{KEPT}", "/releases/1999.1.0/"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 404, path
        error = json.loads(response.data)["error"]
        assert "1999.1.0" in error["message"] and all(v in error["message"] for v in (FIRST, SECOND, THIRD))
        assert error["queryable"] == f"{THIRD}, {SECOND}, {FIRST}"
        assert "X-Release" not in response.headers


def test_releases_past_the_setting_are_downloads_only(series: object) -> None:
    with app_factory(TEST_SETTINGS) as make:
        client = make(RELEASE_DIR=str(series / "latest"), QUERYABLE_RELEASES=2).test_client()
        refused = client.get(f"/releases/{FIRST}/sparql", query_string={"query": "ASK {}"})
        assert refused.status_code == 404
        text = refused.get_data(as_text=True)
        assert "download only" in text and f"/downloads/{FIRST}/" in text and f"{THIRD}, {SECOND}" in text
        assert client.get(f"/downloads/{FIRST}/heg.nt").status_code == 200  # its files stay
        assert client.get(f"/releases/{SECOND}{KEPT}").status_code == 200
        assert links(client.get(f"/releases/{SECOND}{KEPT}")) == {
            "latest-version": KEPT, "successor-version": f"/releases/{THIRD}{KEPT}"}  # FIRST is not served
        listing = client.get("/releases/").get_data(as_text=True)
        assert listing.count("downloads only") == 1


def test_versioned_paths_are_as_fast_as_the_latest(series_app) -> None:
    """A versioned IRI takes the same path as the unversioned one: measured against it, in this run."""
    client = series_app.test_client()

    def median(path: str) -> float:
        client.get(path)  # warm: the description cached in both cases
        times = []
        for _ in range(30):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    latest, versioned = median(KEPT), median(f"/releases/{THIRD}{KEPT}")
    older = median(f"/releases/{FIRST}{KEPT}")
    assert versioned < latest * 1.5 + 0.002, (latest, versioned)
    assert older < latest * 1.5 + 0.002, (latest, older)


def test_links_to_the_history_of_releases_leave_the_version(series_app) -> None:
    page = series_app.test_client().get(f"/releases/{SECOND}/").get_data(as_text=True)
    assert 'href="/releases/"' in page and f'href="/releases/{SECOND}/releases/' not in page
    listing = series_app.test_client().get(f"/releases/{SECOND}/releases/").get_data(as_text=True)
    assert f'href="/releases/{FIRST}/sparql"' in listing  # a versioned copy of the list links the versions
