"""The US map of the home and places pages (issue 14): its state shapes and marks are what SPARQL over the
release's dump says, each mark links to its record's page with an accessible name, cities are drawn on the
place they lie within (and the list says so), and the pure layout keeps marks apart."""

from __future__ import annotations

import math
import re
from html import unescape

import pytest
from support.maps import BASE, EXPECTED_MARKS, PREFIXES, STATES_WITH_PLACES
from support.releases import answer_of, dump_store

from sparql_endpoint.site.atlas import atlas
from sparql_endpoint.site.usmap import RADIUS, GAP, Mark, derived_level, spread

BROWSER = "text/html,application/xhtml+xml"
MARK = re.compile(r'<a class="mark-link" id="mark-\d+" href="([^"]+)" aria-label="([^"]+)" data-kind="([^"]+)" '
                  r'data-geoid="([^"]+)"><title>([^<]+)</title>')


def page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def svg_of(html: str) -> str:
    return re.search(r'<svg class="us-map-svg".*?</svg>', html, re.DOTALL).group(0)


@pytest.mark.parametrize("path", ["/", "/places"])
def test_the_map_draws_every_item_on_its_place_as_sparql_says(client, release, path: str) -> None:
    store = dump_store(release.path)
    expected = {(s["item"].value[len(BASE):], s["kind"].value, s["shape"].value) for s in answer_of(store, EXPECTED_MARKS)}
    assert len(expected) > 20
    svg = svg_of(page(client, path))
    marks = MARK.findall(svg)
    drawn = {(href.removeprefix("/"), kind, geoid) for href, _, kind, geoid, _ in marks}
    assert len(marks) == len(drawn) == len(expected)
    assert drawn == expected
    case_studies = {s["cs"].value for s in answer_of(store, PREFIXES + "SELECT ?cs WHERE { ?cs a heg:CaseStudy }")}
    assert {BASE + href.removeprefix("/") for href, _, kind, _, _ in marks if kind == "case-study"} == case_studies
    for href, label, kind, _, title in marks:
        assert href.startswith("/id/case-study/" if kind == "case-study" else "/id/organization/")
        assert unescape(label) == unescape(title) and unescape(label).startswith(("Case study: ", "Health department: "))
    # every state of the atlas is drawn; those holding one of our places are tinted
    states = re.findall(r'<path class="state( has-places)?" data-geoid="(\d\d)"', svg)
    assert len(states) == len(atlas().states) == 51
    [ours] = answer_of(store, STATES_WITH_PLACES)
    assert sum(1 for tinted, _ in states if tinted) == int(ours["n"].value)
    counties = set(re.findall(r'<path class="county" data-geoid="(\d{5})"', svg))
    assert counties == {shape for _, _, shape in expected if len(shape) == 5}
    assert 'style="' not in svg and "<script" not in svg  # the Content-Security-Policy holds


def test_every_geoid_our_places_carry_has_a_shape_or_lies_within_one(release) -> None:
    store = dump_store(release.path)
    rows = answer_of(store, PREFIXES + "SELECT ?p ?g ?up WHERE { ?p heg:geoid ?g OPTIONAL { ?p "
                                       "schema:containedInPlace/heg:geoid ?up } }")
    assert rows
    for row in rows:
        geoid = row["g"].value
        if len(geoid) <= 5:
            assert atlas().shape(geoid) is not None, geoid
        else:  # a Census place: not in the atlas, drawn on the place it lies within
            assert atlas().shape(geoid) is None and atlas().shape(row["up"].value) is not None, geoid


def test_the_list_says_where_each_item_is_drawn_and_that_cities_sit_on_their_county(client) -> None:
    html = page(client, "/places")
    listing = html.split('<details class="map-list"', 1)[1].split("</details>", 1)[0]
    assert "Boston, drawn on Suffolk County" in unescape(listing)
    assert "Kansas City, drawn on Missouri" in unescape(listing)
    assert listing.count("<li>") == len(set(re.findall(r'href="(/id/[^"]+)"', listing)))
    svg = svg_of(html)
    boston = [label for _, label, _, _, _ in MARK.findall(svg) if "Boston Builds Capacity" in unescape(label)]
    assert boston and "Boston (drawn on Suffolk County)" in unescape(boston[0])
    # the legend names every jurisdiction level drawn
    legend = html.split('<ul class="map-legend"', 1)[1].split("</ul>", 1)[0]
    for level in ("State", "County", "City", "City-county", "Multi-county"):
        assert f"</svg> {level} level</li>" in legend


def test_a_health_departments_level_is_derived_from_the_places_it_serves() -> None:
    assert derived_level(["state"]) == "state"
    assert derived_level(["county"]) == "county"
    assert derived_level(["county", "county"]) == "multi-county"
    assert derived_level(["city", "county"]) == "city-county"
    assert derived_level(["city"]) == "city"
    assert derived_level([]) == "" and derived_level(["state", "city"]) == ""


def test_marks_on_one_place_are_spread_apart_and_stay_near_it() -> None:
    shape = atlas().states["25"]
    marks = [Mark(f"i{i}", f"/id/x/{i}", f"item {i}", "case-study", "city", "City", False, shape, ["Boston"])
             for i in range(12)]
    spread(marks)
    assert (marks[0].x, marks[0].y) == shape.point  # the first sits on the shape's centre
    for a in marks:
        for b in marks:
            if a is not b:
                assert math.dist((a.x, a.y), (b.x, b.y)) >= 2 * RADIUS + GAP - 1e-9
        assert math.dist((a.x, a.y), shape.point) < 12 * (2 * RADIUS + GAP)
    assert any(m.moved for m in marks)
