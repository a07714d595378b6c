"""The map of the United States on the home and places pages: every case study and health department put
on its place, read from the release with SPARQL and drawn on the vendored Census boundaries
(:mod:`.atlas`) by :mod:`.mapsvg`.

Where a mark goes, honestly: a place with a state or county GEOID is drawn on that shape. Census places
(cities, seven-digit GEOIDs) are not in the atlas, so a city is drawn on the place the data says it lies
``within`` (its county, else its state), and the text says so; a place the atlas cannot show at all is
listed as not on the map. No coordinate is invented: a mark starts at the centre of its shape, and marks
that would overlap are moved apart (:func:`spread`) with a line back to that centre.

Colour says the jurisdiction level. A case study's is the one the release records
(``heg:jurisdictionLevel``); a health department has none recorded, so its level is derived from the kind
of places it serves (one state: state; counties: county or multi-county; a city: city; a city and its
county: city-county) and the map says it is derived.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..linked_data.iris import local_path
from ..reads import Cut, Values, cuts, select
from ..state import get_state
from .atlas import Atlas, Shape, atlas

PLACES = """SELECT ?place ?name ?type ?geoid ?within WHERE { ?place a schema:AdministrativeArea .
  OPTIONAL { ?place schema:name ?name } OPTIONAL { ?place heg:placeType/skos:notation ?type }
  OPTIONAL { ?place heg:geoid ?geoid } OPTIONAL { ?place schema:containedInPlace ?within } } ORDER BY ?place"""

ITEMS = """SELECT ?item ?label ?kind ?level ?place WHERE {
  { ?item a heg:CaseStudy . BIND("case-study" AS ?kind) OPTIONAL { ?item dcterms:title ?label }
    OPTIONAL { ?item heg:jurisdictionLevel/skos:notation ?level } OPTIONAL { ?item dcterms:spatial ?place } }
  UNION
  { ?item a heg:HealthDepartment . BIND("health-department" AS ?kind) OPTIONAL { ?item skos:prefLabel ?label }
    OPTIONAL { ?item schema:areaServed ?place } } } ORDER BY ?kind ?item ?place"""

LEVELS = """SELECT ?level ?label WHERE { ?c skos:inScheme <SCHEME> ; skos:notation ?level ; skos:prefLabel ?label }
ORDER BY ?level"""

KINDS = {"case-study": "Case study", "health-department": "Health department"}
PLURALS = {"case-study": "Case studies", "health-department": "Health departments"}
RADIUS = 7.0  # a mark's radius, in the atlas's units (975 across)
GAP = 2.0


@dataclass
class Place:
    iri: str
    name: str
    type: str
    geoid: str
    within: str


@dataclass
class Mark:
    """One mark: an item (case study or health department) drawn on one shape."""

    iri: str
    href: str
    label: str
    kind: str  # a key of KINDS
    level: str  # a jurisdiction level's notation, or ""
    level_label: str
    derived: bool  # the level is derived from the places served, not recorded
    shape: Shape
    places: list[str]  # names of the item's places this mark stands for
    x: float = 0.0
    y: float = 0.0

    @property
    def name(self) -> str:
        """The accessible name: kind, label, level, where."""
        level = f"{self.level_label.lower()} level" + (", derived" if self.derived else "") if self.level else \
            "level not recorded"
        return f"{KINDS[self.kind]}: {self.label} ({level}); {', '.join(self.places)}"

    @property
    def moved(self) -> bool:
        return math.dist((self.x, self.y), self.shape.point) > RADIUS


@dataclass
class Entry:
    """An item in the text alternative: where it is drawn, or why it is not on the map."""

    iri: str
    href: str
    label: str
    kind: str
    level_label: str
    derived: bool
    where: list[str]  # "Boston, drawn on Suffolk County" ...
    missing: str = ""  # why it is not on the map


@dataclass
class UsMap:
    marks: list[Mark]
    states: list[tuple[Shape, bool]]  # every state of the atlas; True when one of our places is in it
    counties: list[Shape]  # the counties our marks are drawn on
    entries: list[Entry]
    levels: list[tuple[str, str]]  # (notation, label) in the vocabulary's order
    cuts: list[Cut] = field(default_factory=list)

    @property
    def state_count(self) -> int:
        return sum(1 for _, has in self.states if has)


def derived_level(types: list[str]) -> str:
    """A health department's level from the kinds of places it serves ("" when they say nothing)."""
    kinds = set(types)
    if kinds == {"state"}:
        return "state"
    if kinds == {"county"}:
        return "county" if len(types) == 1 else "multi-county"
    if kinds == {"city"}:
        return "city"
    if kinds == {"city", "county"}:
        return "city-county"
    return ""


def locate(iri: str, places: dict[str, Place], shapes: Atlas) -> tuple[Shape | None, str]:
    """The shape a place is drawn on and how (``""``: its own shape; else "drawn on <name>"); None: nowhere.

    Its own state or county shape; else the shape of the place it lies within (a city's county or state),
    up the ``within`` chain."""
    seen: set[str] = set()
    current = iri
    while current in places and current not in seen:
        seen.add(current)
        place = places[current]
        shape = shapes.shape(place.geoid) if place.geoid else None
        if shape is not None:
            return shape, "" if current == iri else f"drawn on {place.name or shape.name}"
        current = place.within
    return None, ""


def spread(marks: list[Mark]) -> None:
    """Give every mark a position: its shape's centre, or the nearest free spot on a spiral around it."""
    placed: list[tuple[float, float]] = []
    step = 2 * RADIUS + GAP
    for mark in marks:
        cx, cy = mark.shape.point
        for k in range(2000):
            # Vogel's spiral: evenly spread spots, k-th at radius ~ sqrt(k), golden angle apart
            r, a = step * 0.62 * math.sqrt(k), k * 2.399963
            x, y = cx + r * math.cos(a), cy + r * math.sin(a)
            if all(math.dist((x, y), p) >= step for p in placed):
                break
        mark.x, mark.y = x, y
        placed.append((x, y))


def build_map(places_rows: Values, item_rows: Values, level_rows: Values, base: str, shapes: Atlas) -> UsMap:
    """The map from the three answers (pure: no store, no request)."""
    places = {r["place"]: Place(r["place"], r.get("name", ""), r.get("type", ""), r.get("geoid", ""),
                                r.get("within", "")) for r in places_rows}
    levels = [(r["level"], r["label"]) for r in level_rows]
    level_names = dict(levels)
    items: dict[str, dict[str, object]] = {}
    for row in item_rows:
        item = items.setdefault(row["item"], {"label": row.get("label") or row["item"], "kind": row["kind"],
                                              "level": row.get("level", ""), "places": []})
        if row.get("place") and row["place"] not in item["places"]:  # type: ignore[operator]
            item["places"].append(row["place"])  # type: ignore[union-attr]
    marks: list[Mark] = []
    entries: list[Entry] = []
    for iri, item in items.items():
        kind, label = str(item["kind"]), str(item["label"])
        item_places: list[str] = item["places"]  # type: ignore[assignment]
        level, derived = str(item["level"]), False
        if kind == "health-department" and not level:
            level = derived_level([places[p].type for p in item_places if p in places])
            derived = bool(level)
        href = local_path(iri, base) or iri
        entry = Entry(iri, href, label, kind, level_names.get(level, level), derived, [])
        by_shape: dict[str, Mark] = {}
        for p in item_places:
            name = places[p].name if p in places else p
            shape, how = locate(p, places, shapes)
            if shape is None:
                entry.where.append(f"{name}: not on the map (the atlas has no shape for it)")
                continue
            entry.where.append(f"{name}, {how}" if how else name)
            mark = by_shape.get(shape.geoid)
            if mark is None:
                mark = by_shape[shape.geoid] = Mark(iri, href, label, kind, level, level_names.get(level, level),
                                                    derived, shape, [])
                marks.append(mark)
            mark.places.append(f"{name} ({how})" if how else name)
        if not item_places:
            entry.missing = "no place recorded"
        elif not by_shape:
            entry.missing = "none of its places is in the atlas"
        entries.append(entry)
    marks.sort(key=lambda m: (m.shape.point, m.kind, m.label.lower()))
    spread(marks)
    with_places = {p.geoid[:2] for p in places.values() if p.geoid}
    counties = sorted({m.shape.geoid: m.shape for m in marks if len(m.shape.geoid) == 5}.values(),
                      key=lambda s: s.geoid)
    states = [(shape, geoid in with_places) for geoid, shape in sorted(shapes.states.items())]
    entries.sort(key=lambda e: (e.kind, e.label.lower()))
    return UsMap(marks, states, counties, entries, levels)


def us_map() -> UsMap:
    """The map of the served release: read and laid out once per release."""
    state = get_state()

    def load() -> UsMap:
        base = state.release.base_iri
        answers = (select(PLACES).values(), select(ITEMS).values(),
                   select(LEVELS.replace("SCHEME", base + "id/jurisdiction-level")).values())
        drawn = build_map(*answers, base, atlas())
        drawn.cuts = cuts(("The places of the map", answers[0]), ("The case studies and health departments of "
                                                                  "the map", answers[1]),
                          ("The jurisdiction levels of the map", answers[2]))
        return drawn

    return state.once("us-map", load)
