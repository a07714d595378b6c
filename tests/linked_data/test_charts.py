"""The charts of the home page and the practices page: the numbers they draw are the store's, counted here
independently in Python from the release's dump; published links drawn solid, inferred ones hatched."""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from html import unescape
from pathlib import Path

from support.linked_data import BASE
from support.releases import FIXTURE_DATA, answer_of, build_release, dump_store

BROWSER = "text/html,application/xhtml+xml"
PREFIXES = f"PREFIX heg: <{BASE}ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " \
           "PREFIX dcterms: <http://purl.org/dc/terms/> "


def charts_of(html: str) -> dict[str, dict[str, str]]:
    """Caption -> {bar label: the bar's numbers in words}, read from each chart's SVG bar titles."""
    found = {}
    for caption, body in re.findall(r'<figure class="chart"[^>]*>\s*<figcaption>(.*?)</figcaption>(.*?)</figure>',
                                    html, re.DOTALL):
        svg = re.search(r"<svg .*?</svg>", body, re.DOTALL).group(0)
        titles = re.findall(r'<g class="bar"><title>(.*?)</title>', svg)
        found[unescape(caption)] = dict(unescape(t).rsplit(": ", 1) for t in titles)
    return found


def solutions(store, query: str, *names: str) -> list[tuple[str, ...]]:
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in answer_of(store, PREFIXES + query)]


def page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def practice_counts(store) -> dict[str, dict[str, str]]:
    """What the practices page's charts must say, per caption, counted in Python."""
    links = solutions(store, "SELECT ?cs ?p ?i WHERE { ?l a heg:CaseStudyPracticeLink ; heg:linkedCaseStudy ?cs ;"
                             " heg:linkedPractice ?p ; heg:inferred ?i }", "cs", "p", "i")
    placements = solutions(store, "SELECT ?p ?g ?i WHERE { ?pl a heg:PracticePlacement ; heg:placedPractice ?p ;"
                                  " heg:placedIn ?g ; heg:inferred ?i }", "p", "g", "i")
    practices = solutions(store, "SELECT ?p ?label ?title WHERE { ?p a heg:StrategicPractice ; skos:prefLabel ?label ;"
                                 " skos:inScheme/dcterms:title ?title }", "p", "label", "title")
    groups = solutions(store, "SELECT ?g ?label ?title ?kind WHERE { ?g skos:prefLabel ?label ; heg:edition/dcterms:title"
                              " ?title . { ?g a heg:PracticeCategory BIND('category' AS ?kind) } UNION"
                              " { ?g a heg:PracticeStage BIND('stage' AS ?kind) } }", "g", "label", "title", "kind")
    expected: dict[str, dict[str, str]] = defaultdict(dict)
    for p, label, title in practices:
        published = {cs for cs, lp, i in links if lp == p and i == "false"}
        inferred = {cs for cs, lp, i in links if lp == p and i == "true"}
        expected[f"Case studies per practice: {title}"][label] = f"{len(published)} published, {len(inferred)} inferred"
    for g, label, title, kind in groups:
        published = {cs for cs, p, i in links for pp, pg, pi in placements
                     if pp == p and pg == g and i == "false" and pi == "false"}
        linked = {cs for cs, p, _ in links for pp, pg, _ in placements if pp == p and pg == g}
        expected[f"Case studies per category or stage: {title}"][f"{label} ({kind})"] = \
            f"{len(published)} published, {len(linked - published)} inferred"
    return expected


def test_practice_charts_draw_the_stores_numbers(client, release) -> None:
    charts = charts_of(page(client, "/practices"))
    expected = practice_counts(dump_store(release.path))
    assert len(charts) == 4 and charts == expected
    assert any(not words.endswith(" 0 inferred") for chart in charts.values() for words in chart.values())


def test_home_charts_draw_the_stores_numbers(client, release) -> None:
    charts = charts_of(page(client, "/"))
    store = dump_store(release.path)
    for caption, prop, none in (("Resources per type", "resourceType", "no type stated"),
                                ("Resources per evidence level", "evidenceLevel", "no evidence level stated")):
        pairs = solutions(store, f"SELECT ?r ?label WHERE {{ ?r a heg:Resource . OPTIONAL {{ ?r heg:{prop} ?v ."
                                 " ?v skos:prefLabel ?label } }", "r", "label")
        counts = Counter(label or none for _, label in set(pairs))
        assert charts[caption] == {label: str(n) for label, n in counts.items()}, caption
        assert sum(counts.values()) == len({r for r, _ in pairs})
    coverage = solutions(store, "SELECT ?what ?found ?published ?q WHERE { ?r heg:coverage ?c . ?c skos:notation ?what ;"
                                " heg:foundCount ?found . OPTIONAL { ?c heg:publishedCount ?published }"
                                " OPTIONAL { ?c heg:countQualifier ?q } FILTER NOT EXISTS { ?c a heg:PracticeLinkCoverage } }",
                         "what", "found", "published", "q")
    drawn = charts["Coverage against the guide's published counts"]
    assert len(drawn) == len(coverage) == 4
    for what, found, published, qualifier in coverage:
        guide = ("at least " if qualifier == "at-least" else "") + published
        assert f"{found}, the guide says {guide}" in drawn.values(), (what, drawn)


def test_published_links_are_drawn_solid_and_inferred_hatched(make_app, tmp_path: Path) -> None:
    """A copy of the tiny fixture data with one published practice tag: its bar is solid, not hatched."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    path = data / "case-studies" / "alameda-county-advances-equitable-housing-policies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("practices: []", "practices: [2017/allocate-resources]"),
                    encoding="utf-8")
    latest = build_release(tmp_path / "build", data_dir=data)
    html = page(make_app(latest).test_client(), "/practices")
    charts = charts_of(html)
    assert charts == practice_counts(dump_store(latest.resolve()))
    assert charts["Case studies per practice: Health Equity Guide, original edition (2017)"]["Allocate Resources"] == \
        "1 published, 0 inferred"
    bar = re.search(r'<g class="bar"><title>Allocate Resources: .*?</g>', html).group(0)
    solid, hatched = re.findall(r'<rect class="part s-(\w+)"[^>]* width="([\d.]+)%"', bar)
    assert solid[0] == "published" and float(solid[1]) > 0 and "url(#" not in bar.split("s-inferred")[0]
    assert hatched[0] == "inferred" and float(hatched[1]) == 0
