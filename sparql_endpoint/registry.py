"""The releases one server answers from, and which release answers a request.

The latest release is the one ``RELEASE_DIR`` names; when that is a symbolic link (``releases/latest``) it
is checked at most once a second and, when it moved, the new release is opened in the background (its store
verified first) and swapped in atomically, the old one serving meanwhile: a new release appears without a
restart. A new release that cannot be opened is logged and skipped; the old one keeps serving.

Up to ``QUERYABLE_RELEASES`` releases of the releases directory (the latest and the newest older ones) are
queryable at ``/releases/<version>/...``, each an :class:`EndpointState` of its own (store, caches,
validator), opened on first use with ``OLDER_RELEASE_WORKERS`` query processes. The other kept releases are
downloads only; a damaged one is skipped with a warning naming it; one whose store cannot be opened
answers 503 saying why and which releases are queryable. A store kind holding one release
(``STORE_KIND=remote``) answers only the latest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, has_request_context, request

from heg_core.errors import HegError
from heg_core.release import KeptReleases, Release, list_releases, load_release, verify_store

from .errors import ReleaseNotServed, ReleaseUnavailable, VersionedQueriesUnsupported
from .http.release_paths import VERSION_KEY
from .state import EXTENSION, EndpointState
from .stores import NEEDS_LOCAL_STORE

log = logging.getLogger(__name__)
T = TypeVar("T")
#: seconds between two looks at where ``RELEASE_DIR`` points
CHECK_EVERY = 1.0
_STATE_KEY = "heg.release.state"


class Releases:
    """The latest release's state, the older queryable ones' (opened on demand) and the kept list."""

    def __init__(self, settings: dict[str, Any], root: Path, latest: EndpointState,
                 open_state: Callable[[dict[str, Any]], EndpointState]) -> None:
        self.settings = settings
        self.root = root
        self._open = open_state
        self._latest = latest
        self._link = Path(settings["RELEASE_DIR"])
        self._target = self._pointed()
        self._checked = time.monotonic()
        self._switching = False
        self._older: dict[str, EndpointState] = {}
        self._unavailable: dict[str, str] = {}  # version -> why its store cannot be opened
        self._warned: set[str] = set()
        self._lock = threading.RLock()
        self._kept: tuple[Any, KeptReleases] | None = None
        self._files: dict[tuple[str, str, str], Any] = {}
        self._files_lock = threading.Lock()  # apart from _lock: reading a dump must not hold up state_for

    # -- the latest release, followed when the link moves
    @property
    def latest(self) -> EndpointState:
        self._notice_move()
        return self._latest

    def _pointed(self) -> Path | None:
        try:
            return self._link.resolve(strict=True) if self._link.is_symlink() else None
        except OSError:
            return None

    def _notice_move(self) -> None:
        now = time.monotonic()
        if now - self._checked < CHECK_EVERY or self._switching or self._target is None:
            return
        with self._lock:
            if now - self._checked < CHECK_EVERY or self._switching:
                return
            self._checked = now
            target = self._pointed()
            if target is None or target == self._target:
                return
            self._switching = True
        threading.Thread(target=self._switch, args=(target,), name="heg-release-switch", daemon=True).start()

    def _switch(self, target: Path) -> None:
        """Open the release ``target`` names and make it the latest; on failure keep serving the old one."""
        try:
            needs_store = NEEDS_LOCAL_STORE[self.settings["STORE_KIND"]]
            load_release(target, require_store=needs_store)  # a damaged store is found here, not by a query
            state = self._open({**self.settings, "RELEASE_DIR": str(target)})
            state.store.start()
        except (HegError, OSError, ValueError) as exc:
            log.error("%s now points to %s, which cannot be served (%s); still serving release %s",
                      self._link, target, getattr(exc, "message", "") or exc, self._latest.release.version)
            with self._lock:
                self._target, self._switching = target, False  # not retried until the link moves again
            return
        with self._lock:
            old, self._latest, self._target = self._latest, state, target
            self._older[old.release.version] = old
            self._kept = None
            self._switching = False
        log.info("release %s is now the latest (was %s)", state.release.version, old.release.version)
        self._close_unqueryable()

    # -- the kept releases
    def kept(self) -> KeptReleases:
        """Every release of the releases directory (re-read when the directory changes), damaged ones
        skipped with a warning naming each, once."""
        key = (self.root.stat().st_mtime_ns, self._latest.release.version)
        cached = self._kept
        if cached is not None and cached[0] == key:
            return cached[1]
        kept = list_releases(self.root)
        for name, reason in kept.skipped:
            if name not in self._warned:
                self._warned.add(name)
                log.warning("release folder %s skipped: %s", self.root / name, reason)
        self._kept = (key, kept)
        return kept

    def queryable(self) -> list[str]:
        """The versions answered at versioned paths, newest first: the latest, then the newest older ones."""
        latest = self.latest.release.version
        if not NEEDS_LOCAL_STORE[self.settings["STORE_KIND"]]:
            return [latest]
        older = [v for v in self.kept().versions if v != latest]
        return [latest, *older[: self.settings["QUERYABLE_RELEASES"] - 1]]

    def why_not_queryable(self, version: str) -> str | None:
        return self._unavailable.get(version)

    def opened(self) -> list[str]:
        """The older releases opened so far (each with its own query processes)."""
        with self._lock:
            return sorted(self._older)

    def release_of(self, version: str) -> Release | None:
        """The kept (or latest) release ``version``, read from its folder; its store is not opened."""
        latest = self.latest.release
        return latest if version == latest.version else self.kept().get(version)

    def from_files(self, release: Release, name: str, load: Callable[[], T]) -> T:
        """Immutable data read from a release's files (not its store, so no query process is started for
        it), loaded once per release and kept for as long as the server runs."""
        key = (str(release.path), release.digest, name)
        with self._files_lock:
            if key not in self._files:
                self._files[key] = load()
            return self._files[key]

    # -- one release's state
    def state_for(self, version: str) -> EndpointState:
        """The state answering release ``version``, or the error saying why it is not answered here."""
        latest = self.latest
        if version == latest.release.version:
            return latest
        with self._lock:
            state = self._older.get(version)
        if state is not None and version in self.queryable():
            return state
        kept = self.kept()
        queryable = self.queryable()
        listed = ", ".join(queryable)
        release = kept.get(version)
        if release is None:
            skipped = dict(kept.skipped)
            why = (f"its folder is damaged ({skipped[version]})" if version in skipped
                   else "it is not kept in the releases directory")
            raise ReleaseNotServed(f"There is no release {version!r} here: {why}. Releases kept: "
                                   f"{', '.join(kept.versions)}; queryable: {listed}.", queryable=listed)
        if not NEEDS_LOCAL_STORE[self.settings["STORE_KIND"]]:
            raise VersionedQueriesUnsupported(
                f"Release {version} is kept for download only: this server answers from a remote store "
                f"holding one release ({latest.release.version}), so only that release is queryable.",
                queryable=listed)
        if version not in queryable:
            raise ReleaseNotServed(
                f"Release {version} is kept for download only (QUERYABLE_RELEASES={self.settings['QUERYABLE_RELEASES']}"
                f"): its files are at /downloads/{version}/. Queryable releases: {listed}.", queryable=listed)
        return self._open_older(version, kept, listed)

    def _open_older(self, version: str, kept: KeptReleases, listed: str) -> EndpointState:
        with self._lock:
            if version in self._older:
                return self._older[version]
            if version not in self._unavailable:
                release = kept.get(version)
                assert release is not None
                try:
                    verify_store(release.store_path)
                    settings = {**self.settings, "RELEASE_DIR": str(release.path),
                                "QUERY_WORKERS": self.settings["OLDER_RELEASE_WORKERS"]}
                    self._older[version] = self._open(settings)
                    return self._older[version]
                except (HegError, OSError) as exc:
                    reason = getattr(exc, "message", "") or str(exc)
                    log.warning("release %s stays downloads-only: %s", version, reason)
                    self._unavailable[version] = reason
        raise ReleaseUnavailable(f"Release {version} cannot be queried now: {self._unavailable[version]}. "
                                 f"Its files stay downloadable at /downloads/{version}/. Queryable releases: "
                                 f"{', '.join(v for v in self.queryable() if v not in self._unavailable)}.",
                                 queryable=listed)

    def for_request(self) -> EndpointState:
        """The state of the release the current request is for (resolved once per request)."""
        if not has_request_context():
            return self.latest
        environ = request.environ
        state = environ.get(_STATE_KEY)
        if state is None:
            version = environ.get(VERSION_KEY)
            state = self.state_for(version) if version else self.latest
            environ[_STATE_KEY] = state
        return state

    def _close_unqueryable(self) -> None:
        keep = set(self.queryable())
        with self._lock:
            gone = [v for v in self._older if v not in keep]
            closing = [self._older.pop(v) for v in gone]
        for state in closing:
            state.store.close()

    def close(self) -> None:
        with self._lock:
            states = [self._latest, *self._older.values()]
            self._older.clear()
        for state in states:
            state.store.close()


def get_releases() -> Releases:
    """The releases of the application handling the current request."""
    return current_app.extensions[EXTENSION]


def answering_version() -> str | None:
    """The version that answered (or is answering) the current request, if one was resolved or it is
    unversioned; None for a versioned request refused (unknown version)."""
    state = request.environ.get(_STATE_KEY)
    if state is not None:
        return state.release.version
    if request.environ.get(VERSION_KEY):
        return None
    return get_releases().latest.release.version
