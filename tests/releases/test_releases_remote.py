"""Over a remote store (``STORE_KIND=remote``), which holds one release: the latest answers at its
versioned paths as at the unversioned ones; older releases are refused with 501 and the reason, and stay
downloadable. A real Oxigraph server on 127.0.0.1, loaded by ``heg publish``'s library function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.series import ADDED, FIRST, KEPT, SECOND, THIRD
from flask import Flask

from graph_builder.publish import Endpoints, publish_release
from sparql_endpoint import state_of
from support.apps import TEST_SETTINGS, app_factory
from support.remote_servers import OxigraphServer


@pytest.fixture(scope="module")
def remote_app(series: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-series") / "db").start()
    try:
        publish_release(series / "latest", Endpoints.of(server.base), environ={})
        with app_factory(TEST_SETTINGS) as make:
            app = make(RELEASE_DIR=str(series / "latest"), STORE_KIND="remote", STORE_URL=server.query_url)
            state_of(app).store.start()
            yield app
    finally:
        server.stop()


def test_the_latest_answers_at_its_versioned_paths(remote_app: Flask) -> None:
    client = remote_app.test_client()
    versioned = client.get(f"/releases/{THIRD}{KEPT}.ttl")
    assert versioned.status_code == 200 and versioned.headers["X-Release"] == THIRD
    assert versioned.data == client.get(f"{KEPT}.ttl").data
    answer = client.get(f"/releases/{THIRD}/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and json.loads(answer.data)["boolean"] is True


@pytest.mark.parametrize("path", [f"/releases/{FIRST}/sparql?query=ASK%7B%7D", f"/releases/{SECOND}{ADDED}",
                                  f"/releases/{SECOND}/"])
def test_older_releases_are_501_with_the_reason(remote_app: Flask, path: str) -> None:
    response = remote_app.test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 501
    error = json.loads(response.data)["error"]
    assert "remote store" in error["message"] and THIRD in error["message"]
    assert error["queryable"] == THIRD


def test_older_releases_stay_listed_and_downloadable(remote_app: Flask) -> None:
    client = remote_app.test_client()
    listing = client.get("/releases/").get_data(as_text=True)
    assert listing.count("downloads only") == 2 and f'href="/releases/{THIRD}/sparql"' in listing
    assert client.get(f"/downloads/{FIRST}/heg.nt").status_code == 200
    link = client.get(f"/releases/{THIRD}{KEPT}").headers["Link"]  # no older release to link to
    assert f'<{KEPT}>; rel="latest-version"' in link and "predecessor-version" not in link
