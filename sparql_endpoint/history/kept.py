"""The releases kept in the releases directory, as the history pages see them: re-listed when the directory
changes (a new release is renamed into it), else read once."""

from __future__ import annotations

import logging

from heg_core.release import KeptReleases, Release, list_releases

from ..downloads.files import releases_root
from ..errors import ResourceNotFound
from ..state import get_state

log = logging.getLogger(__name__)


def kept() -> KeptReleases:
    """Every readable release of the releases directory, newest first (damaged ones skipped, with a warning)."""
    root = releases_root()
    stamp = root.stat().st_mtime_ns

    def load() -> KeptReleases:
        found = list_releases(root)
        for name, reason in found.skipped:
            log.warning("release folder %s skipped: %s", name, reason)
        return found

    return get_state().once(f"history kept {root} {stamp}", load)


def release_named(version: str) -> Release:
    """The kept release ``version``, or a 404 that lists the versions kept here."""
    found = kept()
    release = found.get(version)
    if release is None:
        versions = ", ".join(found.versions) or "none"
        raise ResourceNotFound(f"There is no release {version!r} here.",
                               hint=f"The releases kept here are: {versions}. See /releases.atom or /downloads.",
                               versions=versions)
    return release
