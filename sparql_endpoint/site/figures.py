"""The charts of the home page and the practices page: the release's own numbers, read with SPARQL
through :func:`~sparql_endpoint.reads.select`, drawn by :mod:`.charts`.

Case studies are linked to practices only by ``heg:CaseStudyPracticeLink`` nodes, each ``heg:inferred``
true or false; the charts count the two apart. A case study counts for a category or stage as published
only when both its link to a practice and that practice's placement in the group are published; else, when
it is linked there at all, as inferred.
"""

from __future__ import annotations

from typing import Any

from ..linked_data.iris import iri_ref, local_path
from ..reads import Values, select
from ..state import get_state
from .charts import Bar, Chart

PER_PRACTICE = """SELECT ?edition ?editionTitle ?practice ?label (COUNT(DISTINCT ?pub) AS ?published)
       (COUNT(DISTINCT ?inf) AS ?inferred) WHERE {
  ?practice a heg:StrategicPractice ; skos:prefLabel ?label ; skos:inScheme ?edition .
  ?edition dcterms:title ?editionTitle .
  OPTIONAL { ?l a heg:CaseStudyPracticeLink ; heg:linkedPractice ?practice ; heg:inferred false ;
                heg:linkedCaseStudy ?pub }
  OPTIONAL { ?m a heg:CaseStudyPracticeLink ; heg:linkedPractice ?practice ; heg:inferred true ;
                heg:linkedCaseStudy ?inf } }
GROUP BY ?edition ?editionTitle ?practice ?label ORDER BY ?editionTitle ?label"""

PER_GROUP = """SELECT ?edition ?editionTitle ?group ?label ?kind ?position (COUNT(DISTINCT ?pub) AS ?published)
       (COUNT(DISTINCT ?inf) AS ?inferred) WHERE {
  ?group a ?kindClass ; skos:prefLabel ?label ; heg:edition ?edition . ?edition dcterms:title ?editionTitle .
  VALUES (?kindClass ?kind) { (heg:PracticeCategory "category") (heg:PracticeStage "stage") }
  OPTIONAL { ?group schema:position ?position }
  OPTIONAL { ?pl a heg:PracticePlacement ; heg:placedIn ?group ; heg:placedPractice ?p ; heg:inferred false .
             ?l a heg:CaseStudyPracticeLink ; heg:linkedPractice ?p ; heg:inferred false ; heg:linkedCaseStudy ?pub }
  OPTIONAL { ?pm a heg:PracticePlacement ; heg:placedIn ?group ; heg:placedPractice ?q .
             ?m a heg:CaseStudyPracticeLink ; heg:linkedPractice ?q ; heg:linkedCaseStudy ?inf .
             FILTER NOT EXISTS { ?po a heg:PracticePlacement ; heg:placedIn ?group ; heg:placedPractice ?r ;
                                     heg:inferred false .
                                 ?lo a heg:CaseStudyPracticeLink ; heg:linkedPractice ?r ; heg:inferred false ;
                                     heg:linkedCaseStudy ?inf } } }
GROUP BY ?edition ?editionTitle ?group ?label ?kind ?position"""

PER_VALUE = """SELECT ?value ?label (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  ?r a heg:Resource . OPTIONAL {{ ?r {prop} ?value . OPTIONAL {{ ?value skos:prefLabel ?label }} }} }}
GROUP BY ?value ?label ORDER BY DESC(?n) ?label"""


def _href(iri: str) -> str:
    return local_path(iri, get_state().release.base_iri) or iri


def _stacked(row: dict[str, str]) -> tuple[tuple[str, int], ...]:
    return (("published", int(row["published"])), ("inferred", int(row["inferred"])))


def practice_charts() -> tuple[list[dict[str, Any]], list[Values]]:
    """Per edition: case studies per practice, and per category or stage; and the answers they came from."""
    practices, groups = select(PER_PRACTICE).values(), select(PER_GROUP).values()
    editions: dict[str, dict[str, Any]] = {}
    for row in practices:
        edition = editions.setdefault(row["edition"], {"title": row["editionTitle"], "practices": [], "groups": []})
        edition["practices"].append(Bar(row["label"], _stacked(row), _href(row["practice"])))
    for row in sorted(groups, key=lambda r: (int(r.get("position", 99)), r["label"])):
        edition = editions.setdefault(row["edition"], {"title": row["editionTitle"], "practices": [], "groups": []})
        edition["groups"].append(Bar(f"{row['label']} ({row['kind']})", _stacked(row), _href(row["group"])))
    for edition in editions.values():
        edition["practices"].sort(key=lambda bar: (-bar.total, bar.label.lower()))
    charts = []
    for i, (iri, edition) in enumerate(sorted(editions.items(), key=lambda kv: kv[1]["title"])):
        title = edition["title"]
        charts.append({"edition": title, "href": _href(iri), "charts": [c for c in (
            Chart(f"groups-{i}", f"Case studies per category or stage: {title}",
                  "Case studies linked to a practice placed in each category or stage; published only when both "
                  "the link and the placement are published", edition["groups"], unit="case studies"),
            Chart(f"practices-{i}", f"Case studies per practice: {title}",
                  "Case studies linked to each practice, by published tags and curators' inferred links",
                  edition["practices"], unit="case studies")) if c.bars]})
    return charts, [practices, groups]


def resource_charts() -> tuple[list[Chart], list[Values]]:
    """Resources per type and per evidence level, and the answers they came from."""
    answers = []
    charts = []
    for key, prop, title, none in (("types", "heg:resourceType", "Resources per type", "no type stated"),
                                   ("evidence", "heg:evidenceLevel", "Resources per evidence level",
                                    "no evidence level stated")):
        rows = select(PER_VALUE.format(prop=prop)).values()
        answers.append(rows)
        bars = [Bar(row.get("label") or (_href(row["value"]) if "value" in row else none),
                    (("count", int(row["n"])),), _href(row["value"]) if "value" in row else "") for row in rows]
        charts.append(Chart(key, title, f"{title}, as the release records them", bars, unit="resources"))
    return charts, answers


COVERAGE_NAMES = {"case-studies": "Case studies", "resources": "Resources",
                  "practices-2017": "Practices, original edition (2017)", "practices-relaunch": "Practices, relaunch"}


def coverage_chart(coverage: list[dict[str, str]]) -> Chart:
    """What the graph holds against the guide's own counts (the home page's coverage rows)."""
    bars = []
    for row in coverage:
        published = int(row["published"]) if row.get("published") else None
        words = (("at least " if row.get("qualifier") == "at-least" else "") + str(published)) if published else ""
        bars.append(Bar(COVERAGE_NAMES.get(row["what"], row["what"].replace("-", " ").capitalize()),
                        (("found", int(row["found"])),), outline=published, outline_text=words))
    return Chart("coverage", "Coverage against the guide's published counts",
                 "How many of each kind this graph holds, against the count the guide itself publishes", bars)


#: One practice's linked case studies per jurisdiction level, published and inferred links counted apart.
PRACTICE_LEVELS = """SELECT ?level ?label (COUNT(DISTINCT ?pub) AS ?published) (COUNT(DISTINCT ?inf) AS ?inferred) WHERE {
  { ?l a heg:CaseStudyPracticeLink ; heg:linkedPractice PRACTICE ; heg:inferred false ; heg:linkedCaseStudy ?pub .
    BIND(?pub AS ?cs) }
  UNION { ?m a heg:CaseStudyPracticeLink ; heg:linkedPractice PRACTICE ; heg:inferred true ; heg:linkedCaseStudy ?inf .
    BIND(?inf AS ?cs) }
  OPTIONAL { ?cs heg:jurisdictionLevel ?level . OPTIONAL { ?level skos:prefLabel ?label } } }
GROUP BY ?level ?label ORDER BY ?label"""

#: One practice's inferred links per confidence the curators gave.
PRACTICE_CONFIDENCE = """SELECT ?confidence ?label (COUNT(DISTINCT ?cs) AS ?n) WHERE {
  ?l a heg:CaseStudyPracticeLink ; heg:linkedPractice PRACTICE ; heg:inferred true ; heg:linkedCaseStudy ?cs .
  OPTIONAL { ?l heg:confidence ?confidence . OPTIONAL { ?confidence skos:prefLabel ?label } } }
GROUP BY ?confidence ?label"""

CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}


def one_practice_charts(iri: str) -> tuple[list[Chart], list[Values]]:
    """A practice page's charts: its case studies per jurisdiction level (published solid, inferred
    hatched) and its inferred links per confidence; none when no case study is linked."""
    practice = iri_ref(iri, get_state().release.base_iri)
    levels = select(PRACTICE_LEVELS.replace("PRACTICE", practice)).values()
    confidence = select(PRACTICE_CONFIDENCE.replace("PRACTICE", practice)).values()
    level_bars = [Bar(row.get("label") or "level not recorded", _stacked(row),
                      _href(row["level"]) if "level" in row else "") for row in levels]
    confidence_rows = sorted(confidence, key=lambda r: (CONFIDENCE_ORDER.get(r.get("label", "").lower(), 9),
                                                        r.get("label", "")))
    confidence_bars = [Bar(row.get("label") or "confidence not stated", (("inferred", int(row["n"])),),
                           _href(row["confidence"]) if "confidence" in row else "") for row in confidence_rows]
    charts = [chart for chart in (
        Chart("practice-levels", "Case studies linked to this practice, per jurisdiction level",
              "Case studies linked to this practice, by the level of their health departments; published links "
              "(the guide's own tags) and curators' inferred links counted apart", level_bars, unit="case studies"),
        Chart("practice-confidence", "Inferred links to this practice, per confidence",
              "Case studies curators linked to this practice, by the confidence they gave the inference",
              confidence_bars, unit="case studies")) if chart.bars]
    return charts, [levels, confidence]
