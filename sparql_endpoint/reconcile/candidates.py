"""The entities of one type, with their names and the values of the table's properties: one SELECT per type.

The SELECT names only our classes and properties (from :mod:`.vocabulary`), never request text, and goes
through :func:`sparql_endpoint.reads.select`, so its answer is cached and it runs the same over the embedded
and a remote store. A case study's practice links (``heg:CaseStudyPracticeLink``
nodes) are read as ``heg:linkedPractice`` values. Linked entities (publishers, kinds, places) come with
their names, so a constraint
"publisher = Human Impact Partners" or "kind = government" is checked without a second read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ..reads import select
from ..state import get_state
from .vocabulary import NAME_PROPERTIES, TYPES, all_property_ids, expand

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Value:
    """One value of a property: a literal's text, or an IRI with the names of what it names."""

    value: str
    is_iri: bool = False
    names: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.value


@dataclass
class Candidate:
    iri: str
    names: list[str] = field(default_factory=list)  # best first (NAME_PROPERTIES order), no repeats
    values: dict[str, list[Value]] = field(default_factory=dict)  # property id -> values

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.iri


def _curies(prefixes: dict[str, str]) -> dict[str, str]:
    return {expand(curie, prefixes): curie for curie in all_property_ids()}


def _query(type_key: str) -> str:
    state = get_state()
    release = state.release
    prefixes = state.prefixes
    properties = " ".join(f"<{iri}>" for iri in _curies(prefixes))
    cls = f"<{expand(TYPES[type_key].curie, prefixes)}>"  # a class of our table, never request text
    return f"""SELECT ?s ?p ?o ?label ?alt WHERE {{
  GRAPH <{release.graphs['data']}> {{
    ?s a {cls} .
    {{ VALUES ?p {{ {properties} }} ?s ?p ?o }}
    UNION {{ ?link heg:linkedCaseStudy ?s ; heg:linkedPractice ?o . BIND(heg:linkedPractice AS ?p) }}
    OPTIONAL {{ ?o skos:prefLabel|dcterms:title|schema:name ?label }}
    OPTIONAL {{ ?o schema:alternateName|skos:notation ?alt }}
  }}
}}"""


def candidates(type_key: str) -> list[Candidate]:
    """The entities of ``type_key`` that have a name, in IRI order."""
    prefixes = get_state().prefixes
    curies = _curies(prefixes)
    rows = select(_query(type_key))
    if rows.capped:
        log.warning("reconciliation: the candidates of %s were cut at %d rows", type_key, rows.limit)
    names: dict[str, dict[str, list[str]]] = {}
    values: dict[str, dict[str, dict[str, list[str]]]] = {}
    kinds: dict[tuple[str, str, str], bool] = {}
    for row in rows:
        iri, curie, obj = row["s"].value, curies[row["p"].value], row["o"]
        if curie in NAME_PROPERTIES and not obj.is_iri:
            names.setdefault(iri, {}).setdefault(curie, [])
            if obj.value not in names[iri][curie]:
                names[iri][curie].append(obj.value)
        if curie in NAME_PROPERTIES and curie != "schema:alternateName":
            continue
        found = values.setdefault(iri, {}).setdefault(curie, {}).setdefault(obj.value, [])
        kinds[(iri, curie, obj.value)] = obj.is_iri
        for extra in ("label", "alt"):
            if extra in row and row[extra].value not in found:
                found.append(row[extra].value)
    result = []
    for iri in sorted(names):
        ordered = [n for curie in NAME_PROPERTIES for n in names[iri].get(curie, [])]
        candidate = Candidate(iri, list(dict.fromkeys(ordered)))
        for curie, by_value in values.get(iri, {}).items():
            candidate.values[curie] = [Value(v, kinds[(iri, curie, v)], tuple(n)) for v, n in sorted(by_value.items())]
        result.append(candidate)
    return result
