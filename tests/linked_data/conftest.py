"""Fixtures of the linked-data tests: one app over the session's real release, one crawl of the site,
a release with a retired IRI built from a copy of data/, and for the browser tests `heg serve` on loopback
(``server``, its base URL) and a headless Chromium (``browser``), one of each per module."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from support.apps import app_factory
from support.browser import chromium
from support.linked_data import RETIRED, SETTINGS, SUCCESSOR, crawl
from support.serving import serving

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release


@pytest.fixture(scope="session")
def ld_app(release: ReleaseOutcome) -> Iterator[Flask]:
    with app_factory(SETTINGS) as make:
        yield make(RELEASE_DIR=str(release.path))


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


@pytest.fixture(scope="session")
def site(ld_app: Flask) -> dict[str, Any]:
    """The whole site crawled once from the home page."""
    return crawl(ld_app)


@pytest.fixture(scope="module")
def server(release: ReleaseOutcome) -> Iterator[str]:
    """`heg serve` (the module's own process) on the session's release; its base URL."""
    with serving(release.path, "--query-workers", "1", "--threads", "4",
                 command=[sys.executable, "-m", "sparql_endpoint"]) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's) for the module."""
    with chromium() as driver:
        driver.set_page_load_timeout(30)
        yield driver
