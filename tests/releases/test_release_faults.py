"""Faults among kept releases: a damaged or half-written folder is skipped with a warning naming it, an older
release whose store cannot be opened answers 503 saying why (the others keep answering), a moved ``latest``
is followed without a restart, and a broken new ``latest`` is logged and skipped while the old one serves."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest
from support.series import ADDED, FIRST, KEPT, SECOND, THIRD

from support.apps import TEST_SETTINGS, app_factory


def point_latest(releases: Path, version: str) -> None:
    """Move ``latest`` atomically, as ``heg build`` does."""
    tmp = releases / ".latest-test"
    tmp.symlink_to(version)
    os.replace(tmp, releases / "latest")


def wait_for_release(client, version: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/releases/").headers.get("X-Release") == version:
            return
        time.sleep(0.1)
    raise AssertionError(f"the server did not switch to {version} in {timeout} s")


def test_a_damaged_folder_is_skipped_with_a_warning(series_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    (series_copy / "2026.9.0").mkdir()  # half-written: no manifest
    (series_copy / "2026.9.0" / "heg.nt").write_text("", encoding="utf-8")
    manifest = series_copy / FIRST / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:40], encoding="utf-8")  # truncated
    caplog.set_level(logging.WARNING, logger="sparql_endpoint")
    with app_factory(TEST_SETTINGS) as make:
        client = make(RELEASE_DIR=str(series_copy / "latest")).test_client()
        listing = client.get("/releases/").get_data(as_text=True)
        assert f">{THIRD} (latest)<" in listing.replace("<th scope=\"row\">", ">") and SECOND in listing
        assert "<code>2026.9.0</code>" in listing and f"<code>{FIRST}</code>" in listing
        warned = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
        assert any("2026.9.0" in m for m in warned) and any(FIRST in m and "JSON" in m for m in warned)
        refused = client.get(f"/releases/{FIRST}{KEPT}", headers={"Accept": "application/json"})
        assert refused.status_code == 404
        assert "damaged" in json.loads(refused.data)["error"]["message"]
        assert client.get(f"/releases/{SECOND}{KEPT}").status_code == 200
        assert client.get(KEPT).status_code == 200


def test_a_release_whose_store_cannot_be_opened_is_503_and_the_rest_serve(series_copy: Path) -> None:
    store = series_copy / SECOND / "store"
    for item in store.iterdir():
        if item.name.startswith(("CURRENT", "MANIFEST")):
            item.write_bytes(b"garbage")
    with app_factory(TEST_SETTINGS) as make:
        client = make(RELEASE_DIR=str(series_copy / "latest")).test_client()
        for _ in range(2):  # tried once, then remembered
            refused = client.get(f"/releases/{SECOND}/sparql", query_string={"query": "ASK {}"},
                                 headers={"Accept": "application/json"})
            assert refused.status_code == 503
            error = json.loads(refused.data)["error"]
            assert "cannot be queried" in error["message"] and f"/downloads/{SECOND}/" in error["message"]
            assert f"{THIRD}, {FIRST}" in error["message"]
        assert client.get(f"/releases/{FIRST}{KEPT}").status_code == 200
        assert client.get(KEPT).status_code == 200
        assert client.get(f"/downloads/{SECOND}/heg.nt").status_code == 200
        assert "not queryable now" in client.get("/releases/").get_data(as_text=True)


def test_a_moved_latest_is_followed_without_a_restart(series_copy: Path) -> None:
    with app_factory(TEST_SETTINGS) as make:
        client = make(RELEASE_DIR=str(series_copy / "latest")).test_client()
        assert client.get(ADDED).status_code == 404
        count = {"query_string": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                 "headers": {"Accept": "application/sparql-results+json"}}
        before = [client.get("/sparql", **count) for _ in range(2)]  # the second is a replay of the fast path
        assert before[0].data == before[1].data and before[1].headers["X-Release"] == THIRD
        point_latest(series_copy, SECOND)
        wait_for_release(client, SECOND)
        after = client.get("/sparql", **count)  # never the old latest's kept answer
        assert after.headers["X-Release"] == SECOND and after.data != before[0].data
        assert after.headers["ETag"] != before[0].headers["ETag"]
        assert client.get(ADDED).status_code == 200  # the unversioned paths answer from the new latest
        assert client.get(ADDED).headers["X-Release"] == SECOND
        assert client.get(f"/releases/{THIRD}{KEPT}").status_code == 200  # the old latest stays served


def test_a_broken_new_latest_is_skipped_and_the_old_one_serves(series_copy: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    broken = series_copy / "2027.1.0"
    (broken / "store").mkdir(parents=True)
    (broken / "manifest.json").write_text(json.dumps({"version": "2027.1.0"}), encoding="utf-8")
    caplog.set_level(logging.ERROR, logger="sparql_endpoint")
    with app_factory(TEST_SETTINGS) as make:
        client = make(RELEASE_DIR=str(series_copy / "latest")).test_client()
        point_latest(series_copy, "2027.1.0")
        deadline = time.monotonic() + 30
        while not any("2027.1.0" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
            assert client.get(KEPT).headers["X-Release"] == THIRD
            time.sleep(0.1)
        assert any("2027.1.0" in r.getMessage() and f"still serving release {THIRD}" in r.getMessage()
                   for r in caplog.records)
        assert client.get(KEPT).headers["X-Release"] == THIRD
        point_latest(series_copy, FIRST)  # a later good move is still followed
        wait_for_release(client, FIRST)


def test_the_list_shows_what_changed_when_the_manifest_records_it(series_copy: Path) -> None:
    manifest_path = series_copy / THIRD / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["changes"] = {"previous_version": SECOND, "triples_added": 0, "triples_removed": 8,
                           "entities_added": 0, "entities_removed": 1, "entities_changed": 0, "files": []}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with app_factory(TEST_SETTINGS) as make:
        page = make(RELEASE_DIR=str(series_copy / "latest")).test_client().get("/releases/").get_data(as_text=True)
        assert f"since {SECOND}: 0 records added,\n      1 removed, 0 changed" in page
        assert "(+0 / −8 triples)" in page
