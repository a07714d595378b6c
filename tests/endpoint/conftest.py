"""Shared fixtures: one small release per session, an app per test, a helper to make apps.

``endpoint_release.make_release`` is the one place that writes a release for the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask

from apps import app_factory
from endpoint_release import make_release
from sparql_endpoint import close_app, create_app

@pytest.fixture(scope="session")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="session")
def big_release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with 2,000 filler triples: a 4-way cartesian product over it never ends in time."""
    return make_release(tmp_path_factory.mktemp("big-releases"), filler=2000)


TEST_DEFAULTS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10.0}


@pytest.fixture
def make_app(release_dir: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(**settings)``: a fresh app on the session release; its workers are stopped afterwards."""
    with app_factory({**TEST_DEFAULTS, "RELEASE_DIR": str(release_dir)}) as make:
        yield make


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per test module for the many read-only protocol tests (workers are costly to start)."""
    release = make_release(tmp_path_factory.mktemp("module-release"))
    app = create_app({**TEST_DEFAULTS, "RELEASE_DIR": str(release), "QUERY_WORKERS": 2}, environ={})
    yield app
    close_app(app)


@pytest.fixture
def client(shared_app: Flask) -> Any:
    return shared_app.test_client()
