"""Open a written release for reading: its manifest and its pyoxigraph store (read-only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import ReleaseError

MANIFEST = "manifest.json"


@dataclass
class OpenRelease:
    path: Path
    manifest: dict[str, Any]
    store: ox.Store

    def graph(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.manifest["graphs"][name])


def read_manifest(release_dir: Path) -> dict[str, Any]:
    path = Path(release_dir) / MANIFEST
    if not Path(release_dir).exists():
        raise ReleaseError(f"no release at {release_dir}: run `heg build` first, or pass --release DIR")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(
            f"{release_dir} is not a complete release ({MANIFEST} is missing or unreadable: {exc}); "
            "rebuild it with `heg build`"
        ) from exc


def open_release(release_dir: Path) -> OpenRelease:
    manifest = read_manifest(release_dir)
    store_dir = Path(release_dir) / manifest.get("store", "store")
    try:
        store = ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise ReleaseError(f"cannot open the store of {release_dir}: {exc}; rebuild it with `heg build`") from exc
    return OpenRelease(Path(release_dir), manifest, store)
