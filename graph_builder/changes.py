"""What changed since the previous release: an RDF Patch, added and removed N-Triples, a per-entity summary.

A release is compared with its predecessor on the four graphs its content digest covers (data, ontology,
shapes, queries; never metadata, which holds the build time), each read from the byte-stable dumps of both
release folders by the same reader, so the same two releases always give byte-identical files:

- ``changes.rdfp``: RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html), every change a quad naming
  its graph, deletions then additions, each sorted as N-Quads lines; ``H id`` and ``H prev`` chain the
  releases (UUIDs derived from each release's IRI and digest). Two releases of the same sources give a patch
  of its headers and an empty transaction (``TX .`` then ``TC .``).
- ``added.nt``, ``removed.nt``: the data graph's added and removed triples (the records), sorted.
- ``changes.json``: per entity of the data graph (a subject with an ``rdf:type``) whether it was added,
  removed or changed, the properties whose values changed with the old and new values, and the labels of
  the IRIs it mentions, so the server's changes page reads one file and queries nothing.

Blank nodes: the data graph has none; those of the ontology and shapes are named by a hash of their content
(:func:`graph_builder.dumps.stable_blank_nodes`), so an unchanged one keeps its name.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from heg_core.errors import ReleaseError
from heg_core.formats import graph_format
from heg_core.namespaces import LABEL_PROPERTIES, STANDARD_PREFIXES
from heg_core.release import CHANGE_FILES, read_manifest

log = logging.getLogger(__name__)

#: The graphs compared, and the dump each is read from.
DIFFED = {"data": "heg.nt", "ontology": "ontology.ttl", "shapes": "shapes.ttl", "queries": "queries.ttl"}
PATCH, ADDED, REMOVED, SUMMARY = CHANGE_FILES
RDF_TYPE = STANDARD_PREFIXES["rdf"] + "type"
_LABELS = frozenset(LABEL_PROPERTIES) | {STANDARD_PREFIXES["rdfs"] + "label"}

Content = dict[str, set[ox.Triple]]


def patch_id(release_iri: str, digest: str) -> str:
    """The RDF Patch id of a release: a UUID derived from its IRI and content digest (stable, unique)."""
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{release_iri}#{digest}')}"


def read_content(root: Path) -> Content:
    """The triples of the compared graphs, from the dumps in ``root``."""
    content: Content = {}
    for name, file_name in DIFFED.items():
        path = root / file_name
        fmt = graph_format("ntriples" if file_name.endswith(".nt") else "turtle")
        try:
            content[name] = set(ox.parse(path=str(path), format=fmt.engine))
        except (OSError, SyntaxError) as exc:
            raise ReleaseError(f"cannot read {path} to compare releases: {exc}") from exc
    return content


def _lines(triples: set[ox.Triple]) -> list[str]:
    return sorted(str(t) for t in triples)


def write_changes(root: Path, previous_root: Path, *, graph_iris: dict[str, str], release_iri: str,
                  digest: str, previous_iri: str) -> dict[str, Any] | None:
    """Compare the release being written in ``root`` with ``previous_root``; write the change files and
    return the manifest's ``changes`` entry, or None (with a warning) when the previous release cannot be
    read: a damaged predecessor never stops a build, its diff is just not published."""
    try:
        previous_digest = str(read_manifest(previous_root)["digest"])
        old = read_content(previous_root)
    except ReleaseError as exc:
        log.warning("not publishing what changed since %s: %s", previous_root.name, exc)
        return None
    new = read_content(root)
    added = {name: new[name] - old[name] for name in DIFFED}
    removed = {name: old[name] - new[name] for name in DIFFED}

    header = f"H id <{patch_id(release_iri, digest)}> .\nH prev <{patch_id(previous_iri, previous_digest)}> .\nTX .\n"
    body = [f"D {line} <{graph_iris[name]}> .\n" for name in DIFFED for line in _lines(removed[name])]
    body += [f"A {line} <{graph_iris[name]}> .\n" for name in DIFFED for line in _lines(added[name])]
    (root / PATCH).write_text(header + "".join(body) + "TC .\n", encoding="utf-8")
    (root / ADDED).write_text("".join(f"{line} .\n" for line in _lines(added["data"])), encoding="utf-8")
    (root / REMOVED).write_text("".join(f"{line} .\n" for line in _lines(removed["data"])), encoding="utf-8")

    entities = entity_changes(old, new, added["data"], removed["data"])
    counts = {kind: sum(1 for e in entities if e["change"] == kind) for kind in ("added", "removed", "changed")}
    summary = {
        "previous_version": previous_root.name,
        "triples_added": len(added["data"]), "triples_removed": len(removed["data"]),
        **{f"entities_{kind}": count for kind, count in counts.items()},
        "graphs": {name: {"added": len(added[name]), "removed": len(removed[name])} for name in DIFFED},
    }
    document = {**summary, "entities": entities, "labels": _labels_of(entities, new, old)}
    (root / SUMMARY).write_text(json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
    return {**summary, "files": list(CHANGE_FILES)}


def _types(triples: set[ox.Triple]) -> dict[str, list[str]]:
    """Subject IRI -> its classes (sorted)."""
    types: dict[str, list[str]] = defaultdict(list)
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
            types[t.subject.value].append(t.object.value)
    return {subject: sorted(classes) for subject, classes in types.items()}


def entity_changes(old: Content, new: Content, added: set[ox.Triple], removed: set[ox.Triple]) -> list[dict[str, Any]]:
    """Per entity touched by the data graph's changes: added (typed only in the new release), removed (typed
    only in the old) or changed (typed in both), with each changed property's removed and added values as
    N-Triples terms. Subjects typed in neither (none in our data) are in the patch, not in this list."""
    before, after = _types(old["data"]), _types(new["data"])
    per_subject: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: {"removed": [], "added": []}))
    for side, triples in (("removed", removed), ("added", added)):
        for t in triples:
            per_subject[t.subject.value][t.predicate.value][side].append(str(t.object))
    entities = []
    for subject in sorted(per_subject):
        change = ("changed" if subject in before and subject in after else "added" if subject in after
                  else "removed" if subject in before else None)
        if change is None:
            continue
        types = (before if change == "removed" else after)[subject]
        properties = [{"property": prop, "removed": sorted(values["removed"]), "added": sorted(values["added"])}
                      for prop, values in sorted(per_subject[subject].items())]
        entities.append({"iri": subject, "change": change, "types": types, "properties": properties})
    return entities


def _labels_of(entities: list[dict[str, Any]], new: Content, old: Content) -> dict[str, str]:
    """A label for each IRI the entities mention (themselves, their types, properties and IRI values), from
    the new release first, then the old one (for what was removed): English or untagged, best property first."""
    wanted = set()
    for entity in entities:
        wanted.update([entity["iri"], *entity["types"]])
        for prop in entity["properties"]:
            wanted.add(prop["property"])
            wanted.update(v[1:-1] for v in prop["removed"] + prop["added"] if v.startswith("<"))
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    found: dict[str, tuple[int, int, str]] = {}
    for age, content in enumerate((new, old)):
        for graph in ("data", "ontology"):
            for t in content[graph]:
                if (t.predicate.value in _LABELS and t.subject.value in wanted and isinstance(t.object, ox.Literal)
                        and t.object.language in (None, "en")):
                    key = (age, rank.get(t.predicate.value, len(rank)), t.object.value)
                    if t.subject.value not in found or key < found[t.subject.value]:
                        found[t.subject.value] = key
    return {iri: key[2] for iri, key in sorted(found.items())}
