"""HTML injection through the data: a release built (by the real builder) from a copy of data/ whose case
study title and summary and an example query's title carry markup and attribute-breaking quotes. Every
page that shows them must show them as text: escaped in HTML, in attributes, in the embedded JSON-LD
(no ``</script>`` breakout) and in the query page's example list and configuration."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from support.hardening import check_html

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, run_pipeline
from graph_builder.release import write_release
from support.apps import TEST_SETTINGS, app_factory

SLUG = "omaha-metro-develops-the-common-quill-health-equity-cohort"
TITLE = 'Alameda </script><script>alert("t")</script> "\'><img src=x onerror=alert(1)> & Co'
SUMMARY = "Summary </script><svg onload=alert(2)> \"quoted\" 'single' <!-- --> ]]> & more"
QUERY_TITLE = 'Example </script><script>alert("q")</script> "\'><b onmouseover=alert(3)>'
PAYLOADS = ["<script>alert(", "<img src=x", "<svg onload", "<b onmouseover", "</script><"]


def _set_field(text: str, field: str, value: str) -> str:
    """Replace the first ``field:`` of a YAML document (a plain or folded scalar) with a quoted value."""
    pattern = re.compile(rf"^(\s*-?\s*){field}:.*(?:\n(?:\s{{4,}}|\s{{2,}}(?![a-z_]+:)).*)*", re.MULTILINE)
    replaced, count = pattern.subn(lambda m: f"{m.group(1)}{field}: {json.dumps(value)}", text, count=1)
    assert count == 1, field
    return replaced


@pytest.fixture(scope="module")
def injected_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    root = tmp_path_factory.mktemp("injected")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA, data)
    case = data / "case-studies" / f"{SLUG}.yaml"
    text = _set_field(case.read_text(encoding="utf-8"), "title", TITLE)
    case.write_text(_set_field(text, "summary", SUMMARY), encoding="utf-8")
    queries = data / "queries.yaml"
    queries.write_text(_set_field(queries.read_text(encoding="utf-8"), "title", QUERY_TITLE), encoding="utf-8")
    result = run_pipeline(Pipeline(data_dir=data))
    release = write_release(result, root / "build").path
    with app_factory(TEST_SETTINGS) as make:
        yield make(RELEASE_DIR=str(release))


def _page(client: Any, path: str, **params: str) -> str:
    response = client.get(path, query_string=params, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    text = response.get_data(as_text=True)
    check_html(text)  # parses, elements balanced, no on* attribute, no inline executable script
    for payload in PAYLOADS:
        assert payload not in text, (path, payload)
    return text


def _json_ld(text: str) -> list[Any]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    return [json.loads(block) for block in blocks]


def test_the_injected_text_is_in_the_release(injected_app: Flask) -> None:
    client = injected_app.test_client()
    turtle = client.get(f"/id/case-study/{SLUG}", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert "onerror=alert(1)" in turtle  # the data really carries it: the tests below are not vacuous


def test_case_study_page_escapes_title_and_summary_in_text_attributes_and_json_ld(injected_app: Flask) -> None:
    text = _page(injected_app.test_client(), f"/id/case-study/{SLUG}")
    assert "&lt;/script&gt;&lt;script&gt;alert(" in text
    documents = _json_ld(text)
    assert documents and documents[0]["name"] == TITLE  # the JSON-LD round-trips the exact title
    assert "Summary &lt;/script&gt;&lt;svg onload=alert(2)&gt;" in text  # the summary, shown as text


@pytest.mark.parametrize("path, params", [("/case-studies", {}), ("/search", {"q": "Alameda"}), ("/search", {"q": "quoted"}),
                                          ("/search", {"q": TITLE}), ("/", {}), ("/graph/data", {}),
                                          ("/id/organization/douglas-county-health-department", {}),
                                          ("/places", {}), ("/practices", {})])
def test_listings_search_and_linked_pages_escape_it(injected_app: Flask, path: str, params: dict[str, str]) -> None:
    _page(injected_app.test_client(), path, **params)  # asserts 200: every path here exists in the release


def test_query_page_example_list_and_its_configuration_escape_it(injected_app: Flask) -> None:
    client = injected_app.test_client()
    text = _page(client, "/sparql")
    assert "&lt;/script&gt;&lt;script&gt;alert(&#34;q&#34;)" in text or "&lt;/script&gt;&lt;script&gt;alert(&quot;q" in text
    config = re.search(r'<script type="application/json" id="heg-page-config">(.*?)</script>', text, re.DOTALL)
    assert config is not None
    labels = [e["label"] for e in json.loads(config.group(1))["examples"]]
    assert QUERY_TITLE in labels  # the configuration round-trips the exact title, and could not break out
    slug = next(e["slug"] for e in json.loads(config.group(1))["examples"] if e["label"] == QUERY_TITLE)
    _page(client, "/sparql", example=slug)  # the selected example's title in <title>, <h2>
