"""The reconciliation service over a remote store (a real Oxigraph server holding the published release)
answers as it does over the embedded store: it reads only through ``reads.select``."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from support.reconciliation import ID, TYPES, extend, reconcile, validate

BATCH: dict[str, Any] = {
    "department": {"query": "Alameda County Public Helth Departmnet", "type": TYPES["health-department"]},
    "county": {"query": "County of Alameda", "type": TYPES["place"]},
    "geoid": {"query": "", "type": TYPES["place"], "properties": [{"pid": "heg:geoid", "v": "06001"}]},
    "title": {"query": "Strategic practices & actions to advance health-equity in local health departments",
              "type": TYPES["resource"], "properties": [{"pid": "dcterms:publisher", "v": "HIP"}]},
    "unknown": {"query": "Zanzibar Ministry of Fisheries"},
}


def _answers(app: Flask) -> dict[str, Any]:
    client = app.test_client()
    manifest = validate("manifest", client.get("/reconcile").get_json())
    suggest = client.get("/reconcile/suggest/entity?prefix=san").get_json()
    return {
        "manifest": manifest,
        "batch": reconcile(client, BATCH),
        "suggest": validate("suggest-entities-response", suggest),
        "extend": extend(client, [ID + "place/alameda-county-ca",
                                  ID + "case-study/alameda-county-advances-equitable-housing-policies"],
                         ["heg:geoid", "heg:healthDepartment", "heg:linkedPractice"]),
        "preview": client.get("/reconcile/preview?id=" + ID + "place/boston-ma").get_data(as_text=True),
    }


def test_the_remote_store_gives_the_same_answers(apps: dict[str, Flask]) -> None:
    local, remote = _answers(apps["local"]), _answers(apps["remote"])
    for key in local:
        assert json.dumps(remote[key], sort_keys=True) == json.dumps(local[key], sort_keys=True), key
    batch = remote["batch"]
    assert batch["department"]["result"][0]["match"] is True
    assert batch["geoid"]["result"][0]["id"] == ID + "place/alameda-county-ca"
    assert batch["title"]["result"][0]["id"] == ID + "resource/strategic-practices-and-actions"
    assert not any(r["match"] for r in batch["unknown"]["result"])
    assert remote["extend"]["rows"][ID + "place/alameda-county-ca"]["heg:geoid"] == [{"str": "06001"}]
