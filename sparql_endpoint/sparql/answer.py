"""Answering a SPARQL query: the policy's verdict (memoized per app), then the result cache or the store."""

from __future__ import annotations

from dataclasses import dataclass

from ..state import get_state
from ..stores import Job, Outcome
from .params import Params
from .policy import QueryInfo, check_graph_parameters, check_query


def checked(params: Params) -> QueryInfo:
    """What the policy says of the request's query and dataset (an error if it may not run)."""
    state = get_state()
    release = state.release
    query = params.query or ""
    info = state.checked.get(query)  # the policy's verdict depends on the text only
    if info is None:
        info = check_query(query, release_graphs=release.graph_iris,
                           service_allowlist=state.config["SERVICE_ALLOWLIST"],
                           max_nesting=state.config["MAX_NESTING"])
        state.checked.put(query, info, len(query))
    check_graph_parameters(params.default_graphs, params.named_graphs, release.graph_iris)
    return info


def cache_key(params: Params, format_key: str) -> tuple[object, ...]:
    """What identifies an answer of the served release (also its ETag)."""
    return (get_state().release.digest, params.query or "", tuple(params.default_graphs),
            tuple(params.named_graphs), format_key)


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    cache: str  # hit | miss


def answer(params: Params, info: QueryInfo, format_key: str) -> Answered:
    """The answer from the result cache, or from the store (then cached)."""
    state = get_state()
    key = cache_key(params, format_key)
    outcome = state.cache.get(key)
    if outcome is not None:
        return Answered(outcome, "hit")
    query = params.query or ""
    union = not (info.from_graphs or info.from_named_graphs or params.default_graphs or params.named_graphs)
    job = Job(query=query, format_key=format_key, max_rows=state.config["MAX_ROWS"],
              default_graphs=tuple(params.default_graphs), named_graphs=tuple(params.named_graphs),
              union_default_graph=union, prefixes=state.prefixes)
    outcome = state.store.execute(job, state.config["QUERY_TIMEOUT"])
    state.cache.put(key, outcome, len(outcome.body) + len(query))
    return Answered(outcome, "miss")
