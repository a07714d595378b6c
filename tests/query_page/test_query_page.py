"""The query page through Flask's test client: vendored assets, examples from the release, links, no-JS form."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from markupsafe import escape

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release

STATIC = Path(__file__).resolve().parents[2] / "sparql_endpoint" / "static" / "yasgui"
PINNED = "4.6.2"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXAMPLES = yaml.safe_load((DEFAULT_DATA / "queries.yaml").read_text(encoding="utf-8"))
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def page(client, **args: str) -> str:
    response = client.get("/sparql", query_string=args, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def page_config(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="heg-page-config">(.*?)</script>', text, re.S)
    assert match, "the page embeds its configuration"
    return json.loads(match.group(1))


def release_examples(release_dir: Path) -> set[str]:
    """The example IRIs in the release's queries graph, read from its store."""
    store = ox.Store.read_only(str(release_dir / "store"))
    graph = json.loads((release_dir / "manifest.json").read_text())["graphs"]["queries"]
    quads = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "SPARQLExecutable"),
                                    ox.NamedNode(graph))
    return {quad.subject.value for quad in quads}


def test_there_are_at_least_15_examples_with_unique_slugs() -> None:
    slugs = [e["slug"] for e in EXAMPLES]
    assert len(slugs) >= 15 and len(set(slugs)) == len(slugs)
    kinds = {e.get("kind", "select") for e in EXAMPLES}
    assert {"select", "construct", "ask"} <= kinds
    for example in EXAMPLES:
        assert example["title"].strip() and len(example["description"]) > 40 and example.get("keywords"), example["slug"]
        assert example.get("min_rows", 0) >= 1 and example.get("includes"), example["slug"]


def test_docs_list_every_example() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "queries.md").read_text(encoding="utf-8")
    for example in EXAMPLES:
        assert f"?example={example['slug']})" in docs, f"add {example['slug']} to docs/queries.md"


@pytest.mark.parametrize("name,media_types", [
    ("yasgui.min.js", {"text/javascript", "application/javascript"}),
    ("heg-query-page.js", {"text/javascript", "application/javascript"}),
    ("yasgui.min.css", {"text/css"}),
    ("heg-query-page.css", {"text/css"}),
])
def test_vendored_assets_are_served_with_their_media_types(app, name: str, media_types: set[str]) -> None:
    response = app.test_client().get(f"/static/yasgui/{name}")
    assert response.status_code == 200
    assert response.mimetype in media_types
    assert response.data == (STATIC / name).read_bytes()


def test_the_page_loads_the_vendored_assets_and_nothing_from_elsewhere(app) -> None:
    text = page(app.test_client())
    for asset in ("yasgui.min.js", "yasgui.min.css", "heg-query-page.js", "heg-query-page.css"):
        assert f'"/static/yasgui/{asset}"' in text
    # every src and href of the page is our own path (or a data: URL): no CDN, no fonts, no outside script
    for attribute in re.findall(r'\b(?:src|href)="([^"]*)"', text):
        assert attribute == "" or attribute.startswith(("/", "data:", "http://localhost/")), attribute


def test_yasgui_is_pinned_with_its_license_and_checksums() -> None:
    package = json.loads((STATIC / "package.json").read_text())
    assert package["name"] == "@zazuko/yasgui" and package["version"] == PINNED and package["license"] == "MIT"
    assert "MIT License" in (STATIC / "LICENSE").read_text() and PINNED in (STATIC / "LICENSE").read_text()
    readme = (STATIC / "README.md").read_text()
    assert f"**{PINNED}**" in readme and "npm pack @zazuko/yasgui@" in readme
    sums = dict(reversed(line.split("  ")) for line in (STATIC / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, f"{name} was modified"


def test_the_page_lists_every_example_of_the_release(app, release: ReleaseOutcome) -> None:
    text = page(app.test_client())
    config = page_config(text)
    listed = {e["iri"] for e in config["examples"]}
    assert listed == release_examples(release.path) and len(listed) >= 15
    for example in config["examples"]:
        assert f'href="/sparql?example={example["slug"]}"' in text
        assert str(escape(example["label"])) in text
        assert example["query"].lstrip().startswith("PREFIX") and example["kind"] in {"select", "construct", "ask"}
    assert config["endpoint"] == "/sparql"


def test_example_link_opens_that_example_with_and_without_javascript(app) -> None:
    example = next(e for e in EXAMPLES if e["slug"] == "crosswalk-2017-to-relaunch")
    text = page(app.test_client(), example=example["slug"])
    assert page_config(text)["selected"] == example["slug"]
    assert str(escape(example["title"])) in text and 'aria-current="true"' in text
    noscript = re.search(r"<noscript>(.*?)</noscript>", text, re.S).group(1)
    assert '<form' in noscript and 'name="query"' in noscript and 'name="format"' in noscript
    assert str(escape(example["query"].strip())) in noscript  # the plain form holds the example's query


def test_an_unknown_example_says_so_and_keeps_the_default_query(app) -> None:
    text = page(app.test_client(), example="no-such-example")
    assert "has no example named" in text and page_config(text)["selected"] is None
    assert "StrategicPractice" in page_config(text)["defaultQuery"]


def test_the_page_offers_our_own_prefixes_and_terms_for_autocompletion(app) -> None:
    config = page_config(page(app.test_client()))
    assert config["prefixes"]["heg"] == "https://w3id.org/health-equity-guide/ontology#"
    assert "https://w3id.org/health-equity-guide/ontology#CaseStudy" in config["classes"]
    assert "https://w3id.org/health-equity-guide/ontology#advancesPractice" in config["properties"]


def test_page_etag_depends_on_the_example(app) -> None:
    client = app.test_client()
    plain = client.get("/sparql", headers={"Accept": BROWSER})
    chosen = client.get("/sparql?example=inferred-facts", headers={"Accept": BROWSER})
    assert plain.headers["ETag"] != chosen.headers["ETag"]
    again = client.get("/sparql?example=inferred-facts", headers={"Accept": BROWSER, "If-None-Match": chosen.headers["ETag"]})
    assert again.status_code == 304


def test_an_example_added_to_a_release_appears_on_the_page(data_copy: Path, tmp_path: Path, make_app) -> None:
    path = data_copy / "queries.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """
- slug: added-for-the-page-test
  title: Added for the page test
  description: An example that exists only in this test's release, to show the page reads the release.
  kind: select
  keywords: [test]
  query: |
    PREFIX heg: <https://w3id.org/health-equity-guide/ontology#>
    SELECT ?caseStudy WHERE { ?caseStudy a heg:CaseStudy }
  min_rows: 1
""", encoding="utf-8")
    outcome = write_release(run_pipeline(Pipeline(data_dir=data_copy)), tmp_path / "out", version="9.9.9-test")
    text = page(make_app(outcome.path).test_client(), example="added-for-the-page-test")
    config = page_config(text)
    assert "added-for-the-page-test" in {e["slug"] for e in config["examples"]}
    assert config["selected"] == "added-for-the-page-test" and "Added for the page test" in text


def test_the_page_links_back_to_the_site(app) -> None:
    client = app.test_client()
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    nav = html[html.index('class="heg-site-nav"'):html.index("</nav>", html.index('class="heg-site-nav"'))]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert len(hrefs) >= 5
    for href in hrefs:
        assert client.get(href, headers={"Accept": "text/html"}).status_code == 200, href
