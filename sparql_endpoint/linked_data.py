"""Linked-data services: the IRI space, safe SPARQL over the app's Store, descriptions and their formats.

Every read goes through the application's :class:`~sparql_endpoint.store.Store` as SPARQL (SELECT or
CONSTRUCT), so pages and RDF work the same over a remote SPARQL store. A query built from a request only
ever contains an IRI that :func:`iri_ref` accepted (inside our IRI space, no character that could end an
IRIREF) or a string literal written by :func:`string_literal`; request text is never pasted raw.

Dereferencing pattern (docs/linked-data.md): ``200`` with ``Content-Location`` (the format-specific URL)
and ``Vary: Accept``, the same for every IRI.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .errors import BadRequest
from .executor import Job
from .negotiation import SUFFIXES, Format
from .state import get_state

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Properties whose value names a thing, best first.
LABEL_PROPERTIES = (SKOS + "prefLabel", DCTERMS + "title", SCHEMA + "name", RDFS + "label")

#: Readable names of the reused properties (our own are labelled by the ontology).
STANDARD_LABELS = {
    DCTERMS + "title": "title", DCTERMS + "description": "description", DCTERMS + "source": "source page",
    DCTERMS + "subject": "topic", DCTERMS + "spatial": "place", DCTERMS + "publisher": "publisher",
    DCTERMS + "issued": "issued", DCTERMS + "license": "license", DCTERMS + "creator": "creator",
    DCTERMS + "isReplacedBy": "replaced by", SKOS + "prefLabel": "label", SKOS + "definition": "definition",
    SKOS + "inScheme": "in scheme", SKOS + "topConceptOf": "top concept of", SKOS + "hasTopConcept": "top concept",
    SKOS + "notation": "code", SKOS + "member": "member", SKOS + "note": "note", SKOS + "editorialNote": "editorial note",
    SCHEMA + "url": "page on the web", SCHEMA + "name": "name", SCHEMA + "alternateName": "other name",
    SCHEMA + "position": "position", SCHEMA + "areaServed": "area served", SCHEMA + "containedInPlace": "within",
    RDFS + "label": "label", RDFS + "comment": "comment", RDFS + "seeAlso": "see also",
    "http://www.w3.org/2002/07/owl#versionInfo": "version", "http://www.w3.org/2002/07/owl#versionIRI": "version IRI",
    "http://purl.org/vocab/vann/preferredNamespacePrefix": "preferred prefix",
    "http://purl.org/vocab/vann/preferredNamespaceUri": "namespace",
}


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LOCAL_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")


# --------------------------------------------------------------------------- IRIs and SPARQL terms


def iri_ref(iri: str, base: str) -> str:
    """``<iri>`` for a SPARQL query, only for an IRI inside our IRI space with no character that could
    end or bend an IRIREF. Anything else is refused (a request can never inject SPARQL)."""
    if not iri.startswith(base) or _IRI_FORBIDDEN.search(iri) or not _LOCAL_PATH.match(iri[len(base):] or "x"):
        raise BadRequest(f"{iri!r} is not an IRI of this dataset.",
                         hint=f"Use an IRI under {base} made of letters, digits, '.', '-', '_' and '/'.")
    return f"<{iri}>"


def string_literal(text: str, max_length: int = 200) -> str:
    """A SPARQL string literal holding ``text`` exactly (every character that matters escaped)."""
    if len(text) > max_length:
        raise BadRequest(f"The search text is longer than {max_length} characters.", hint="Search for fewer words.")
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    escaped = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04X}" for c in escaped)
    return f'"{escaped}"'


def local_path(iri: str, base: str) -> str | None:
    """The server path of an IRI of our space (``base`` + ``id/x`` -> ``/id/x``), else None."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return None


def iri_of_path(path: str, base: str) -> str:
    """The IRI a server path stands for (``/id/x`` -> ``base`` + ``id/x``)."""
    return base + path.lstrip("/")


def split_suffix(path: str) -> tuple[str, Format | None]:
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], fmt
    return path, None


# --------------------------------------------------------------------------- running queries


def _run(query: str, format_key: str, max_rows: int | None = None) -> bytes:
    """Run ``query`` on the app's store (through its result cache): the serialized answer."""
    state = get_state()
    release = state.store.release
    rows = max_rows or state.config["MAX_ROWS"]
    key = (release.digest, "linked-data", query, format_key, rows)
    body = state.cache.get(key)
    if body is None:
        job = Job(query=query, format_key=format_key, max_rows=rows, prefixes=state.prefixes)
        body = state.store.execute(job, state.config["QUERY_TIMEOUT"]).body
        state.cache.put(key, body, len(body) + len(query))
    return body


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in get_state().prefixes.items())


def select(query: str, max_rows: int | None = None) -> list[dict[str, Term]]:
    """SELECT through the store: one dict per solution, variable -> :class:`Term`."""
    data = json.loads(_run(prologue() + query, "json", max_rows))
    return [{name: Term.from_json(value) for name, value in row.items()} for row in data["results"]["bindings"]]


def construct(query: str, max_rows: int | None = None) -> list[ox.Triple]:
    """CONSTRUCT/DESCRIBE through the store, parsed back from N-Triples."""
    body = _run(prologue() + query, "ntriples", max_rows)
    return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))


@dataclass(frozen=True)
class Term:
    """An RDF term as pages need it."""

    kind: str  # uri | literal | bnode
    value: str
    language: str = ""
    datatype: str = ""

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Term:
        return cls(item["type"] if item["type"] != "typed-literal" else "literal", item["value"],
                   item.get("xml:lang", ""), item.get("datatype", ""))

    @classmethod
    def from_ox(cls, term: Any) -> Term:
        if isinstance(term, ox.NamedNode):
            return cls("uri", term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if not term.language else ""
            return cls("literal", term.value, term.language or "",
                       "" if datatype == XSD + "string" else datatype)
        return cls("bnode", str(term))

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


# --------------------------------------------------------------------------- descriptions

_LABELS = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)


def describe_query(iri_sparql: str) -> str:
    """CONSTRUCT the description of one resource: its statements, the labels and types of what it links
    to, the statements pointing at it (with their subjects' labels and types), and the qualified nodes
    (placements, crosswalk mappings) pointing at it, in full."""
    return f"""CONSTRUCT {{
  {iri_sparql} ?p ?o . ?o ?lp ?ol . ?o a ?otype .
  ?in ?ip {iri_sparql} . ?in ?ilp ?il . ?in a ?itype .
  ?q ?qp ?qo . ?qo ?qlp ?ql .
}} WHERE {{
  {{ {iri_sparql} ?p ?o .
     OPTIONAL {{ VALUES ?lp {{ {_LABELS} }} ?o ?lp ?ol }}
     OPTIONAL {{ ?o a ?otype FILTER(isIRI(?o)) }} }}
  UNION
  {{ ?in ?ip {iri_sparql} . FILTER(isIRI(?in))
     OPTIONAL {{ VALUES ?ilp {{ {_LABELS} }} ?in ?ilp ?il }}
     OPTIONAL {{ ?in a ?itype }} }}
  UNION
  {{ ?q ?qin {iri_sparql} . ?q heg:inferred ?flag . ?q ?qp ?qo .
     OPTIONAL {{ VALUES ?qlp {{ {_LABELS} }} ?qo ?qlp ?ql }} }}
}}"""


def describe(iri: str) -> list[ox.Triple]:
    """The description of one IRI of our space (empty when the graph says nothing about it)."""
    base = get_state().store.release.base_iri
    return construct(describe_query(iri_ref(iri, base)))


def graph_triples(graph_iri: str) -> list[ox.Triple]:
    """Every triple of one named graph of the release."""
    release = get_state().store.release
    if graph_iri not in release.graph_iris:
        raise BadRequest(f"{graph_iri} is not a graph of this release.")
    key = next(k for k, v in release.graphs.items() if v == graph_iri)
    return construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}",
                     max_rows=release.triples.get(key, 0) + 1)


def property_labels(predicates: Iterable[str]) -> dict[str, str]:
    """rdfs:label of each property the ontology labels; other properties keep their prefixed name."""
    wanted = sorted({p for p in predicates if p.startswith(("http://", "https://"))})
    labels = {p: STANDARD_LABELS.get(p) or prefixed(p) for p in wanted}
    if wanted:
        values = " ".join(f"<{p}>" for p in wanted if not _IRI_FORBIDDEN.search(p))
        for row in select(f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?p rdfs:label ?l }}"):
            labels[row["p"].value] = row["l"].value
    return labels


def prefixed(iri: str) -> str:
    for prefix, namespace in sorted(get_state().prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


# --------------------------------------------------------------------------- writing RDF


def write(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Serialize a description: pyoxigraph for Turtle, N-Triples and RDF/XML; JSON-LD compacted with our
    published context (the release's ``context.jsonld``)."""
    state = get_state()
    ordered = sorted(triples, key=str)
    if fmt.key == "jsonld":
        return compact_jsonld(ordered, load_context())
    prefixes = {p: iri for p, iri in state.prefixes.items() if p != "hegid"}
    kwargs = {"prefixes": prefixes} if fmt.key == "turtle" else {}
    return ox.serialize(ordered, format=_RDF_FORMATS[fmt.key], **kwargs) or b""


_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}


def load_context() -> dict[str, Any]:
    """The release's published JSON-LD context (read once per app, kept in its cache)."""
    state = get_state()
    key = (state.store.release.digest, "context.jsonld")
    context = state.cache.get(key)
    if context is None:
        path = state.store.release.path / "context.jsonld"
        context = json.loads(path.read_text(encoding="utf-8"))
        state.cache.put(key, context, path.stat().st_size)
    return context


def compact_jsonld(triples: list[ox.Triple], context: dict[str, Any]) -> bytes:
    """JSON-LD compacted with ``context``, referenced by URL-independent embedding (the document reads
    offline; the same context is published at /context.jsonld)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    text = graph.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    document = json.loads(text)
    if isinstance(document, list):
        document = {"@context": context["@context"], "@graph": document}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- one resource, for pages


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


def label_of(subject: str, by_subject: dict[str, dict[str, list[Any]]]) -> str:
    props = by_subject.get(subject, {})
    for prop in LABEL_PROPERTIES:
        for value in props.get(prop, []):
            if isinstance(value, ox.Literal) and (not value.language or value.language == "en"):
                return value.value
    for prop in LABEL_PROPERTIES:
        if props.get(prop):
            return props[prop][0].value
    tail = re.split(r"[#/]", subject.rstrip("/"))[-1]
    return tail or subject


def arrange(iri: str, triples: list[ox.Triple]) -> Resource:
    """Group a description's triples into what a page shows."""
    base = get_state().store.release.base_iri
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
                    if (kept := [l for l in links if l.iri not in linked])}
        for values in outgoing.values():
            values.sort(key=lambda v: (v.text.lower(), v.term.value))
        for links in incoming.values():
            links.sort(key=lambda v: v.label.lower())
        qualified.sort(key=lambda r: r.iri)
        types = sorted((link(o.value) for o in by_subject.get(subject, {}).get(RDF + "type", [])
                        if isinstance(o, ox.NamedNode)), key=lambda l: l.label)
        for type_link in types:
            if type_link.label == type_link.iri:
                type_link.label = prefixed(type_link.iri)
        return Resource(subject, label_of(subject, by_subject), types, outgoing, incoming, qualified, {}, HEG,
                        local_path(subject, base) or subject)

    main = resource(iri, True)
    predicates = {t.predicate.value for t in triples}
    labels = property_labels(predicates)
    main.property_labels = labels
    for q in main.qualified:
        q.property_labels = labels
    return main


def etag_for(*parts: object) -> str:
    state = get_state()
    return hashlib.sha256(repr((state.store.release.digest, *parts)).encode()).hexdigest()[:32]
