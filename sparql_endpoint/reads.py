"""The one way services read the release: SPARQL through the app's store and its result cache.

Every page, description and listing is a SELECT or CONSTRUCT run here, so they work the same over a
remote SPARQL store. Answers come back typed (:class:`Term`) and say whether the row cap cut them
(``capped``), so a page can say it is incomplete instead of looking complete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .state import get_state
from .stores import Job, Outcome

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
            return cls("literal", term.value, term.language or "", "" if datatype == XSD_STRING else datatype)
        return cls("bnode", str(term))

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


class Rows(list[dict[str, Term]]):
    """The solutions of a SELECT (variable -> :class:`Term`), with ``capped``: the row cap cut them."""

    def __init__(self, rows: list[dict[str, Term]], capped: bool = False) -> None:
        super().__init__(rows)
        self.capped = capped

    def values(self) -> list[dict[str, str]]:
        """The same solutions as plain strings (variable -> lexical value)."""
        return [{name: term.value for name, term in row.items()} for row in self]


class Triples(list[ox.Triple]):
    """The triples of a CONSTRUCT or DESCRIBE, with ``capped``: the row cap cut them."""

    def __init__(self, triples: list[ox.Triple], capped: bool = False) -> None:
        super().__init__(triples)
        self.capped = capped


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in get_state().prefixes.items())


def run(query: str, format_key: str, max_rows: int | None = None) -> Outcome:
    """Run ``query`` on the app's store through its result cache: the serialized answer, rows and cap."""
    state = get_state()
    rows = max_rows or state.config["MAX_ROWS"]
    key = (state.release.digest, "read", query, format_key, rows)
    outcome = state.cache.get(key)
    if outcome is None:
        job = Job(query=query, format_key=format_key, max_rows=rows, prefixes=state.prefixes)
        outcome = state.store.execute(job, state.config["QUERY_TIMEOUT"])
        state.cache.put(key, outcome, len(outcome.body) + len(query))
    return outcome


def select(query: str, max_rows: int | None = None) -> Rows:
    """SELECT through the store, with the project's prefixes declared."""
    outcome = run(prologue() + query, "json", max_rows)
    bindings = json.loads(outcome.body)["results"]["bindings"]
    return Rows([{name: Term.from_json(value) for name, value in row.items()} for row in bindings], outcome.capped)


def construct(query: str, max_rows: int | None = None) -> Triples:
    """CONSTRUCT/DESCRIBE through the store, parsed back from N-Triples."""
    outcome = run(prologue() + query, "ntriples", max_rows)
    return Triples(list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)), outcome.capped)
