"""The reconciliation service's suggest, preview and data extension services, checked against the
Reconciliation API 0.2 schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from support.reconciliation import ID, TYPES, extend, validate


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> Any:
    return make_app().test_client()


def _get(client: Any, url: str, schema: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return validate(schema, response.get_json())


def test_entity_suggest_completes_word_prefixes(client: Any) -> None:
    result = _get(client, "/reconcile/suggest/entity", "suggest-entities-response", prefix="alam coun")["result"]
    ids = [r["id"] for r in result]
    assert ids[0] == ID + "place/alameda-county-ca"  # the name begins with the prefix
    assert ID + "organization/alameda-county-public-health-department" in ids
    assert all("alameda" in r["name"].lower() for r in result)


def test_entity_suggest_by_type_and_pages_with_cursor(client: Any) -> None:
    places = _get(client, "/reconcile/suggest/entity", "suggest-entities-response", prefix="county",
                  type=TYPES["place"], limit=3)["result"]
    assert len(places) == 3
    assert all(r["notable"] == [{"id": TYPES["place"], "name": "Place"}] for r in places)
    more = _get(client, "/reconcile/suggest/entity", "suggest-entities-response", prefix="county",
                type=TYPES["place"], limit=3, cursor=3)["result"]
    assert not {r["id"] for r in places} & {r["id"] for r in more}


def test_type_and_property_suggest(client: Any) -> None:
    types = _get(client, "/reconcile/suggest/type", "suggest-types-response", prefix="heal")["result"]
    assert [t["id"] for t in types] == [TYPES["health-department"]]
    props = _get(client, "/reconcile/suggest/property", "suggest-properties-response", prefix="geo")["result"]
    assert [p["id"] for p in props] == ["heg:geoid"]
    for_resources = _get(client, "/reconcile/suggest/property", "suggest-properties-response", prefix="publ",
                         type=TYPES["resource"])["result"]
    assert {p["id"] for p in for_resources} == {"dcterms:publisher"}


def test_suggest_without_a_prefix_is_a_400(client: Any) -> None:
    assert client.get("/reconcile/suggest/entity").status_code == 400
    assert client.get("/reconcile/suggest/type?prefix=%20-").status_code == 400
    assert client.get("/reconcile/suggest/entity?prefix=a&type=nothing").status_code == 400


def test_suggest_speaks_jsonp(client: Any) -> None:
    response = client.get("/reconcile/suggest/entity?prefix=boston&callback=cb")
    assert response.mimetype == "application/javascript"
    assert response.get_data(as_text=True).startswith("/**/cb({\"result\": [")


def test_property_proposals_for_each_type(client: Any) -> None:
    for key, type_id in TYPES.items():
        answer = _get(client, "/reconcile/propose_properties", "data-extension-property-proposal", type=type_id)
        assert answer["type"] == type_id and answer["properties"], key
    place = _get(client, "/reconcile/propose_properties", "data-extension-property-proposal", type=TYPES["place"],
                 limit=2)
    assert [p["id"] for p in place["properties"]] == ["heg:geoid", "heg:stateCode"]
    assert client.get("/reconcile/propose_properties").status_code == 400


CASE = ID + "case-study/alameda-county-advances-equitable-housing-policies"


def test_extension_fetches_values_for_a_batch_of_our_iris(client: Any) -> None:
    answer = extend(client, [ID + "place/alameda-county-ca", CASE, ID + "resource/strategic-practices-and-actions",
                             "http://example.org/not-ours"],
                    ["heg:geoid", "heg:healthDepartment", "heg:linkedPractice", "dcterms:issued", "dcterms:publisher"])
    assert [m["id"] for m in answer["meta"]] == ["heg:geoid", "heg:healthDepartment", "heg:linkedPractice",
                                                "dcterms:issued", "dcterms:publisher"]
    assert answer["meta"][1]["type"]["id"] == TYPES["health-department"]
    rows = answer["rows"]
    assert rows[ID + "place/alameda-county-ca"]["heg:geoid"] == [{"str": "06001"}]
    assert rows[CASE]["heg:healthDepartment"] == [{"id": ID + "organization/alameda-county-public-health-department",
                                                  "name": "Alameda County Public Health Department"}]
    practices = {v["id"] for v in rows[CASE]["heg:linkedPractice"]}
    assert ID + "practice/2017/build-community-alliances" in practices
    assert rows[ID + "resource/strategic-practices-and-actions"]["dcterms:issued"] == [{"int": 2017}]
    assert rows[ID + "resource/strategic-practices-and-actions"]["dcterms:publisher"][0]["name"] == "Human Impact Partners"
    assert rows["http://example.org/not-ours"] == {p: [] for p in [m["id"] for m in answer["meta"]]}


def test_extension_refuses_an_unknown_property(client: Any) -> None:
    response = client.post("/reconcile", data={"extend": '{"ids": [], "properties": [{"id": "ex:nothing"}]}'})
    assert response.status_code == 400


def test_preview_is_a_small_escaped_card_under_the_strict_policy(client: Any) -> None:
    manifest = client.get("/reconcile").get_json()
    iri = ID + "organization/sarpy-cass-department-of-health-and-wellness"
    response = client.get(manifest["preview"]["url"].replace("{{id}}", iri))
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Sarpy/Cass Department of Health &amp; Wellness" in html
    assert "<script" not in html and "style=" not in html
    assert 'href="/id/organization/sarpy-cass-department-of-health-and-wellness"' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_preview_and_view_of_what_is_not_ours_are_404s(client: Any) -> None:
    for url in ("/reconcile/preview?id=http://example.org/x", "/reconcile/preview?id=" + ID + "place/nowhere",
                "/reconcile/view?id=javascript:alert(1)", "/reconcile/preview"):
        assert client.get(url).status_code == 404, url
