"""What changed in one release, arranged for its page: read from the ``changes.json`` the builder wrote next
to the RDF Patch (graph_builder/changes.py), so the page queries no store and works for every kept release.

Each entity is added, removed or changed; each of its changed properties lists the old and the new values,
with labels where the builder found them. Links go to the release that holds the thing: an added or changed
entity to this release's versioned page, a removed one to the previous release's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from heg_core.errors import ReleaseError
from heg_core.release import CHANGE_FILES, Release

from ..linked_data.describe import STANDARD_CLASS_LABELS, STANDARD_LABELS
from ..linked_data.iris import local_path, prefixed
from ..state import get_state

PATCH, SUMMARY = CHANGE_FILES[0], CHANGE_FILES[3]
KINDS = ("added", "removed", "changed")


@dataclass(frozen=True)
class Term:
    text: str  # what is shown: a label, a prefixed name or a literal's value
    href: str | None = None  # a link, for an IRI
    note: str = ""  # a literal's language or datatype
    iri: str = ""  # an IRI's full text


@dataclass(frozen=True)
class PropertyChange:
    property: Term
    removed: list[Term]
    added: list[Term]


@dataclass(frozen=True)
class EntityChange:
    iri: str
    change: str  # added, removed or changed
    label: Term
    types: list[Term]
    properties: list[PropertyChange]


@dataclass(frozen=True)
class Changes:
    """The changes of one release; ``published`` is False for a first release or one built before diffs."""

    version: str
    previous: str | None
    published: bool
    counts: dict[str, int] = field(default_factory=dict)
    entities: dict[str, list[EntityChange]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def summary_of(release: Release) -> dict[str, Any] | None:
    """The release's ``changes.json``, or None when it has none (first release, built before diffs)."""
    path = release.path / SUMMARY
    if "changes" not in release.manifest or not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path} cannot be read: {exc}; rebuild release {release.version} with `heg build`") from None
    return document if isinstance(document, dict) else None


def changes_of(release: Release) -> Changes:
    """The release's changes for its page, read once per release."""
    return get_state().once(f"history changes {release.path} {release.digest}", lambda: _arrange(release))


def _arrange(release: Release) -> Changes:
    document = summary_of(release)
    if document is None:
        return Changes(release.version, release.previous_version, False)
    previous = str(document["previous_version"])
    labels: dict[str, str] = document.get("labels", {})
    prefixes = get_state().prefixes
    base = release.base_iri

    def iri_term(iri: str, version: str) -> Term:
        path = local_path(iri, base)
        href = f"/releases/{version}{path}" if path and path.startswith("/id/") else path or iri
        label = labels.get(iri)
        label = label or STANDARD_LABELS.get(iri) or STANDARD_CLASS_LABELS.get(iri) or prefixed(iri, prefixes)
        return Term(label, href, iri=iri)

    def value(text: str, version: str) -> Term:
        term = next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object
        if isinstance(term, ox.NamedNode):
            return iri_term(term.value, version)
        if isinstance(term, ox.Literal):
            note = f"@{term.language}" if term.language else prefixed(term.datatype.value, prefixes)
            return Term(term.value, None, "" if note == "xsd:string" else note)
        return Term(str(term))

    grouped: dict[str, list[EntityChange]] = {kind: [] for kind in KINDS}
    for entity in document.get("entities", []):
        kind = entity["change"]
        here = previous if kind == "removed" else release.version  # the release whose page shows it
        properties = [PropertyChange(iri_term(p["property"], here), [value(v, previous) for v in p["removed"]],
                                     [value(v, release.version) for v in p["added"]]) for p in entity["properties"]]
        grouped[kind].append(EntityChange(entity["iri"], kind, iri_term(entity["iri"], here),
                                          [iri_term(t, here) for t in entity["types"]], properties))
    for entities in grouped.values():
        entities.sort(key=lambda e: (e.label.text.casefold(), e.iri))
    counts = {key: int(document.get(key, 0)) for key in ("triples_added", "triples_removed", "entities_added",
                                                          "entities_removed", "entities_changed")}
    files = [f for f in release.manifest["changes"].get("files", []) if (release.path / f).is_file()]
    return Changes(release.version, previous, True, counts, grouped, files)
