"""The reconciliation service (issue 14, part 1): the manifest, query batches and their matching quality on
realistic inputs, JSONP and bad input, every answer checked against the Reconciliation API 0.2 schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from support.reconciliation import BASE, ID, TYPES, reconcile, validate


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> Any:
    return make_app().test_client()


def test_manifest_names_our_spaces_types_and_services(client: Any) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    manifest = validate("manifest", response.get_json())
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == BASE + "id/"
    assert manifest["schemaSpace"] == BASE + "ontology#"
    assert {t["id"] for t in manifest["defaultTypes"]} == set(TYPES.values())
    assert manifest["view"]["url"] == "http://localhost/reconcile/view?id={{id}}"
    assert manifest["preview"]["url"] == "http://localhost/reconcile/preview?id={{id}}"
    assert set(manifest["suggest"]) == {"entity", "type", "property"}
    assert manifest["extend"]["propose_properties"]["service_path"] == "/propose_properties"


def test_the_view_template_leads_to_the_entity_page_on_this_server(client: Any) -> None:
    manifest = client.get("/reconcile").get_json()
    url = manifest["view"]["url"].replace("{{id}}", ID + "place/alameda-county-ca")
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/id/place/alameda-county-ca"
    assert client.get(response.headers["Location"]).status_code == 200


def test_jsonp_wraps_the_manifest_for_a_plain_callback(client: Any) -> None:
    response = client.get("/reconcile?callback=jQuery123_cb")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    body = response.get_data(as_text=True)
    assert body.startswith("/**/jQuery123_cb(") and body.endswith(");")
    validate("manifest", json.loads(body[len("/**/jQuery123_cb("):-2]))


@pytest.mark.parametrize("callback", ["alert(1)//", "a b", "cb;x", "<script>", "1abc", "x" * 100, ""])
def test_jsonp_refuses_a_callback_that_is_not_an_identifier(client: Any, callback: str) -> None:
    response = client.get("/reconcile", query_string={"callback": callback})
    assert response.status_code == 400
    assert "callback" in response.get_data(as_text=True)


def _q(query: str, type_key: str | None = None, **properties: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"query": query}
    if type_key:
        item["type"] = TYPES[type_key]
    if properties:
        item["properties"] = [{"pid": pid.replace("__", ":"), "v": v} for pid, v in properties.items()]
    return item


ORG = ID + "organization/"
PLACE = ID + "place/"

#: (what is sent, the IRI expected first, whether it must be a match)
CASES: list[tuple[str, dict[str, Any], str, bool]] = [
    ("misspelled department", _q("Alameda County Public Helth Departmnet", "health-department"),
     ORG + "alameda-county-public-health-department", True),
    ("misspelled, no type", _q("Bostn Public Health Comission"), ORG + "boston-public-health-commission", True),
    ("County of Alameda as a department", _q("County of Alameda", "health-department"),
     ORG + "alameda-county-public-health-department", True),
    ("County of Alameda as a place", _q("County of Alameda", "place"), PLACE + "alameda-county-ca", True),
    ("a GEOID alone", _q("", "place", heg__geoid="06001"), PLACE + "alameda-county-ca", True),
    ("a GEOID without its leading zero", _q("", "place", heg__geoid=6001), PLACE + "alameda-county-ca", True),
    ("a city's GEOID alone, no type", _q("", None, heg__geoid="2507000"), PLACE + "boston-ma", True),
    ("namesakes: city or county", _q("San Francisco", "place"), PLACE + "san-francisco-ca", False),
    ("namesakes told apart by state and place type",
     _q("San Francisco", "place", heg__stateCode="California", heg__placeType="city"),
     PLACE + "san-francisco-ca", True),
    ("a name contradicted by its GEOID", _q("Alameda County", "place", heg__geoid="06075"),
     PLACE + "san-francisco-county-ca", False),
    ("a title with other punctuation",
     _q("Strategic practices & actions to advance health-equity in local health departments!", "resource"),
     ID + "resource/strategic-practices-and-actions", True),
    ("a title with its publisher's acronym and year",
     _q("Strategic Practices and Actions to Advance Health Equity in Local Health Departments", "resource",
        dcterms__publisher="HIP", dcterms__issued="2017"), ID + "resource/strategic-practices-and-actions", True),
    ("a shortened title: first, for review", _q("Strategic Practices and Actions", "resource",
                                                dcterms__publisher="HIP", dcterms__issued=2017),
     ID + "resource/strategic-practices-and-actions", False),
    ("a title with the wrong year", _q("Strategic Practices and Actions to Advance Health Equity in Local Health "
                                       "Departments", "resource", dcterms__issued=2009),
     ID + "resource/strategic-practices-and-actions", False),
    ("a case study title, lower case and punctuated",
     _q("alameda county: advances equitable-housing policies", "case-study"),
     ID + "case-study/alameda-county-advances-equitable-housing-policies", True),
    ("an en dash and an ampersand written out", _q("Public Health - Seattle and King County", "organization"),
     ORG + "public-health-seattle-and-king-county", True),
    ("an acronym", _q("ACPHD", "organization"), ORG + "alameda-county-public-health-department", True),
    ("an organization and its kind", _q("Human Impact Partners", "organization",
                                        heg__organizationKind="nonprofit"), ORG + "human-impact-partners", True),
    ("a kind that contradicts", _q("Human Impact Partners", "organization", heg__organizationKind="government"),
     ORG + "human-impact-partners", False),
    ("a practice", _q("build community alliances", "practice"), ID + "practice/2017/build-community-alliances", True),
]


@pytest.mark.parametrize(("sent", "expected", "must_match"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matching_quality(client: Any, sent: dict[str, Any], expected: str, must_match: bool) -> None:
    result = reconcile(client, {"q0": sent})["q0"]["result"]
    assert result, "no candidate"
    assert result[0]["id"] == expected, [(r["id"], r["score"]) for r in result]
    assert result[0]["match"] is must_match, [(r["id"], r["score"], r["features"]) for r in result]
    assert not any(r["match"] for r in result[1:])
    assert [r["score"] for r in result] == sorted((r["score"] for r in result), reverse=True)


def test_an_unknown_name_matches_nothing_and_scores_low(client: Any) -> None:
    result = reconcile(client, {"q0": _q("Zanzibar Ministry of Fisheries")})["q0"]["result"]
    assert not any(r["match"] for r in result)
    assert all(r["score"] < 40 for r in result)


def test_a_batch_answers_every_key_with_explained_typed_candidates(client: Any) -> None:
    batch = {f"q{i}": _q(name, "place") for i, name in enumerate(["Boston", "Dane County", "Omaha"])}
    answer = reconcile(client, batch)
    assert set(answer) == set(batch)
    top = answer["q1"]["result"][0]
    assert top["id"] == PLACE + "dane-county-wi" and top["match"] is True
    assert {"id": TYPES["place"], "name": "Place"} in top["type"]
    assert {f["id"] for f in top["features"]} >= {"name_similarity", "name_word_overlap", "name_exact"}
    assert "WI" in top["description"]


def test_a_list_of_types_reconciles_against_the_first(client: Any) -> None:
    result = reconcile(client, {"q": {"query": "Omaha", "type": [TYPES["place"], TYPES["organization"]]}})
    assert result["q"]["result"][0]["id"] == PLACE + "omaha-ne"


def test_limit_caps_the_candidates(client: Any) -> None:
    result = reconcile(client, {"q0": {**_q("County", "place"), "limit": 2}})["q0"]["result"]
    assert len(result) == 2


def test_queries_as_a_get_parameter(client: Any) -> None:
    response = client.get("/reconcile", query_string={"queries": json.dumps({"a": _q("Madison", "place")})})
    assert response.status_code == 200
    answer = validate("reconciliation-result-batch", response.get_json())
    assert answer["a"]["result"][0]["id"] == PLACE + "madison-wi"


def test_a_health_department_is_an_organization_too(client: Any) -> None:
    top = reconcile(client, {"q": _q("Boston Public Health Commission", "organization")})["q"]["result"][0]
    assert {t["id"] for t in top["type"]} == {TYPES["health-department"], TYPES["organization"]}


BAD: list[tuple[str, dict[str, str], str]] = [
    ("malformed JSON", {"queries": "{\"q0\": {\"query\": "}, "not valid JSON"),
    ("not an object", {"queries": "[1, 2]"}, "JSON object"),
    ("empty", {"queries": ""}, "missing or empty"),
    ("a huge batch", {"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(101)})}, "at most 100"),
    ("an unknown type", {"queries": json.dumps({"q0": {"query": "x", "type": "http://example.org/T"}})},
     "Unknown type"),
    ("an unknown property", {"queries": json.dumps({"q0": {"query": "x", "properties": [{"pid": "ex:p", "v": 1}]}})},
     "Unknown property"),
    ("a constraint without a value", {"queries": json.dumps({"q0": {"query": "x", "properties": [{"pid": "heg:geoid"}]}})},
     "\"pid\" and \"v\""),
    ("no text and no property", {"queries": json.dumps({"q0": {"query": " "}})}, "neither text"),
    ("a bad limit", {"queries": json.dumps({"q0": {"query": "x", "limit": "ten"}})}, "limit"),
    ("a text too long", {"queries": json.dumps({"q0": {"query": "x" * 501}})}, "longer than 500"),
    ("malformed extend", {"extend": "{ids"}, "not valid JSON"),
    ("extend without properties", {"extend": json.dumps({"ids": [ID + "place/boston-ma"]})}, "properties"),
    ("extend with too many ids", {"extend": json.dumps({"ids": ["x"] * 501, "properties": [{"id": "heg:geoid"}]})},
     "at most 500"),
]


@pytest.mark.parametrize(("form", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_that_says_what_is_wrong(client: Any, form: dict[str, str], message: str) -> None:
    response = client.post("/reconcile", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
