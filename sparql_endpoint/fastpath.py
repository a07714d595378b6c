"""The fast path: answers already given are replayed without the framework, byte for byte.

A release never changes, so whatever the server answered to a GET or HEAD from it (a SPARQL answer, a
page, an RDF representation, a download, a 304) is the answer to the same request for as long as the
process serves it. :class:`KnownAnswers` is WSGI middleware in front of the Flask app: the first time a
request is seen it goes through the whole stack (routing, negotiation, the store, the ETag/304 path, the
security headers, CORS, the row-count headers), and the response is kept, status, headers and body, when
it may be: a 200 or 304 that carries an ``ETag`` (the app gives one only to what the served release and
the request identify; errors, 429s and POST answers have none), no ``Set-Cookie``, a known length within
the per-entry cap. The same request again is answered from that copy: identical headers, identical bytes.

"The same request" is everything the app could read: method, path, query string, scheme, host, and every
request header except those no view reads (:data:`IGNORED_HEADERS`: the client's software, cookies, the
connection's own headers, the trusted proxy's client address). ``If-None-Match`` is part of it, so a
revalidation replays the 304 the app gave. What is per request stays per request: the rate limit takes
the client's token on every replay (and a refused one goes to the app, which answers the 429 once), and a
replayed query writes its one log line (``cache=fast``, or ``etag`` for a 304).

Keys start with the latest release's validator, asked on every request (``validator()``), so when
``latest`` moves, no answer of the old latest is replayed for an unversioned path; versioned releases served by the same process (paths
``/releases/<v>/...``) are kept apart by their paths, and each response's own ETag names the release it
came from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .cache import ResultCache
from .http import querylog
from .http.hardening import REFUSED_WAIT

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: request headers (as WSGI names them) that no view reads: never part of what identifies a request
IGNORED_HEADERS = frozenset({
    "HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_COOKIE", "HTTP_DNT",
    "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_PRIORITY", "HTTP_TE",
    "HTTP_X_REQUEST_ID",
})
IGNORED_PREFIXES = ("HTTP_SEC_FETCH_", "HTTP_SEC_CH_")
CACHEABLE_STATUS = ("200", "304")


@dataclass(frozen=True)
class Known:
    """One response as the app gave it."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    query: tuple[str, object] | None  # (hash, rows) of a SPARQL answer: its log line on replay


class KnownAnswers:
    """WSGI middleware replaying kept responses of ``app`` (see the module's description)."""

    def __init__(self, app: WSGIApp, *, validator: Callable[[], str], max_bytes: int, max_entries: int = 4096,
                 wait_for: Callable[[Mapping[str, Any]], float] | None = None, ignored_header: str = "") -> None:
        self.app = app
        self.validator = validator
        self.max_entry_bytes = max_bytes // 8
        self.memo: ResultCache[Known] = ResultCache(max_entries if max_bytes else 0, max_bytes)
        self.wait_for = wait_for
        self.ignored = IGNORED_HEADERS | ({"HTTP_" + ignored_header.upper().replace("-", "_")} if ignored_header
                                          else set())

    def key(self, environ: Mapping[str, Any]) -> tuple[object, ...] | None:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return None
        headers = tuple(sorted((k, v) for k, v in environ.items() if k.startswith("HTTP_") and k not in self.ignored
                               and not k.startswith(IGNORED_PREFIXES)))
        return (self.validator(), method, environ.get("wsgi.url_scheme"), environ.get("SERVER_NAME"),
                environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""), headers)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self.key(environ) if self.memo.max_entries else None
        if key is None:
            return self.app(environ, start_response)
        known = self.memo.get(key)
        if known is not None:
            started = time.perf_counter()
            wait = self.wait_for(environ) if self.wait_for is not None else 0.0
            if wait > 0:  # refused: the app writes the 429 (without taking a second token)
                environ[REFUSED_WAIT] = wait
                return self.app(environ, start_response)
            start_response(known.status, list(known.headers))
            if known.query is not None:
                querylog.log_query(known.query[0], int(known.status[:3]), known.query[1],
                                   (time.perf_counter() - started) * 1000,
                                   "etag" if known.status.startswith("304") else "fast")
            return [known.body]
        return self._answer_and_keep(key, environ, start_response)

    def _answer_and_keep(self, key: tuple[object, ...], environ: dict[str, Any],
                         start_response: Callable[..., Any]) -> Iterable[bytes]:
        given: list[Any] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            given[:] = [status, headers, exc_info]
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start_response)
        if not given or not self._keepable(given[0], given[1], given[2]):
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        self.memo.put(key, Known(given[0], tuple(given[1]), data, environ.get(querylog.ENVIRON_KEY)),
                      len(data) + 512)
        return [data]

    def _keepable(self, status: str, headers: list[tuple[str, str]], exc_info: Any) -> bool:
        if exc_info is not None or status[:3] not in CACHEABLE_STATUS:
            return False
        names = {name.lower(): value for name, value in headers}
        if "etag" not in names or "set-cookie" in names or "no-store" in names.get("cache-control", ""):
            return False
        length = names.get("content-length", "0" if status.startswith("304") else "")
        return length.isdigit() and int(length) <= self.max_entry_bytes
