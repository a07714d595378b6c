"""The Reconciliation API 0.2 JSON Schemas (vendored in tests/fixtures/reconciliation-0.2/) and calls to
``/reconcile`` whose answers are checked against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "reconciliation-0.2"
BASE = "https://w3id.org/health-equity-guide/"
HEG = BASE + "ontology#"
ID = BASE + "id/"

#: The type ids of the manifest, by the names the tests use.
TYPES = {"case-study": HEG + "CaseStudy", "health-department": HEG + "HealthDepartment",
         "organization": "http://www.w3.org/ns/org#Organization", "place": "https://schema.org/AdministrativeArea",
         "resource": HEG + "Resource", "practice": HEG + "StrategicPractice"}


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def validate(schema: str, data: Any) -> Any:
    """``data`` after checking it against the vendored schema ``schema`` (``manifest``, ...)."""
    contents = json.loads((SCHEMAS / f"{schema}.json").read_text(encoding="utf-8"))
    Draft7Validator(contents, registry=_registry()).validate(data)
    return data


def reconcile(client: Any, queries: dict[str, Any]) -> dict[str, Any]:
    """POST a batch as the form field ``queries`` (as OpenRefine does); the validated answer."""
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return validate("reconciliation-result-batch", response.get_json())


def extend(client: Any, ids: list[str], properties: list[str]) -> dict[str, Any]:
    payload = json.dumps({"ids": ids, "properties": [{"id": p} for p in properties]})
    response = client.post("/reconcile", data={"extend": payload})
    assert response.status_code == 200, response.get_data(as_text=True)
    return validate("data-extension-response", response.get_json())
