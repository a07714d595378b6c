"""schema.org JSON-LD embedded in pages, for search engines: one entity, or the dataset on the home page.

The markup says only what the graph says: names, descriptions, the guide's page (``sameAs``), the
sources (``isBasedOn``); the script body is escaped so no value can close the ``<script>`` element.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .iris import DCTERMS, SCHEMA, SKOS
from .resource import Resource

#: our class or a reused one -> schema.org type, first match wins
TYPE_MAP: tuple[tuple[str, str], ...] = (
    ("ontology#CaseStudy", "Article"),
    ("ontology#Resource", "CreativeWork"),
    ("ontology#HealthDepartment", "GovernmentOrganization"),
    ("ontology#StrategicPractice", "DefinedTerm"),
    ("ontology#KeyAction", "HowToStep"),
    ("ontology#Edition", "DefinedTermSet"),
    (SCHEMA + "Organization", "Organization"),
    (SCHEMA + "AdministrativeArea", "AdministrativeArea"),
    (SKOS + "ConceptScheme", "DefinedTermSet"),
    (SKOS + "Concept", "DefinedTerm"),
    ("http://www.w3.org/ns/dcat#Dataset", "Dataset"),
    ("http://www.w3.org/ns/dcat#DatasetSeries", "Dataset"),
)


def script(data: dict[str, Any]) -> Markup:
    """``<script type="application/ld+json">`` with ``<``, ``>`` and ``&`` escaped inside the JSON."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def schema_type(resource: Resource) -> str:
    type_iris = [t.iri for t in resource.types]
    for suffix, name in TYPE_MAP:
        if any(t.endswith(suffix) for t in type_iris):
            return name
    return "Thing"


def entity_jsonld(resource: Resource) -> Markup:
    data: dict[str, Any] = {"@context": "https://schema.org/", "@type": schema_type(resource),
                            "@id": resource.iri, "name": resource.label}
    description = resource.first(DCTERMS + "description") or resource.first(SKOS + "definition")
    if description:
        data["description"] = description
    same_as = [v.term.value for v in resource.values(SCHEMA + "url")]
    if same_as:
        data["sameAs"] = same_as
    sources = [v.term.value for v in resource.values(DCTERMS + "source")]
    if sources:
        data["isBasedOn"] = sources
    geoid = resource.heg_values("geoid")
    if geoid:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "US Census GEOID",
                              "value": geoid[0].term.value}
    schemes = [v.term.value for v in resource.values(SKOS + "inScheme")]
    if schemes and data["@type"] == "DefinedTerm":
        data["inDefinedTermSet"] = schemes[0]
    return script(data)


def dataset_jsonld(*, name: str, description: str, url: str, license_iri: str, creator: str, version: str,
                   date_published: str, distributions: list[dict[str, Any]], catalog_url: str,
                   keywords: list[str]) -> Markup:
    """schema.org ``Dataset`` for the home page (what Google Dataset Search reads)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": url, "name": name,
        "description": description, "url": url, "license": license_iri, "version": version,
        "creator": {"@type": "Organization", "name": creator} if creator else None,
        "datePublished": date_published or None, "keywords": keywords, "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", **d} for d in distributions],
        "includedInDataCatalog": {"@type": "DataCatalog", "url": catalog_url},
    }
    return script({k: v for k, v in data.items() if v is not None})
