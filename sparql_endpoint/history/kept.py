"""The releases kept in the releases directory, as the history pages see them: the registry's list, re-read
when the directory changes (a new release is renamed into it), else read once."""

from __future__ import annotations

from heg_core.release import KeptReleases, Release

from ..errors import ResourceNotFound
from ..registry import get_releases


def kept() -> KeptReleases:
    """Every readable release of the releases directory, newest first (damaged ones skipped, with a warning):
    the server's one list (:meth:`sparql_endpoint.registry.Releases.kept`), re-read when the directory changes."""
    return get_releases().kept()


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
