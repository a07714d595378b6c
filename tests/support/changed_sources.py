"""The sources of a release series for the history tests, as edits of a copy of tests/fixtures/data:

1. ``2026.11.0-test``: the fixture as it is (a first release: no predecessor);
2. ``2026.11.1-test``: one resource added, one removed, one description changed;
3. ``2026.12.0-test``: the added resource's title and year changed;
4. ``2026.12.1-test``: the same sources as 3 (an empty diff).

The added resource is test data, named as such: it is no record of the guide. Build them with
:func:`support.releases.build_release_series` (``STEPS``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

VERSIONS = ("2026.11.0-test", "2026.11.1-test", "2026.12.0-test", "2026.12.1-test")
ADDED = "test-only-added-resource"
REMOVED = "contracting-for-equity"
CHANGED = "strategic-practices-and-actions"
NEW_DESCRIPTION = "Test fixture edit: the companion document's description, changed for a release series test."
NEW_TITLE = "Test fixture resource, retitled in the third release"


def _edit_resources(data: Path, change: Callable[[list[dict]], None]) -> None:
    path = data / "resources.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), encoding="utf-8")


def add_remove_change(data: Path) -> None:
    def change(records: list[dict]) -> None:
        records[:] = [r for r in records if r["slug"] != REMOVED]
        next(r for r in records if r["slug"] == CHANGED)["description"] = NEW_DESCRIPTION
        records.append({"slug": ADDED, "title": "Test fixture resource added in the second release",
                        "publishers": ["human-impact-partners"], "year": 2020, "type": "guide",
                        "description": "Not a resource of the guide: a record that exists only in this test series.",
                        "evidence": "listed-on-guide", "source": ["https://healthequityguide.org/"]})
    _edit_resources(data, change)


def retitle(data: Path) -> None:
    def change(records: list[dict]) -> None:
        record = next(r for r in records if r["slug"] == ADDED)
        record["title"], record["year"] = NEW_TITLE, 2021
    _edit_resources(data, change)


STEPS = ((VERSIONS[0], None), (VERSIONS[1], add_remove_change), (VERSIONS[2], retitle), (VERSIONS[3], None))
