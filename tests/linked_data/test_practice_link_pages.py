"""Case studies by practice on the pages (issue 15): the practice filter, the per-practice counts and the
home page's table include the curators' inferred links by default, clearly marked, and can leave them out;
a published tag, once recorded, is listed as published."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask

from graph_builder.pipeline import DEFAULT_DATA
from support.apps import app_factory
from support.linked_data import BASE, SETTINGS
from support.releases import answer_of, build_release, dump_store

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
PREFIXES = f"PREFIX heg: <{BASE}ontology#> "
TAGGED_CASE = "alameda-county-advances-equitable-housing-policies"


def page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def listed(html: str) -> dict[str, bool]:
    """Listed case-study path -> marked as matching only through an inferred link."""
    items = re.findall(r'<li><h2><a href="(/id/case-study/[^"]+)">[^<]*</a>( <span class="badge inferred">)?', html)
    return {href: bool(badge) for href, badge in items}


def inferred_links(release_path: Path) -> dict[str, set[str]]:
    """practice IRI -> case-study IRIs with an inferred link to it, read from the release's own dump."""
    rows = answer_of(dump_store(release_path), PREFIXES + "SELECT ?p ?cs WHERE { ?l a heg:CaseStudyPracticeLink ; "
                                                         "heg:linkedPractice ?p ; heg:linkedCaseStudy ?cs ; heg:inferred true }")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["p"].value, set()).add(row["cs"].value)
    return found


def test_the_practice_filter_includes_inferred_links_by_default_and_marks_them(client, release) -> None:
    links = inferred_links(release.path)
    assert links, "the release has no inferred link: nothing below would be checked"
    for practice, cases in sorted(links.items()):
        value = practice[len(BASE) + 3:]
        html = page(client, f"/case-studies?practice={value}")
        found = listed(html)
        assert set(found) == {"/" + c[len(BASE):] for c in cases}, value
        assert all(found.values()), f"every match for {value} is through an inferred link and must say so"
        assert f"{len(cases)} case stud" in html and "only through an inferred practice link" in html
        published_only = page(client, f"/case-studies?practice={value}&links=published")
        assert listed(published_only) == {} and "Published links only" in published_only


def test_a_bad_link_mode_is_400(client) -> None:
    response = client.get("/case-studies?links=everything", headers={"Accept": "text/plain"})
    assert response.status_code == 400 and b"links=published" in response.data


def test_per_practice_counts_give_published_and_inferred_apart(client, release) -> None:
    links = inferred_links(release.path)
    html = page(client, "/practices")
    for practice, cases in links.items():
        href = "/case-studies?practice=" + practice[len(BASE) + 3:]
        match = re.search(re.escape(f'<a href="{href}">') + r"(\d+) case stud[a-z]+</a>: (\d+) published, (\d+)", html)
        assert match, href
        assert tuple(int(g) for g in match.groups()) == (len(cases), 0, len(cases))


def test_home_page_counts_published_and_inferred_links_apart(client, release) -> None:
    links = inferred_links(release.path)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client, "/")))
    total = sum(len(c) for c in links.values())
    cases = len(set().union(*links.values()))
    assert f"Practice links 0 {total} " in text and f"Case studies with a link 0 {cases} " in text


def test_a_practice_link_page_is_named_by_its_two_ends(client, release) -> None:
    practice, cases = sorted(inferred_links(release.path).items())[0]
    case = sorted(cases)[0]
    link = f"/id/practice-link/{case.rsplit('/', 1)[-1]}/{practice[len(BASE) + len('id/practice/'):]}"
    html = page(client, link)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "\u2192" in title and "inferred" in html.lower()


# --------------------------------------------------------------------------- once a tag is published


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """A release of a copy of data/ where one case study carries a published practice tag."""
    root = tmp_path_factory.mktemp("tagged")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA, data)
    path = data / "case-studies" / f"{TAGGED_CASE}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    inferred = {link["practice"] for link in record.get("inferred_practices", [])}
    editions = yaml.safe_load((data / "editions" / "2017.yaml").read_text(encoding="utf-8"))
    practice = next(f"2017/{p['slug']}" for p in editions["practices"] if f"2017/{p['slug']}" not in inferred)
    text = path.read_text(encoding="utf-8")
    assert "\npractices: []\n" in text
    path.write_text(text.replace("\npractices: []\n", f"\npractices: [{practice}]\n"), encoding="utf-8")
    latest = build_release(root / "build", data)
    with app_factory(SETTINGS) as make:
        yield make(RELEASE_DIR=str(latest)), practice


def test_a_published_tag_is_listed_as_published_in_both_modes(tagged) -> None:
    app, practice = tagged
    client = app.test_client()
    case_path = f"/id/case-study/{TAGGED_CASE}"
    for mode in ("all", "published"):
        found = listed(page(client, f"/case-studies?practice=practice/{practice}&links={mode}"))
        assert found.get(case_path) is False, (mode, found)  # listed, and not marked inferred
    assert set(listed(page(client, f"/case-studies?practice=practice/{practice}&links=published"))) == {case_path}
    html = page(client, "/practices")
    href = f"/case-studies?practice=practice/{practice}"
    assert re.search(re.escape(f'<a href="{href}">') + r"\d+ case stud[a-z]+</a>: 1 published", html)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client, "/")))
    assert "Practice links 1 " in text and "Case studies with a link 1 " in text
