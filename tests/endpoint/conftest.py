"""Fixtures of the endpoint tests: the tiny fixture release (``release_dir``), the real one for runaway
queries (``big_release_dir``), one app shared by a module's read-only protocol tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask

from graph_builder.release import ReleaseOutcome
from support.apps import TEST_SETTINGS, app_factory
from support.releases import dump_store


@pytest.fixture(scope="session")
def release_dir(fixture_release: Path) -> Path:
    return fixture_release


@pytest.fixture(scope="session")
def app_release(fixture_release: Path) -> Path:
    """``make_app`` serves the tiny fixture release in the endpoint tests."""
    return fixture_release


@pytest.fixture(scope="session")
def big_release_dir(release: ReleaseOutcome) -> Path:
    """The real release (thousands of triples): a 4-way cartesian product over it never ends in time."""
    return release.path


@pytest.fixture(scope="session")
def fixture_store(fixture_release: Path) -> ox.Store:
    """The fixture release's TriG dump in an in-memory store: what the endpoint's answers must match,
    read without the endpoint."""
    return dump_store(fixture_release)


@pytest.fixture(scope="module")
def shared_app(fixture_release: Path) -> Iterator[Flask]:
    """One app per test module for the many read-only protocol tests (workers are costly to start)."""
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(fixture_release), QUERY_WORKERS=2)


@pytest.fixture
def client(shared_app: Flask) -> Any:
    return shared_app.test_client()
