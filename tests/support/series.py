"""Three releases from changed sources, for the tests of past releases (``build_release_series(tmp, SERIES)``; the
history tests have their own series, :mod:`support.changed_sources`).

``FIRST`` is the fixture data as it is; ``SECOND`` adds a place (:data:`ADDED`) and changes another's
editorial note (:data:`CHANGED`); ``THIRD`` removes the added place again. So :data:`ADDED` exists only in
``SECOND``, :data:`KEPT` in all three.
"""

from __future__ import annotations

from pathlib import Path


def replace_in(path: Path, old: str, new: str) -> None:
    """An edit's one step: ``old`` (which must be there) replaced by ``new`` in the file at ``path``."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{path} does not contain {old!r}: the edit no longer fits the fixture data")
    path.write_text(text.replace(old, new), encoding="utf-8")

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


#: the steps of :func:`support.releases.build_release_series`
SERIES = ((FIRST, None), (SECOND, _add_place), (THIRD, _remove_place))
