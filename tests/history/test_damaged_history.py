"""Damaged releases around the history: a previous release that cannot be read never stops a build (the
build says so and publishes no diff), and a damaged older folder is skipped by the feed and the pages
while every other release still answers."""

from __future__ import annotations

import logging
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graph_builder.pipeline import Pipeline, run_pipeline
from graph_builder.release import write_release
from heg_core.namespaces import DEFAULT_SPACE
from heg_core.release import CHANGE_FILES, read_manifest
from support.apps import TEST_SETTINGS, app_factory
from support.changed_sources import STEPS, VERSIONS
from support.releases import build_release_series, set_version

ATOM = "{http://www.w3.org/2005/Atom}"


def test_an_unreadable_previous_release_gives_a_release_without_diff(tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    first, = build_release_series(tmp_path, STEPS[:1])
    (first / "heg.nt").write_text("<broken", encoding="utf-8")  # damaged after it was kept
    sources = tmp_path / "sources"  # the series' copy of the sources
    set_version(sources, VERSIONS[1])
    with caplog.at_level(logging.WARNING, logger="graph_builder.changes"):
        outcome = write_release(run_pipeline(Pipeline(data_dir=sources)), tmp_path)
    assert outcome.version == VERSIONS[1] and not outcome.reused
    manifest = read_manifest(outcome.path)
    assert manifest["previous_version"] == VERSIONS[0] and "changes" not in manifest
    assert not any((outcome.path / name).exists() for name in CHANGE_FILES)
    assert any(VERSIONS[0] in r.getMessage() and "heg.nt" in r.getMessage() for r in caplog.records)


def test_a_damaged_older_release_is_skipped_and_the_others_answer(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    releases = build_release_series(tmp_path, STEPS[:3])
    (releases[0] / "manifest.json").write_text("{half written", encoding="utf-8")
    shutil.copytree(releases[1], releases[0].parent / "2026.10.0-copy")  # a folder whose manifest names another version
    with app_factory(TEST_SETTINGS) as make, caplog.at_level(logging.WARNING, logger="sparql_endpoint.history.kept"):
        client = make(RELEASE_DIR=str(releases[-1].parent / "latest")).test_client()
        feed = ET.fromstring(client.get("/releases.atom").data)
        ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
        assert ids == [DEFAULT_SPACE.entity("release", v) for v in (VERSIONS[2], VERSIONS[1])]
        assert client.get(f"/releases/{VERSIONS[2]}/changes").status_code == 200
        missing = client.get(f"/releases/{VERSIONS[0]}/changes", headers={"Accept": "application/json"})
        assert missing.status_code == 404 and VERSIONS[1] in missing.get_json()["error"]["hint"]
        page = client.get(f"/releases/{VERSIONS[1]}/changes").get_data(as_text=True)
        assert "Contracting for Equity" in page  # its own changes.json still reads: removed since the damaged one
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert VERSIONS[0] in messages and "2026.10.0-copy" in messages
