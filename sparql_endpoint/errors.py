"""The endpoint's exceptions and their one mapping to HTTP responses.

Every error carries an HTTP status, a short title, a message in the client's terms and a hint saying how
to fix the problem (the kernel's :class:`~heg_core.errors.HegError`, which also gives ``heg`` its exit codes;
``ConfigError`` and ``ReleaseError`` are the kernel's own). :func:`register_error_handlers` maps them (and Werkzeug's own HTTP errors) to
responses once, in the application factory. The body is plain text or JSON, chosen by ``Accept``; an
unexpected exception becomes a 500 that shows no internals, only a reference to the log line.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from heg_core.errors import ConfigError, HegError, ReleaseError  # noqa: F401  (the kernel's, used here too)

log = logging.getLogger(__name__)


class EndpointError(HegError):
    """Base of every error the endpoint reports over HTTP (the kernel's error base: status, title, hint)."""


class BadRequest(EndpointError):
    status = 400
    title = "Bad Request"
    hint = "See the SPARQL 1.1 Protocol: send the query as ?query=, a form field `query`, or an application/sparql-query body."


class QuerySyntaxError(BadRequest):
    title = "Query syntax error"
    hint = "Fix the query at the line and column given; the message lists what the parser expected there."


class ServiceNotAllowed(BadRequest):
    title = "SERVICE not allowed"


class QueryTooComplex(BadRequest):
    title = "Query too complex"


class ReadOnly(EndpointError):
    status = 403
    title = "Forbidden: read-only endpoint"
    hint = ("This endpoint answers queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only; download the release "
            "dumps and load them into your own store to change data.")


class NotAcceptable(EndpointError):
    status = 406
    title = "Not Acceptable"


class ResourceNotFound(EndpointError):
    status = 404
    title = "Not Found"
    hint = "Check the IRI; browse or search the data from the home page (/), or ask /sparql."


class ResourceGone(EndpointError):
    status = 410
    title = "Gone"
    hint = "The IRI was retired: use its successor, named in the message and the Link header."


class RequestTooLarge(EndpointError):
    status = 413
    title = "Request Entity Too Large"


class UnsupportedMediaType(EndpointError):
    status = 415
    title = "Unsupported Media Type"
    hint = ("POST the query as application/x-www-form-urlencoded (field `query`) or as an "
            "application/sparql-query body.")


class QueryFailed(EndpointError):
    """The engine failed on a query (not the client's fault)."""

    title = "Query failed"


class Overloaded(EndpointError):
    status = 503
    title = "Service Unavailable: too many queries"

    @classmethod
    def busy(cls, retry_after: int) -> Overloaded:
        """Every query slot and queue place taken (the local pool's and the remote store's words alike)."""
        return cls("Too many queries are running or waiting right now.",
                   hint=f"Retry after {retry_after} s; for heavy use, download the release dumps.",
                   headers={"Retry-After": str(retry_after)})


class QueryTimeout(EndpointError):
    status = 504
    title = "Query timeout"


class ReleaseNotServed(ResourceNotFound):
    """A versioned path (``/releases/<version>/...``) of a version this server does not answer from."""

    title = "Release not served"
    hint = "See /releases/ for the releases kept here and which of them are queryable."


class ReleaseUnavailable(EndpointError):
    """A kept release whose store cannot be opened now (damaged, or out of file handles or memory)."""

    status = 503
    title = "Service Unavailable: release store cannot be opened"
    hint = "Its files stay downloadable from /downloads; query one of the releases named as queryable."


class VersionedQueriesUnsupported(EndpointError):
    """Versioned answers of an older release over a store kind that holds one release (``STORE_KIND=remote``)."""

    status = 501
    title = "Not Implemented: older releases are not queryable on this server"
    hint = "Download that release's dumps from /downloads and load them into a store of your own."


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/plain", "application/json"], default="text/plain")
    return best == "application/json"


def error_response(status: int, title: str, message: str, hint: str,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The one place an error body is written (plain text or JSON by Accept)."""
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message, "hint": hint, **extra}}
        response = Response(json.dumps(body), status=status, mimetype="application/json")
    else:
        text = f"{status} {title}\n\n{message}\n\nHow to fix it: {hint}\n"
        response = Response(text, status=status, mimetype="text/plain")
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_hint(exc: HTTPException) -> str:
    """How to fix a request that Werkzeug refused (404, 405, 413...)."""
    code = exc.code or 500
    if code == 404:
        return "Check the path: the SPARQL endpoint is at /sparql; browse the data from /; downloads at /downloads."
    if code == 405:
        allowed = ", ".join(getattr(exc, "valid_methods", None) or ["GET", "POST"])
        return f"Use one of the allowed methods: {allowed}."
    if code == 413:
        return "Send a smaller request."
    return "Check the request against the SPARQL 1.1 Protocol."


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HegError)
    def _endpoint_error(exc: HegError) -> Response:
        if exc.status >= 500:
            log.warning("%s: %s", exc.title, exc.message)
        extra = {k: v for k, v in exc.context.items() if isinstance(v, (str, int, float))}
        return error_response(exc.status, exc.title, exc.message, exc.hint, exc.headers, **extra)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        response = error_response(code, exc.name, exc.description or exc.name, http_hint(exc))
        if code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[union-attr]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        reference = uuid.uuid4().hex[:12]
        log.error("unexpected error, reference %s", reference, exc_info=exc)
        return error_response(500, "Internal Server Error",
                              f"The server failed to answer this request (reference {reference}).",
                              EndpointError.hint, reference=reference)
