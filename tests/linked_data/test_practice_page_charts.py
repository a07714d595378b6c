"""Each practice page charts its own numbers (issue 14): its linked case studies per jurisdiction level,
published and inferred links counted apart, and its inferred links per confidence. The numbers are counted
here independently, in Python, from the links and levels SPARQL reads out of the release's dump."""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape

from support.maps import BASE, PREFIXES
from support.releases import answer_of, dump_store

BROWSER = "text/html,application/xhtml+xml"
LINKS = PREFIXES + """SELECT ?practice ?cs ?inferred ?level ?confidence WHERE {
  ?l a heg:CaseStudyPracticeLink ; heg:linkedPractice ?practice ; heg:linkedCaseStudy ?cs ; heg:inferred ?inferred .
  OPTIONAL { ?cs heg:jurisdictionLevel/skos:prefLabel ?level }
  OPTIONAL { ?l heg:confidence/skos:prefLabel ?confidence } }"""


def bars(html: str, ident: str) -> dict[str, str]:
    """The bar titles of one chart of the page: label -> numbers in words."""
    found = re.search(rf'<figure class="chart" id="{ident}">(.*?)</figure>', html, re.DOTALL)
    if found is None:
        return {}
    titles = re.findall(r'<g class="bar"><title>(.*?)</title>', found.group(1))
    return dict(unescape(t).rsplit(": ", 1) for t in titles)


def test_every_practice_page_charts_what_the_store_holds(client, release) -> None:
    store = dump_store(release.path)
    levels: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    confidence: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in answer_of(store, LINKS):
        practice, cs = row["practice"].value, row["cs"].value
        kind = "inferred" if row["inferred"].value == "true" else "published"
        level = row["level"].value if row["level"] is not None else "level not recorded"
        levels[practice][level][kind].add(cs)
        if kind == "inferred":
            stated = row["confidence"].value if row["confidence"] is not None else "confidence not stated"
            confidence[practice][stated].add(cs)
    practices = [row["p"].value for row in answer_of(store, PREFIXES + "SELECT ?p WHERE { ?p a heg:StrategicPractice }")]
    assert len(practices) > 20 and len(levels) > 5
    charted = 0
    for practice in practices:
        path = "/" + practice[len(BASE):]
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        want_levels = {level: f"{len(kinds['published'])} published, {len(kinds['inferred'])} inferred"
                       for level, kinds in levels.get(practice, {}).items()}
        assert bars(html, "chart-practice-levels") == want_levels, path
        want_confidence = {label: f"{len(cases)} inferred" for label, cases in confidence.get(practice, {}).items()}
        assert bars(html, "chart-practice-confidence") == want_confidence, path
        if want_levels:
            charted += 1
            assert 'fill="url(#chart-practice-levels-hatch)"' in html  # inferred links drawn hatched
        else:
            assert "chart-practice-levels" not in html
    assert charted > 5


def test_the_confidence_chart_reads_high_to_low(client) -> None:
    html = client.get("/id/practice/2017/allocate-resources", headers={"Accept": BROWSER}).get_data(as_text=True)
    order = [label for label in bars(html, "chart-practice-confidence")]
    ranks = {"High": 0, "Medium": 1, "Low": 2}
    assert order and [ranks[o] for o in order] == sorted(ranks[o] for o in order)
