"""Settings of the endpoint: defaults, then environment (prefix ``HEG_``), then the caller's overrides.

Every setting is validated once, at start-up, by :func:`load_config`; a bad value stops the application
with a message naming the setting and saying what a valid value looks like.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from heg_core.release import IN_MEMORY_QUADS

from .errors import ConfigError
from .stores import STORE_KINDS

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


def _non_negative_float(value: Any) -> float:
    number = float(value)
    if not number >= 0 or number == float("inf"):
        raise ValueError("must be a number, 0 or more")
    return number


def _bounded_int(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return number
    return parse


def _header_name(value: Any) -> str:
    text = str(value).strip()
    if text and not re.fullmatch(r"[A-Za-z0-9-]+", text):
        raise ValueError("must be an HTTP header name (letters, digits, '-') such as X-Forwarded-For, or empty")
    return text


def _address_list(value: Any) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else list(value)
    for item in items:
        ipaddress.ip_network(str(item), strict=False)  # ValueError names the bad address
    return tuple(str(item) for item in items)


def _header_value(value: Any) -> str:
    text = str(value)
    if any(c in text for c in "\r\n\x00"):
        raise ValueError("must be one line")
    return text


def _store_kind(value: Any) -> str:
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
    "QUERY_DEPRIORITIZE_AFTER": (0.5, _non_negative_float),  # seconds; then a query runs at nice 19 (0: never)
    "QUERY_WORKERS": (6, _positive_int),
    "QUEUE_SIZE": (16, _non_negative_int),
    "QUEUE_WAIT": (10.0, _positive_float),
    "RETRY_AFTER": (5, _positive_int),
    "MAX_ROWS": (10000, _positive_int),
    "SEARCH_LIMIT": (500, _positive_int),  # rows of answer /search shows at most (a page says when it stops there)
    "MAX_REQUEST_BYTES": (1_048_576, _positive_int),
    "MAX_NESTING": (100, _positive_int),
    "WORKER_MEMORY_MB": (2048, _non_negative_int),
    "STORE_IN_MEMORY_QUADS": (IN_MEMORY_QUADS, _non_negative_int),  # releases up to this size: queried in memory; 0: never
    "WORKER_SANDBOX": (True, _bool),
    "SERVICE_ALLOWLIST": ((), _iri_list),
    "CACHE_ENTRIES": (512, _non_negative_int),
    "CACHE_BYTES": (64 * 1_048_576, _non_negative_int),
    "FAST_PATH_BYTES": (64 * 1_048_576, _non_negative_int),  # responses replayed in front of Flask; 0: off
    "PUBLIC_URL": ("", _str),
    "RELEASES_DIR": ("", _str),  # downloads: every release here is listed; empty: the served release's parent
    "QUERYABLE_RELEASES": (3, _positive_int),  # releases answered at /releases/<v>/..., the latest included
    "OLDER_RELEASE_WORKERS": (2, _positive_int),  # query processes of each older queryable release (on first use)
    # hardening (docs/operations.md): rate limit, trusted proxy, security headers, gunicorn's limits
    "RATE_LIMIT": (10.0, _non_negative_float),  # requests per second per client address; 0 switches it off
    "RATE_LIMIT_BURST": (100, _positive_int),  # requests a client may send at once after being idle
    "RATE_LIMIT_LOOPBACK": (False, _bool),  # also limit clients on 127.0.0.0/8 and ::1
    "RATE_LIMIT_CLIENTS": (10000, _positive_int),  # client addresses remembered per server process
    "TRUSTED_PROXY_HEADER": ("", _header_name),  # e.g. X-Forwarded-For: the client address a proxy states
    "TRUSTED_PROXIES": (("127.0.0.1", "::1"), _address_list),  # peers whose TRUSTED_PROXY_HEADER is believed
    "CONTENT_SECURITY_POLICY": (
        ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
         "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        _header_value),
    # the query page: YASGUI (vendored) sets inline styles on the elements it builds, so styles only there
    "QUERY_PAGE_CONTENT_SECURITY_POLICY": (
        ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
         "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'"), _header_value),
    # the reconciliation preview card alone may be framed (OpenRefine shows it in an iframe): its frame-ancestors
    "PREVIEW_FRAME_ANCESTORS": ("*", _header_value),
    "REFERRER_POLICY": ("strict-origin-when-cross-origin", _header_value),
    "CLIENT_HEADER_TIMEOUT": (5.0, _positive_float),  # seconds for the request line and headers to arrive
    "CLIENT_BODY_TIMEOUT": (30.0, _positive_float),  # seconds for the body to arrive after the headers
    "KEEPALIVE": (5, _bounded_int(0, 300)),  # seconds an idle kept-alive connection stays open
    "LIMIT_REQUEST_LINE": (8190, _bounded_int(256, 8190)),  # bytes of the request line (GET query strings)
    "LIMIT_REQUEST_FIELDS": (50, _bounded_int(10, 32768)),  # header fields per request
    "LIMIT_REQUEST_FIELD_SIZE": (8190, _bounded_int(256, 65536)),  # bytes of one header field
    "WORKER_CONNECTIONS": (1000, _bounded_int(1, 100000)),  # connections one gunicorn worker holds at once
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
    return name in Flask.default_config or name in {"TESTING", "SECRET_KEY", "SERVER_NAME"}
