"""A crawl of the whole site from the home page through Flask's test client: every internal link answers,
no 404 and no 500, and the crawl reaches every practice, case study, resource, organization and place."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from flask import Flask

from conftest import BASE

HOST = "http://localhost"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and tag in ("a", "link", "script", "img"):
                self.hrefs.append(value)


def crawl(app: Flask) -> dict[str, Any]:
    client = app.test_client()
    seen: dict[str, int] = {}
    pages: dict[str, str] = {}
    referrers: dict[str, str] = {}
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        seen[path] = response.status_code
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        text = response.get_data(as_text=True)
        pages[path] = text
        parser = Links()
        parser.feed(text)
        for href in parser.hrefs:
            url, _ = urldefrag(urljoin(HOST + path, href))
            parts = urlsplit(url)
            if parts.scheme + "://" + parts.netloc != HOST:
                continue  # external: not ours to check
            target = parts.path + ("?" + parts.query if parts.query else "")
            if target not in seen:
                referrers.setdefault(target, path)
                queue.append(target)
    return {"status": seen, "pages": pages, "referrers": referrers}


@pytest.fixture(scope="session")
def site(ld_app: Flask) -> dict[str, Any]:
    return crawl(ld_app)


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
