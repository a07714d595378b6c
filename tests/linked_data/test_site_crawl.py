"""A crawl of the whole site from the home page through Flask's test client: every internal link answers,
no 404 and no 500, and the crawl reaches every practice, case study, resource, organization and place."""

from __future__ import annotations

import re
from typing import Any

from support.linked_data import BASE


def test_no_internal_link_is_broken(site: dict[str, Any]) -> None:
    broken = {p: (s, site["referrers"].get(p)) for p, s in site["status"].items() if s >= 400}
    assert not broken, f"broken internal links (status, linked from): {broken}"


def test_the_crawl_reaches_every_entity(site: dict[str, Any], release) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(release.path / "store"))
    wanted = {}
    for cls in ("StrategicPractice", "CaseStudy", "Resource", "KeyAction", "CrosswalkMapping"):
        rows = store.query(f"SELECT ?s WHERE {{ GRAPH <{BASE}graph/data> {{ ?s a <{BASE}ontology#{cls}> }} }}")
        wanted[cls] = {"/" + row["s"].value[len(BASE):] for row in rows}
    for cls, paths in wanted.items():
        assert paths, f"no {cls} in the release"
        missing = paths - set(site["pages"])
        assert not missing, f"{cls} pages not reached from the home page: {sorted(missing)[:5]}"
    assert len(site["pages"]) > 400, len(site["pages"])
    # RDF alternates were followed too, and answered
    assert any(p.endswith(".ttl") for p in site["status"])
    assert any(p.startswith("/downloads/") for p in site["status"])


def test_every_page_escapes_and_is_one_html_document(site: dict[str, Any]) -> None:
    for path, text in site["pages"].items():
        assert text.startswith("<!doctype html>"), path
        assert re.search(r'<html lang="en">', text), path
        assert text.count("<h1") == 1, f"{path} has {text.count('<h1')} h1 elements"
        assert "<main" in text and "</main>" in text, path


def test_every_iri_of_the_release_resolves_on_this_server(client, release) -> None:
    """Every IRI under the base that the release mentions (subject or object, any graph) answers 200."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(release.path / "store"))
    iris = set()
    for quad in store:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value)
    assert len(iris) > 600
    paths = {"/" + iri[len(BASE):].split("#")[0] for iri in iris}
    failures = {}
    for path in sorted(paths):
        for accept in ("text/html", "text/turtle"):
            response = client.get(path, headers={"Accept": accept})
            if response.status_code != 200:
                failures[(path, accept)] = response.status_code
    assert not failures, failures
