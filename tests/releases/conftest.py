"""Fixtures of the past-releases tests: the three releases of :mod:`support.series`, built by the real
pipeline from edited copies of the fixture sources into one releases directory, and apps over them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from support.apps import TEST_SETTINGS, app_factory
from support.releases import build_release_series
from support.series import SERIES

@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The releases directory of the three releases (tests must not modify it: copy it with ``series_copy``)."""
    return build_release_series(tmp_path_factory.mktemp("series"), SERIES)[0].parent


@pytest.fixture
def series_copy(series: Path, tmp_path: Path) -> Path:
    """A private copy of the series' releases directory, which a test may break (``latest`` kept a link)."""
    target = tmp_path / "releases"
    shutil.copytree(series, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def series_app(series: Path) -> Iterator[Flask]:
    """One app over the series (``latest``: the third), every release queryable; read-only tests share it."""
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(series / "latest"), QUERYABLE_RELEASES=3)
