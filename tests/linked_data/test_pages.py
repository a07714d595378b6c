"""Pages: the home page (counts, coverage, license, citation, schema.org Dataset), browse pages with
filters and search, entity pages with honesty markers shown plainly and embedded schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pyoxigraph as ox
import pytest
from support.linked_data import BASE

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(client, path: str, **kwargs: Any) -> str:
    response = client.get(path, headers={"Accept": BROWSER}, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def embedded_jsonld(text: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    return [json.loads(b) for b in blocks]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def select(release, query: str) -> list[dict[str, str]]:
    store = ox.Store.read_only(str(release.path / "store"))
    prologue = f"PREFIX heg: <{BASE}ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " \
               "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
    return [{v.value: row[v].value for v in rows.variables if row[v] is not None}
            for rows in [store.query(prologue + query, use_default_graph_as_union=True)] for row in rows]


def test_home_page_says_what_the_dataset_is_with_counts_coverage_license_and_citation(client, release) -> None:
    text = page(client, "/")
    plain = text_of(text)
    assert "Health Equity Guide knowledge graph" in plain and release.version in plain
    assert "Coverage against the guide" in plain and "Known gaps" in plain
    assert "https://creativecommons.org/licenses/by/4.0/" in text and "Cite as" in plain
    for href in ("/practices", "/case-studies", "/resources", "/sparql", "/downloads"):
        assert f'href="{href}"' in text
    [dataset] = embedded_jsonld(text)
    assert dataset["@type"] == "Dataset" and dataset["license"].startswith("https://creativecommons.org/")
    assert dataset["version"] == release.version and dataset["name"] and dataset["description"]
    assert dataset["creator"]["name"]
    kinds = {d["encodingFormat"] for d in dataset["distribution"]}
    assert {"text/turtle", "application/n-triples", "application/ld+json"} <= kinds
    cases = select(release, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a heg:CaseStudy }")[0]["n"]
    assert re.search(rf"case study</td><td>{cases}<", text)


def test_practices_by_category_and_stage_with_the_crosswalk(client, release) -> None:
    text = page(client, "/practices")
    groups = select(release, "SELECT ?l WHERE { ?g a ?k ; skos:prefLabel ?l . "
                             "VALUES ?k { heg:PracticeCategory heg:PracticeStage } }")
    assert len(groups) >= 5
    for row in groups:
        assert row["l"].replace("&", "&amp;") in text, row
    practices = select(release, "SELECT ?p WHERE { ?p a heg:StrategicPractice }")
    for row in practices:
        assert f'href="/{row["p"][len(BASE):]}"' in text
    assert "Crosswalk between the editions" in text and text.count('badge inferred') >= 17


def test_entity_page_shows_honesty_markers_plainly(client) -> None:
    practice = text_of(page(client, "/id/practice/2017/allocate-resources"))
    assert "Inferred relations" in practice and "Confidence: Medium" in practice  # its inferred placement
    assert "Not every key action of the page was captured" in practice
    assert "Case studies that advance this practice" in practice and "None linked in the graph" in practice
    case = text_of(page(client, "/id/case-study/alameda-county-advances-equitable-housing-policies"))
    assert "inferred by a curator" in case and "A curator worked out" in case  # heg:inferredProperty
    assert "Parts of the source page that could not be read" in case and "impacts section" in case
    assert "Editorial notes" in case and "Confidence: High" in case
    assert "https://healthequityguide.org/case-studies/alameda-county-advances-equitable-housing-policies/" in case


def test_evidence_level_and_unverified_url_are_shown(client, release) -> None:
    [row] = select(release, "SELECT ?r ?l WHERE { ?r heg:evidenceLevel/skos:prefLabel ?l } ORDER BY ?r LIMIT 1")
    assert f"Evidence level: {row['l']}" in text_of(page(client, "/" + row["r"][len(BASE):]))
    unverified = select(release, "SELECT ?c ?u WHERE { ?c heg:unverifiedUrl ?u } LIMIT 1")
    for row in unverified:
        assert "Unverified address" in page(client, "/" + row["c"][len(BASE):])


def test_crosswalk_mapping_page_says_it_is_inferred(client, release) -> None:
    [row] = select(release, "SELECT ?m WHERE { ?m a heg:CrosswalkMapping } ORDER BY ?m LIMIT 1")
    text = text_of(page(client, "/" + row["m"][len(BASE):]))
    assert "This relation is our inference" in text


def test_entity_pages_embed_schema_org_jsonld(client) -> None:
    expected = {"/id/case-study/alameda-county-advances-equitable-housing-policies": "Article",
                "/id/practice/2017/allocate-resources": "DefinedTerm",
                "/id/organization/alameda-county-public-health-department": "GovernmentOrganization",
                "/id/place/alameda-county-ca": "AdministrativeArea"}
    for path, schema_type in expected.items():
        [data] = embedded_jsonld(page(client, path))
        assert data["@context"] == "https://schema.org/" and data["@type"] == schema_type, path
        assert data["@id"] == BASE + path[1:] and data["name"]
    [place] = embedded_jsonld(page(client, "/id/place/alameda-county-ca"))
    assert place["identifier"]["value"] == "06001"


def test_jsonld_script_cannot_be_closed_by_data() -> None:
    from sparql_endpoint.linked_data.schema_org import script

    markup = str(script({"name": "</script><script>alert(1)</script>&"}))
    assert markup.count("</script>") == 1 and "alert(1)" in markup
    assert json.loads(markup.split(">", 1)[1].rsplit("<", 1)[0])["name"].startswith("</script>")


@pytest.mark.parametrize("params,must_have,must_not_have", [
    ({"topic": "topic/housing"}, "Alameda County Advances Equitable Housing Policies",
     "Colorado Changes Data Narrative"),
    ({"state": "CA"}, "Alameda County Advances Equitable Housing Policies", "Boston Builds Capacity"),
    ({"state": "MA", "topic": "topic/housing"}, "Boston Uses Public Housing", "Alameda County"),
    ({"q": "wage theft"}, "Wage Theft", "Alameda County"),
    ({"level": "jurisdiction-level/state"}, "Colorado Changes Data Narrative", "Alameda County"),
])
def test_case_study_filters(client, params: dict[str, str], must_have: str, must_not_have: str) -> None:
    text = page(client, "/case-studies", query_string=params)
    items = text.split('<ul class="items">')[1]
    assert must_have.lower() in items.lower() and must_not_have.lower() not in items.lower()
    for value in params.values():  # the chosen filter stays selected
        assert f'value="{value}" selected' in text or f'value="{value}"' in text


def test_resource_filters_by_type_practice_category_and_evidence(client, release) -> None:
    every = page(client, "/resources").split('<ul class="items">')[1].count("<li>")
    rows = select(release, "SELECT ?r ?t ?p ?c WHERE { ?r a heg:Resource ; heg:resourceType ?t . "
                           "OPTIONAL { ?r heg:supportsPractice ?p } OPTIONAL { ?r heg:coversCategory ?c } }")
    assert every == len({r["r"] for r in rows}) and every >= 40
    some_type = min({r["t"] for r in rows})
    typed = page(client, "/resources", query_string={"type": some_type[len(BASE) + 3:]})
    assert typed.split('<ul class="items">')[1].count("<li>") == len({r["r"] for r in rows if r["t"] == some_type})
    practice = next(r["p"] for r in rows if "p" in r)
    by_practice = page(client, "/resources", query_string={"practice": practice[len(BASE) + 3:]})
    assert by_practice.split('<ul class="items">')[1].count("<li>") == len({r["r"] for r in rows if r.get("p") == practice})
    category = next(r["c"] for r in rows if "c" in r)
    by_category = page(client, "/resources", query_string={"category": category[len(BASE) + 3:]})
    assert by_category.split('<ul class="items">')[1].count("<li>") >= 1


@pytest.mark.parametrize("params", [{"topic": "topic/x> } ?s ?p ?o {"}, {"state": "C'"}, {"practice": "../x"},
                                    {"type": "resource-type/a b"}, {"category": "other/x"}, {"q": "x" * 300}])
def test_bad_filter_values_are_400_not_injected(client, params: dict[str, str]) -> None:
    response = client.get("/case-studies" if "type" not in params else "/resources", query_string=params)
    assert response.status_code == 400 and "How to fix it" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ['housing', '"', "'", "\\", "} UNION { ?s ?p ?o", "%", "🙂", "<b>x</b>"])
def test_search_across_titles_and_descriptions_is_safe(client, text: str) -> None:
    html = page(client, "/search", query_string={"q": text})
    assert "<b>x</b>" not in html
    if text == "housing":
        assert "Alameda County Advances Equitable Housing Policies" in html
        assert "Boston Uses Public Housing" in html


def test_organizations_places_and_vocabularies_are_listed(client, release) -> None:
    orgs = page(client, "/organizations")
    for row in select(release, "SELECT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"):
        assert f'href="/{row["o"][len(BASE):]}"' in orgs
    places = page(client, "/places")
    assert "06001" in places
    assert "Resource types" in page(client, "/vocabularies") or "resource" in page(client, "/vocabularies").lower()


class Controls(HTMLParser):
    """Form controls without a label, images without alt, and ids used twice."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[tuple[str, str | None]] = []
        self.images_without_alt = 0
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append((tag, a.get("id") if not a.get("aria-label") else "aria"))
        if tag == "img" and "alt" not in a:
            self.images_without_alt += 1


def test_every_page_labels_its_controls_and_images(site) -> None:
    checked = 0
    for path, html in site["pages"].items():
        parser = Controls()
        parser.feed(html)
        unlabelled = [c for c in parser.controls if c[1] != "aria" and c[1] not in parser.labels]
        assert not unlabelled, (path, unlabelled)
        assert parser.images_without_alt == 0, path
        assert len(parser.ids) == len(set(parser.ids)), (path, "duplicate id")
        checked += len(parser.controls)
    assert checked > len(site["pages"])  # at least the search box on every page


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# (foreground variable, background variable): every text colour on the background it is used on
PAIRS = [("text", "bg"), ("link", "bg"), ("muted", "bg"), ("header-text", "header-bg"), ("text", "panel"),
         ("link", "panel"), ("muted", "panel"), ("inferred-text", "inferred-bg"),
         ("published-text", "published-bg"), ("gap-text", "gap-bg")]


def test_css_colour_pairs_meet_wcag_aa_contrast(client) -> None:
    css = client.get("/static/site.css").get_data(as_text=True)
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    assert len(variables) >= 12
    for fg, bg in PAIRS:
        ratio = contrast(variables[fg], variables[bg])
        assert ratio >= 4.5, f"--{fg} on --{bg}: {ratio:.2f}:1 is below WCAG AA 4.5:1"
    assert contrast("#ffffff", variables["link"]) >= 4.5  # button text on the link colour
    assert contrast("#1b1b1b", "#ffffff") == pytest.approx(17.22, rel=0.01)  # the formula itself


def test_ontology_page_documents_every_class_and_property(client, release) -> None:
    text = page(client, "/ontology")
    rows = select(release, "SELECT DISTINCT ?t WHERE { GRAPH <" + BASE + "graph/ontology> { ?t a ?k . "
                           "VALUES ?k { <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2002/07/owl#ObjectProperty> "
                           "<http://www.w3.org/2002/07/owl#DatatypeProperty> } } }")
    assert len(rows) > 40
    for row in rows:
        anchor = row["t"].rsplit("#", 1)[1]
        section = text.split(f'id="{anchor}"', 1)[1].split("</article>", 1)[0]
        assert "<p>" in section, f"{anchor} has no definition on the page"
        assert "in this release" in section
    assert "4 instances" in text.split('id="Coverage"', 1)[1].split("</article>", 1)[0]
