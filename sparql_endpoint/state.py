"""What one application instance holds: its settings, its store, its caches. Attached to the app, fetched
through :func:`get_state` (never module-level state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from .cache import ResultCache
from .store import Store

EXTENSION = "heg_endpoint"


@dataclass
class EndpointState:
    config: dict[str, Any]
    store: Store
    cache: ResultCache[Any]
    prefixes: dict[str, str]
    checked: ResultCache[Any]  # query text -> QueryInfo of queries that passed the policy


def get_state() -> EndpointState:
    return current_app.extensions[EXTENSION]
