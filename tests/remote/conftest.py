"""One real Oxigraph server per session, loaded with the session release by ``heg publish``'s library
function; a local app and a remote app over the same release, to compare."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from graph_builder.publish import Endpoints, PublishReport, publish_release
from graph_builder.release import ReleaseOutcome
from support.apps import app_factory
from support.remote_servers import OxigraphServer
from sparql_endpoint import state_of


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "virtuoso: needs Debian's virtuoso-opensource (HEG_TEST_VIRTUOSO=1)")


SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 10.0}


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def published(oxigraph: OxigraphServer, release: ReleaseOutcome) -> PublishReport:
    return publish_release(release.path, Endpoints.of(oxigraph.base), environ={})


@pytest.fixture(scope="module")
def apps(release: ReleaseOutcome, oxigraph: OxigraphServer, published: PublishReport) -> Iterator[dict[str, Flask]]:
    """{"local": app on the embedded store, "remote": app on the Oxigraph server}, one pair per module."""
    with app_factory({**SETTINGS, "RELEASE_DIR": str(release.path)}) as make:
        pair = {"local": make(), "remote": make(STORE_KIND="remote", STORE_URL=oxigraph.query_url)}
        for app in pair.values():
            state_of(app).store.start()
        yield pair
