"""The Atom 1.0 feed of the releases (RFC 4287), ``/releases.atom``: one entry per kept release, newest first.

An entry's ``id`` is the release's IRI, ``updated`` its build time, its summary the counts of what changed,
with links to its changes page (``alternate``), its citation and the release itself (``related``). Written
with the standard library's ElementTree, so the document is well-formed XML whatever the text holds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from heg_core.release import KeptReleases, Release

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
TITLE = "Health Equity Guide knowledge graph: releases"


def change_summary(release: Release) -> str:
    """One sentence on what changed in ``release`` (the counts of its manifest's ``changes``)."""
    changes = release.manifest.get("changes")
    if not changes:
        if release.previous_version:
            return (f"What changed since release {release.previous_version} was not published with this "
                    "release (it was built before releases carried their differences).")
        return "The first release kept here: it has no predecessor to compare with."
    return (f"Since release {changes['previous_version']}: {changes['entities_added']} entities added, "
            f"{changes['entities_removed']} removed, {changes['entities_changed']} changed; "
            f"{changes['triples_added']} triples added, {changes['triples_removed']} removed (data graph).")


def _timestamp(release: Release) -> str:
    return release.built_at or "1970-01-01T00:00:00Z"


def feed(kept: KeptReleases, *, self_url: str, home_url: str, url: Callable[[str, str], str],
         author: str) -> bytes:
    """The feed document. ``url(endpoint, version)`` gives the absolute URL of a release's page."""
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        node.text = text
        return node

    root = ET.Element(f"{{{ATOM}}}feed")
    el(root, "title", TITLE)
    el(root, "id", self_url)
    el(root, "updated", max((_timestamp(r) for r in kept.releases), default="1970-01-01T00:00:00Z"))
    el(el(root, "author"), "name", author)
    el(root, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    el(root, "link", rel="alternate", type="text/html", href=home_url)
    for release in kept.releases:
        entry = el(root, "entry")
        el(entry, "id", release.iri)
        el(entry, "title", f"Release {release.version}")
        el(entry, "updated", _timestamp(release))
        el(entry, "published", _timestamp(release))
        el(entry, "summary", change_summary(release))
        el(entry, "link", rel="alternate", type="text/html", href=url("history.changes", release.version))
        el(entry, "link", rel="related", type="text/html", href=url("history.cite", release.version),
           title=f"How to cite release {release.version}")
        el(entry, "link", rel="related", href=release.iri, title=f"Release {release.version}")
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
