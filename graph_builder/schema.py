"""What each kind of source record may contain: one table, read by the loader and the checks.

Each kind lists its fields with a type. The types say how a value is normalized (a single URL becomes a
one-item list, a CSV cell ``a;b`` becomes ``["a", "b"]``) and checked. ``ref``/``refs`` fields name the
kind of record they point at; a vocabulary is named ``vocab:<name>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PRACTICE_REF = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+){1,3}([.-][A-Za-z0-9]+)*$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text texts url urls slug int bool year date ref refs version, or nested (sub-records)
    required: bool = False
    target: str = ""  # for ref/refs: the kind of record referred to

    @property
    def is_list(self) -> bool:
        return self.type in {"texts", "urls", "refs", "nested"}


def _f(name: str, type_: str, required: bool = False, target: str = "") -> Field:
    return Field(name, type_, required, target)


COMMON_TAIL = [_f("source", "urls", True), _f("notes", "texts")]

SPECS: dict[str, list[Field]] = {
    "dataset": [
        _f("version", "version", True), _f("title", "text", True), _f("description", "text", True),
        _f("license", "url", True), _f("publisher", "text"), _f("creator", "text"),
        _f("homepage", "url"), _f("source", "urls", True), _f("published_counts", "nested"),
        _f("known_gaps", "texts"), _f("notes", "texts"), _f("keywords", "texts"),
        _f("catalog_title", "text"), _f("catalog_description", "text"), _f("service_title", "text"),
    ],
    "published-count": [
        _f("what", "slug", True), _f("count", "int", True), _f("qualifier", "text", True),
        _f("source", "urls", True),
    ],
    "edition": [
        _f("edition", "slug", True), _f("title", "text", True), _f("description", "text"),
        _f("published_practice_count", "int"), _f("groups", "nested", True),
        _f("practices", "nested", True), *COMMON_TAIL,
    ],
    "group": [
        _f("slug", "slug", True), _f("name", "text", True), _f("kind", "text", True),
        _f("number", "int"), _f("description", "text"), *COMMON_TAIL,
    ],
    "practice": [
        _f("slug", "slug", True), _f("name", "text", True), _f("name_note", "text"),
        _f("description", "text"), _f("url", "url"), _f("group", "ref", target="group"),
        _f("group_inferred", "bool"), _f("group_confidence", "ref", target="vocab:confidence"),
        _f("group_basis", "text"), _f("actions_complete", "bool"), _f("key_actions", "nested"),
        *COMMON_TAIL,
    ],
    "key-action": [
        _f("slug", "slug", True), _f("label", "text", True), _f("note", "text"),
        _f("source", "urls", True),
    ],
    "crosswalk": [
        _f("old", "slug", True), _f("new", "slug", True),
        _f("strength", "ref", target="vocab:mapping-strength"), _f("basis", "text", True),
        _f("source", "urls"),
    ],
    "case-study": [
        _f("title", "text", True), _f("url", "url"), _f("url_unverified", "url"),
        _f("health_departments", "refs", True, "organization"), _f("who_took_this_on", "text"),
        _f("jurisdiction_level", "ref", target="vocab:jurisdiction-level"),
        _f("places", "refs", target="place"), _f("practices", "refs", target="practice"),
        _f("inferred_practices", "nested"),
        _f("topics", "refs", target="vocab:topic"), _f("partners", "refs", target="organization"),
        _f("period", "text"), _f("summary", "text"), _f("what_sparked_it", "text"),
        _f("enabling_factors", "text"), _f("impacts", "text"), _f("advice", "text"),
        _f("confidence", "ref", target="vocab:confidence"), _f("inferred", "texts"),
        _f("not_captured", "texts"), *COMMON_TAIL,
    ],
    "practice-link": [  # an item of a case study's `inferred_practices:` (a curator's classification)
        _f("practice", "ref", True, "practice"), _f("confidence", "ref", True, "vocab:confidence"),
        _f("basis", "text", True), _f("evidence", "urls"), _f("via_crosswalk", "ref", target="practice"),
        _f("notes", "texts"),
    ],
    "resource": [
        _f("slug", "slug", True), _f("title", "text", True),
        _f("publishers", "refs", target="organization"), _f("year", "year"),
        _f("type", "ref", True, "vocab:resource-type"), _f("url", "url"),
        _f("practices", "refs", target="practice"), _f("categories", "refs", target="group"),
        _f("case_study", "ref", target="case-study"), _f("description", "text"),
        _f("evidence", "ref", True, "vocab:evidence-level"), _f("inferred", "texts"),
        _f("confidence", "ref", target="vocab:confidence"), *COMMON_TAIL,
    ],
    "organization": [
        _f("slug", "slug", True), _f("name", "text", True), _f("acronym", "text"), _f("url", "url"),
        _f("kind", "ref", target="vocab:organization-kind"), _f("health_department", "bool"),
        _f("serves", "refs", target="place"), *COMMON_TAIL,
    ],
    "place": [
        _f("slug", "slug", True), _f("name", "text", True), _f("type", "ref", True, "vocab:place-type"),
        _f("state", "text"), _f("geoid", "text", True), _f("within", "ref", target="place"),
        *COMMON_TAIL,
    ],
    "vocabulary": [
        _f("title", "text", True), _f("definition", "text", True), _f("concepts", "nested", True),
    ],
    "concept": [_f("slug", "slug", True), _f("label", "text", True), _f("definition", "text", True)],
    "example": [
        _f("slug", "slug", True), _f("title", "text", True), _f("description", "text", True),
        _f("kind", "text", True), _f("query", "text", True), _f("keywords", "texts"),
        _f("min_rows", "int"), _f("includes", "texts"),
    ],
    "retired": [
        _f("iri_path", "text", True), _f("successor_path", "text"), _f("retired_on", "date", True),
        _f("reason", "text", True),
    ],
}

#: CSV files: kind -> file name.
CSV_FILES = {"crosswalk": "crosswalk.csv", "organization": "organizations.csv", "place": "places.csv",
             "retired": "retired.csv"}

#: The fields a curator may list under ``inferred:``, per kind, and the property (a compact IRI) that
#: ``heg:inferredProperty`` then names. A case study's ``practices`` are not inferable: they are the
#: guide's published tags (heg:advancesPractice), and a curator's classification goes under
#: ``inferred_practices:`` as heg:CaseStudyPracticeLink nodes instead (see docs/data-model.md).
INFERABLE: dict[str, dict[str, str]] = {
    "case-study": {
        "topics": "dcterms:subject", "places": "dcterms:spatial", "period": "heg:period",
        "summary": "dcterms:description", "health_departments": "heg:healthDepartment", "partners": "heg:partner",
        "jurisdiction_level": "heg:jurisdictionLevel",
        "what_sparked_it": "heg:whatSparkedIt", "enabling_factors": "heg:enablingFactors", "impacts": "heg:impacts",
        "advice": "heg:advice", "url": "schema:url", "who_took_this_on": "heg:whoTookThisOn",
    },
    "resource": {
        "publishers": "dcterms:publisher", "year": "dcterms:issued", "type": "heg:resourceType", "url": "schema:url",
        "practices": "heg:supportsPractice", "categories": "heg:coversCategory", "case_study": "heg:caseStudy",
        "description": "dcterms:description",
    },
}

GEOID = re.compile(r"^[0-9]{2}([0-9]{3}|[0-9]{5})?$")


def url_problem(value: str) -> str:
    """Return why ``value`` is not an acceptable web URL, or an empty string if it is."""
    if any(ch.isspace() for ch in value) or any(ch in value for ch in '<>"{}|\\^`'):
        return "contains spaces or characters not allowed in a URL"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"}:
        return "must start with http:// or https://"
    if not parts.hostname or "." not in parts.hostname:
        return "has no valid host name"
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "has a malformed port"
    return ""
