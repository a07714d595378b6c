"""Configuration of the endpoint: defaults, then environment (prefix ``HEG_``), then the caller's overrides.

Every setting is validated once, at start-up, by :func:`load_config`; a bad value stops the application
with a message naming the setting and saying what a valid value looks like.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Callable

from .errors import ConfigError

ENV_PREFIX = "HEG_"


def _positive_float(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


def _positive_int(value: Any) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a whole number greater than 0")
    return number


def _non_negative_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be a whole number, 0 or more")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be true or false")


def _iri_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        text = value.strip()
        items = json.loads(text) if text.startswith("[") else text.split()
    else:
        items = list(value)
    for item in items:
        if not isinstance(item, str) or not item.startswith(("http://", "https://")):
            raise ValueError(f"{item!r} is not an http(s) IRI")
    return tuple(items)


def _str(value: Any) -> str:
    return str(value)


def _store_kind(value: Any) -> str:
    from .store import STORE_KINDS  # the lookup table of store implementations

    if value not in STORE_KINDS:
        raise ValueError(f"must be one of {', '.join(sorted(STORE_KINDS))}")
    return str(value)


def _store_url(value: Any) -> str:
    text = str(value).strip()
    if text and not text.startswith(("http://", "https://")):
        raise ValueError("must be the http(s) URL of a SPARQL 1.1 query endpoint, or empty")
    return text


#: name -> (default, parser). Every setting the endpoint reads; documented in docs/endpoint.md.
SETTINGS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "RELEASE_DIR": ("build/releases/latest", _str),
    "STORE_KIND": ("local", _store_kind),
    "STORE_URL": ("", _store_url),  # STORE_KIND=remote: the store's SPARQL query endpoint
    "QUERY_TIMEOUT": (30.0, _positive_float),
    "QUERY_WORKERS": (2, _positive_int),
    "QUEUE_SIZE": (16, _non_negative_int),
    "QUEUE_WAIT": (10.0, _positive_float),
    "RETRY_AFTER": (5, _positive_int),
    "MAX_ROWS": (10000, _positive_int),
    "MAX_REQUEST_BYTES": (1_048_576, _positive_int),
    "MAX_NESTING": (100, _positive_int),
    "WORKER_MEMORY_MB": (2048, _non_negative_int),
    "WORKER_SANDBOX": (True, _bool),
    "SERVICE_ALLOWLIST": ((), _iri_list),
    "CACHE_ENTRIES": (512, _non_negative_int),
    "CACHE_BYTES": (64 * 1_048_576, _non_negative_int),
    "PUBLIC_URL": ("", _str),
    "RELEASES_DIR": ("", _str),  # downloads: every release here is listed; empty: the served release's parent
}


def load_config(overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then ``HEG_*`` environment variables, then ``overrides``; each value parsed and checked."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    unknown = sorted(k for k in overrides if k not in SETTINGS and k.isupper() and not _flask_key(k))
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; known settings are "
                          f"{', '.join(SETTINGS)} (see docs/endpoint.md)")
    config: dict[str, Any] = {}
    for name, (default, parse) in SETTINGS.items():
        source, raw = "default", default
        if ENV_PREFIX + name in environ:
            source, raw = f"environment variable {ENV_PREFIX}{name}", environ[ENV_PREFIX + name]
        if name in overrides:
            source, raw = "configuration", overrides.pop(name)
        try:
            config[name] = parse(raw)
        except (TypeError, ValueError, json.JSONDecodeError) as exc:
            raise ConfigError(f"setting {name} from {source} is invalid ({raw!r}): {exc}; "
                              f"fix it or remove it to use the default {default!r}") from None
    if config["STORE_KIND"] == "remote" and not config["STORE_URL"]:
        raise ConfigError("setting STORE_KIND is remote but STORE_URL is empty: set STORE_URL (heg serve --store "
                          "URL, or HEG_STORE_URL) to the store's SPARQL query endpoint (see docs/deploy.md)")
    config.update(overrides)  # Flask's own keys (TESTING, ...) pass through untouched
    return config


def _flask_key(name: str) -> bool:
    from flask import Flask

    return name in Flask.default_config or name in {"TESTING", "SECRET_KEY", "SERVER_NAME"}
