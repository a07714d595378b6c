"""The types and properties the reconciliation service knows: one table each.

Types are our classes (their IRIs are the type ids); properties have prefixed ids (``heg:geoid``,
``dcterms:publisher``), the full IRI is accepted too. ``compare`` says how a query's value is checked
against a candidate's: ``geoid`` (digits, leading zeros optional), ``state`` (a two-letter code or a state's
name), ``entity`` (our IRI, or a name close to the linked entity's name), ``year`` and ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The properties whose values name an entity, best first (the name a candidate is shown with comes first).
NAME_PROPERTIES = ("skos:prefLabel", "dcterms:title", "schema:name", "schema:alternateName")


@dataclass(frozen=True)
class Property:
    id: str  # prefixed: heg:geoid
    name: str
    description: str
    compare: str = "text"  # geoid | state | entity | year | text
    value_type: str = ""  # for entity-valued properties: the key of the type of their values
    weight: float = 0.5  # how much a constraint on it counts against the name (1.0 = as much)


@dataclass(frozen=True)
class EntityType:
    key: str
    curie: str  # the class, prefixed
    name: str
    description: str
    properties: tuple[str, ...]  # ids of PROPERTIES, in the order they are proposed
    generic: frozenset[str] = frozenset()  # words that say little for this type ("department" for a department)


_ORG_WORDS = frozenset({"public", "health", "department", "dept", "division", "services", "service",
                        "commission", "system", "office", "agency"})

PROPERTIES: dict[str, Property] = {p.id: p for p in (
    Property("heg:geoid", "GEOID", "The Census GEOID (FIPS code) of a place: 06 for California, 06001 for "
             "Alameda County", compare="geoid", weight=1.0),
    Property("heg:stateCode", "State", "The two-letter postal code of the state a place is in (CA)", compare="state"),
    Property("heg:placeType", "Place type", "state, county or city", compare="entity"),
    Property("schema:containedInPlace", "Within", "The place this place lies in", compare="entity", value_type="place"),
    Property("heg:organizationKind", "Kind of organization", "government, nonprofit, network, foundation...",
             compare="entity"),
    Property("schema:alternateName", "Acronym", "The organization's acronym or other name"),
    Property("schema:areaServed", "Area served", "The places an organization serves", compare="entity",
             value_type="place"),
    Property("schema:url", "Web page", "The page of the entity on the web"),
    Property("dcterms:publisher", "Publisher", "The organizations that published a resource", compare="entity",
             value_type="organization"),
    Property("dcterms:issued", "Year", "The year a resource was published", compare="year"),
    Property("heg:resourceType", "Resource type", "guide, toolkit, report, training...", compare="entity"),
    Property("heg:evidenceLevel", "Evidence", "How the resource is known to belong to the guide", compare="entity"),
    Property("heg:supportsPractice", "Supports practice", "The strategic practices a resource supports",
             compare="entity", value_type="practice"),
    Property("heg:healthDepartment", "Health department", "The health departments a case study is about",
             compare="entity", value_type="health-department"),
    Property("heg:advancesPractice", "Practices", "The strategic practices a case study advances",
             compare="entity", value_type="practice"),
    Property("heg:linkedPractice", "Practice links", "The strategic practices a case study is linked to, "
             "as the guide tags them or as curators inferred (heg:CaseStudyPracticeLink)", compare="entity",
             value_type="practice"),
    Property("heg:partner", "Partners", "The partner organizations of a case study", compare="entity",
             value_type="organization"),
    Property("dcterms:spatial", "Place", "The places a case study happened in", compare="entity",
             value_type="place"),
    Property("heg:jurisdictionLevel", "Jurisdiction level", "state, county, city or region", compare="entity"),
    Property("skos:inScheme", "Edition", "The edition of the guide a practice belongs to", compare="entity"),
)}

_ORG_PROPS = ("schema:alternateName", "heg:organizationKind", "schema:areaServed", "schema:url")

TYPES: dict[str, EntityType] = {t.key: t for t in (
    EntityType("case-study", "heg:CaseStudy", "Case study", "A health department's story on HealthEquityGuide.org",
               ("heg:healthDepartment", "heg:advancesPractice", "heg:linkedPractice", "dcterms:spatial", "heg:partner",
                "heg:jurisdictionLevel", "schema:url")),
    EntityType("health-department", "heg:HealthDepartment", "Health department",
               "A local or state health department", _ORG_PROPS, _ORG_WORDS),
    EntityType("organization", "org:Organization", "Organization",
               "Any organization the guide names (health departments included)", _ORG_PROPS, _ORG_WORDS),
    EntityType("place", "schema:AdministrativeArea", "Place", "A state, county or city",
               ("heg:geoid", "heg:stateCode", "heg:placeType", "schema:containedInPlace"),
               frozenset({"county", "city", "state"})),
    EntityType("resource", "heg:Resource", "Resource", "A document, tool or training connected with the guide",
               ("dcterms:publisher", "dcterms:issued", "heg:resourceType", "heg:evidenceLevel",
                "heg:supportsPractice", "schema:url")),
    EntityType("practice", "heg:StrategicPractice", "Strategic practice", "A strategic practice of the guide",
               ("skos:inScheme", "schema:url")),
)}


def expand(curie: str, prefixes: dict[str, str]) -> str:
    prefix, _, local = curie.partition(":")
    return prefixes[prefix] + local


def all_property_ids() -> tuple[str, ...]:
    """Every property a candidate read asks for: the names and every property of the table."""
    return tuple(dict.fromkeys((*NAME_PROPERTIES, *PROPERTIES)))
