"""Descriptions of the release's resources, read through the app's store with SPARQL.

:func:`describe` is the one CONSTRUCT that gives what a page or an RDF representation of one IRI shows: its
statements, what it links to (labels, types), what links to it, and the qualified nodes (placements,
crosswalk mappings, practice links) pointing at it, in full. Answers keep their ``capped`` flag.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import BadRequest
from ..reads import Triples, construct, select
from ..state import get_state
from .iris import DCTERMS, IRI_FORBIDDEN, LABEL_PROPERTIES, RDFS, SCHEMA, SKOS, iri_ref, prefixed
from .resource import Resource, arrange

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


#: Readable names of the reused classes the pages count (our own are labelled by the ontology).
STANDARD_CLASS_LABELS = {
    "http://www.w3.org/ns/org#Organization": "organization", SCHEMA + "AdministrativeArea": "place",
    SCHEMA + "Article": "article", SCHEMA + "CreativeWork": "creative work", SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "vocabulary", SKOS + "Collection": "collection",
    "http://www.w3.org/ns/prov#Entity": "provenance entity", "http://www.w3.org/ns/dcat#Dataset": "dataset",
    "http://www.w3.org/ns/dcat#Distribution": "distribution", "http://www.w3.org/ns/dcat#Catalog": "catalog",
}


def class_label(iri: str, label: str = "") -> str:
    """A class's readable name: its ``label`` from the ontology, else :data:`STANDARD_CLASS_LABELS`, else
    its prefixed name (never the bare IRI of a namespace the release declares)."""
    return label or STANDARD_CLASS_LABELS.get(iri) or short(iri)


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


def describe(iri: str) -> Triples:
    """The description of one IRI of our space (empty when the graph says nothing about it)."""
    return construct(describe_query(iri_ref(iri, get_state().release.base_iri)))


def graph_triples(graph_iri: str) -> Triples:
    """Every triple of one named graph of the release, read with a cap of the graph's size in the manifest
    (plus one), not ``MAX_ROWS``: it is cut only when the store holds more than the release says."""
    release = get_state().release
    if graph_iri not in release.graph_iris:
        raise BadRequest(f"{graph_iri} is not a graph of this release.")
    key = next(k for k, v in release.graphs.items() if v == graph_iri)
    return construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o",
                     max_rows=release.triples.get(key, 0) + 1, one_per_solution=True)


def property_labels(predicates: Iterable[str]) -> dict[str, str]:
    """rdfs:label of each property the ontology labels; other properties keep their prefixed name."""
    wanted = sorted({p for p in predicates if p.startswith(("http://", "https://"))})
    labels = {p: STANDARD_LABELS.get(p) or short(p) for p in wanted}
    if wanted:
        values = " ".join(f"<{p}>" for p in wanted if not IRI_FORBIDDEN.search(p))
        for row in select(f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?p rdfs:label ?l }}"):
            labels[row["p"].value] = row["l"].value
    return labels


def short(iri: str) -> str:
    """``prefix:local`` for an IRI in one of the served release's namespaces, else the IRI."""
    return prefixed(iri, get_state().prefixes)


def describe_resource(iri: str, triples: list[ox.Triple] | None = None) -> Resource:
    """One IRI's description arranged for a page (``triples``: its description, when already read)."""
    state = get_state()
    triples = describe(iri) if triples is None else triples
    labels = property_labels({t.predicate.value for t in triples})
    return arrange(iri, triples, base=state.release.base_iri, property_labels=labels, prefixes=state.prefixes)
