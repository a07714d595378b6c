"""Fixtures of the past-releases tests: three releases built by the real pipeline from edited copies of the
fixture sources into one releases directory, and apps over them.

The series: ``FIRST`` is the fixture data as it is; ``SECOND`` adds a place (:data:`ADDED`) and changes
another's editorial note (:data:`CHANGED`); ``THIRD`` removes the added place again. So :data:`ADDED` exists
only in ``SECOND``, :data:`KEPT` in all three.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from support.apps import TEST_SETTINGS, app_factory
from support.releases import build_release_series, replace_in

FIRST, SECOND, THIRD = "2026.10.0", "2026.11.0", "2026.12.0"
ADDED = "/id/place/middlesex-county-ma"
CHANGED = "/id/place/suffolk-county-ma"
KEPT = "/id/place/california"
#: a test-only place row (Middlesex County, MA: its Census GEOID is 25017), in a copy of the fixture data
ADDED_ROW = ("middlesex-county-ma,Middlesex County,county,MA,25017,massachusetts,"
             "https://www.census.gov/library/reference/code-lists/ansi.html,\n")
OLD_NOTE = "places.json: county containing Boston."
NEW_NOTE = "places.json: county containing Boston (a test edit of the second release)."


def _add_place(data: Path) -> None:
    places = data / "places.csv"
    places.write_text(places.read_text(encoding="utf-8") + ADDED_ROW, encoding="utf-8")
    replace_in(places, OLD_NOTE, NEW_NOTE)


def _remove_place(data: Path) -> None:
    replace_in(data / "places.csv", ADDED_ROW, "")


SERIES = {FIRST: None, SECOND: _add_place, THIRD: _remove_place}


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The releases directory of the three releases (tests must not modify it: copy it with ``series_copy``)."""
    return build_release_series(tmp_path_factory.mktemp("series"), SERIES)


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
