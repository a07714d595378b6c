"""The one log line per query: hash, status, rows, duration and where the answer came from; nothing about
the client. Written by the SPARQL view and, for answers it replays, by the fast path
(:mod:`sparql_endpoint.fastpath`), so a query is logged the same way whichever path answered it."""

from __future__ import annotations

import logging

log = logging.getLogger("sparql_endpoint.query")

#: where the SPARQL view leaves (query hash, rows) for the fast path, which logs its replays with them
ENVIRON_KEY = "heg.query_log"


def log_query(query_hash: str, status: int, rows: object, duration_ms: float, cache: str) -> None:
    """``cache``: miss (the store answered), hit (the result cache), etag (a 304), fast (the fast path)."""
    log.info("query hash=%s status=%d rows=%s duration_ms=%.1f cache=%s", query_hash, status, rows, duration_ms,
             cache)
