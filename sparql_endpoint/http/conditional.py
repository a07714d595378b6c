"""The one conditional-request path: ETag, Last-Modified, 304 (the Content-Type of a format is the kernel's
``Format.content_type``).

A release never changes, so a response is identified by the release digest and what was asked (path,
format, parameters), and it was last modified when the release was built. Freshness is decided by
Werkzeug's :func:`~werkzeug.http.is_resource_modified` (If-None-Match wins over If-Modified-Since, weak
comparison), before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import Response, request
from werkzeug.http import is_resource_modified

#: Cache lifetime of generated pages and RDF (one hour: a new release may be served after a restart).
MAX_AGE = 3600


def etag_of(*parts: object) -> str:
    """A strong validator for what ``parts`` identify (always include the release digest)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def not_modified(etag: str, modified: dt.datetime | None = None,
                 headers: dict[str, str] | None = None) -> Response | None:
    """A 304 (with ``headers`` and the validators) when the client already holds this representation."""
    if is_resource_modified(request.environ, etag=etag, last_modified=modified):
        return None
    return finish(Response(status=304, headers=headers or {}), etag, modified)


def finish(response: Response, etag: str, modified: dt.datetime | None = None, max_age: int = MAX_AGE) -> Response:
    """Validators and caching headers on a generated response."""
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
    return response
