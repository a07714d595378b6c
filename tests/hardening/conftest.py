"""Fixtures of the hardening tests: an app over the session's real release (the builder's), made per
module, and its test client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from graph_builder.release import ReleaseOutcome
from support.apps import TEST_SETTINGS, app_factory


@pytest.fixture(scope="module")
def hard_app(release: ReleaseOutcome) -> Iterator[Flask]:
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(release.path), QUERY_WORKERS=2, QUERY_TIMEOUT=3.0, CACHE_ENTRIES=64)


@pytest.fixture
def hard_client(hard_app: Flask) -> Any:
    return hard_app.test_client()
