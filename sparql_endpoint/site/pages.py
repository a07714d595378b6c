"""What the site's pages show, read from the release through the app's store: each function returns the
context of one template (the views in :mod:`sparql_endpoint.views.site` render them).

Every context holds ``cuts``: the answers of the page that the row cap cut (:class:`~sparql_endpoint.reads.Cut`,
each named as the page calls it), which the page shows with the ``cut_notice`` macro."""

from __future__ import annotations

from typing import Any

from ..downloads.files import release_files, releases
from ..http.negotiation import RESOURCE_FORMATS
from ..linked_data import describe as ld
from ..linked_data.iris import DCAT, DCTERMS, local_path
from ..linked_data.resource import label_of
from ..linked_data.schema_org import dataset_jsonld
from ..reads import Values, cuts, select
from ..state import get_state
from . import figures, usmap
from .mapsvg import MapView


def _rows(query: str, max_rows: int | None = None) -> Values:
    return select(query, max_rows).values()


def _href(iri: str) -> str:
    return local_path(iri, get_state().release.base_iri) or iri


def home_context(root: str) -> dict[str, Any]:
    """The home page: the dataset, the current release, counts, coverage; ``root`` is the site's URL."""
    release = get_state().release
    base = release.base_iri
    dataset_triples = ld.describe(base + "id/dataset")
    dataset = ld.describe_resource(base + "id/dataset", dataset_triples)
    release_iri = base + "id/release/" + release.version
    current_triples = ld.describe(release_iri)
    current = ld.describe_resource(release_iri, current_triples)
    counts = _rows("""SELECT ?class ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { heg:StrategicPractice heg:KeyAction heg:CaseStudy heg:Resource org:Organization
                  heg:HealthDepartment schema:AdministrativeArea heg:CrosswalkMapping }
  ?s a ?class . OPTIONAL { ?class rdfs:label ?label } } GROUP BY ?class ?label ORDER BY DESC(?n)""")
    for row in counts:  # every count gets a readable label, reused classes too
        row["label"] = ld.class_label(row["class"], row.get("label", ""))
    rows = _rows(f"""SELECT ?what ?published ?qualifier ?found ?source ?links WHERE {{
  <{release_iri}> heg:coverage ?c . ?c skos:notation ?what ; heg:foundCount ?found .
  OPTIONAL {{ ?c heg:publishedCount ?published }} OPTIONAL {{ ?c heg:countQualifier ?qualifier }}
  OPTIONAL {{ ?c dcterms:source ?source }} BIND(EXISTS {{ ?c a heg:PracticeLinkCoverage }} AS ?links) }}
  ORDER BY ?what""")
    coverage = [row for row in rows if row["links"] == "false"]
    # case-study practice links: the guide's own tags and curators' inferred links, counted apart
    links = {row["what"]: int(row["found"]) for row in rows if row["links"] == "true"}
    practice_links = {kind: {"links": links.get(f"practice-links-{kind}", 0),
                             "case_studies": links.get(f"case-studies-with-{kind}-practice-links", 0)}
                      for kind in ("published", "inferred")}
    resource_charts, resource_rows = figures.resource_charts()
    license_iri = dataset.first(DCTERMS + "license") and dataset.values(DCTERMS + "license")[0].term.value
    files = [f for f in release_files(release.path) if not f["path"].endswith(".gz")]
    distributions = [{"name": f["path"], "encodingFormat": f["media_type"], "contentSize": str(f["bytes"]),
                      "contentUrl": f"{root}/downloads/{release.version}/{f['path']}"} for f in files
                     if f["path"].startswith("heg.")]
    creator = current.first(DCTERMS + "creator") or dataset.first(DCTERMS + "creator")
    drawn = usmap.us_map()
    markup = dataset_jsonld(
        name=dataset.label, description=dataset.first(DCTERMS + "description"), url=base + "id/dataset",
        license_iri=license_iri or "", creator=creator, version=release.version,
        date_published=release.built_at[:10], distributions=distributions, catalog_url=f"{root}/catalog",
        keywords=sorted(v.text for v in dataset.values(DCAT + "keyword")))
    return {"dataset": dataset, "current": current, "counts": counts, "coverage": coverage,
            "practice_links": practice_links, "coverage_chart": figures.coverage_chart(coverage),
            "coverage_names": figures.COVERAGE_NAMES,
            "resource_charts": resource_charts,
            "license_iri": license_iri, "creator": creator, "jsonld": markup, "release": release,
            "gaps": sorted(v.text for v in dataset.heg_values("knownGap")), "us_map": MapView(drawn),
            "cuts": drawn.cuts + cuts(("The description of the dataset", dataset_triples),
                         ("The description of this release", current_triples),
                         ("The counts per kind", counts), ("The coverage table", rows),
                         ("The resources per type", resource_rows[0]),
                         ("The resources per evidence level", resource_rows[1]))}


def practices_context() -> dict[str, Any]:
    """Both editions with their categories or stages, placements (inferred ones marked), the crosswalk."""
    placements = _rows("""SELECT ?edition ?editionTitle ?group ?groupLabel ?position ?practice ?label
       ?inferred ?confidence ?basis ?kind WHERE {
  ?pl a heg:PracticePlacement ; heg:placedPractice ?practice ; heg:placedIn ?group .
  OPTIONAL { ?pl heg:inferred ?inferred } OPTIONAL { ?pl heg:confidence/skos:prefLabel ?confidence }
  OPTIONAL { ?pl heg:basis ?basis }
  ?practice skos:prefLabel ?label ; skos:inScheme ?edition . ?edition dcterms:title ?editionTitle .
  ?group skos:prefLabel ?groupLabel ; a ?kindClass . VALUES (?kindClass ?kind) {
    (heg:PracticeCategory "category") (heg:PracticeStage "stage") }
  OPTIONAL { ?group schema:position ?position } } ORDER BY ?practice ?group""")
    case_rows = _rows("""SELECT ?practice (COUNT(DISTINCT ?pub) AS ?published)
       (COUNT(DISTINCT ?inf) AS ?inferred) WHERE { ?practice a heg:StrategicPractice .
  OPTIONAL { ?pub heg:advancesPractice ?practice }
  OPTIONAL { ?link a heg:CaseStudyPracticeLink ; heg:linkedPractice ?practice ; heg:inferred true ;
                   heg:linkedCaseStudy ?inf } } GROUP BY ?practice ORDER BY ?practice""")
    cases = {row["practice"]: row for row in case_rows}
    base = get_state().release.base_iri

    def case_counts(practice: str) -> dict[str, Any]:
        """Case studies linked to a practice: published tags and inferred links, counted apart."""
        row = cases.get(practice, {})
        return {"published_cases": int(row.get("published", 0)), "inferred_cases": int(row.get("inferred", 0)),
                "cases_href": "/case-studies?practice=" + practice[len(base) + 3:]}

    unplaced = _rows("""SELECT ?edition ?editionTitle ?practice ?label WHERE {
  ?practice a heg:StrategicPractice ; skos:prefLabel ?label ; skos:inScheme ?edition .
  ?edition dcterms:title ?editionTitle .
  FILTER NOT EXISTS { ?pl heg:placedPractice ?practice } } ORDER BY ?practice""")
    editions: dict[str, dict[str, Any]] = {}
    for row in placements:
        edition = editions.setdefault(row["edition"], {"title": row["editionTitle"], "groups": {},
                                                       "href": _href(row["edition"]), "unplaced": []})
        group = edition["groups"].setdefault(row["group"], {
            "label": row["groupLabel"], "href": _href(row["group"]), "kind": row["kind"],
            "position": int(row.get("position", 99)), "practices": []})
        group["practices"].append({"label": row["label"], "href": _href(row["practice"]),
                                   "inferred": row.get("inferred") == "true",
                                   "confidence": row.get("confidence", ""), "basis": row.get("basis", ""),
                                   **case_counts(row["practice"])})
    for row in unplaced:
        edition = editions.setdefault(row["edition"], {"title": row["editionTitle"], "groups": {},
                                                       "href": _href(row["edition"]), "unplaced": []})
        edition["unplaced"].append({"label": row["label"], "href": _href(row["practice"]),
                                    **case_counts(row["practice"])})
    for edition in editions.values():
        edition["groups"] = sorted(edition["groups"].values(), key=lambda g: (g["position"], g["label"]))
        for group in edition["groups"]:
            group["practices"].sort(key=lambda p: p["label"])
    crosswalk = _rows("""SELECT ?mapping ?old ?oldLabel ?new ?newLabel ?strength ?basis ?inferred WHERE {
  ?mapping a heg:CrosswalkMapping ; heg:mapsFrom ?old ; heg:mapsTo ?new .
  ?old skos:prefLabel ?oldLabel . ?new skos:prefLabel ?newLabel .
  OPTIONAL { ?mapping heg:mappingStrength/skos:prefLabel ?strength } OPTIONAL { ?mapping heg:basis ?basis }
  OPTIONAL { ?mapping heg:inferred ?inferred } } ORDER BY ?oldLabel ?newLabel""")
    for row in crosswalk:
        row.update(href=_href(row["mapping"]), oldHref=_href(row["old"]), newHref=_href(row["new"]))
    ordered = sorted(editions.values(), key=lambda e: e["title"])
    charts, chart_rows = figures.practice_charts()
    return {"editions": ordered, "crosswalk": crosswalk, "charts": charts,
            "cuts": cuts(("The case-study counts per practice for the charts", chart_rows[0]),
                         ("The case-study counts per category and stage", chart_rows[1]),
                         ("The placements of practices in categories and stages", placements),
                         ("The case-study counts per practice", case_rows),
                         ("The practices not placed in a group", unplaced), ("The crosswalk table", crosswalk))}


def organizations_context() -> dict[str, Any]:
    rows = _rows("""SELECT ?org ?name ?kind ?hd (GROUP_CONCAT(DISTINCT ?area; separator="; ") AS ?areas) WHERE {
  ?org a org:Organization . OPTIONAL { ?org skos:prefLabel ?name }
  OPTIONAL { ?org heg:organizationKind/skos:prefLabel ?kind }
  BIND(EXISTS { ?org a heg:HealthDepartment } AS ?hd)
  OPTIONAL { ?org schema:areaServed/schema:name ?area } } GROUP BY ?org ?name ?kind ?hd ORDER BY LCASE(?name)""")
    for row in rows:
        row["href"] = _href(row["org"])
    return {"rows": rows, "cuts": cuts(("The list of organizations", rows))}


def places_context() -> dict[str, Any]:
    rows = _rows("""SELECT ?place ?name ?type ?state ?geoid ?within ?withinName WHERE {
  ?place a schema:AdministrativeArea . OPTIONAL { ?place schema:name ?name }
  OPTIONAL { ?place heg:placeType/skos:prefLabel ?type } OPTIONAL { ?place heg:stateCode ?state }
  OPTIONAL { ?place heg:geoid ?geoid }
  OPTIONAL { ?place schema:containedInPlace ?within . ?within schema:name ?withinName } }
ORDER BY ?state LCASE(?name)""")
    for row in rows:
        row["href"] = _href(row["place"])
        if "within" in row:
            row["withinHref"] = _href(row["within"])
    drawn = usmap.us_map()
    return {"rows": rows, "us_map": MapView(drawn), "cuts": drawn.cuts + cuts(("The list of places", rows))}


def vocabularies_context() -> dict[str, Any]:
    rows = _rows("""SELECT ?scheme ?title ?definition (COUNT(DISTINCT ?concept) AS ?n) WHERE {
  ?scheme a skos:ConceptScheme . OPTIONAL { ?scheme dcterms:title ?title }
  OPTIONAL { ?scheme skos:definition ?definition }
  OPTIONAL { ?concept skos:inScheme ?scheme } FILTER NOT EXISTS { ?scheme a heg:Edition } }
GROUP BY ?scheme ?title ?definition ORDER BY ?title""")
    for row in rows:
        row["href"] = _href(row["scheme"])
    return {"rows": rows, "cuts": cuts(("The list of vocabularies", rows))}


def graph_page(name: str, local: str) -> tuple[str, dict[str, Any]]:
    """The template and context of ``/graph/{name}``, ``/ontology`` and ``/shapes``."""
    release = get_state().release
    graph_iri = release.graphs[name]
    if name == "ontology":
        return _ontology_page(graph_iri, local)
    result = select(f"""SELECT ?s ?type ?typeLabel ?label WHERE {{
  GRAPH <{graph_iri}> {{ ?s a ?type FILTER(isIRI(?s)) }}
  OPTIONAL {{ ?type rdfs:label ?typeLabel }}
  OPTIONAL {{ ?s skos:prefLabel|dcterms:title|schema:name|rdfs:label ?label }} }} ORDER BY ?s ?type""",
                    max_rows=release.triples.get(name, 0) + 1)
    groups: dict[str, dict[str, Any]] = {}
    for row in result.values():
        group = groups.setdefault(row["type"], {"label": row.get("typeLabel") or ld.short(row["type"]),
                                                "items": {}})
        group["items"].setdefault(row["s"], {"label": row.get("label") or label_of(row["s"], {}),
                                             "href": _href(row["s"]), "iri": row["s"]})
    ordered = sorted(({"label": g["label"], "items": sorted(g["items"].values(), key=lambda i: i["label"].lower())}
                      for g in groups.values()), key=lambda g: g["label"].lower())
    return "graph.html", {"name": name, "graph_iri": graph_iri, "local": local, "groups": ordered,
                          "triples": release.triples.get(name, 0), "release": release,
                          "formats": RESOURCE_FORMATS[1:], "cuts": cuts(("The list of this graph's subjects", result))}


def _ontology_page(graph_iri: str, local: str) -> tuple[str, dict[str, Any]]:
    release = get_state().release
    header_triples = ld.describe(release.base_iri + "ontology")
    header = ld.describe_resource(release.base_iri + "ontology", header_triples)
    terms = _rows(f"""SELECT ?term ?kind ?label ?definition ?example ?domain ?range ?super ?inverse WHERE {{
  GRAPH <{graph_iri}> {{
    ?term a ?kind . VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }}
    OPTIONAL {{ ?term rdfs:label ?label }} OPTIONAL {{ ?term skos:definition ?definition }}
    OPTIONAL {{ ?term skos:example ?example }} OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
    OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }}
    OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super FILTER(isIRI(?super)) }}
    OPTIONAL {{ ?term owl:inverseOf ?inverse }} }} }} ORDER BY ?term""")
    graphs = " ".join(f"<{release.graphs[k]}>" for k in ("data", "metadata") if k in release.graphs)
    usage_rows = _rows(f"""SELECT ?t (COUNT(*) AS ?n) (MIN(STR(?x)) AS ?example) WHERE {{
  VALUES ?g {{ {graphs} }} GRAPH ?g {{ {{ ?x a ?t }} UNION {{ ?x ?t ?o }} }} }} GROUP BY ?t ORDER BY ?t""")
    used = {row["t"]: row for row in usage_rows}
    by_term: dict[str, dict[str, Any]] = {}
    for row in terms:
        term = by_term.setdefault(row["term"], {"iri": row["term"], "anchor": row["term"].rsplit("#", 1)[-1],
                                                "kind": "class" if row["kind"].endswith("Class") else "property",
                                                "label": row.get("label", ""), "definition": row.get("definition", ""),
                                                "examples": set(), "domain": set(), "range": set(), "super": set(),
                                                "inverse": set()})
        for key in ("example", "domain", "range", "super", "inverse"):
            if key in row:
                term["examples" if key == "example" else key].add(row[key])
    for term in by_term.values():
        usage = used.get(term["iri"])
        term["count"] = int(usage["n"]) if usage else 0
        term["data_example"] = usage["example"] if usage else ""
        term["data_example_href"] = _href(term["data_example"]) if usage else ""
        for key in ("domain", "range", "super", "inverse"):
            term[key] = [{"iri": v, "text": ld.short(v), "href": _href(v)} for v in sorted(term[key])]
        term["examples"] = sorted(term["examples"])
        term["prefixed"] = ld.short(term["iri"])
    classes = sorted((t for t in by_term.values() if t["kind"] == "class"), key=lambda t: t["anchor"])
    props = sorted((t for t in by_term.values() if t["kind"] == "property"), key=lambda t: t["anchor"])
    return "ontology.html", {"header": header, "classes": classes, "properties": props, "local": local,
                             "formats": RESOURCE_FORMATS[1:], "release": release,
                             "cuts": cuts(("The description of the ontology", header_triples),
                                          ("The list of classes and properties", terms),
                                          ("The counts of how often the data uses each term", usage_rows))}


def catalog_page(name: str, local: str) -> tuple[str, dict[str, Any]]:
    """The template and context of ``/catalog``: the catalog the release carries, and every release here."""
    from_graph = ld.graph_triples(get_state().release.graphs[name])
    catalog = ld.describe_resource(get_state().release.base_iri + "catalog", from_graph)
    return "catalog.html", {"r": catalog, "releases": releases(), "formats": RESOURCE_FORMATS[1:],
                            "cuts": cuts(("The metadata graph this catalog is read from", from_graph))}
