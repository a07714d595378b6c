"""What one application instance holds: its settings, its store, its caches, and the immutable data of the
release it serves. Attached to the app, fetched through :func:`get_state` (never module-level state)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app

from heg_core.release import Release

from .cache import ResultCache
from .stores import Store

EXTENSION = "heg_endpoint"
T = TypeVar("T")


@dataclass
class EndpointState:
    config: dict[str, Any]
    store: Store
    cache: ResultCache[Any]  # query answers, bounded
    prefixes: dict[str, str]
    checked: ResultCache[Any]  # query text -> QueryInfo of queries that passed the policy
    _release_data: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def release(self) -> Release:
        return self.store.release

    @property
    def validator(self) -> str:
        """What every answer depends on besides the request: the release and the settings (the row cap, the
        search limit and the limits the Service Description states). Part of every ETag, so a page cut at
        an old cap, or a description of old limits, is never revalidated after a restart with new settings."""
        if "validator" not in self._release_data:
            settings = sorted((k, repr(v)) for k, v in self.config.items())
            self._release_data["validator"] = hashlib.sha256(repr((self.release.digest, settings)).encode()).hexdigest()
        return self._release_data["validator"]

    @property
    def modified(self) -> dt.datetime | None:
        """When the served release was built (the Last-Modified of everything made from it)."""
        try:
            return dt.datetime.fromisoformat(self.release.built_at).replace(microsecond=0)
        except ValueError:
            return None

    def once(self, name: str, load: Callable[[], T]) -> T:
        """Immutable data of the served release (its context, files, examples, licence...), loaded on first
        use and kept for as long as the release is served: never evicted like query answers."""
        if name in self._release_data:
            return self._release_data[name]
        with self._lock:
            if name not in self._release_data:
                self._release_data[name] = load()
            return self._release_data[name]


class Served(Protocol):
    """What an app holds under :data:`EXTENSION`: its releases (:class:`sparql_endpoint.registry.Releases`)."""

    @property
    def latest(self) -> EndpointState: ...

    def for_request(self) -> EndpointState: ...


def get_state() -> EndpointState:
    """The state of the release the current request is for (``/releases/<version>/...``: that release;
    otherwise, and outside a request, the latest)."""
    served: Served = current_app.extensions[EXTENSION]
    return served.for_request()


def state_of(app: Flask) -> EndpointState:
    """The state of ``app``'s latest release (outside a request: tests, the server's start-up)."""
    served: Served = app.extensions[EXTENSION]
    return served.latest
