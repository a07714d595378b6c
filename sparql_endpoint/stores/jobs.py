"""A query as a store receives it, and the answer it gives back (both picklable, for the worker pipes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import QuerySyntaxError


@dataclass(frozen=True)
class Job:
    """One query, as sent to a store."""

    query: str
    format_key: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()  # with named_graphs, the dataset when union_default_graph is False:
    named_graphs: tuple[str, ...] = ()  # exactly these graphs (an empty list is empty)
    union_default_graph: bool = True  # no dataset given: the default graph is the union of every graph
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str = ""  # relative IRIs of the query resolve against it (the endpoint's URL); its own BASE wins
    within_cap: bool = False  # a SELECT whose own LIMIT is within max_rows: pyoxigraph writes it whole


@dataclass(frozen=True)
class Outcome:
    body: bytes
    rows: int
    capped: bool


def syntax_error(message: str) -> QuerySyntaxError:
    """pyoxigraph's "error at L:C: expected ..." in the client's terms, with line and column kept apart."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not match:
        return QuerySyntaxError(f"The query is not valid SPARQL: {message}")
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    return QuerySyntaxError(f"Syntax error at line {line}, column {column}: {detail}", line=line, column=column)
