"""The release model: what a release directory holds, and the one reader of its ``manifest.json``.

A release is an immutable directory written by ``heg build`` (see docs/releases.md): dumps, metadata, a
pyoxigraph store and ``manifest.json``, written last. The builder writes releases and reads the previous
one; the server and ``heg stats``/``heg query`` read them; all of them go through :func:`read_manifest`
and :func:`load_release` here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import ReleaseError

MANIFEST = "manifest.json"
#: The named graphs of every release, in the order the dumps list them.
GRAPH_NAMES = ("data", "ontology", "shapes", "queries", "metadata")
#: Keys a manifest must have.
MANIFEST_KEYS = ("version", "base_iri", "digest", "graphs", "triples")
LATEST = "latest"
#: The files of what changed since the previous release (graph_builder/changes.py writes them, the server
#: reads them): the RDF Patch, the data graph's added and removed triples, the per-entity summary.
CHANGE_FILES = ("changes.rdfp", "added.nt", "removed.nt", "changes.json")
_STORE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Release:
    """An immutable release directory, as described by its manifest."""

    path: Path
    version: str
    base_iri: str
    digest: str
    graphs: dict[str, str]
    triples: dict[str, int]
    built_at: str
    store_path: Path
    void_path: Path | None
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def graph_iris(self) -> frozenset[str]:
        return frozenset(self.graphs.values())

    @property
    def iri(self) -> str:
        """The release's own IRI (``{base}id/release/{version}``), described in its metadata graph."""
        return f"{self.base_iri}id/release/{self.version}"

    @property
    def previous_version(self) -> str | None:
        return self.manifest.get("previous_version")

    @property
    def files(self) -> list[dict[str, Any]]:
        """The downloadable files the manifest lists (path, media_type, bytes, sha256)."""
        return [dict(f) for f in self.manifest.get("files", [])]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks (dumps can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked manifest of a release directory, or a :class:`ReleaseError` saying what is wrong."""
    given = Path(directory)
    if not given.exists():
        raise ReleaseError(f"release directory {given} does not exist: no release at {given}; run `heg build` "
                           "first, or pass --release DIR")
    path = given / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{path} is missing: {given} is not a release directory (an interrupted build "
                           "leaves none); rebuild it with `heg build`") from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path} cannot be read as JSON: {exc}; rebuild the release with `heg build`") from None
    if not isinstance(manifest, dict):
        raise ReleaseError(f"{path} is not a release manifest (a JSON object is expected)")
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        raise ReleaseError(f"{path} lacks {', '.join(missing)}; rebuild the release with `heg build`")
    return manifest


def verify_store(store_path: Path) -> None:
    """Open the store read-only once, in a separate short-lived process, or say which file is broken.

    A separate process, because RocksDB leaves threads behind in the process that opened a store, and the
    process that starts the server forks gunicorn's workers."""
    script = "import sys, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"
    try:
        result = subprocess.run([sys.executable, "-c", script, str(store_path)], capture_output=True, text=True,
                                timeout=120, check=False)
    except subprocess.TimeoutExpired:
        raise ReleaseError(f"the release's store {store_path} did not open within 120 s") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        raise ReleaseError(f"the release's store {store_path} cannot be opened: {reason}",
                           hint="The release is damaged: build it again with `heg build` (or restore it from "
                                "a copy), or point --release / HEG_RELEASE_DIR at another release.")


def load_release(directory: str | os.PathLike[str], *, require_store: bool = True,
                 verify: bool | None = None) -> Release:
    """Read and check a release directory (a ``latest`` symlink is followed once, here).

    ``require_store=False`` for readers that need only the manifest, dumps and context (a server whose
    queries go to a remote store). ``verify`` (default: ``require_store``) also opens the store once
    (:func:`verify_store`), so a damaged store is reported before anything starts."""
    verify = require_store if verify is None else verify
    manifest = read_manifest(directory)
    path = Path(directory).resolve()
    store_name = manifest.get("store", "store")
    if not isinstance(store_name, str) or not _STORE_NAME.fullmatch(store_name):
        raise ReleaseError(f"{path / MANIFEST} names its store {store_name!r}: a folder name inside the release "
                           "is expected")
    try:
        graphs = {str(k): str(v) for k, v in dict(manifest["graphs"]).items()}
        triples = {str(k): int(v) for k, v in dict(manifest["triples"]).items()}
    except (TypeError, ValueError, AttributeError) as exc:
        raise ReleaseError(f"{path / MANIFEST} has malformed graphs or triples ({exc})") from None
    store_path = path / store_name
    if require_store and not store_path.is_dir():
        raise ReleaseError(f"the release's store {store_path} is missing; rebuild the release with `heg build`")
    if require_store and verify:
        verify_store(store_path)
    void_path = path / "void.ttl"
    return Release(path=path, version=str(manifest["version"]), base_iri=str(manifest["base_iri"]),
                   digest=str(manifest["digest"]), graphs=graphs, triples=triples,
                   built_at=str(manifest.get("built_at", "")), store_path=store_path,
                   void_path=void_path if void_path.is_file() else None, manifest=manifest)


#: releases up to this many quads (all graphs) are queried from an in-memory copy of their store: the same
#: quads, answered 1.5-7x faster than through RocksDB (docs/benchmarks.md); about 0.55 KB per quad
IN_MEMORY_QUADS = 200_000


def fits_in_memory(release: Release, limit: int = IN_MEMORY_QUADS) -> bool:
    """Whether the release has at most ``limit`` quads (all graphs, as its manifest counts them)."""
    total = release.triples.get("total")
    return total is not None and total <= limit


def open_store(release: Release, *, in_memory: bool | None = None) -> ox.Store:
    """The release's pyoxigraph store, read-only, in this process; copied into memory when ``in_memory``
    (default: when the release :func:`fits_in_memory`)."""
    if in_memory is None:
        in_memory = fits_in_memory(release)
    try:
        store = ox.Store.read_only(str(release.store_path))
    except OSError as exc:
        raise ReleaseError(f"cannot open the store of {release.path}: {exc}; rebuild it with `heg build`") from exc
    return in_memory_copy(store) if in_memory else store


def in_memory_copy(store: ox.Store) -> ox.Store:
    """Every quad of ``store`` in a new in-memory store. Its own order is not ``store``'s, but two copies of
    one store list their quads, and answer queries without ORDER BY, alike."""
    memory = ox.Store()
    memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
    return memory


def latest_version(releases: Path) -> str | None:
    """The version ``releases/latest`` names, when it names a complete release in ``releases``."""
    link = Path(releases) / LATEST
    if not link.is_symlink():
        return None
    target = link.resolve()
    if target.parent != Path(releases).resolve() or not (target / MANIFEST).is_file():
        return None
    return target.name


@dataclass(frozen=True)
class KeptReleases:
    """The releases kept under a releases directory: the readable ones newest first, and the ones skipped
    (a damaged or half-written directory), each with the reason, so that a reader can warn and go on."""

    releases: tuple[Release, ...]
    skipped: tuple[tuple[str, str], ...]  # (directory name, why)

    @property
    def versions(self) -> list[str]:
        return [r.version for r in self.releases]

    def get(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)


def _version_key(release: Release) -> tuple:
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", release.version))
    return (release.built_at, parts)


def list_releases(releases: str | os.PathLike[str]) -> KeptReleases:
    """Every release directory under ``releases`` (not ``latest``, not staging folders), newest first by
    build time. Each is read with :func:`load_release` (manifest only: its store is not opened); one that
    cannot be read is skipped with the reason, never raised, so one damaged folder breaks nothing else."""
    root = Path(releases)
    found: list[Release] = []
    skipped: list[tuple[str, str]] = []
    if not root.is_dir():
        return KeptReleases((), ())
    for child in sorted(root.iterdir()):
        if child.name == LATEST or child.name.startswith(".") or child.is_symlink() or not child.is_dir():
            continue
        try:
            release = load_release(child, require_store=False)
        except ReleaseError as exc:
            skipped.append((child.name, str(exc)))
            continue
        if release.version != child.name:
            skipped.append((child.name, f"its manifest names version {release.version!r}, not the folder's name"))
            continue
        found.append(release)
    found.sort(key=_version_key, reverse=True)
    return KeptReleases(tuple(found), tuple(skipped))
