"""The application factory: ``create_app(config=None)`` builds the Flask application.

Settings (defaults, ``HEG_*`` environment, the caller's overrides) are validated, the release is opened
through the configured store (picked by lookup, :data:`~sparql_endpoint.stores.STORE_KINDS`), and the
views, the error mapping and the protections on every request are registered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from heg_core.namespaces import IRISpace

from . import views
from .cache import ResultCache
from .downloads.files import releases_dir
from .errors import register_error_handlers
from .fastpath import KnownAnswers
from .http import hardening
from .http.release_paths import ReleasePaths
from .registry import Releases
from .settings import load_config
from .state import EXTENSION, EndpointState
from .stores import STORE_KINDS

log = logging.getLogger(__name__)

#: where the app keeps its fast path (:class:`~.fastpath.KnownAnswers`, for its counters)
FAST_PATH = "heg_fast_path"
EXPOSED_HEADERS = ("ETag, Link, Content-Location, X-Result-Rows, X-Result-Capped, X-Graphs-Not-In-Dataset, "
                   "Retry-After, Content-Encoding, Repr-Digest, X-Release")


def create_app(config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """The endpoint application. ``config`` overrides environment and defaults (see docs/endpoint.md)."""
    settings = load_config(config, environ)
    app = Flask("sparql_endpoint")
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_REQUEST_BYTES"]
    latest = open_state(settings)
    store = latest.store
    app.config["HEG_RELEASES_ROOT"] = str(releases_dir(settings, store.release.path))
    app.extensions[EXTENSION] = Releases(settings, Path(app.config["HEG_RELEASES_ROOT"]), latest, open_state)
    app.wsgi_app = ReleasePaths(app.wsgi_app, lambda environ: _routed(app, environ))  # type: ignore[method-assign]
    views.register(app)
    register_error_handlers(app)
    wait_for = hardening.admission(settings)
    hardening.register(app, wait_for)  # rate limit before each request, security headers on every response
    app.after_request(_cors)
    # answers already given are replayed in front of Flask, byte for byte (sparql_endpoint/fastpath.py)
    app.wsgi_app = app.extensions[FAST_PATH] = KnownAnswers(  # type: ignore[method-assign]
        app.wsgi_app, validator=lambda: app.extensions[EXTENSION].latest.validator, max_bytes=settings["FAST_PATH_BYTES"], wait_for=wait_for,
        ignored_header=settings["TRUSTED_PROXY_HEADER"])
    log.info("serving release %s from %s with the %s store", store.release.version, store.release.path,
             settings["STORE_KIND"])
    return app


def open_state(settings: dict[str, Any]) -> EndpointState:
    """What one served release holds: its store (by ``STORE_KIND``, on ``RELEASE_DIR``) and its caches."""
    store = STORE_KINDS[settings["STORE_KIND"]](settings)
    return EndpointState(
        config=settings, store=store,
        cache=ResultCache(settings["CACHE_ENTRIES"], settings["CACHE_BYTES"]),
        prefixes=IRISpace(store.release.base_iri).prefixes,
        checked=ResultCache(settings["CACHE_ENTRIES"], settings["CACHE_BYTES"] // 16))


def close_app(app: Flask) -> None:
    """Stop what the app started (the query workers or store sessions of every release it opened)."""
    app.extensions[EXTENSION].close()


def _routed(app: Flask, environ: dict[str, Any]) -> bool:
    """Whether ``app`` has a route of its own for the path (``/releases/<v>/changes``...), as it came."""
    try:
        app.url_map.bind_to_environ(environ).match(method="GET")
    except HTTPException as exc:
        return isinstance(exc, RequestRedirect)
    return True


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":  # pre-flight of pages, RDF and downloads (/sparql sets its own)
        response.headers.setdefault("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        response.headers.setdefault("Access-Control-Allow-Headers", "Accept, If-None-Match, If-Modified-Since, Range")
        response.headers.setdefault("Access-Control-Max-Age", "86400")
    return response
