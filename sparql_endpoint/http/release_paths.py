"""Versioned paths: ``/releases/<version>/<path>`` is ``<path>`` answered from release ``<version>``.

A WSGI wrapper moves ``/releases/<version>`` from ``PATH_INFO`` into ``SCRIPT_NAME`` and names the version
in the environ (:data:`VERSION_KEY`), so the very same views answer both paths, and everything they build
from the request (``url_for``, ``Content-Location``, the alternates in ``Link``, the endpoint's own URL in its
Service Description) stays inside the version. Paths the application routes itself under ``/releases/``
(the list, a release's changes or citation) are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

#: environ key naming the release a versioned request is for
VERSION_KEY = "heg.release"
#: environ key holding the ``SCRIPT_NAME`` the request arrived with (before the version was moved into it)
ROOT_KEY = "heg.release.root"
PREFIX = "/releases/"
_VERSIONED = re.compile(r"^/releases/([A-Za-z0-9][A-Za-z0-9._-]{0,99})(/.*)?$")


class ReleasePaths:
    """WSGI middleware: ``/releases/<version>/x`` -> ``SCRIPT_NAME += /releases/<version>``, ``PATH_INFO = /x``.

    ``routed(environ)`` says whether the application has a route of its own for the path as it came."""

    def __init__(self, app: Callable[..., Iterable[bytes]], routed: Callable[[dict[str, Any]], bool]) -> None:
        self.app = app
        self.routed = routed

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        versioned = split_versioned(environ.get("PATH_INFO") or "")
        if versioned is not None and not self.routed(environ):
            version, rest = versioned
            root = environ.get("SCRIPT_NAME", "")
            environ = {**environ, ROOT_KEY: root, VERSION_KEY: version,
                       "SCRIPT_NAME": f"{root}{PREFIX}{version}", "PATH_INFO": rest}
        return self.app(environ, start_response)


def split_versioned(path: str) -> tuple[str, str] | None:
    """``(version, rest)`` of a path of the form ``/releases/<version>/rest``, else None."""
    match = _VERSIONED.match(path)
    return (match.group(1), match.group(2) or "/") if match is not None else None


def unversioned_root(environ: dict[str, Any]) -> str:
    """The ``SCRIPT_NAME`` of the site itself (without ``/releases/<version>``)."""
    return environ.get(ROOT_KEY, environ.get("SCRIPT_NAME", ""))


def versioned_path(environ: dict[str, Any], version: str, path: str) -> str:
    """The server path of ``path`` (``/id/x``) as release ``version`` answers it."""
    return f"{unversioned_root(environ)}{PREFIX}{version}{path}"
