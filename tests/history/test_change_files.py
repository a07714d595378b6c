"""What the builder publishes about each release's changes: the RDF Patch chain (applied, it turns release
N-1 into release N exactly), the added and removed N-Triples, their checksums in the manifest, VoID/DCAT and
SHA256SUMS, determinism across builds, the empty diff of the same sources and a first release without one."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from support.changed_sources import ADDED, CHANGED, NEW_DESCRIPTION, NEW_TITLE, REMOVED, VERSIONS
from heg_core.namespaces import DEFAULT_SPACE
from heg_core.cli import main
from heg_core.release import read_manifest
from support.releases import FIXTURE_DATA, build_release

CHANGE_FILES = ["changes.rdfp", "added.nt", "removed.nt", "changes.json"]
CONTENT_GRAPHS = [f"{DEFAULT_SPACE.base}graph/{name}" for name in ("data", "ontology", "shapes", "queries")]
UUID = r"<uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>"
RESOURCE = DEFAULT_SPACE.entity("resource", "")


def quads_of(release: Path) -> set[str]:
    """The release's content graphs as N-Quads lines, read from its TriG dump (not from the files diffed)."""
    return {str(q) for q in ox.parse(path=str(release / "heg.trig"), format=ox.RdfFormat.TRIG)
            if q.graph_name.value in CONTENT_GRAPHS}


def parse_patch(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """An RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html) of one transaction: its headers and its
    (A|D, N-Quads line) changes, each line checked to be one quad."""
    lines = text.splitlines()
    headers = {}
    while lines and lines[0].startswith("H "):
        name, value = re.fullmatch(r"H (\S+) (\S+) \.", lines.pop(0)).groups()
        headers[name] = value
    assert lines[0] == "TX ." and lines[-1] == "TC .", "one transaction, begun and committed"
    changes = []
    for line in lines[1:-1]:
        op, statement = line[0], line[2:]
        assert op in "AD" and line[1] == " ", line
        quads = list(ox.parse(statement.encode(), format=ox.RdfFormat.N_QUADS))
        assert len(quads) == 1 and quads[0].graph_name.value in CONTENT_GRAPHS, line
        changes.append((op, str(quads[0])))
    return headers, changes


def test_a_first_release_has_no_changes(series: list[Path]) -> None:
    first = series[0]
    assert "changes" not in read_manifest(first)
    assert not any((first / name).exists() for name in CHANGE_FILES)
    assert (first / "citation.json").is_file()


def test_each_patch_turns_the_previous_release_into_the_next(series: list[Path]) -> None:
    for older, newer in zip(series, series[1:]):
        headers, changes = parse_patch((newer / "changes.rdfp").read_text(encoding="utf-8"))
        state = quads_of(older)
        for op, quad in changes:
            if op == "D":
                assert quad in state, f"{newer.name} deletes what {older.name} lacks: {quad}"
                state.remove(quad)
            else:
                assert quad not in state, f"{newer.name} adds what {older.name} has: {quad}"
                state.add(quad)
        assert state == quads_of(newer), f"{older.name} + patch != {newer.name}"
        assert set(headers) == {"id", "prev"} and re.fullmatch(UUID, headers["id"]) and re.fullmatch(UUID, headers["prev"])


def test_patches_chain_release_to_release(series: list[Path]) -> None:
    ids = [parse_patch((r / "changes.rdfp").read_text())[0] for r in series[1:]]
    assert ids[1]["prev"] == ids[0]["id"] and ids[2]["prev"] == ids[1]["id"]
    assert len({h["id"] for h in ids}) == 3


def test_added_and_removed_hold_the_data_graph_changes(series: list[Path]) -> None:
    second = series[1]
    added = (second / "added.nt").read_text(encoding="utf-8").splitlines()
    removed = (second / "removed.nt").read_text(encoding="utf-8").splitlines()
    assert added == sorted(added) and removed == sorted(removed)
    assert any(line.startswith(f"<{RESOURCE}{ADDED}>") for line in added)
    assert any(line.startswith(f"<{RESOURCE}{REMOVED}>") for line in removed)
    assert not any(f"<{RESOURCE}{ADDED}>" in line for line in removed)
    assert any(line.startswith(f"<{RESOURCE}{CHANGED}> ") and NEW_DESCRIPTION in line for line in added)
    data_changes = [c for c in parse_patch((second / "changes.rdfp").read_text())[1]
                    if c[1].endswith(f"<{DEFAULT_SPACE.base}graph/data>")]
    assert len([c for c in data_changes if c[0] == "A"]) == len(added)
    assert len([c for c in data_changes if c[0] == "D"]) == len(removed)


def test_manifest_counts_the_changes(series: list[Path]) -> None:
    second, third, fourth = (read_manifest(r)["changes"] for r in series[1:])
    assert second["previous_version"] == VERSIONS[0]
    assert (second["entities_added"], second["entities_removed"], second["entities_changed"]) == (1, 1, 1)
    assert second["triples_added"] == len((series[1] / "added.nt").read_text().splitlines())
    assert second["triples_removed"] == len((series[1] / "removed.nt").read_text().splitlines())
    assert (third["entities_added"], third["entities_removed"], third["entities_changed"]) == (0, 0, 1)
    assert third["triples_added"] == third["triples_removed"] == 2  # title and year, each replaced
    assert second["files"] == CHANGE_FILES
    summary = json.loads((series[2] / "changes.json").read_text())
    (entity,) = summary["entities"]
    assert entity["iri"] == RESOURCE + ADDED and entity["change"] == "changed"
    title = next(p for p in entity["properties"] if p["property"].endswith("/title"))
    assert title["added"] == [f'"{NEW_TITLE}"@en']
    assert title["removed"] == ['"Test fixture resource added in the second release"@en']
    assert fourth["previous_version"] == VERSIONS[2]


def test_the_same_sources_give_an_empty_diff(series: list[Path]) -> None:
    last = series[-1]
    changes = read_manifest(last)["changes"]
    assert {k: v for k, v in changes.items() if k.startswith(("triples", "entities"))} == dict.fromkeys(
        ["triples_added", "triples_removed", "entities_added", "entities_removed", "entities_changed"], 0)
    headers, body = parse_patch((last / "changes.rdfp").read_text())
    assert body == [] and set(headers) == {"id", "prev"}
    assert (last / "added.nt").read_bytes() == b"" == (last / "removed.nt").read_bytes()


def test_the_same_two_releases_give_byte_identical_diffs(series: list[Path], series_again: list[Path]) -> None:
    for first, again in zip(series[1:], series_again[1:]):
        for name in CHANGE_FILES:
            assert (first / name).read_bytes() == (again / name).read_bytes(), f"{first.name}/{name}"
        assert read_manifest(first)["built_at"] != "" and read_manifest(first)["digest"] == read_manifest(again)["digest"]


def test_rebuilding_a_release_under_its_version_changes_nothing(series: list[Path]) -> None:
    last = series[-1]
    before = {name: (last / name).read_bytes() for name in [*CHANGE_FILES, "manifest.json", "citation.bib"]}
    sources = last.parent.parent / "sources"  # the series' copy, still at the last step's content
    build_release(last.parent.parent, sources, version=VERSIONS[-1])
    assert {name: (last / name).read_bytes() for name in before} == before


@pytest.mark.parametrize("name,media_type", [("changes.rdfp", "application/rdf-patch"),
                                             ("added.nt", "application/n-triples"),
                                             ("removed.nt", "application/n-triples"),
                                             ("citation.bib", "application/x-bibtex")])
def test_change_files_are_described_with_checksums(series: list[Path], name: str, media_type: str) -> None:
    second = series[1]
    listed = {f["path"]: f for f in read_manifest(second)["files"]}
    data = (second / name).read_bytes()
    assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest() and listed[name]["bytes"] == len(data)
    assert listed[name]["media_type"] == media_type
    assert f"{hashlib.sha256(data).hexdigest()}  {name}" in (second / "SHA256SUMS").read_text().splitlines()
    void = ox.Store()
    void.load(path=str(second / "void.ttl"), format=ox.RdfFormat.TURTLE)
    release = DEFAULT_SPACE.entity("release", VERSIONS[1])
    rows = list(void.query(f"""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?media ?sum ?size WHERE {{ <{release}> dcat:distribution ?d . ?d dcat:mediaType ?media ;
          dcat:byteSize ?size ; dcat:downloadURL <{DEFAULT_SPACE.base}downloads/{VERSIONS[1]}/{name}> ;
          spdx:checksum/spdx:checksumValue ?sum }}"""))
    assert [(r["media"].value, r["sum"].value, int(r["size"].value)) for r in rows] == [
        (media_type, hashlib.sha256(data).hexdigest(), len(data))]


def test_void_links_the_release_to_its_changes_and_predecessor(series: list[Path]) -> None:
    void = ox.Store()
    void.load(path=str(series[1] / "void.ttl"), format=ox.RdfFormat.TURTLE)
    release = DEFAULT_SPACE.entity("release", VERSIONS[1])
    ask = f"""PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        ASK {{ <{release}> rdfs:seeAlso <{DEFAULT_SPACE.base}releases/{VERSIONS[1]}/changes> ;
                 prov:wasRevisionOf <{DEFAULT_SPACE.entity("release", VERSIONS[0])}> ;
                 dcterms:bibliographicCitation ?citation ;
                 dcat:distribution <{release}/file/changes.rdfp> .
               <{release}/file/changes.rdfp> dcterms:conformsTo <https://afs.github.io/rdf-delta/rdf-patch.html> .
               FILTER(CONTAINS(STR(?citation), "{VERSIONS[1]}")) }}"""
    assert void.query(ask)


def test_heg_build_says_what_changed(tmp_path: Path) -> None:
    first = CliRunner().invoke(main, ["build", "--data", str(FIXTURE_DATA), "--out", str(tmp_path)])
    assert first.exit_code == 0 and "since" not in first.output
    second = CliRunner().invoke(main, ["build", "--data", str(FIXTURE_DATA), "--out", str(tmp_path),
                                       "--version", "2026.11.9-test"])
    assert second.exit_code == 0, second.output
    assert "since 2026.11.0-test: 0 entities added, 0 removed, 0 changed (0 triples added, 0 removed)" in second.output
