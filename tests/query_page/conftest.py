"""Fixtures of the query page tests: an app on the session release, and `heg serve` as a real process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from graph_builder.release import ReleaseOutcome
from support.apps import TEST_SETTINGS, app_factory
from support.serving import serving


@pytest.fixture(scope="module")
def app(release: ReleaseOutcome) -> Iterator[Flask]:
    """One app on the session release for the read-only tests of a module."""
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(release.path))


@pytest.fixture(scope="module")
def served(release: ReleaseOutcome) -> Iterator[str]:
    """`heg serve` on 127.0.0.1 and a free port, serving the session release; yields the /sparql URL.

    The query timeout is short (2 s) so that the page's timeout message can be seen in a test."""
    with serving(release.path, "--query-timeout", "2", "--query-workers", "2") as base:
        yield base + "/sparql"
