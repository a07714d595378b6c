"""Answering a SPARQL query: the policy's verdict (memoized per app), the dataset the query asks for, then
the result cache or the store.

The dataset: the protocol's ``default-graph-uri`` / ``named-graph-uri`` when given, else the query's
``FROM`` / ``FROM NAMED``, else the union of the release's graphs. Either way it is handed to the store
explicitly, so a graph the release does not hold is an empty graph and is never fetched (the answer names
such graphs; see docs/endpoint.md). Relative IRIs resolve against the endpoint's URL unless the query
has its own ``BASE``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import BadRequest
from ..state import get_state
from ..stores import Job, Outcome
from .params import Params
from .policy import QueryInfo, check_query, graphs_not_in


@dataclass(frozen=True)
class Dataset:
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    union: bool  # no dataset given: the default graph is the union of the release's graphs
    unknown: tuple[str, ...]  # graphs named that the release does not hold (empty graphs)


def checked(params: Params, base: str) -> QueryInfo:
    """What the policy says of the request's query (an error if it may not run)."""
    state = get_state()
    query = params.query or ""
    key = (query, base)
    info = state.checked.get(key)  # the policy's verdict depends on the text and the base only
    if info is None:
        info = check_query(query, service_allowlist=state.config["SERVICE_ALLOWLIST"],
                           max_nesting=state.config["MAX_NESTING"], base=base)
        state.checked.put(key, info, len(query) + len(base))
    return info


def dataset_of(params: Params, info: QueryInfo) -> Dataset:
    """The dataset the request describes (the protocol's parameters win over the query's FROM clauses)."""
    if params.default_graphs or params.named_graphs:
        default, named = tuple(params.default_graphs), tuple(params.named_graphs)
        for parameter, graphs in (("default-graph-uri", default), ("named-graph-uri", named)):
            for graph in graphs:
                _check_iri(parameter, graph)
    else:
        default, named = tuple(info.from_graphs), tuple(info.from_named_graphs)
        for graph in (*default, *named):
            _check_iri("FROM", graph)
    unknown = graphs_not_in(get_state().release.graph_iris, list(default), list(named))
    return Dataset(default, named, not (default or named), tuple(unknown))


def _check_iri(where: str, graph: str) -> None:
    """A graph of a dataset description must be an absolute IRI (what the engine can name)."""
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise BadRequest(f"{where} {graph!r} is not an absolute IRI.",
                         hint="Name the graph with a full IRI (http://...), or leave the dataset out to query the "
                              "union of the release's graphs.") from None


def cache_key(params: Params, base: str, format_key: str) -> tuple[object, ...]:
    """What identifies an answer of the served release and settings (also its ETag)."""
    return (get_state().validator, params.query or "", tuple(params.default_graphs),
            tuple(params.named_graphs), base, format_key)


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    cache: str  # hit | miss


def answer(params: Params, info: QueryInfo, dataset: Dataset, base: str, format_key: str) -> Answered:
    """The answer from the result cache, or from the store (then cached)."""
    state = get_state()
    key = cache_key(params, base, format_key)
    outcome = state.cache.get(key)
    if outcome is not None:
        return Answered(outcome, "hit")
    query = params.query or ""
    job = Job(query=query, format_key=format_key, max_rows=state.config["MAX_ROWS"],
              default_graphs=dataset.default_graphs, named_graphs=dataset.named_graphs,
              union_default_graph=dataset.union, prefixes=state.prefixes,
              base_iri=base if info.relative_iris else "",
              within_cap=info.form == "SELECT" and info.limit is not None and info.limit <= state.config["MAX_ROWS"])
    outcome = state.store.execute(job, state.config["QUERY_TIMEOUT"])
    state.cache.put(key, outcome, len(outcome.body) + len(query))
    return Answered(outcome, "miss")
