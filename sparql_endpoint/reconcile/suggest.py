"""Suggest services (entities, types, properties) and property proposals, by prefix.

A prefix matches a name when every word of the prefix begins a word of the name ("alam coun" finds
Alameda County); names that begin with the whole prefix come first, then the rest by name.
"""

from __future__ import annotations

from typing import Any

from .requests import ReconcileBadRequest, resolve_type
from .scoring import normalize
from .service import Catalog
from .vocabulary import PROPERTIES, TYPES, expand


def prefix_rank(prefix: str, names: list[str]) -> tuple[int, str] | None:
    """(0 if a name begins with ``prefix``, else 1; that name) when ``prefix`` matches one of ``names``."""
    wanted = normalize(prefix).split()
    best = None
    for name in names:
        norm = normalize(name)
        name_words = norm.split()
        if all(any(w.startswith(p) for w in name_words) for p in wanted):
            rank = (0 if norm.startswith(" ".join(wanted)) else 1, norm)
            best = rank if best is None or rank < best else best
    return best


def _prefix(prefix: str | None) -> str:
    if prefix is None or not normalize(prefix):
        raise ReconcileBadRequest("The prefix parameter is missing or has no letters or digits.",
                                  hint="Ask /reconcile/suggest/entity?prefix=alameda")
    if len(prefix) > 200:
        raise ReconcileBadRequest("The prefix is longer than 200 characters.")
    return prefix


def suggest_entities(prefix: str | None, type_id: str | None, cursor: int, limit: int) -> dict[str, Any]:
    prefix = _prefix(prefix)
    catalog = Catalog()
    index = catalog.index()
    pool = index.values() if not type_id else \
        [index[c.iri] for c in catalog.of(resolve_type(type_id, catalog.prefixes).key)]
    ranked = sorted((rank, candidate.iri, candidate, keys) for candidate, keys in pool
                    if (rank := prefix_rank(prefix, candidate.names)) is not None)
    return {"result": [{"id": candidate.iri, "name": candidate.name,
                        "description": catalog.description(candidate, keys),
                        "notable": [catalog.type_ref(k) for k in keys]}
                       for _, _, candidate, keys in ranked[cursor:cursor + limit]]}


def suggest_types(prefix: str | None, cursor: int, limit: int, prefixes: dict[str, str]) -> dict[str, Any]:
    prefix = _prefix(prefix)
    ranked = sorted((rank, t.key, t) for t in TYPES.values()
                    if (rank := prefix_rank(prefix, [t.name, t.key.replace("-", " ")])) is not None)
    return {"result": [{"id": expand(t.curie, prefixes), "name": t.name, "description": t.description}
                       for _, _, t in ranked[cursor:cursor + limit]]}


def _property(pid: str) -> dict[str, str]:
    prop = PROPERTIES[pid]
    return {"id": prop.id, "name": prop.name, "description": prop.description}


def suggest_properties(prefix: str | None, type_id: str | None, cursor: int, limit: int,
                       prefixes: dict[str, str]) -> dict[str, Any]:
    prefix = _prefix(prefix)
    pids = resolve_type(type_id, prefixes).properties if type_id else tuple(PROPERTIES)
    ranked = sorted((rank, pid) for pid in pids
                    if (rank := prefix_rank(prefix, [PROPERTIES[pid].name, pid.replace(":", " ")])) is not None)
    return {"result": [_property(pid) for _, pid in ranked[cursor:cursor + limit]]}


def propose_properties(type_id: str | None, limit: int, prefixes: dict[str, str]) -> dict[str, Any]:
    """The properties worth fetching for entities of a type, in the table's order."""
    if not type_id:
        raise ReconcileBadRequest("The type parameter is missing.",
                                  hint="Ask /reconcile/propose_properties?type=<a type IRI of the manifest>")
    entity_type = resolve_type(type_id, prefixes)
    return {"type": expand(entity_type.curie, prefixes), "limit": limit,
            "properties": [_property(pid) for pid in entity_type.properties[:limit]]}
