"""The versions of one resource across the queryable releases: RFC 5829's ``latest-version``,
``predecessor-version`` and ``successor-version``, linking only releases in which the resource exists.

A resource exists in a release when the release states something about it (it is the subject of a triple
in one of its graphs). The set of such IRIs is read once per served release (one SELECT, kept for as long
as the release is served), so the links cost a set lookup per release and request.
"""

from __future__ import annotations

from flask import request

from heg_core.errors import HegError

from ..http.release_paths import VERSION_KEY, unversioned_root, versioned_path
from ..reads import select
from ..registry import get_releases
from ..state import EndpointState, get_state


def subjects(state: EndpointState) -> frozenset[str]:
    """Every IRI of the release's own ``id/`` space that the release states something about."""
    base = state.release.base_iri

    def load() -> frozenset[str]:
        query = (f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}')
        rows = select(query, max_rows=state.release.triples.get("total", 0) + 1, state=state)
        return frozenset(row["s"].value for row in rows)

    return state.once("subjects", load)


def holding(iri: str) -> list[str]:
    """The queryable releases (newest first) that state something about ``iri``."""
    served = get_releases()
    found = []
    for version in served.queryable():
        try:
            state = served.state_for(version)
        except HegError:  # a release that cannot be opened holds nothing we can link to
            continue
        if iri in subjects(state):
            found.append(version)
    return found


def version_links(iri: str, path: str) -> list[str]:
    """``Link`` values for the resource at server path ``path`` (``/id/x``) as answered by this request's
    release: its latest version (the unversioned path), its predecessor and successor among the releases
    holding it. Empty when only this release holds it."""
    served = get_releases()
    order = served.queryable()
    current = get_state().release.version
    having = set(holding(iri))
    environ = request.environ
    links = []
    latest = order[0]
    if latest in having and (current != latest or environ.get(VERSION_KEY)):
        links.append(f'<{unversioned_root(environ)}{path}>; rel="latest-version"')
    if current in order:
        at = order.index(current)
        older = next((v for v in order[at + 1:] if v in having), None)
        newer = next((v for v in reversed(order[:at]) if v in having), None)
        if older:
            links.append(f'<{versioned_path(environ, older, path)}>; rel="predecessor-version"')
        if newer:
            links.append(f'<{versioned_path(environ, newer, path)}>; rel="successor-version"')
    return links
