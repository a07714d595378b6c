"""The service manifest and reconciliation batches.

One :class:`Catalog` per request holds the candidates it read (one cached SELECT per type, through
:mod:`.candidates`); every query of a batch is scored against them in Python (:mod:`.scoring`).
"""

from __future__ import annotations

from typing import Any

from ..state import get_state
from . import candidates as reading
from .candidates import Candidate, Value
from .requests import Query
from .scoring import (
    SAME_NAME,
    Scored,
    combine,
    is_match,
    name_similarity,
    normalize,
    same_geoid,
    same_year,
)
from .vocabulary import PROPERTIES, TYPES, EntityType, Property, expand

SERVICE_NAME = "Health Equity Guide knowledge graph"
PREVIEW_SIZE = (420, 220)


class Catalog:
    """The candidates of the types one request needs, read once per request (the reads are cached too)."""

    def __init__(self) -> None:
        self.prefixes = get_state().prefixes
        self._by_type: dict[str, list[Candidate]] = {}
        self._index: dict[str, tuple[Candidate, list[str]]] | None = None
        self._codes: dict[str, str] | None = None

    def of(self, key: str) -> list[Candidate]:
        if key not in self._by_type:
            self._by_type[key] = reading.candidates(key)
        return self._by_type[key]

    def index(self) -> dict[str, tuple[Candidate, list[str]]]:
        """IRI -> (candidate, keys of its types), over every type."""
        if self._index is None:
            self._index = {}
            for key in TYPES:
                for candidate in self.of(key):
                    self._index.setdefault(candidate.iri, (candidate, []))[1].append(key)
        return self._index

    def state_codes(self) -> dict[str, str]:
        if self._codes is None:
            self._codes = {}
            for place in self.of("place"):
                code = [v.value.upper() for v in place.values.get("heg:stateCode", [])]
                if code and any(len(v.value) == 2 for v in place.values.get("heg:geoid", [])):
                    self._codes.update({normalize(name): code[0] for name in place.names})
        return self._codes

    def type_ref(self, key: str) -> dict[str, str]:
        return {"id": expand(TYPES[key].curie, self.prefixes), "name": TYPES[key].name}

    def description(self, candidate: Candidate, keys: list[str]) -> str:
        """A short line telling namesakes apart: the type and a few identifying values."""
        parts = [TYPES[keys[0]].name] if keys else []
        for pid in ("heg:placeType", "heg:stateCode", "heg:geoid", "heg:organizationKind", "dcterms:issued"):
            parts += [v.name for v in candidate.values.get(pid, [])[:1]]
        return " · ".join(parts)


def manifest(root: str) -> dict[str, Any]:
    """The service manifest; ``root`` is this server's URL root (``http://127.0.0.1:8000/``)."""
    state = get_state()
    base, prefixes = state.release.base_iri, state.prefixes
    service = root + "reconcile"
    types = [{"id": expand(t.curie, prefixes), "name": t.name, "description": t.description}
             for t in TYPES.values()]
    width, height = PREVIEW_SIZE
    return {
        "versions": ["0.2"],
        "name": SERVICE_NAME,
        "identifierSpace": base + "id/",
        "schemaSpace": base + "ontology#",
        "serviceVersion": state.release.version,
        "defaultTypes": types,
        "view": {"url": service + "/view?id={{id}}"},
        "preview": {"url": service + "/preview?id={{id}}", "width": width, "height": height},
        "suggest": {kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": service, "service_path": "/propose_properties"},
                   "property_settings": []},
    }


def constraint_value(prop: Property, wanted: tuple[str, ...], candidate: Candidate,
                     catalog: Catalog) -> float | None:
    """How well ``candidate``'s values of ``prop`` meet ``wanted`` (0-1), None when it has none."""
    have = candidate.values.get(prop.id)
    if not have:
        return None
    return max(_value_match(prop, want, value, catalog) for want in wanted for value in have)


def _value_match(prop: Property, want: str, value: Value, catalog: Catalog) -> float:
    if prop.compare == "geoid":
        return 1.0 if same_geoid(want, value.value) else 0.0
    if prop.compare == "year":
        return 1.0 if same_year(want, value.value) else 0.0
    if prop.compare == "state":
        code = want.strip().upper()
        return 1.0 if value.value.upper() in (code, catalog.state_codes().get(normalize(want))) else 0.0
    if want == value.value:
        return 1.0
    names = [*value.names, value.value.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")] if value.is_iri \
        else [value.value]
    best = max(name_similarity(want, name)[0] for name in names)
    return best if best >= SAME_NAME else 0.0


def score(query: Query, candidate: Candidate, keys: list[str], catalog: Catalog) -> Scored:
    """One candidate against one query: the name (best of its names) and each property constraint."""
    generic = TYPES[keys[0]].generic if keys else frozenset()
    name = None
    if query.text:
        name = max((name_similarity(query.text, n, generic) for n in candidate.names), default=(0.0, 0.0, 0.0))
    constraints = [(prop.id, prop.weight, constraint_value(prop, wanted, candidate, catalog))
                   for prop, wanted in query.properties]
    total, features = combine(name, constraints)
    identified = any(PROPERTIES[pid].compare == "geoid" and value == 1.0 for pid, _, value in constraints)
    contradicted = any(value == 0.0 for _, _, value in constraints)
    return Scored(candidate.iri, candidate.name, total, name[0] if name else 0.0, identified, contradicted,
                  features)


def _pool(entity_type: EntityType | None, catalog: Catalog) -> list[tuple[Candidate, list[str]]]:
    index = catalog.index()
    if entity_type is None:
        return list(index.values())
    return [index[c.iri] for c in catalog.of(entity_type.key)]


def reconcile_one(query: Query, catalog: Catalog) -> list[dict[str, Any]]:
    pool = _pool(query.type, catalog)
    scored = [(score(query, candidate, keys, catalog), keys) for candidate, keys in pool]
    ranked = sorted((s for s in scored if s[0].score > 0), key=lambda s: (-s[0].score, s[0].name, s[0].iri))
    match = is_match([s for s, _ in ranked])
    results = []
    for position, (found, keys) in enumerate(ranked[:query.limit]):
        candidate = catalog.index()[found.iri][0]
        results.append({"id": found.iri, "name": found.name, "score": found.score,
                        "match": match and position == 0,
                        "type": [catalog.type_ref(k) for k in keys],
                        "description": catalog.description(candidate, keys),
                        "features": found.features})
    return results


def reconcile(batch: dict[str, Query]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The answer to a batch: each key with its candidates, best first."""
    catalog = Catalog()
    return {key: {"result": reconcile_one(query, catalog)} for key, query in batch.items()}
