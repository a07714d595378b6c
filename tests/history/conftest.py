"""The history suite's release series (support.changed_sources), built once per session, and an app on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from support.apps import TEST_SETTINGS, app_factory
from support.changed_sources import STEPS
from support.releases import build_release_series


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The four releases, oldest first (versioned directories in one releases directory)."""
    return build_release_series(tmp_path_factory.mktemp("series"), STEPS)


@pytest.fixture(scope="session")
def series_again(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The same series built again elsewhere, later: what must come out byte-identical."""
    return build_release_series(tmp_path_factory.mktemp("series-again"), STEPS)


@pytest.fixture(scope="module")
def history_app(series: list[Path]) -> Iterator[Flask]:
    """One app serving the newest release of the series (its releases directory holds all four)."""
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(series[-1].parent / "latest"))
