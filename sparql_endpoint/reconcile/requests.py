"""The request's JSON, checked before anything is read: every mistake is a 400 saying what to fix.

Limits keep one request small: :data:`MAX_QUERIES` queries in a batch, :data:`MAX_IDS` entities and
:data:`MAX_EXTEND_PROPERTIES` properties in a data extension request, :data:`MAX_TEXT` characters of text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest
from .vocabulary import PROPERTIES, TYPES, EntityType, Property, expand

MAX_QUERIES = 100
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
MAX_TEXT = 500
MAX_IDS = 500
MAX_EXTEND_PROPERTIES = 30
MAX_PROPERTY_VALUES = 20


class ReconcileBadRequest(BadRequest):
    title = "Bad reconciliation request"
    hint = ("See docs/reconciliation.md: queries={\"q0\": {\"query\": \"Alameda County\", \"type\": \"...\"}}, "
            "as a form field or a query parameter; the manifest at /reconcile lists the types.")


@dataclass(frozen=True)
class Query:
    text: str
    type: EntityType | None
    limit: int
    properties: tuple[tuple[Property, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    properties: tuple[Property, ...]


def _json(text: str | None, field: str) -> Any:
    if text is None or not text.strip():
        raise ReconcileBadRequest(f"The {field} parameter is missing or empty.")
    if len(text) > 2_000_000:
        raise ReconcileBadRequest(f"The {field} parameter is longer than 2,000,000 characters.")
    try:
        return json.loads(text)
    except ValueError as err:
        raise ReconcileBadRequest(f"The {field} parameter is not valid JSON: {err}.") from None


def resolve_type(text: Any, prefixes: dict[str, str]) -> EntityType:
    """A type given by its class IRI, prefixed name (``heg:CaseStudy``) or key (``case-study``)."""
    if isinstance(text, dict):
        text = text.get("id")
    for entity_type in TYPES.values():
        if text in (entity_type.key, entity_type.curie, expand(entity_type.curie, prefixes)):
            return entity_type
    known = ", ".join(expand(t.curie, prefixes) for t in TYPES.values())
    raise ReconcileBadRequest(f"Unknown type {str(text)[:200]!r}.", hint=f"Use one of: {known}.")


def resolve_property(text: Any, prefixes: dict[str, str]) -> Property:
    """A property given by its prefixed name (``heg:geoid``) or full IRI."""
    if isinstance(text, str):
        for prop in PROPERTIES.values():
            if text in (prop.id, expand(prop.id, prefixes)):
                return prop
    raise ReconcileBadRequest(f"Unknown property {str(text)[:200]!r}.",
                              hint="Use one of: " + ", ".join(PROPERTIES) + " (or their full IRIs).")


def _values(value: Any, key: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items[:MAX_PROPERTY_VALUES]:
        if isinstance(item, dict):
            item = item.get("id") or item.get("name")
        if isinstance(item, bool) or item is None:
            continue
        if not isinstance(item, (str, int, float)):
            raise ReconcileBadRequest(f"Query {key!r}: a property value must be a string, a number or an "
                                      "object with an id.")
        if str(item).strip():
            found.append(str(item)[:MAX_TEXT])
    return tuple(found)


def _query(key: str, item: Any, prefixes: dict[str, str]) -> Query:
    if isinstance(item, str):
        item = {"query": item}
    if not isinstance(item, dict):
        raise ReconcileBadRequest(f"Query {key!r} is not a JSON object.")
    text = item.get("query", "")
    if not isinstance(text, str):
        raise ReconcileBadRequest(f"Query {key!r}: \"query\" must be a string.")
    if len(text) > MAX_TEXT:
        raise ReconcileBadRequest(f"Query {key!r}: the text is longer than {MAX_TEXT} characters.")
    wanted = item.get("type")
    if isinstance(wanted, list):  # some clients send a list of types: the first one is reconciled against
        wanted = wanted[0] if wanted else None
    entity_type = resolve_type(wanted, prefixes) if wanted else None
    limit = item.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ReconcileBadRequest(f"Query {key!r}: \"limit\" must be a positive integer.")
    raw = item.get("properties") or []
    if not isinstance(raw, list) or len(raw) > MAX_PROPERTY_VALUES:
        raise ReconcileBadRequest(f"Query {key!r}: \"properties\" must be a list of at most "
                                  f"{MAX_PROPERTY_VALUES} {{\"pid\": ..., \"v\": ...}} objects.")
    properties = []
    for constraint in raw:
        if not isinstance(constraint, dict) or "pid" not in constraint or "v" not in constraint:
            raise ReconcileBadRequest(f"Query {key!r}: every property constraint needs \"pid\" and \"v\".")
        values = _values(constraint["v"], key)
        if values:
            properties.append((resolve_property(constraint["pid"], prefixes), values))
    if not text.strip() and not properties:
        raise ReconcileBadRequest(f"Query {key!r} has neither text nor property values.")
    return Query(text.strip(), entity_type, min(limit, MAX_LIMIT), tuple(properties))


def parse_queries(text: str | None, prefixes: dict[str, str]) -> dict[str, Query]:
    """The batch of ``queries=``: a JSON object of keys to queries."""
    return check_queries(_json(text, "queries"), prefixes)


def check_queries(batch: Any, prefixes: dict[str, str]) -> dict[str, Query]:
    """A batch already read from JSON (``queries=`` or a JSON body's ``"queries"``), checked."""
    if not isinstance(batch, dict):
        raise ReconcileBadRequest("The queries parameter must be a JSON object of keys to queries, "
                                  "{\"q0\": {\"query\": \"...\"}}.")
    if len(batch) > MAX_QUERIES:
        raise ReconcileBadRequest(f"The batch holds {len(batch)} queries; at most {MAX_QUERIES} are answered "
                                  "at once.", hint=f"Send batches of {MAX_QUERIES} queries or fewer "
                                  "(OpenRefine sends 10 by default).")
    return {str(key): _query(str(key), item, prefixes) for key, item in batch.items()}


def parse_extension(text: str | None, prefixes: dict[str, str]) -> Extension:
    """The data extension request of ``extend=``: ``{"ids": [...], "properties": [{"id": ...}]}``."""
    return check_extension(_json(text, "extend"), prefixes)


def check_extension(request: Any, prefixes: dict[str, str]) -> Extension:
    """A data extension request already read from JSON, checked."""
    if not isinstance(request, dict):
        raise ReconcileBadRequest("The extend parameter must be a JSON object with \"ids\" and \"properties\".")
    ids, properties = request.get("ids"), request.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ReconcileBadRequest("The extend parameter needs \"ids\": a list of entity IRIs.")
    if not isinstance(properties, list) or not properties:
        raise ReconcileBadRequest("The extend parameter needs \"properties\": a list of {\"id\": ...} objects.")
    if len(ids) > MAX_IDS or len(properties) > MAX_EXTEND_PROPERTIES:
        raise ReconcileBadRequest(f"A data extension request asks for at most {MAX_IDS} ids and "
                                  f"{MAX_EXTEND_PROPERTIES} properties.")
    props = tuple(resolve_property(p.get("id") if isinstance(p, dict) else p, prefixes) for p in properties)
    return Extension(tuple(ids), props)


def json_body(body: bytes) -> tuple[str, Any]:
    """A JSON request body: ``{"queries": {...}}`` or ``{"extend": {...}}``; which one, and its value."""
    if len(body) > 2_000_000:
        raise ReconcileBadRequest("The JSON body is longer than 2,000,000 bytes.")
    try:
        data = json.loads(body)
    except ValueError as err:
        raise ReconcileBadRequest(f"The request body is not valid JSON: {err}.",
                                  hint="Send Content-Type: application/json with a body such as "
                                       "{\"queries\": {\"q0\": {\"query\": \"Alameda County\"}}}, or send "
                                       "queries= as a form field.") from None
    keys = [key for key in ("queries", "extend") if isinstance(data, dict) and key in data]
    if len(keys) != 1:
        raise ReconcileBadRequest("A JSON body must be an object with exactly one of \"queries\" (a batch of "
                                  "reconciliation queries) or \"extend\" (a data extension request).",
                                  hint="For example {\"queries\": {\"q0\": {\"query\": \"Alameda County\"}}}.")
    value = data[keys[0]]
    if isinstance(value, str):  # the form field's JSON text, sent inside a JSON body
        value = _json(value, keys[0])
    return keys[0], value


def positive(value: str | None, default: int, name: str, most: int = MAX_LIMIT) -> int:
    """A count or offset parameter (``limit``, ``cursor``)."""
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise ReconcileBadRequest(f"The {name} parameter must be a non-negative integer.")
    return min(int(value), most)
