"""The versions of one resource across the queryable releases: RFC 5829's ``latest-version``,
``predecessor-version`` and ``successor-version``, linking only releases in which the resource exists.

A resource exists in a release when the release states something about it (it is the subject of a triple
in one of its graphs). The set of such IRIs is read once per release from its TriG dump (every graph of
the release), not from its store: the links of the latest release's pages start no query process for the
older releases. Then they cost a set lookup per release and request. A release without its TriG (made
before there was one) is asked with one SELECT instead.
"""

from __future__ import annotations

import functools
import logging

import pyoxigraph as ox
from flask import request

from heg_core.errors import HegError
from heg_core.release import Release

from ..http.release_paths import VERSION_KEY, unversioned_root, versioned_path
from ..reads import select
from ..registry import get_releases
from ..state import EndpointState, get_state

log = logging.getLogger(__name__)


TRIG = "heg.trig"


def subjects_in_files(release: Release) -> frozenset[str] | None:
    """Every IRI of the release's own ``id/`` space that is the subject of a quad of its TriG dump; None
    when the release has no TriG."""
    path = release.path / TRIG
    if not path.is_file():
        return None
    prefix = release.base_iri + "id/"
    return frozenset(q.subject.value for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
                     if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefix))


def subjects(state: EndpointState) -> frozenset[str]:
    """Every IRI of the release's own ``id/`` space that the release states something about (its store)."""
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
        release = served.release_of(version)
        if release is None or served.why_not_queryable(version):  # nothing there we could link to
            continue
        try:
            held = served.from_files(release, "subjects", functools.partial(subjects_in_files, release))
            if held is None:
                held = subjects(served.state_for(version))
        except (HegError, OSError, SyntaxError) as exc:  # a damaged release holds nothing we can link to
            log.warning("release %s: its resources could not be read for the Link headers: %s", version, exc)
            continue
        if iri in held:
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
