"""Pages say when they are cut (issue 11, item 4): one test per page kind built from a query answer.

An app with a tiny row cap (``MAX_ROWS``) cuts every page kind; each such page shows the notice in plain
words, links the SPARQL that gets the whole answer and the rest, and carries ``X-Result-Capped``, like its
RDF. The linked queries, run at ``/sparql`` on the session's app (default cap), return more than the cut
page shows, and the "rest" query returns exactly what the cut left out. The same pages on the default app
carry no notice and no header. Whole graphs are read up to their size in the manifest, not ``MAX_ROWS``:
they are cut by a copy of the release whose manifest undercounts them (what a store holding more than the
release says would do). The search's own limit is the ``SEARCH_LIMIT`` setting, tested at its edge.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from support.apps import app_factory
from support.linked_data import SETTINGS

from graph_builder.release import ReleaseOutcome

CAP = 3
NOTICE = "This page is incomplete"
#: gunicorn's default request-line limit (LIMIT_REQUEST_LINE): a link longer than that could not be followed
REQUEST_LINE = 8190
SEARCH = "/search?q=health"

#: page -> the cut answers it must name (each page is cut at CAP rows by the tiny row cap)
PAGES: dict[str, tuple[str, ...]] = {
    "/": ("The counts per kind", "The coverage table", "The description of the dataset"),
    "/practices": ("The placements of practices in categories and stages", "The crosswalk table"),
    "/case-studies": ("The list of case studies", "The choices of the topic filter"),
    "/resources": ("The list of resources", "The choices of the type filter"),
    "/case-studies?q=health&links=published": ("The list of case studies",),
    "/organizations": ("The list of organizations",),
    "/places": ("The list of places",),
    "/vocabularies": ("The list of vocabularies",),
    SEARCH: ("The search results",),
    "/ontology": ("The list of classes and properties", "The description of the ontology"),
    "/id/practice/2017/allocate-resources": ("The description of this record",),
    "/id/dataset": ("The description of this record",),
    "/id/topic": ("The description of this record",),
}
#: graph documents: the HTML listing and every RDF representation, cut when the manifest undercounts
GRAPH_DOCUMENTS = ("/graph/data", "/shapes", "/catalog", "/.well-known/void")
RDF_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
UNDERCOUNT = 10


@dataclass
class Cut:
    """One cut answer as the page states it."""

    what: str
    limit: int
    whole: str  # the query of "Run the whole query"
    rest: str  # the query of "Run the SPARQL query that gets the rest" ("" when the page gives none)
    href: str


def _query_of(href: str) -> str:
    parts = urlsplit(html.unescape(href))
    assert parts.path == "/sparql", href
    return parse_qs(parts.query)["query"][0]


def notice(text: str) -> list[Cut]:
    """The cuts the page's notice names (none when it has no notice)."""
    found = re.search(r'<section class="cut-notice" role="status" aria-labelledby="cut-notice-h">(.*?)</section>',
                      text, re.S)
    if found is None:
        assert NOTICE not in text
        return []
    body = found.group(1)
    assert f'<h2 id="cut-notice-h">{NOTICE}</h2>' in body
    cuts = []
    for item in body.split("<li>")[1:]:
        what = html.unescape(re.search(r"<strong>(.*?)</strong>", item).group(1))
        limit = int(re.search(r"(?:stopped at|stops at its first) (\d+) ", item).group(1))
        assert f"Anything beyond the first {limit} " in item
        links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)" rel="nofollow">([^<]+)</a>', item))
        whole = links["Run the whole query"]
        rest = links.get("Run the SPARQL query that gets the rest", "")
        shown = html.unescape(re.search(r'<pre class="query"><code>(.*?)</code></pre>', item, re.S).group(1))
        assert _query_of(whole) == shown, "the query shown is the one linked"
        for href in (whole, rest):
            assert len(href) < REQUEST_LINE - 20, f"{what}: a {len(href)}-byte link cannot be followed"
        cuts.append(Cut(what, limit, shown, _query_of(rest) if rest else "", whole))
    return cuts


def answer_size(client: Any, query: str) -> tuple[int, str | None]:
    """Rows (SELECT) or triples (CONSTRUCT) of ``query`` at /sparql, and its X-Result-Capped header."""
    construct = re.search(r"^\s*CONSTRUCT\b", query, re.M) is not None
    accept = "application/n-triples" if construct else "application/sparql-results+json"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    if construct:
        size = len([line for line in response.get_data(as_text=True).splitlines() if line.strip()])
    else:
        size = len(json.loads(response.data)["results"]["bindings"])
    return size, response.headers.get("X-Result-Capped")


@pytest.fixture(scope="module")
def capped_app(release: ReleaseOutcome) -> Iterator[Flask]:
    """The real release with a row cap so small that every page kind is cut."""
    with app_factory(SETTINGS) as make:
        yield make(RELEASE_DIR=str(release.path), MAX_ROWS=CAP)


@pytest.fixture(scope="module")
def undercounted_release(release: ReleaseOutcome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real release whose manifest says every graph holds UNDERCOUNT triples: the store holds
    more than the release says, as a remote store loaded twice would."""
    target = tmp_path_factory.mktemp("undercounted") / release.path.name
    shutil.copytree(release.path, target, symlinks=True)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["triples"] = {key: UNDERCOUNT for key in manifest["triples"]}
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def undercounted_app(undercounted_release: Path) -> Iterator[Flask]:
    with app_factory(SETTINGS) as make:
        yield make(RELEASE_DIR=str(undercounted_release))


def html_page(app_or_client: Any, path: str) -> tuple[str, dict[str, str]]:
    client = app_or_client.test_client() if isinstance(app_or_client, Flask) else app_or_client
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    assert response.content_type.startswith("text/html")
    return response.get_data(as_text=True), dict(response.headers)


def check_links(cuts: list[Cut], client: Any, cut_app: Flask) -> None:
    """Each cut's whole query gets more than the page shows; its rest query gets exactly what was left out
    (on the default app), and answers on the cut page's own server too, up to that server's cap."""
    cut_client, cut_cap = cut_app.test_client(), cut_app.config["MAX_ROWS"]
    for cut in cuts:
        whole, capped = answer_size(client, cut.whole)
        assert capped is None, f"{cut.what}: the whole query is itself cut on the default app"
        assert whole > cut.limit, f"{cut.what}: the whole query gives {whole}, the page showed up to {cut.limit}"
        if cut.rest:
            assert cut.rest.startswith(cut.whole.rstrip()) and cut.rest.endswith(f"OFFSET {cut.limit}")
            rest, _ = answer_size(client, cut.rest)
            assert rest == whole - cut.limit, f"{cut.what}: the rest holds {rest} of the {whole - cut.limit} left out"
            assert answer_size(cut_client, cut.rest)[0] == min(cut_cap, whole - cut.limit), cut.what


@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_cut_by_the_row_cap_says_so_and_links_the_rest(path: str, capped_app: Flask, client: Any) -> None:
    text, headers = html_page(capped_app, path)
    cuts = notice(text)
    named = {cut.what for cut in cuts}
    assert set(PAGES[path]) <= named, f"{path} names {sorted(named)}"
    assert all(cut.limit == CAP for cut in cuts)
    assert headers.get("X-Result-Capped") == str(CAP)
    assert "the most this server returns for one answer" in text
    check_links(cuts, client, capped_app)


@pytest.mark.parametrize("path", list(PAGES))
def test_the_same_page_under_the_default_cap_has_no_notice(path: str, client: Any) -> None:
    text, headers = html_page(client, path)
    assert notice(text) == []
    assert "X-Result-Capped" not in headers


@pytest.mark.parametrize("path", ["/id/practice/2017/allocate-resources", "/id/dataset"])
@pytest.mark.parametrize("accept", RDF_TYPES)
def test_a_cut_description_carries_the_header_in_every_rdf_format(path: str, accept: str, capped_app: Flask,
                                                                  client: Any) -> None:
    cut = capped_app.test_client().get(path, headers={"Accept": accept})
    assert cut.status_code == 200 and cut.content_type.startswith(accept)
    assert cut.headers["X-Result-Capped"] == str(CAP)
    whole = client.get(path, headers={"Accept": accept})
    assert whole.status_code == 200 and "X-Result-Capped" not in whole.headers
    assert len(whole.data) > len(cut.data)


def test_the_entity_notice_gives_the_whole_description_query(capped_app: Flask, client: Any) -> None:
    """A description is a CONSTRUCT whose solutions give several triples each: no OFFSET link for it, the
    whole query instead, which gives the description the default app serves."""
    cuts = notice(html_page(capped_app, "/id/practice/2017/allocate-resources")[0])
    assert len(cuts) == 1 and cuts[0].rest == "" and "CONSTRUCT" in cuts[0].whole
    assert "page through it with <code>LIMIT</code> and <code>OFFSET</code>" in \
        html_page(capped_app, "/id/practice/2017/allocate-resources")[0]
    size, _ = answer_size(client, cuts[0].whole)
    turtle = client.get("/id/practice/2017/allocate-resources.nt").get_data(as_text=True)
    assert size == len([line for line in turtle.splitlines() if line.strip()])


@pytest.mark.parametrize("path", GRAPH_DOCUMENTS)
def test_a_graph_document_read_short_says_so_in_html_and_rdf(path: str, undercounted_app: Flask,
                                                             client: Any) -> None:
    text, headers = html_page(undercounted_app, path)
    cuts = notice(text)
    assert cuts and all(cut.limit == UNDERCOUNT + 1 for cut in cuts)
    assert "the most this page reads for it" in text
    assert headers["X-Result-Capped"] == str(UNDERCOUNT + 1)
    check_links(cuts, client, undercounted_app)
    for accept in RDF_TYPES:
        cut = undercounted_app.test_client().get(path, headers={"Accept": accept})
        assert cut.status_code == 200 and cut.headers["X-Result-Capped"] == str(UNDERCOUNT + 1), accept
        whole = client.get(path, headers={"Accept": accept})
        assert "X-Result-Capped" not in whole.headers, accept
    assert notice(html_page(client, path)[0]) == []
    assert "X-Result-Capped" not in html_page(client, path)[1]


def test_the_ontology_as_rdf_is_a_graph_document(undercounted_app: Flask, client: Any) -> None:
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert undercounted_app.test_client().get("/ontology" + suffix).headers["X-Result-Capped"] == "11"
        assert "X-Result-Capped" not in client.get("/ontology" + suffix).headers


def search_rows(client: Any, capped_app: Flask) -> int:
    """How many rows of answer the search gives in all (its whole query, run on the default app)."""
    cuts = notice(html_page(capped_app, SEARCH)[0])
    return answer_size(client, cuts[0].whole)[0]


def test_the_search_says_when_it_stops_at_its_own_limit(make_app: Any, client: Any, capped_app: Flask) -> None:
    total = search_rows(client, capped_app)
    assert total > 4
    at_limit = make_app(SEARCH_LIMIT=total - 1)
    text, headers = html_page(at_limit, SEARCH)
    cuts = notice(text)
    assert [cut.what for cut in cuts] == ["The search results"]
    assert f"the search stops at its first {total - 1} rows of answer" in text
    assert headers["X-Result-Capped"] == str(total - 1)
    check_links(cuts, client, at_limit)
    assert answer_size(client, cuts[0].rest)[0] == 1  # the one row the limit left out
    # a search whose answer is exactly as long as the limit is complete: no notice, no header
    text, headers = html_page(make_app(SEARCH_LIMIT=total), SEARCH)
    assert notice(text) == [] and "X-Result-Capped" not in headers
    hits = len(re.findall(r"<li><h2><a ", text))
    assert hits == len(re.findall(r"<li><h2><a ", html_page(client, SEARCH)[0]))


def test_search_limit_is_a_checked_setting(make_app: Any) -> None:
    from heg_core.errors import ConfigError

    with pytest.raises(ConfigError, match="SEARCH_LIMIT"):
        make_app(SEARCH_LIMIT=0)
