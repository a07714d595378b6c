"""The Service Description states the real configuration; settings are validated at start-up."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from sparql_endpoint import create_app, state_of
from sparql_endpoint.settings import load_config
from sparql_endpoint.errors import ConfigError, ReleaseError

SD = "http://www.w3.org/ns/sparql-service-description#"
BASE = "https://w3id.org/health-equity-guide/"
HEGE = BASE + "endpoint#"


def description(app, accept: str = "text/turtle") -> ox.Store:
    response = app.test_client().get("/sparql", headers={"Accept": accept},
                                     base_url="http://endpoint.test")
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.from_media_type(response.mimetype))
    return store


def values(store: ox.Store, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None)}


def test_service_description_states_the_configured_limits(make_app) -> None:
    app = make_app(QUERY_TIMEOUT=12.5, MAX_ROWS=777, MAX_REQUEST_BYTES=4096, QUERY_WORKERS=1, QUEUE_SIZE=3,
                   SERVICE_ALLOWLIST=["https://query.example.org/sparql"])
    store = description(app)
    assert values(store, SD + "endpoint") == {"http://endpoint.test/sparql"}
    assert values(store, HEGE + "queryTimeoutSeconds") == {"12.5"}
    assert values(store, HEGE + "maxResultRows") == {"777"}
    assert values(store, HEGE + "maxRequestBytes") == {"4096"}
    assert values(store, HEGE + "maxQueuedQueries") == {"3"}
    assert values(store, HEGE + "allowedService") == {"https://query.example.org/sparql"}
    assert SD + "BasicFederatedQuery" in values(store, SD + "feature")


def test_service_description_formats_features_and_dataset(make_app) -> None:
    store = description(make_app(), "application/ld+json")
    assert values(store, SD + "supportedLanguage") == {SD + "SPARQL11Query"}
    assert values(store, SD + "feature") == {SD + "UnionDefaultGraph"}  # no SERVICE allowed: not claimed
    formats = values(store, SD + "resultFormat")
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and "http://www.w3.org/ns/formats/Turtle" in formats
    assert values(store, SD + "name") == {BASE + "graph/" + k for k in ("data", "ontology", "shapes", "queries", "metadata")}
    triples = {int(v) for v in values(store, "http://rdfs.org/ns/void#triples")}
    manifest_total = state_of(make_app()).store.release.triples["total"]
    assert manifest_total in triples
    assert values(store, HEGE + "allowedService") == set()


def test_public_url_names_the_endpoint(make_app) -> None:
    store = description(make_app(PUBLIC_URL="https://kg.example.org/sparql"))
    assert values(store, SD + "endpoint") == {"https://kg.example.org/sparql"}
    assert values(store, HEGE + "relativeIRIBase") == {"https://kg.example.org/sparql"}


def test_the_description_says_how_relative_iris_and_unknown_graphs_are_read(make_app) -> None:
    store = description(make_app())
    assert values(store, HEGE + "relativeIRIBase") == {"http://endpoint.test/sparql"}
    (text,) = {q.object.value for q in store.quads_for_pattern(
        ox.NamedNode("http://endpoint.test/sparql"), ox.NamedNode("http://purl.org/dc/terms/description"), None)}
    assert "empty graph" in text and "never fetched" in text and "X-Graphs-Not-In-Dataset" in text


@pytest.mark.parametrize("headers", [{}, {"Accept": "*/*"}], ids=["no Accept", "*/*"])
def test_a_bare_get_without_preference_is_the_description_in_turtle(make_app, headers) -> None:
    response = make_app().test_client().get("/sparql", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert b"sd:Service" in response.data and response.headers["Vary"] == "Accept"


def test_html_page_for_browsers(make_app) -> None:
    response = make_app().test_client().get("/sparql", headers={"Accept": "text/html"})
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "<form" in text and "2026.11.0-test" in text
    assert "StrategicPractice" in text  # the worked example


def test_settings_layer_defaults_environment_overrides() -> None:
    assert load_config({}, environ={})["QUERY_TIMEOUT"] == 30.0
    assert load_config({}, environ={"HEG_QUERY_TIMEOUT": "5"})["QUERY_TIMEOUT"] == 5.0
    assert load_config({"QUERY_TIMEOUT": 2}, environ={"HEG_QUERY_TIMEOUT": "5"})["QUERY_TIMEOUT"] == 2.0
    assert load_config({}, environ={"HEG_SERVICE_ALLOWLIST": "https://a.org/s https://b.org/s"})[
        "SERVICE_ALLOWLIST"] == ("https://a.org/s", "https://b.org/s")


@pytest.mark.parametrize("settings,needle", [
    ({"QUERY_TIMEOUT": 0}, "QUERY_TIMEOUT"), ({"MAX_ROWS": "many"}, "MAX_ROWS"),
    ({"SERVICE_ALLOWLIST": ["ftp://x"]}, "SERVICE_ALLOWLIST"), ({"STORE_KIND": "remote"}, "STORE_KIND"),
    ({"QUERY_TIME_OUT": 3}, "unknown setting"), ({"WORKER_SANDBOX": "maybe"}, "WORKER_SANDBOX"),
])
def test_bad_settings_fail_at_start_up_with_the_reason(settings, needle) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(settings, environ={})
    assert needle in err.value.message


def test_missing_or_incomplete_release_fails_at_start_up(tmp_path) -> None:
    with pytest.raises(ReleaseError, match="does not exist"):
        create_app({"RELEASE_DIR": str(tmp_path / "none")}, environ={})
    (tmp_path / "manifest.json").write_text('{"version": "1"}')
    with pytest.raises(ReleaseError, match="lacks"):
        create_app({"RELEASE_DIR": str(tmp_path)}, environ={})
