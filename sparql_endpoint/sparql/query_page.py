"""The query page shown to browsers on a bare GET of /sparql: YASGUI with the release's example queries.

YASGUI (``@zazuko/yasgui``, vendored under ``static/yasgui/``, see its README) runs entirely from our
own server: the endpoint is fixed to this one, the endpoint catalogue is off, and the autocompleters that
would call prefix.cc or Linked Open Vocabularies are replaced by lists of our own prefixes, classes and
properties. The example queries, and those lists, are read from the release through the app's store with
SPARQL (never from ``data/``), once per release and application, and embedded in the page as JSON. Without
JavaScript the page is a plain form; ``?example=<slug>`` opens that example in either case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..reads import select
from ..state import get_state

SH = "http://www.w3.org/ns/shacl#"
#: the properties an sh:SPARQLExecutable holds its text in, and the kind each one means
QUERY_KINDS = {SH + "select": "select", SH + "construct": "construct", SH + "ask": "ask", SH + "describe": "describe"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

EXAMPLES_QUERY = """PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?example ?label ?comment ?property ?text (GROUP_CONCAT(DISTINCT ?keyword; SEPARATOR="\\t") AS ?keywords)
WHERE {{
  GRAPH <{graph}> {{
    ?example a sh:SPARQLExecutable ; rdfs:label ?label ; ?property ?text .
    FILTER(?property IN (sh:select, sh:construct, sh:ask, sh:describe))
    OPTIONAL {{ ?example rdfs:comment ?comment }}
    OPTIONAL {{ ?example schema:keywords ?keyword }}
  }}
}}
GROUP BY ?example ?label ?comment ?property ?text
ORDER BY LCASE(STR(?label)) ?example
"""

#: our own terms for the editor's autocompletion, instead of Linked Open Vocabularies
CLASSES_QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term WHERE {
  { [] a ?term } UNION { ?term a owl:Class } UNION { ?term a rdfs:Class }
  FILTER(isIRI(?term))
} ORDER BY ?term
"""
PROPERTIES_QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?term WHERE {
  { [] ?term [] } UNION { ?term a rdf:Property } UNION { ?term a owl:ObjectProperty }
  UNION { ?term a owl:DatatypeProperty } UNION { ?term a owl:AnnotationProperty }
} ORDER BY ?term
"""

#: shown in the editor when the release has no example (or the requested one does not exist)
DEFAULT_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX heg: <{base}ontology#>

SELECT ?practice ?label WHERE {{
  ?practice a heg:StrategicPractice ;
            skos:prefLabel ?label .
}}
ORDER BY ?label
LIMIT 50
"""


@dataclass(frozen=True)
class Example:
    """One example query of the release, as the page lists it."""

    iri: str
    slug: str
    label: str
    comment: str
    kind: str
    query: str
    keywords: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "slug": self.slug, "label": self.label, "comment": self.comment,
                "kind": self.kind, "query": self.query, "keywords": list(self.keywords)}


@dataclass(frozen=True)
class PageData:
    """What the page needs from the release: its examples and the terms for autocompletion."""

    examples: tuple[Example, ...]
    classes: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)

    def example(self, slug: str | None) -> Example | None:
        return next((e for e in self.examples if e.slug == slug), None) if slug else None


def _select(query: str) -> list[dict[str, str]]:
    """One SELECT on the release (the same store and workers as any query), as plain values."""
    return select(query).values()


def slug_of(iri: str, base: str) -> str:
    """The slug of an example IRI ``{base}id/query/{slug}`` (the last path segment otherwise)."""
    prefix = base + "id/query/"
    return iri[len(prefix):] if iri.startswith(prefix) else iri.rstrip("/").rsplit("/", 1)[-1]


def read_examples() -> tuple[Example, ...]:
    release = get_state().release
    graph = release.graphs.get("queries")
    if not graph:
        return ()
    examples = []
    for row in _select(EXAMPLES_QUERY.format(graph=graph)):
        keywords = tuple(sorted(k for k in row.get("keywords", "").split("\t") if k))
        examples.append(Example(iri=row["example"], slug=slug_of(row["example"], release.base_iri),
                                label=row["label"], comment=row.get("comment", ""),
                                kind=QUERY_KINDS[row["property"]], query=row["text"], keywords=keywords))
    return tuple(examples)


def page_data() -> PageData:
    """The page's data for the release being served, read once per served release."""
    state = get_state()
    return state.once("query-page", lambda: PageData(
        examples=read_examples(), classes=tuple(r["term"] for r in _select(CLASSES_QUERY)),
        properties=tuple(r["term"] for r in _select(PROPERTIES_QUERY)),
        prefixes=dict(sorted(state.prefixes.items()))))


def page_context(endpoint_path: str, requested: str | None, linked_query: str | None = None) -> dict[str, Any]:
    """Everything the template needs; ``requested`` is the ``?example=`` slug, if any; ``linked_query`` a
    query a browser followed a link with (``/sparql?query=...``), opened in the editor, not run."""
    release = get_state().release
    data = page_data()
    selected = data.example(requested if requested and SLUG.match(requested) else None)
    query = linked_query or (selected.query if selected else DEFAULT_QUERY.format(base=release.base_iri))
    config = {"endpoint": endpoint_path, "examples": [e.as_json() for e in data.examples],
              "selected": selected.slug if selected else None, "defaultQuery": query,
              "linkedQuery": linked_query,
              "prefixes": data.prefixes, "classes": list(data.classes), "properties": list(data.properties),
              "release": release.version}
    return {"release": release, "examples": data.examples, "selected": selected, "requested": requested,
            "query": query, "page_config": config}
