"""Conditional requests for linked-data pages, RDF and generated documents: ETag, Last-Modified, 304.

A release never changes, so a response is identified by the release digest and what was asked (path,
format, parameters), and it was last modified when the release was built.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, request

from .state import get_state

#: Cache lifetime of generated pages and RDF (one hour: a new release may be served after a restart).
MAX_AGE = 3600


def release_time() -> dt.datetime | None:
    built = get_state().store.release.built_at
    try:
        return dt.datetime.fromisoformat(built).replace(microsecond=0)
    except ValueError:
        return None


def not_modified(etag: str, headers: dict[str, str] | None = None) -> Response | None:
    """A 304 when the client already holds this representation (If-None-Match wins over If-Modified-Since)."""
    modified = release_time()
    fresh = False
    if request.if_none_match:
        fresh = etag in request.if_none_match
    elif request.if_modified_since and modified is not None:
        fresh = modified <= request.if_modified_since
    if not fresh:
        return None
    response = Response(status=304, headers=headers or {})
    return finish(response, etag)


def finish(response: Response, etag: str, max_age: int = MAX_AGE) -> Response:
    """Validators and caching headers on a generated response."""
    response.set_etag(etag)
    modified = release_time()
    if modified is not None:
        response.last_modified = modified
    response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
    return response
