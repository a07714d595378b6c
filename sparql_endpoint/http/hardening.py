"""Protections every response and request gets: security headers and a per-client rate limit.

Security headers (on every response, pages or not): ``Content-Security-Policy`` (our pages and the
vendored YASGUI load scripts, styles and fonts from this server only, and may not be framed; the query
page alone allows inline styles, which YASGUI sets on the elements it builds),
``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, and ``X-Frame-Options: DENY`` for browsers that
predate ``frame-ancestors``. One exception: the reconciliation preview card (``/reconcile/preview``, a
read-only card with no form and no action) may be framed by ``PREVIEW_FRAME_ANCESTORS`` (any origin by
default), since OpenRefine shows it in an iframe on its own origin; it then carries no ``X-Frame-Options``.

Rate limit: a token bucket per client address (``RATE_LIMIT`` requests per second, ``RATE_LIMIT_BURST``
at once), kept per server process in a bounded table (``RATE_LIMIT_CLIENTS``; the longest-idle address is
forgotten first). IPv6 clients are counted per /64, since one host commonly holds the whole /64. Loopback
clients are not limited unless ``RATE_LIMIT_LOOPBACK``. The client address is the TCP peer's, or, only
when ``TRUSTED_PROXY_HEADER`` is set and the peer is one of ``TRUSTED_PROXIES``, the last address in that
header (the one the proxy itself appended). Beyond the limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, request

from ..errors import EndpointError


class TooManyRequests(EndpointError):
    status = 429
    title = "Too Many Requests"


class RateLimiter:
    """Token buckets per client key; thread-safe, bounded."""

    def __init__(self, rate: float, burst: int, max_clients: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, stamp)
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds until it could."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, stamp = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # most recently seen last
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait

    def __len__(self) -> int:
        return len(self._buckets)


def client_address(config: Mapping[str, Any], peer: str | None, headers: Mapping[str, str]) -> str:
    """The address the limit counts: the peer's, or the trusted proxy's statement of the client's."""
    address = peer or ""
    header = config["TRUSTED_PROXY_HEADER"]
    if header and _in(address, config["TRUSTED_PROXIES"]):
        stated = (headers.get(header) or "").split(",")[-1].strip()
        if stated.startswith("[") and "]" in stated:  # [v6]:port
            stated = stated[1:stated.index("]")]
        elif stated.count(":") == 1:  # v4:port
            stated = stated.split(":")[0]
        try:
            address = str(ipaddress.ip_address(stated))
        except ValueError:
            pass  # a header the proxy did not write sensibly: count the proxy itself
    return address


def _in(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = _unmapped(ipaddress.ip_address(address))
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


#: the client address checks run on every request, the fast path's replays included; addresses repeat
ADDRESS_MEMO = 4096


@functools.lru_cache(maxsize=ADDRESS_MEMO)
def bucket_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    ip = _unmapped(ip)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@functools.lru_cache(maxsize=ADDRESS_MEMO)
def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _unmapped(ip).is_loopback


def _unmapped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``::ffff:192.0.2.1`` is the IPv4 client 192.0.2.1."""
    return getattr(ip, "ipv4_mapped", None) or ip


#: The one route other sites may frame: OpenRefine's inline preview of a reconciliation candidate.
FRAMED_ENDPOINT = "reconcile.preview"


def framed_headers(headers: dict[str, str], ancestors: str) -> dict[str, str]:
    """``headers`` for a page that ``ancestors`` may frame (``'none'`` or empty: the headers unchanged)."""
    policy = headers.get("Content-Security-Policy", "")
    if not ancestors.strip() or ancestors.strip() == "'none'":
        return headers
    directives = [d.strip() for d in policy.split(";") if d.strip() and not d.strip().startswith("frame-ancestors")]
    framed = {name: value for name, value in headers.items() if name != "X-Frame-Options"}
    framed["Content-Security-Policy"] = "; ".join([*directives, f"frame-ancestors {ancestors.strip()}"])
    return framed



#: where a front layer that already counted a request (the fast path, :mod:`sparql_endpoint.fastpath`) leaves
#: the seconds the client must wait, so the request is refused once and its token is not taken twice
REFUSED_WAIT = "heg.rate_limit_wait"


def admission(config: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], float] | None:
    """The rate limit as one function of a WSGI environ: 0 when the request may go ahead, else the seconds
    until it could (it takes the client's token). None when the limit is off."""
    if config["RATE_LIMIT"] <= 0:
        return None
    limiter = RateLimiter(config["RATE_LIMIT"], config["RATE_LIMIT_BURST"], config["RATE_LIMIT_CLIENTS"])
    header = config["TRUSTED_PROXY_HEADER"]
    environ_key = "HTTP_" + header.upper().replace("-", "_") if header else ""

    def wait_for(environ: Mapping[str, Any]) -> float:
        stated = {header: environ[environ_key]} if environ_key in environ else {}
        address = client_address(config, environ.get("REMOTE_ADDR"), stated)
        if not config["RATE_LIMIT_LOOPBACK"] and _is_loopback(address):
            return 0.0
        return limiter.take(bucket_key(address))

    wait_for.limiter = limiter  # type: ignore[attr-defined]
    return wait_for


def too_many(config: Mapping[str, Any], wait: float) -> TooManyRequests:
    seconds = max(1, math.ceil(wait))
    return TooManyRequests(
        f"This client sent more than {config['RATE_LIMIT_BURST']} requests in a burst or more than "
        f"{config['RATE_LIMIT']:g} a second.",
        hint=f"Wait {seconds} s (Retry-After) and send requests more slowly; for bulk use, download "
             "the release dumps from /downloads.",
        headers={"Retry-After": str(seconds)})


def register(app: Flask, wait_for: Callable[[Mapping[str, Any]], float] | None = None) -> None:
    """Install the rate limit (before each request; ``wait_for`` from :func:`admission`, shared with the fast
    path) and the security headers (after each response)."""
    config = app.config
    app.extensions["heg_rate_limiter"] = getattr(wait_for, "limiter", None)

    if wait_for is not None:
        @app.before_request
        def _rate_limit() -> None:
            wait = request.environ.get(REFUSED_WAIT) or wait_for(request.environ)
            if wait > 0:
                raise too_many(config, wait)

    headers = {
        "Content-Security-Policy": config["CONTENT_SECURITY_POLICY"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": config["REFERRER_POLICY"],
        "X-Frame-Options": "DENY",
    }

    query_page_policy = config["QUERY_PAGE_CONTENT_SECURITY_POLICY"]
    framed = framed_headers(headers, config["PREVIEW_FRAME_ANCESTORS"])

    @app.after_request
    def _security_headers(response: Response) -> Response:
        if request.endpoint == "sparql.sparql" and response.mimetype == "text/html" and query_page_policy:
            response.headers.setdefault("Content-Security-Policy", query_page_policy)
        for name, value in (framed if request.endpoint == FRAMED_ENDPOINT else headers).items():
            if value:
                response.headers.setdefault(name, value)
        return response
