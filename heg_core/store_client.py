"""The HTTP client for SPARQL stores, shared by ``heg publish`` and the server's remote store.

URL checks (http(s), no credentials in the URL), credentials from the environment only
(``HEG_STORE_TOKEN``, or ``HEG_STORE_USER``/``HEG_STORE_PASSWORD`` with ``HEG_STORE_AUTH`` basic or
digest; nothing here logs a header) and a requests session retrying with exponential backoff
(urllib3 ``Retry``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

RETRY_STATUSES = (429, 502, 503, 504)


def check_url(url: str) -> str:
    """An http(s) URL without credentials in it (those come from the environment only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url!r} is not an http(s) URL of a SPARQL store")
    if parts.username or parts.password:
        raise ConfigError("the store URL must not contain credentials: set HEG_STORE_USER and "
                          "HEG_STORE_PASSWORD (or HEG_STORE_TOKEN) in the environment instead")
    return url



class _Bearer:
    """requests auth that adds ``Authorization: Bearer ...`` (the token never appears in a repr or log)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(<hidden>)"


def _basic(user: str, password: str) -> Any:
    from requests.auth import HTTPBasicAuth

    return HTTPBasicAuth(user, password)


def _digest(user: str, password: str) -> Any:
    from requests.auth import HTTPDigestAuth

    return HTTPDigestAuth(user, password)


#: ``HEG_STORE_AUTH`` -> requests auth for a user and password.
PASSWORD_AUTH: dict[str, Callable[[str, str], Any]] = {"basic": _basic, "digest": _digest}


def store_auth(environ: Mapping[str, str] | None = None) -> Any:
    """requests auth from ``HEG_STORE_TOKEN`` or ``HEG_STORE_USER``/``HEG_STORE_PASSWORD``; None without."""
    environ = os.environ if environ is None else environ
    token = environ.get("HEG_STORE_TOKEN", "")
    user, password = environ.get("HEG_STORE_USER", ""), environ.get("HEG_STORE_PASSWORD", "")
    if token and user:
        raise ConfigError("set either HEG_STORE_TOKEN or HEG_STORE_USER/HEG_STORE_PASSWORD, not both")
    if token:
        return _Bearer(token)
    if not user:
        return None
    kind = environ.get("HEG_STORE_AUTH", "basic").lower()
    if kind not in PASSWORD_AUTH:
        raise ConfigError(f"HEG_STORE_AUTH must be one of {', '.join(PASSWORD_AUTH)}, not {kind!r}")
    return PASSWORD_AUTH[kind](user, password)


def http_session(*, retries: int, backoff: float, pool_size: int = 4, auth: Any = None,
                 retry_statuses: Iterable[int] = RETRY_STATUSES) -> Any:
    """A requests session retrying connection errors (any method) and, for idempotent methods (GET, PUT,
    DELETE), read errors and ``retry_statuses``, with exponential backoff."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                  backoff_factor=backoff, status_forcelist=tuple(retry_statuses),
                  allowed_methods=frozenset({"GET", "HEAD", "PUT", "DELETE"}), raise_on_status=False,
                  respect_retry_after_header=True)
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc credentials picked up behind the operator's back
    adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.auth = auth
    return session


