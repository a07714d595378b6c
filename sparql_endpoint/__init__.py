"""The SPARQL endpoint and linked-data server (see issue "SPARQL 1.1 endpoint").

``create_app(config=None)`` builds the Flask application: settings (defaults, ``HEG_*`` environment, the
caller's overrides) are validated, the release is opened through the configured store, and the blueprints
and the error mapping are registered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from .cache import ResultCache
from .config import load_config
from .errors import register_error_handlers
from .state import EXTENSION, EndpointState, get_state
from .store import STORE_KINDS

__all__ = ["create_app", "get_state"]

log = logging.getLogger(__name__)

EXPOSED_HEADERS = ("ETag, Link, Content-Location, X-Result-Rows, X-Result-Capped, Retry-After, Content-Encoding, "
                   "Repr-Digest")


def create_app(config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """The endpoint application. ``config`` overrides environment and defaults (see docs/endpoint.md)."""
    from graph_builder.namespaces import IRISpace

    settings = load_config(config, environ)
    app = Flask(__name__)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_REQUEST_BYTES"]
    store = STORE_KINDS[settings["STORE_KIND"]](settings)
    app.extensions[EXTENSION] = EndpointState(
        config=settings, store=store,
        cache=ResultCache(settings["CACHE_ENTRIES"], settings["CACHE_BYTES"]),
        prefixes=IRISpace(store.release.base_iri).prefixes,
        checked=ResultCache(settings["CACHE_ENTRIES"], settings["CACHE_BYTES"] // 16))

    from .dereference import bp as dereference_bp
    from .downloads import bp as downloads_bp
    from .downloads import releases_dir
    from .protocol import bp as protocol_bp
    from .site import bp as site_bp
    from .site import register_pages_errors

    app.config["HEG_RELEASES_ROOT"] = str(releases_dir(settings, store.release.path))
    app.register_blueprint(protocol_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(dereference_bp)
    app.register_blueprint(downloads_bp)
    register_error_handlers(app)
    register_pages_errors(app)
    from . import hardening

    hardening.register(app)  # rate limit before each request, security headers on every response

    @app.after_request
    def _cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":  # pre-flight of pages, RDF and downloads (/sparql sets its own)
            response.headers.setdefault("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            response.headers.setdefault("Access-Control-Allow-Headers",
                                        "Accept, If-None-Match, If-Modified-Since, Range")
            response.headers.setdefault("Access-Control-Max-Age", "86400")
        return response

    log.info("serving release %s from %s with the %s store", store.release.version, store.release.path,
             settings["STORE_KIND"])
    return app
