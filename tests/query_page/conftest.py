"""Fixtures of the query page tests: an app on the session release, and `heg serve` as a real process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from graph_builder.release import ReleaseOutcome
from apps import app_factory
from serving import serving
from sparql_endpoint import close_app, create_app

TEST_SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10.0}


@pytest.fixture
def make_app() -> Iterator[Callable[[Path], Flask]]:
    """``make_app(release_dir)``: an app on that release; its query workers are stopped afterwards."""
    with app_factory(TEST_SETTINGS) as make:
        yield lambda release_dir, **settings: make(RELEASE_DIR=str(release_dir), **settings)


@pytest.fixture(scope="module")
def app(release: ReleaseOutcome) -> Iterator[Flask]:
    """One app on the session release for the read-only tests of a module."""
    application = create_app({**TEST_SETTINGS, "RELEASE_DIR": str(release.path)}, environ={})
    yield application
    close_app(application)


@pytest.fixture(scope="module")
def served(release: ReleaseOutcome) -> Iterator[str]:
    """`heg serve` on 127.0.0.1 and a free port, serving the session release; yields the /sparql URL.

    The query timeout is short (2 s) so that the page's timeout message can be seen in a test."""
    with serving(release.path, "--query-timeout", "2", "--query-workers", "2") as base:
        yield base + "/sparql"
