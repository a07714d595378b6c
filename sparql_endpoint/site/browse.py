"""Listings for the browse pages: SPARQL built from validated filter values, run through the Store.

Filter values arrive as paths under ``id/`` (``topic/housing``, ``practice/2017/allocate-resources``) or
as a two-letter state code; each is checked against a pattern for its facet before it becomes an IRI
(through :func:`~sparql_endpoint.linked_data.iris.iri_ref`) or a literal (through
:func:`~sparql_endpoint.linked_data.iris.string_literal`). Free
search text only ever enters a query as an escaped string literal.

A listing or a search whose answer was cut (the row cap, or the search's own limit, ``SEARCH_LIMIT``) says
so in ``cuts`` (:class:`~sparql_endpoint.reads.Cut`), which the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..errors import BadRequest
from ..linked_data.iris import iri_ref, local_path, string_literal
from ..linked_data.resource import Link
from ..reads import Cut, cuts, next_rows, select, standalone
from ..state import get_state

TEXT_PROPERTIES = "dcterms:title dcterms:description skos:prefLabel skos:definition schema:name"
_LABEL = "OPTIONAL { ?{v} skos:prefLabel|dcterms:title|schema:name ?{v}Label }"


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    pattern: str  # what a value must look like
    where: str  # graph pattern; {value} is the checked IRI or literal, ?item the listed entity
    options: str  # SELECT ?value ?label (value: an IRI under id/ or a code)
    is_code: bool = False  # the value is a literal code, not an IRI

    def value(self, raw: str, base: str) -> str:
        """The checked value as a SPARQL term (an IRI of our space, or a string literal)."""
        if not re.fullmatch(self.pattern, raw):
            raise BadRequest(f"{self.param}={raw!r} is not a valid {self.label.lower()} filter.",
                             hint="Pick a value from the form's list (or remove the parameter).")
        return string_literal(raw) if self.is_code else iri_ref(base + "id/" + raw, base)

    def clause(self, value: str, relate: Callable[[str, str], str]) -> str:
        """The filter's graph pattern; ``relate(practice, tag)`` says how an item is linked to a practice."""
        return self.where.format(value=value, link_value=relate(value, "p"), link_fp=relate("?fp", "c"))


_SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
PRACTICE = Facet("practice", "Practice", rf"practice/{_SLUG}/{_SLUG}", "{link_value}",
                 "SELECT ?value ?label ?group WHERE { ?value a heg:StrategicPractice ; skos:prefLabel ?label ; "
                 "skos:inScheme/dcterms:title ?group }")
CATEGORY = Facet("category", "Category or stage", rf"(category|stage)/{_SLUG}",
                 "{{ ?item heg:coversCategory {value} }} UNION "
                 "{{ {link_fp} ?fpl heg:placedPractice ?fp ; heg:placedIn {value} }}",
                 "SELECT ?value ?label ?group WHERE { ?value a ?kind ; skos:prefLabel ?label ; "
                 "heg:edition/dcterms:title ?group . VALUES ?kind { heg:PracticeCategory heg:PracticeStage } }")
TOPIC = Facet("topic", "Topic", rf"topic/{_SLUG}", "?item dcterms:subject {value} .",
              "SELECT DISTINCT ?value ?label WHERE { ?x a heg:CaseStudy ; dcterms:subject ?value . "
              "?value skos:prefLabel ?label }")
TYPE = Facet("type", "Type", rf"resource-type/{_SLUG}", "?item heg:resourceType {value} .",
             "SELECT DISTINCT ?value ?label WHERE { ?x heg:resourceType ?value . ?value skos:prefLabel ?label }")
JURISDICTION = Facet("level", "Jurisdiction level", rf"jurisdiction-level/{_SLUG}", "?item heg:jurisdictionLevel {value} .",
                     "SELECT DISTINCT ?value ?label WHERE { ?x heg:jurisdictionLevel ?value . "
                     "?value skos:prefLabel ?label }")
EVIDENCE = Facet("evidence", "Evidence level", rf"evidence-level/{_SLUG}", "?item heg:evidenceLevel {value} .",
                 "SELECT DISTINCT ?value ?label WHERE { ?x heg:evidenceLevel ?value . ?value skos:prefLabel ?label }")


def _state_facet(path_to_place: str, listed_class: str) -> Facet:
    return Facet("state", "State", r"[A-Z]{2}", f"?item {path_to_place} ?fplace . ?fplace heg:stateCode {{value}} .",
                 f"SELECT DISTINCT ?value ?label WHERE {{ ?x a {listed_class} ; {path_to_place} ?pl . "
                 "?pl heg:stateCode ?value . OPTIONAL { ?st heg:stateCode ?value ; "
                 "heg:placeType/skos:notation \"state\" ; schema:name ?label } }", is_code=True)


@dataclass(frozen=True)
class Listing:
    """A browsable, filterable list of one class."""

    key: str
    title: str
    item_class: str
    facets: tuple[Facet, ...]
    practice_links: dict[str, str]  # link mode -> pattern linking {item} to {practice} ({tag}: unique names)
    summary: str  # the property shown under each title
    extra: str = ""  # a pattern binding ?extra, shown after the title

    def relate(self, mode: str) -> Callable[[str, str], str]:
        pattern = self.practice_links[mode]
        return lambda practice, tag: "{ " + pattern.format(item="?item", practice=practice, tag=tag) + " }"


#: ``links=`` -> what counts as a link between an item and a practice. The guide's own practice tags were
#: not captured (docs/curating.md), so "all" (the default) adds the curators' inferred links, marked as such.
LINK_MODES = {"all": "published and inferred links", "published": "published links only"}

#: case study -> practice: the guide's tag (a direct triple), or a curator's inferred link (a qualified node)
CASE_STUDY_LINKS = {
    "published": "{item} heg:advancesPractice {practice} .",
    "all": ("{{ {item} heg:advancesPractice {practice} }} UNION "
            "{{ ?link{tag} a heg:CaseStudyPracticeLink ; heg:linkedCaseStudy {item} ; heg:linkedPractice {practice} }}"),
}
#: resource -> practice: published unless the resource names the link among its inferred fields
RESOURCE_LINKS = {
    "published": "{item} heg:supportsPractice {practice} . FILTER NOT EXISTS {{ {item} heg:inferredProperty heg:supportsPractice }}",
    "all": "{item} heg:supportsPractice {practice} .",
}


LISTINGS: dict[str, Listing] = {
    "case-studies": Listing(
        "case-studies", "Case studies", "heg:CaseStudy",
        (PRACTICE, CATEGORY, _state_facet("dcterms:spatial", "heg:CaseStudy"), TOPIC, JURISDICTION),
        CASE_STUDY_LINKS, "dcterms:description",
        "OPTIONAL { ?item heg:whoTookThisOn ?extra }"),
    "resources": Listing(
        "resources", "Resources", "heg:Resource",
        (PRACTICE, CATEGORY, _state_facet("dcterms:publisher/schema:areaServed", "heg:Resource"), TYPE, EVIDENCE),
        RESOURCE_LINKS, "dcterms:description",
        "OPTIONAL { ?item heg:resourceType/skos:prefLabel ?extra }"),
}


@dataclass
class Item:
    link: Link
    summary: str
    extra: str
    inferred_link: bool = False  # it matches the practice filter only through an inferred link


@dataclass
class Option:
    value: str
    label: str
    group: str
    selected: bool


@dataclass
class FacetView:
    facet: Facet
    options: list[Option]
    selected: str


@dataclass
class ListingView:
    listing: Listing
    items: list[Item]
    facets: list[FacetView]
    query_text: str
    filtered: bool
    notes: list[str] = field(default_factory=list)
    links: str = "all"  # the link mode (LINK_MODES)
    practice_filtered: bool = False  # a practice, category or stage filter is set
    cuts: list[Cut] = field(default_factory=list)  # answers of the page that were cut


def _id_value(iri: str, base: str) -> str:
    return iri[len(base) + 3:] if iri.startswith(base + "id/") else iri


def listing(key: str, args: Mapping[str, str]) -> ListingView:
    """One listing filtered by ``args`` (facet parameters and ``q``)."""
    spec = LISTINGS[key]
    base = get_state().release.base_iri
    mode = (args.get("links") or "all").strip()
    if mode not in LINK_MODES:
        raise BadRequest(f"links={mode!r} is not a link mode.",
                         hint="Use links=all (published and inferred practice links) or links=published.")
    clauses, published = [], ""
    for facet in spec.facets:
        raw = (args.get(facet.param) or "").strip()
        if raw:
            value = facet.value(raw, base)
            clauses.append(facet.clause(value, spec.relate(mode)))
            if facet is PRACTICE:  # does the item match through a published link as well?
                published = f"BIND(EXISTS {spec.relate('published')(value, 'x')} AS ?published)"
    text = (args.get("q") or "").strip()
    if text:
        clauses.append(search_filter("?item", text))
    query = f"""SELECT ?item ?itemLabel ?summary ?extra ?published WHERE {{
  ?item a {spec.item_class} .
  {_LABEL.replace('{v}', 'item')}
  OPTIONAL {{ ?item {spec.summary} ?summary }}
  {spec.extra}
  {' '.join(clauses)}
  {published}
}} ORDER BY LCASE(STR(?itemLabel)) ?item"""
    items: dict[str, Item] = {}
    found = select(query)
    for row in found:
        iri = row["item"].value
        if iri not in items:
            label = row["itemLabel"].value if "itemLabel" in row else iri
            items[iri] = Item(Link(iri, label, local_path(iri, base)),
                              row["summary"].value if "summary" in row else "",
                              row["extra"].value if "extra" in row else "",
                              "published" in row and row["published"].value == "false")
    facets = []
    cut_options = []
    for facet in spec.facets:
        chosen = (args.get(facet.param) or "").strip()
        options = []
        choices = select((facet.options.replace("?x a heg:CaseStudy", f"?x a {spec.item_class}")
                          if facet is TOPIC else facet.options) + " ORDER BY ?value")
        cut_options.append((f"The choices of the {facet.label.lower()} filter", choices))
        for row in choices:
            value = row["value"].value if facet.is_code else _id_value(row["value"].value, base)
            label = row["label"].value if "label" in row else value
            options.append(Option(value, label, row["group"].value if "group" in row else "", value == chosen))
        options.sort(key=lambda o: (o.group, o.label.lower()))
        unique = {o.value: o for o in options}
        facets.append(FacetView(facet, list(unique.values()), chosen))
    practice_filtered = any((args.get(f.param) or "").strip() for f in (PRACTICE, CATEGORY))
    return ListingView(spec, list(items.values()), facets, text, bool(clauses) or mode != "all", links=mode,
                       practice_filtered=practice_filtered,
                       cuts=cuts((f"The list of {spec.title.lower()}", found), *cut_options))


def search_filter(variable: str, text: str) -> str:
    """A FILTER matching ``variable`` whose title, label, name or description contains ``text``."""
    literal = string_literal(text)
    return (f"FILTER EXISTS {{ {variable} ?searchProperty ?searchText . "
            f"VALUES ?searchProperty {{ {TEXT_PROPERTIES} }} "
            f"FILTER(CONTAINS(LCASE(STR(?searchText)), LCASE({literal}))) }}")


@dataclass
class Hit:
    link: Link
    kind: str
    snippet: str


class Hits(list[Hit]):
    """The hits of a search, with ``cuts``: the search stopped at its own limit or at the row cap."""

    def __init__(self, hits: list[Hit], cut: list[Cut]) -> None:
        super().__init__(hits)
        self.cuts = cut


def search(text: str) -> Hits:
    """Entities of the data graph whose titles, labels, names or descriptions contain ``text``: the first
    ``SEARCH_LIMIT`` rows of the answer (one more is asked for, to know whether the search stopped there)."""
    state = get_state()
    release = state.release
    base = release.base_iri
    limit = state.config["SEARCH_LIMIT"]
    query = f"""SELECT ?item ?itemLabel ?typeLabel ?snippet WHERE {{
  GRAPH <{release.graphs['data']}> {{ ?item a ?type . {search_filter('?item', text)} }}
  {_LABEL.replace('{v}', 'item')}
  OPTIONAL {{ ?type rdfs:label ?typeLabel }}
  OPTIONAL {{ ?item dcterms:description|skos:definition ?snippet }}
}} ORDER BY LCASE(STR(?itemLabel)) ?item"""
    rows = select(f"{query} LIMIT {limit + 1}")
    cut = None
    if rows.cut is not None or len(rows) > limit:  # the rest: the same query without the search's limit
        whole = standalone(query)
        stop, by = (rows.cut.limit, "cap") if rows.cut is not None else (limit, "limit")
        cut = Cut(stop, whole, next_rows(whole, stop), by=by)
    hits: dict[str, Hit] = {}
    for row in rows[:limit]:
        iri = row["item"].value
        hit = hits.get(iri)
        kind = row["typeLabel"].value if "typeLabel" in row else ""
        if hit is None:
            label = row["itemLabel"].value if "itemLabel" in row else iri
            hits[iri] = Hit(Link(iri, label, local_path(iri, base)), kind,
                            row["snippet"].value if "snippet" in row else "")
        elif kind and not hit.kind:
            hit.kind = kind
    return Hits(list(hits.values()), cuts(("The search results", cut)))
