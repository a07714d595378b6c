"""Data extension (the values of properties for a batch of our IRIs) and the preview card's data.

Values come from the same candidate reads as reconciliation (one cached SELECT per type): an IRI value as
``{"id", "name"}``, a year as ``{"int"}``, any other literal as ``{"str"}``. An IRI that is not one of our
entities gets empty values, not an error, as the specification asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..linked_data.iris import local_path
from ..state import get_state
from .candidates import Value
from .requests import Extension
from .service import Catalog
from .vocabulary import PROPERTIES, TYPES, Property


def _cell(prop: Property, value: Value) -> dict[str, Any]:
    if value.is_iri:
        return {"id": value.value, "name": value.name}
    if prop.compare == "year" and value.value.lstrip("-").isdigit():
        return {"int": int(value.value)}
    return {"str": value.value}


def extend(request: Extension) -> dict[str, Any]:
    catalog = Catalog()
    index = catalog.index()
    meta = []
    for prop in request.properties:
        column: dict[str, Any] = {"id": prop.id, "name": prop.name}
        if prop.value_type:
            column["type"] = catalog.type_ref(prop.value_type)
        meta.append(column)
    rows = {}
    for iri in request.ids:
        candidate = index[iri][0] if iri in index else None
        rows[iri] = {prop.id: [_cell(prop, v) for v in (candidate.values.get(prop.id, []) if candidate else [])]
                     for prop in request.properties}
    return {"meta": meta, "rows": rows}


@dataclass(frozen=True)
class Preview:
    iri: str
    name: str
    path: str  # the entity page on this server
    types: list[str]
    other_names: list[str]
    facts: list[tuple[str, list[str]]]  # (property name, value names)


def preview(iri: str) -> Preview | None:
    """What the preview card shows of one of our entities (None when it is not one)."""
    index = Catalog().index()
    if iri not in index:
        return None
    candidate, keys = index[iri]
    pids = dict.fromkeys(pid for key in keys for pid in TYPES[key].properties if pid != "schema:url")
    facts = [(PROPERTIES[pid].name, [v.name for v in candidate.values[pid][:4]])
             for pid in pids if candidate.values.get(pid)]
    path = local_path(iri, get_state().release.base_iri) or iri
    return Preview(iri, candidate.name, path, [TYPES[k].name for k in keys], candidate.names[1:4], facts[:5])
