"""What answers queries: the store protocol and its implementations, picked by lookup from ``STORE_KIND``.

``Store`` is what the services need: the release's description and ``execute(job, timeout)``.
:class:`~.local.LocalStore` runs queries on the release's pyoxigraph store through a pool of worker
processes (:mod:`.pool`); :class:`~.remote.RemoteStore` forwards them to a SPARQL 1.1 store holding the
published release. Stores import neither views nor services; answers are serialized by :mod:`.results`.
To add a store kind: a class with ``from_config``, ``start``, ``execute`` and ``close``, one row in
:data:`STORE_KINDS` and one in :data:`NEEDS_LOCAL_STORE` (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from heg_core.release import Release

from .jobs import Job, Outcome
from .local import LocalStore
from .remote import RemoteStore

__all__ = ["Job", "LocalStore", "NEEDS_LOCAL_STORE", "Outcome", "RemoteStore", "STORE_KINDS", "Store"]


class Store(Protocol):
    """What answers queries: one release, read-only."""

    release: Release

    def execute(self, job: Job, timeout: float) -> Outcome: ...

    def start(self) -> None: ...

    def close(self) -> None: ...


#: STORE_KIND -> factory.
STORE_KINDS: dict[str, Callable[[Mapping[str, Any]], Store]] = {
    "local": LocalStore.from_config,
    "remote": RemoteStore.from_config,
}

#: STORE_KIND -> does the server need the release's own pyoxigraph store (``store/``)?
NEEDS_LOCAL_STORE = {"local": True, "remote": False}
