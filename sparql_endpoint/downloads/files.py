"""The release files a server may hand out, and the releases it can list: from the manifests only.

Only files a release's ``manifest.json`` lists (plus the manifest and ``SHA256SUMS``) are ever served, from
a version directory found in ``RELEASES_DIR``. File lists and licences are immutable per release: read
once per application and release, never evicted like query answers.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import current_app

from heg_core import release as releases_model
from heg_core.errors import ConfigError, ReleaseError

from ..linked_data.iris import DCTERMS
from ..state import get_state

log = logging.getLogger(__name__)
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")  # bounded: a longer name is not a path the OS takes
EXTRA_FILES = {"manifest.json": "application/json", "SHA256SUMS": "text/plain; charset=utf-8"}


def releases_dir(config: dict[str, Any], release_path: Path) -> Path:
    """``RELEASES_DIR`` (default: the parent of the served release), checked at start-up."""
    raw = config.get("RELEASES_DIR") or ""
    directory = Path(raw).resolve() if raw else release_path.parent
    if not directory.is_dir():
        raise ConfigError(f"setting RELEASES_DIR ({directory}) is not a directory",
                          hint="Point RELEASES_DIR at the directory holding the release directories "
                               "(build/releases), or leave it empty to use the served release's parent.")
    if release_path.parent != directory:
        raise ConfigError(f"the served release {release_path} is not inside RELEASES_DIR {directory}",
                          hint="Serve a release from RELEASES_DIR, or leave RELEASES_DIR empty.")
    return directory


def releases_root() -> Path:
    return Path(current_app.config["HEG_RELEASES_ROOT"])


def release_files(directory: Path) -> list[dict[str, Any]]:
    """Every downloadable file of one release: the manifest's list, plus the manifest and SHA256SUMS."""
    def load() -> list[dict[str, Any]]:
        files = releases_model.load_release(directory, require_store=False).files
        for name, media_type in EXTRA_FILES.items():
            path = directory / name
            if path.is_file() and not any(f["path"] == name for f in files):
                files.append({"path": name, "media_type": media_type, "bytes": path.stat().st_size,
                              "sha256": releases_model.sha256_file(path)})
        return sorted(files, key=lambda f: f["path"])

    stat = (directory / releases_model.MANIFEST).stat()
    return get_state().once(f"files {directory} {stat.st_mtime_ns} {stat.st_size}", load)


def license_of(release: releases_model.Release) -> str:
    """The license the release's own metadata states (``void.ttl``), read once per application."""
    def load() -> str:
        if release.void_path is None:
            return ""
        for triple in ox.parse(path=str(release.void_path), format=ox.RdfFormat.TURTLE):
            if (triple.predicate.value == DCTERMS + "license" and isinstance(triple.subject, ox.NamedNode)
                    and triple.subject.value == release.iri):
                return triple.object.value
        return ""

    return get_state().once(f"license {release.path} {release.digest}", load)


def latest_version() -> str:
    """The version ``latest`` names in the releases directory (the served one if it names none)."""
    return releases_model.latest_version(releases_root()) or get_state().release.version


def releases() -> list[dict[str, Any]]:
    """Every release in the releases directory, newest build first."""
    found = []
    for directory in releases_root().iterdir():
        if directory.name.startswith(".") or not is_release(directory.name, directory):
            continue
        try:
            release = releases_model.load_release(directory, require_store=False)
        except ReleaseError as exc:  # a damaged release is not listed; the others still are
            log.warning("not listing %s: %s", directory, exc.message)
            continue
        found.append({"version": directory.name, "built_at": release.built_at, "manifest": release.manifest,
                      "files": release_files(directory), "license": license_of(release)})
    found.sort(key=lambda r: (r["built_at"], r["version"]), reverse=True)
    return found


def is_release(version: str, directory: Path) -> bool:
    """A release directory of RELEASES_DIR by that name (no error for a name the OS refuses)."""
    if not _VERSION.match(version):
        return False
    try:
        return (directory / releases_model.MANIFEST).is_file() and not directory.is_symlink()
    except OSError:  # ENAMETOOLONG and the like: not a release
        return False
