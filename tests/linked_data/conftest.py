"""Fixtures of the linked-data tests: one app over the session's real release, one crawl of the site,
and a release with a retired IRI built from a copy of data/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release
from sparql_endpoint import create_app

SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 20.0}
BASE = "https://w3id.org/health-equity-guide/"
RETIRED = "id/practice/2017/old-allocate-resources"
SUCCESSOR = "id/practice/2017/allocate-resources"


def make_app(release_dir: Path, **settings: Any) -> Flask:
    return create_app({**SETTINGS, "RELEASE_DIR": str(release_dir), **settings}, environ={})


def close(app: Flask) -> None:
    app.extensions["heg_endpoint"].store.close()


@pytest.fixture(scope="session")
def ld_app(release: ReleaseOutcome) -> Iterator[Flask]:
    app = make_app(release.path)
    yield app
    close(app)


@pytest.fixture
def client(ld_app: Flask) -> Any:
    return ld_app.test_client()


@pytest.fixture(scope="session")
def retired_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of a copy of data/ whose retired.csv retires one IRI in favour of a practice."""
    root = tmp_path_factory.mktemp("retired")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA, data)
    with (data / "retired.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{RETIRED},{SUCCESSOR},2026-01-15,Renamed when the slug was fixed\n")
    result = run_pipeline(Pipeline(data_dir=data))
    return write_release(result, root / "build").path
