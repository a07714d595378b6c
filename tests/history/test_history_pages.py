"""The server's history of releases, over the series of support.changed_sources: the changes page (counts,
per-entity old and new values, the RDF Patch by negotiation, 404s), the Atom feed, citations and "cite this
record" on entity pages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import pytest
from flask import Flask

from heg_core.namespaces import DEFAULT_SPACE
from heg_core.release import read_manifest
from support.changed_sources import ADDED, CHANGED, NEW_DESCRIPTION, NEW_TITLE, REMOVED, VERSIONS

ATOM = "{http://www.w3.org/2005/Atom}"
RESOURCE = DEFAULT_SPACE.entity("resource", "")
DESCRIPTION = "http://purl.org/dc/terms/description"
VOID = {"br", "meta", "link", "input", "img", "hr"}


class Elements(HTMLParser):
    """The page's elements with a ``data-*`` attribute, with the text inside them (nested ones included)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = {k: v or "" for k, v in attrs}
        self._stack.append(tag)
        if any(k.startswith("data-") or k == "id" for k in attributes):
            self.found.append((attributes, []))
            self._open.append(self.found[-1][1])
        else:
            self._open.append([])

    def handle_endtag(self, tag: str) -> None:
        if self._stack and tag not in VOID:
            self._stack.pop()
            text = self._open.pop()
            if self._open:
                self._open[-1].extend(text)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].append(data)

    def text_of(self, **attrs: str) -> str:
        for attributes, text in self.found:
            if all(attributes.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                return " ".join("".join(text).split())
        raise AssertionError(f"no element with {attrs}")


def page(app: Flask, path: str, **headers: str) -> Elements:
    response = app.test_client().get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    assert response.content_type.startswith("text/html")
    parsed = Elements()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def test_changes_page_counts_what_changed(history_app: Flask, series: list[Path]) -> None:
    counts = read_manifest(series[1])["changes"]
    doc = page(history_app, f"/releases/{VERSIONS[1]}/changes")
    assert doc.text_of(id="count-added") == str(counts["entities_added"]) == "1"
    assert doc.text_of(id="count-removed") == str(counts["entities_removed"]) == "1"
    assert doc.text_of(id="count-changed") == str(counts["entities_changed"]) == "1"
    assert doc.text_of(id="kind-added") == "Added (1)"


def test_changes_page_shows_old_and_new_values_per_property(history_app: Flask, series: list[Path]) -> None:
    doc = page(history_app, f"/releases/{VERSIONS[1]}/changes")
    old_description = next(line for line in (series[0] / "heg.nt").read_text().splitlines()
                           if line.startswith(f"<{RESOURCE}{CHANGED}> <{DESCRIPTION}>"))
    old_text = old_description.split('"')[1]
    row = doc.text_of(data_property=DESCRIPTION)  # the first description row: the added resource's (by label)
    entity = doc.text_of(data_iri=RESOURCE + CHANGED)
    assert "Strategic Practices and Actions to Advance Health Equity in Local Health Departments" in entity
    assert old_text in entity and NEW_DESCRIPTION in entity
    assert "none" in row and "Not a resource of the guide" in row  # added: no old value, the new one
    removed = doc.text_of(data_iri=RESOURCE + REMOVED)
    assert "Contracting for Equity" in removed and "Government Alliance on Race and Equity" in removed
    added = doc.text_of(data_iri=RESOURCE + ADDED)
    assert "Test fixture resource added in the second release" in added and "2020" in added


def test_changes_page_links_each_entity_to_the_release_holding_it(history_app: Flask) -> None:
    body = history_app.test_client().get(f"/releases/{VERSIONS[1]}/changes").get_data(as_text=True)
    assert f'href="/releases/{VERSIONS[1]}/id/resource/{ADDED}"' in body
    assert f'href="/releases/{VERSIONS[0]}/id/resource/{REMOVED}"' in body
    assert f'href="/downloads/{VERSIONS[1]}/added.nt"' in body and f'href="/downloads/{VERSIONS[1]}/removed.nt"' in body


def test_a_later_change_shows_the_previous_title(history_app: Flask) -> None:
    doc = page(history_app, f"/releases/{VERSIONS[2]}/changes")
    entity = doc.text_of(data_iri=RESOURCE + ADDED)
    assert "Test fixture resource added in the second release" in entity and NEW_TITLE in entity
    assert "2020" in entity and "2021" in entity
    assert doc.text_of(id="count-changed") == "1" and doc.text_of(id="count-added") == "0"


def test_same_sources_show_no_change(history_app: Flask) -> None:
    doc = page(history_app, f"/releases/{VERSIONS[3]}/changes")
    assert [doc.text_of(id=f"count-{k}") for k in ("added", "removed", "changed")] == ["0", "0", "0"]


def test_a_first_release_says_it_has_no_predecessor(history_app: Flask) -> None:
    client = history_app.test_client()
    body = client.get(f"/releases/{VERSIONS[0]}/changes").get_data(as_text=True)
    assert "no predecessor" in body
    response = client.get(f"/releases/{VERSIONS[0]}/changes", headers={"Accept": "application/rdf-patch"})
    assert response.status_code == 404 and "no predecessor" in response.get_data(as_text=True)


def test_the_patch_by_negotiation_is_the_release_file(history_app: Flask, series: list[Path]) -> None:
    client = history_app.test_client()
    response = client.get(f"/releases/{VERSIONS[1]}/changes", headers={"Accept": "application/rdf-patch"})
    assert response.status_code == 200 and response.content_type == "application/rdf-patch"
    assert response.data == (series[1] / "changes.rdfp").read_bytes()
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == f"/downloads/{VERSIONS[1]}/changes.rdfp"
    again = client.get(f"/releases/{VERSIONS[1]}/changes", headers={"Accept": "application/rdf-patch",
                                                                    "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    html = client.get(f"/releases/{VERSIONS[1]}/changes", headers={"If-None-Match": response.headers["ETag"]})
    assert html.status_code == 200, "the page and the patch are different representations"
    download = client.get(f"/downloads/{VERSIONS[1]}/changes.rdfp")
    assert download.status_code == 200 and download.data == response.data


@pytest.mark.parametrize("path", ["/releases/9.9.9/changes", "/releases/9.9.9/cite"])
def test_an_unknown_version_is_404_naming_the_known_ones(history_app: Flask, path: str) -> None:
    response = history_app.test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert "9.9.9" in error["message"]
    assert all(v in error["hint"] for v in VERSIONS)


def test_the_feed_has_one_entry_per_release(history_app: Flask, series: list[Path]) -> None:
    client = history_app.test_client()
    response = client.get("/releases.atom")
    assert response.status_code == 200 and response.content_type == "application/atom+xml"
    root = ET.fromstring(response.data)  # well-formed, or this raises
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [DEFAULT_SPACE.entity("release", v) for v in reversed(VERSIONS)]
    built = {read_manifest(r)["version"]: read_manifest(r)["built_at"] for r in series}
    for entry, version in zip(entries, reversed(VERSIONS)):
        assert entry.findtext(f"{ATOM}updated") == built[version]
        assert entry.findtext(f"{ATOM}title") == f"Release {version}"
        alternate = next(link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate")
        assert client.get(urlsplit(alternate.get("href")).path).status_code == 200
    second = entries[2]
    assert "1 entities added, 1 removed, 1 changed" in second.findtext(f"{ATOM}summary")
    assert "no predecessor" in entries[-1].findtext(f"{ATOM}summary")
    assert client.get("/releases.atom", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    home = client.get("/").get_data(as_text=True)  # every page lets a feed reader find it
    assert '<link rel="alternate" type="application/atom+xml" title="Releases" href="/releases.atom">' in home


def test_bibtex_citation_parses_and_names_version_date_and_iri(history_app: Flask, series: list[Path]) -> None:
    response = history_app.test_client().get(f"/releases/{VERSIONS[1]}/cite?format=bibtex")
    assert response.status_code == 200 and response.content_type == "application/x-bibtex"
    library = bibtexparser.parse_string(response.get_data(as_text=True))
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert VERSIONS[1] in fields["title"] and fields["version"] == VERSIONS[1]
    assert fields["url"] == DEFAULT_SPACE.entity("release", VERSIONS[1])
    assert fields["year"] == read_manifest(series[1])["built_at"][:4]
    assert fields["author"] == "{Health Equity Guide knowledge graph curators}"  # dataset.yaml's creator, one body


def test_csl_json_citation_has_the_required_fields(history_app: Flask, series: list[Path]) -> None:
    response = history_app.test_client().get(f"/releases/{VERSIONS[2]}/cite",
                                             headers={"Accept": "application/vnd.citationstyles.csl+json"})
    assert response.status_code == 200
    (item,) = json.loads(response.data)
    assert item["id"] and item["type"] == "dataset"
    assert item["version"] == VERSIONS[2] and item["URL"] == DEFAULT_SPACE.entity("release", VERSIONS[2])
    built = read_manifest(series[2])["built_at"][:10]
    assert "-".join(f"{n:02d}" for n in item["issued"]["date-parts"][0]) == built
    assert item["author"] == [{"literal": "Health Equity Guide knowledge graph curators"}]
    assert item["publisher"] == "Health Equity Guide knowledge graph project"


def test_text_citation_and_the_cite_page(history_app: Flask, series: list[Path]) -> None:
    client = history_app.test_client()
    text = client.get(f"/releases/{VERSIONS[1]}/cite?format=text")
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.data == (series[1] / "citation.txt").read_bytes()
    body = text.get_data(as_text=True)
    assert VERSIONS[1] in body and read_manifest(series[1])["built_at"][:10] in body
    assert "https://creativecommons.org/licenses/by/4.0/" in body
    html = client.get(f"/releases/{VERSIONS[1]}/cite").get_data(as_text=True)
    assert "@misc{" in html and '"type": "dataset"' in html.replace("&#34;", '"')


def test_entity_pages_offer_cite_this_record(history_app: Flask) -> None:
    doc = page(history_app, f"/id/resource/{ADDED}")
    block = doc.text_of(id="cite-record-h")
    assert block == "Cite this record"
    body = history_app.test_client().get(f"/id/resource/{ADDED}").get_data(as_text=True)
    versioned = f"{DEFAULT_SPACE.base}releases/{VERSIONS[-1]}/id/resource/{ADDED}"
    assert versioned in body
    text = doc.text_of(id="cite-record-text")
    assert NEW_TITLE in text and versioned in text and "Health Equity Guide knowledge graph curators" in text
    assert f'href="/releases/{VERSIONS[-1]}/cite"' in body
