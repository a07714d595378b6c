"""One IRI's description arranged for a page: a pure function of the triples (no store, no request)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..reads import Term
from .iris import DCTERMS, LABEL_PROPERTIES, RDF, SKOS, local_path, prefixed

@dataclass
class Link:
    iri: str
    label: str
    href: str | None  # a local path when the IRI is ours, else the IRI itself for external links
    types: list[str] = field(default_factory=list)


@dataclass
class Value:
    term: Term
    link: Link | None = None

    @property
    def text(self) -> str:
        return self.link.label if self.link else self.term.value


@dataclass
class Resource:
    """One IRI's description arranged for a page."""

    iri: str
    label: str
    types: list[Link]
    outgoing: dict[str, list[Value]]  # property IRI -> values
    incoming: dict[str, list[Link]]  # property IRI -> subjects pointing here
    qualified: list[Resource]  # placements / crosswalk mappings pointing here
    property_labels: dict[str, str]
    heg: str  # the ontology namespace of the release
    href: str = ""  # the local path of ``iri``

    def ordered(self) -> list[tuple[str, list[Value]]]:
        """Outgoing statements, names and descriptions first, then by property label."""
        first = [*LABEL_PROPERTIES, DCTERMS + "description", SKOS + "definition"]
        rank = {p: i for i, p in enumerate(first)}
        return sorted(self.outgoing.items(),
                      key=lambda kv: (rank.get(kv[0], len(first)), self.plabel(kv[0]).lower()))

    @property
    def inferred_relations(self) -> list[Resource]:
        return [q for q in self.qualified if any(v.term.value == "true" for v in q.heg_values("inferred"))]

    def values(self, prop: str) -> list[Value]:
        return self.outgoing.get(prop, [])

    def first(self, prop: str) -> str:
        values = self.values(prop)
        return values[0].text if values else ""

    def heg_values(self, name: str) -> list[Value]:
        return self.values(self.heg + name)

    @property
    def inferred_properties(self) -> set[str]:
        return {v.term.value for v in self.heg_values("inferredProperty")}

    def has_type(self, iri: str) -> bool:
        return any(t.iri == iri for t in self.types)

    def plabel(self, prop: str) -> str:
        return self.property_labels.get(prop, prop)


#: The two ends of a qualified relation (placement, crosswalk mapping, practice link), which name it when it
#: has no label of its own: "Rhode Island Braids Funding... -> Allocate Resources".
QUALIFIED_ENDS = (("linkedCaseStudy", "linkedPractice"), ("placedPractice", "placedIn"), ("mapsFrom", "mapsTo"))


def label_of(subject: str, by_subject: dict[str, dict[str, list[Any]]]) -> str:
    props = by_subject.get(subject, {})
    for prop in LABEL_PROPERTIES:
        for value in props.get(prop, []):
            if isinstance(value, ox.Literal) and (not value.language or value.language == "en"):
                return value.value
    for prop in LABEL_PROPERTIES:
        if props.get(prop):
            return props[prop][0].value
    by_name = {p.rsplit("#", 1)[-1]: values for p, values in props.items() if "ontology#" in p}
    for start, end in QUALIFIED_ENDS:
        if by_name.get(start) and by_name.get(end):
            ends = [by_name[name][0] for name in (start, end)]
            if all(isinstance(e, ox.NamedNode) for e in ends):
                return " \u2192 ".join(label_of(e.value, {k: v for k, v in by_subject.items() if k != subject})
                                        for e in ends)
    tail = re.split(r"[#/]", subject.rstrip("/"))[-1]
    return tail or subject


def arrange(iri: str, triples: list[ox.Triple], *, base: str, property_labels: dict[str, str],
            prefixes: dict[str, str]) -> Resource:
    """Group a description's triples into what a page shows. ``property_labels`` names the predicates
    (:func:`~.describe.property_labels`); ``prefixes`` shorten the IRIs of unlabelled types."""
    HEG = base + "ontology#"
    by_subject: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)

    def link(target: str) -> Link:
        types = [o.value for o in by_subject.get(target, {}).get(RDF + "type", []) if isinstance(o, ox.NamedNode)]
        label = label_of(target, by_subject)
        if not target.startswith(base) and not any(p in by_subject.get(target, {}) for p in LABEL_PROPERTIES):
            label = target  # an external page: its address is its name
        return Link(target, label, local_path(target, base) or target, types)

    def resource(subject: str, with_incoming: bool) -> Resource:
        outgoing: dict[str, list[Value]] = {}
        incoming: dict[str, list[Link]] = {}
        qualified: list[Resource] = []
        for t in triples:
            if t.subject == ox.NamedNode(subject) and t.predicate.value != RDF + "type":
                term = Term.from_ox(t.object)
                outgoing.setdefault(t.predicate.value, []).append(
                    Value(term, link(term.value) if term.is_iri else None))
        if with_incoming:
            seen_q: set[str] = set()
            for t in triples:
                if t.object == ox.NamedNode(subject) and isinstance(t.subject, ox.NamedNode):
                    source = t.subject.value
                    if HEG + "inferred" in by_subject.get(source, {}) and source != subject:
                        if source not in seen_q:
                            seen_q.add(source)
                            qualified.append(resource(source, False))
                        continue
                    incoming.setdefault(t.predicate.value, []).append(link(source))
        linked = {v.term.value for values in outgoing.values() for v in values}
        incoming = {prop: kept for prop, links in incoming.items()  # an inverse of a link shown already
                    if (kept := [link_ for link_ in links if link_.iri not in linked])}
        for values in outgoing.values():
            values.sort(key=lambda v: (v.text.lower(), v.term.value))
        for links in incoming.values():
            links.sort(key=lambda v: v.label.lower())
        qualified.sort(key=lambda r: r.iri)
        types = sorted((link(o.value) for o in by_subject.get(subject, {}).get(RDF + "type", [])
                        if isinstance(o, ox.NamedNode)), key=lambda t: t.label)
        for type_link in types:
            if type_link.label == type_link.iri:
                type_link.label = prefixed(type_link.iri, prefixes)
        return Resource(subject, label_of(subject, by_subject), types, outgoing, incoming, qualified, {}, HEG,
                        local_path(subject, base) or subject)

    main = resource(iri, True)
    main.property_labels = property_labels
    for q in main.qualified:
        q.property_labels = property_labels
    return main
