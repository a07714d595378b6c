"""The release being served and the store protocol that answers queries over it.

``Store`` is what the SPARQL views need: the release's description and ``execute(job, timeout)``.
``LocalStore`` runs queries on the release's pyoxigraph store through a pool of worker processes;
``RemoteStore`` (:mod:`sparql_endpoint.remote`) forwards them to a SPARQL 1.1 store holding the published
release. Both are registered in :data:`STORE_KINDS`; the application picks one by the ``STORE_KIND``
setting, by lookup.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .errors import ReleaseError
from .executor import Job, Outcome, WorkerPool

MANIFEST_KEYS = ("version", "base_iri", "digest", "graphs", "triples")


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

    @property
    def graph_iris(self) -> frozenset[str]:
        return frozenset(self.graphs.values())


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
    """Read and check a release directory (following the ``latest`` symlink once, at start-up).

    ``require_store=False`` for a server whose queries go to a remote store: only the manifest, dumps and
    context of the release are read then. ``verify`` (default: ``require_store``) also opens the store
    once (:func:`verify_store`), so a damaged store stops ``heg serve`` before it starts instead of failing
    every query; the application factory skips it, since its query workers open the store themselves."""
    verify = require_store if verify is None else verify
    given = Path(directory)
    if not given.exists():
        raise ReleaseError(f"release directory {given} does not exist")
    path = given.resolve()
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{manifest_path} is missing: {path} is not a release directory") from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{manifest_path} cannot be read as JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise ReleaseError(f"{manifest_path} is not a release manifest (a JSON object is expected)")
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        raise ReleaseError(f"{manifest_path} lacks {', '.join(missing)}")
    store_name = manifest.get("store", "store")
    if not isinstance(store_name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", store_name):
        raise ReleaseError(f"{manifest_path} names its store {store_name!r}: a folder name inside the release "
                           "is expected")
    try:
        graphs = {str(k): str(v) for k, v in dict(manifest["graphs"]).items()}
        triples = {str(k): int(v) for k, v in dict(manifest["triples"]).items()}
    except (TypeError, ValueError, AttributeError) as exc:
        raise ReleaseError(f"{manifest_path} has malformed graphs or triples ({exc})") from None
    store_path = path / store_name
    if require_store and not store_path.is_dir():
        raise ReleaseError(f"the release's store {store_path} is missing")
    if require_store and verify:
        verify_store(store_path)
    void_path = path / "void.ttl"
    return Release(path=path, version=str(manifest["version"]), base_iri=str(manifest["base_iri"]),
                   digest=str(manifest["digest"]), graphs=graphs, triples=triples,
                   built_at=str(manifest.get("built_at", "")), store_path=store_path,
                   void_path=void_path if void_path.is_file() else None)


class Store(Protocol):
    """What answers queries: one release, read-only."""

    release: Release

    def execute(self, job: Job, timeout: float) -> Outcome: ...

    def start(self) -> None: ...

    def close(self) -> None: ...


class LocalStore:
    """The release's pyoxigraph store, opened read-only by each query worker process."""

    def __init__(self, release: Release, pool: WorkerPool) -> None:
        self.release = release
        self.pool = pool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LocalStore:
        release = load_release(config["RELEASE_DIR"], verify=False)  # the workers open the store
        pool = WorkerPool(str(release.store_path), size=config["QUERY_WORKERS"], queue_size=config["QUEUE_SIZE"],
                          queue_wait=config["QUEUE_WAIT"], retry_after=config["RETRY_AFTER"],
                          memory_mb=config["WORKER_MEMORY_MB"],
                          sandbox=config["WORKER_SANDBOX"] and not config["SERVICE_ALLOWLIST"],
                          deprioritize_after=config["QUERY_DEPRIORITIZE_AFTER"])
        return cls(release, pool)

    def execute(self, job: Job, timeout: float) -> Outcome:
        return self.pool.run(job, timeout)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()


def _remote_store(config: Mapping[str, Any]) -> Store:
    from .remote import (
        RemoteStore,  # imports requests only when a remote store is configured
    )

    return RemoteStore.from_config(config)


#: STORE_KIND -> factory.
STORE_KINDS: dict[str, Callable[[Mapping[str, Any]], Store]] = {
    "local": LocalStore.from_config,
    "remote": _remote_store,
}

#: STORE_KIND -> does the server need the release's own pyoxigraph store (``store/``)?
NEEDS_LOCAL_STORE = {"local": True, "remote": False}
