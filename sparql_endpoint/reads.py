"""The one way services read the release: SPARQL through the app's store and its result cache.

Every page, description and listing is a SELECT or CONSTRUCT run here, so they work the same over a
remote SPARQL store. Answers come back typed (:class:`Term`) and say whether the row cap cut them
(``capped``), so a page can say it is incomplete instead of looking complete: an answer's ``cut`` is a
:class:`Cut`, which names the limit it stopped at and the SPARQL that gets the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from .state import EndpointState, get_state
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


@dataclass(frozen=True)
class Cut:
    """An answer that stopped before its end, as a page says so.

    ``limit``: the rows (or, ``unit="statements"``, triples) it stopped at; ``by``: ``"cap"`` (the server's
    row cap, ``MAX_ROWS``), ``"read"`` (the cap a read asked for: a whole graph is read up to its size in the
    manifest) or ``"limit"`` (a page's own LIMIT, as the search's); ``query``: the whole query, its prefixes declared, as one would run it at ``/sparql``;
    ``rest``: the query for what comes after the cut (the same with ``OFFSET limit``), or ``""`` when no
    plain OFFSET gets it (a CONSTRUCT whose solutions give several triples each); ``what``: what the page
    calls the cut list ("the case studies"), set by the service that builds the page.
    """

    limit: int
    query: str
    rest: str = ""
    by: str = "cap"
    unit: str = "rows"
    what: str = ""

    def named(self, what: str) -> Cut:
        return replace(self, what=what)


_ENDS_PAGED = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


def standalone(query: str) -> str:
    """``query`` with the declarations of the project's prefixes it uses: a query one can run as it is."""
    used = {p: iri for p, iri in get_state().prefixes.items() if re.search(rf"(?<![\w:<]){re.escape(p)}:", query)}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in used.items()) + query


def next_rows(query: str, offset: int) -> str:
    """The query for the solutions after the first ``offset`` (``""`` when it already ends in LIMIT or OFFSET)."""
    return "" if _ENDS_PAGED.search(query) else f"{query.rstrip()}\nOFFSET {offset}"


class Rows(list[dict[str, Term]]):
    """The solutions of a SELECT (variable -> :class:`Term`), with ``capped``: the row cap cut them, at
    ``limit`` rows, when ``query`` was run."""

    def __init__(self, rows: list[dict[str, Term]], capped: bool = False, query: str = "", limit: int = 0) -> None:
        super().__init__(rows)
        self.capped = capped
        self.query = query
        self.limit = limit

    @property
    def cut(self) -> Cut | None:
        """Where the answer stopped, when the row cap cut it (else None)."""
        if not self.capped:
            return None
        whole = standalone(self.query)
        return Cut(self.limit, whole, next_rows(whole, self.limit), by=_by(self.limit))

    def values(self) -> Values:
        """The same solutions as plain strings (variable -> lexical value), keeping ``cut``."""
        return Values([{name: term.value for name, term in row.items()} for row in self], self.cut)


class Values(list[dict[str, str]]):
    """Solutions as plain strings (:meth:`Rows.values`), with the ``cut`` of the answer they came from."""

    def __init__(self, rows: list[dict[str, str]], cut: Cut | None = None) -> None:
        super().__init__(rows)
        self.cut = cut


class Triples(list[ox.Triple]):
    """The triples of a CONSTRUCT or DESCRIBE, with ``capped``: the row cap cut them, at ``limit`` triples.
    ``one_per_solution``: every solution of ``query`` gives one triple, so OFFSET pages through them."""

    def __init__(self, triples: list[ox.Triple], capped: bool = False, query: str = "", limit: int = 0,
                 one_per_solution: bool = False) -> None:
        super().__init__(triples)
        self.capped = capped
        self.query = query
        self.limit = limit
        self.one_per_solution = one_per_solution

    @property
    def cut(self) -> Cut | None:
        """Where the answer stopped, when the row cap cut it (else None)."""
        if not self.capped:
            return None
        whole = standalone(self.query)
        return Cut(self.limit, whole, next_rows(whole, self.limit) if self.one_per_solution else "",
                   by=_by(self.limit), unit="statements")


def cuts(*answers: tuple[str, Rows | Values | Triples | Cut | None]) -> list[Cut]:
    """The cuts of a page's answers, each named as the page calls it: ``cuts(("the places", rows), ...)``."""
    found = []
    for what, answer in answers:
        cut = answer if isinstance(answer, Cut) or answer is None else answer.cut
        if cut is not None:
            found.append(cut.named(what))
    return found


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in get_state().prefixes.items())


def _by(limit: int) -> str:
    """What cut an answer at ``limit``: the server's row cap, or the cap the read itself asked for."""
    return "cap" if limit == get_state().config["MAX_ROWS"] else "read"


def _limit(max_rows: int | None) -> int:
    return max_rows or get_state().config["MAX_ROWS"]


def run(query: str, format_key: str, max_rows: int | None = None, state: EndpointState | None = None) -> Outcome:
    """Run ``query`` on the app's store through its result cache: the serialized answer, rows and cap
    (``state``: another served release's, default the one the request is for)."""
    state = state or get_state()
    rows = _limit(max_rows)
    key = (state.release.digest, "read", query, format_key, rows)
    outcome = state.cache.get(key)
    if outcome is None:
        job = Job(query=query, format_key=format_key, max_rows=rows, prefixes=state.prefixes)
        outcome = state.store.execute(job, state.config["QUERY_TIMEOUT"])
        state.cache.put(key, outcome, len(outcome.body) + len(query))
    return outcome


def select(query: str, max_rows: int | None = None, state: EndpointState | None = None) -> Rows:
    """SELECT through the store, with the project's prefixes declared (``state``: see :func:`run`)."""
    outcome = run(prologue() + query, "json", max_rows, state)
    bindings = json.loads(outcome.body)["results"]["bindings"]
    return Rows([{name: Term.from_json(value) for name, value in row.items()} for row in bindings], outcome.capped,
                query, _limit(max_rows))


def construct(query: str, max_rows: int | None = None, one_per_solution: bool = False) -> Triples:
    """CONSTRUCT/DESCRIBE through the store, parsed back from N-Triples (``one_per_solution``: see
    :class:`Triples`)."""
    outcome = run(prologue() + query, "ntriples", max_rows)
    return Triples(list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)), outcome.capped, query,
                   _limit(max_rows), one_per_solution)
