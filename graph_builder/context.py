"""The JSON-LD context we publish: prefixes plus short names for the properties people use most.

English text is the default language (``"@language": "en"``); codes such as GEOIDs are declared
language-free so they stay plain strings; links are declared ``"@type": "@id"`` so they compact to
IRIs. The same context compacts the JSON-LD dump and is published as ``context.jsonld``.
"""

from __future__ import annotations

from typing import Any

from heg_core.namespaces import IRISpace

# term -> (compact IRI, kind); kind: id | text | code | integer | boolean | gYear | date
TERMS: dict[str, tuple[str, str]] = {
    "title": ("dcterms:title", "text"),
    "description": ("dcterms:description", "text"),
    "label": ("skos:prefLabel", "text"),
    "definition": ("skos:definition", "text"),
    "note": ("skos:note", "text"),
    "editorialNote": ("skos:editorialNote", "text"),
    "scopeNote": ("skos:scopeNote", "text"),
    "notation": ("skos:notation", "code"),
    "inScheme": ("skos:inScheme", "id"),
    "topConceptOf": ("skos:topConceptOf", "id"),
    "hasTopConcept": ("skos:hasTopConcept", "id"),
    "member": ("skos:member", "id"),
    "source": ("dcterms:source", "id"),
    "subject": ("dcterms:subject", "id"),
    "spatial": ("dcterms:spatial", "id"),
    "publisher": ("dcterms:publisher", "id"),
    "issued": ("dcterms:issued", "gYear"),
    "isReplacedBy": ("dcterms:isReplacedBy", "id"),
    "url": ("schema:url", "id"),
    "name": ("schema:name", "text"),
    "alternateName": ("schema:alternateName", "code"),
    "position": ("schema:position", "integer"),
    "areaServed": ("schema:areaServed", "id"),
    "containedInPlace": ("schema:containedInPlace", "id"),
    "edition": ("heg:edition", "id"),
    "stageNumber": ("heg:stageNumber", "integer"),
    "publishedPracticeCount": ("heg:publishedPracticeCount", "integer"),
    "actionsComplete": ("heg:actionsComplete", "boolean"),
    "keyAction": ("heg:keyAction", "id"),
    "actionOf": ("heg:actionOf", "id"),
    "placedPractice": ("heg:placedPractice", "id"),
    "placedIn": ("heg:placedIn", "id"),
    "inferred": ("heg:inferred", "boolean"),
    "confidence": ("heg:confidence", "id"),
    "basis": ("heg:basis", "text"),
    "mapsFrom": ("heg:mapsFrom", "id"),
    "mapsTo": ("heg:mapsTo", "id"),
    "mappingStrength": ("heg:mappingStrength", "id"),
    "unverifiedUrl": ("heg:unverifiedUrl", "id"),
    "healthDepartment": ("heg:healthDepartment", "id"),
    "whoTookThisOn": ("heg:whoTookThisOn", "text"),
    "jurisdictionLevel": ("heg:jurisdictionLevel", "id"),
    "advancesPractice": ("heg:advancesPractice", "id"),
    "linkedCaseStudy": ("heg:linkedCaseStudy", "id"),
    "linkedPractice": ("heg:linkedPractice", "id"),
    "evidence": ("heg:evidence", "id"),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "id"),
    "partner": ("heg:partner", "id"),
    "period": ("heg:period", "text"),
    "whatSparkedIt": ("heg:whatSparkedIt", "text"),
    "enablingFactors": ("heg:enablingFactors", "text"),
    "impacts": ("heg:impacts", "text"),
    "advice": ("heg:advice", "text"),
    "notCaptured": ("heg:notCaptured", "text"),
    "inferredProperty": ("heg:inferredProperty", "id"),
    "resourceType": ("heg:resourceType", "id"),
    "supportsPractice": ("heg:supportsPractice", "id"),
    "coversCategory": ("heg:coversCategory", "id"),
    "caseStudy": ("heg:caseStudy", "id"),
    "evidenceLevel": ("heg:evidenceLevel", "id"),
    "organizationKind": ("heg:organizationKind", "id"),
    "placeType": ("heg:placeType", "id"),
    "stateCode": ("heg:stateCode", "code"),
    "geoid": ("heg:geoid", "code"),
    "retiredOn": ("heg:retiredOn", "date"),
}

_DATATYPES = {"integer": "xsd:integer", "boolean": "xsd:boolean", "gYear": "xsd:gYear", "date": "xsd:date"}


def jsonld_context(space: IRISpace) -> dict[str, Any]:
    """The context document (``{"@context": {...}}``) for the IRI space ``space``."""
    context: dict[str, Any] = {"@version": 1.1, "@language": "en", "id": "@id", "type": "@type"}
    context.update(dict(sorted(space.prefixes.items())))
    for term, (curie, kind) in TERMS.items():
        definition: dict[str, Any] = {"@id": curie}
        if kind == "id":
            definition["@type"] = "@id"
        elif kind == "code":
            definition["@language"] = None
        elif kind in _DATATYPES:
            definition["@type"] = _DATATYPES[kind]
        context[term] = definition
    return {"@context": context}
