"""Three releases from changed sources, for the tests of past releases (``build_release_series(tmp, SERIES)``).

``FIRST`` is the fixture data as it is; ``SECOND`` adds a place (:data:`ADDED`) and changes another's
editorial note (:data:`CHANGED`); ``THIRD`` removes the added place again. So :data:`ADDED` exists only in
``SECOND``, :data:`KEPT` in all three.
"""

from __future__ import annotations

from pathlib import Path

from .releases import replace_in

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
