"""Reconciliation requests as a JSON body (``Content-Type: application/json``, issue 14): the same batches
and data extension requests as the ``queries=``/``extend=`` form fields, the same answers (checked against
the vendored Reconciliation API 0.2 schemas), and bad bodies refused with a 400 that says what to fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from support.reconciliation import ID, TYPES, reconcile, validate


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> Any:
    return make_app().test_client()


BATCH = {"q0": {"query": "Dane County", "type": TYPES["place"]},
         "q1": {"query": "Boston Public Health Commission", "type": TYPES["organization"], "limit": 2},
         "q2": {"query": "Omaha", "properties": [{"pid": "heg:stateCode", "v": "NE"}]}}


def test_a_json_body_batch_answers_as_the_form_field_does(client: Any) -> None:
    response = client.post("/reconcile", json={"queries": BATCH})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = validate("reconciliation-result-batch", response.get_json())
    assert body == reconcile(client, BATCH)
    assert set(body) == set(BATCH)
    assert body["q0"]["result"][0]["id"] == ID + "place/dane-county-wi"
    assert body["q1"]["result"][0]["id"] == ID + "organization/boston-public-health-commission"
    assert len(body["q1"]["result"]) <= 2
    assert body["q2"]["result"][0]["id"] == ID + "place/omaha-ne"


def test_a_json_body_may_carry_the_form_fields_json_text(client: Any) -> None:
    response = client.post("/reconcile", json={"queries": json.dumps(BATCH)})
    assert validate("reconciliation-result-batch", response.get_json()) == reconcile(client, BATCH)


def test_a_json_body_data_extension(client: Any) -> None:
    ids = [ID + "place/boston-ma", ID + "place/dane-county-wi"]
    response = client.post("/reconcile", json={"extend": {"ids": ids, "properties": [{"id": "heg:geoid"}]}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = validate("data-extension-response", response.get_json())
    assert body["rows"][ids[0]]["heg:geoid"] == [{"str": "2507000"}]
    assert body["rows"][ids[1]]["heg:geoid"] == [{"str": "55025"}]


BAD: list[tuple[str, bytes, str]] = [
    ("not JSON", b"{\"queries\": ", "not valid JSON"),
    ("neither key", b"{\"q0\": {\"query\": \"Boston\"}}", "exactly one of"),
    ("both keys", json.dumps({"queries": BATCH, "extend": {}}).encode(), "exactly one of"),
    ("a list", b"[1]", "exactly one of"),
    ("queries not an object", b"{\"queries\": [\"Boston\"]}", "JSON object of keys"),
    ("extend without ids", b"{\"extend\": {\"properties\": [{\"id\": \"heg:geoid\"}]}}", "\"ids\""),
    ("an unknown type", json.dumps({"queries": {"q": {"query": "x", "type": "ex:T"}}}).encode(), "Unknown type"),
]


@pytest.mark.parametrize(("body", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_json_body_is_a_400_that_says_what_is_wrong(client: Any, body: bytes, message: str) -> None:
    response = client.post("/reconcile", data=body, content_type="application/json",
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert message in error["message"]
    assert error["hint"]
