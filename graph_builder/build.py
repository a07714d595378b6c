"""Turn checked source records into the data graph (rdflib), following docs/data-model.md.

Pure: the same records give the same triples. No blank nodes, so dumps are byte-stable. Direct triples
state published facts only; inferred placements, crosswalk links and curators' classifications of case
studies by practice become qualified nodes marked ``heg:inferred true`` (see the "Honesty markers"
section of the data model).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS, XSD

from .checks import CROSSWALK_EDITIONS
from .load import Record, Sources
from heg_core.namespaces import SCHEMA, IRISpace
from .schema import INFERABLE

EN = "en"

GROUP_PATH = {"category": "category", "stage": "stage"}


class GraphBuilder:
    """Accumulates the triples of one data graph."""

    def __init__(self, space: IRISpace) -> None:
        self.space = space
        self.heg = space.heg
        self.graph = space.new_graph()
        self.group_kind: dict[str, str] = {}
        #: entity IRI -> (source file, line), so SHACL results can point back at the sources
        self.origins: dict[URIRef, tuple[Path, int]] = {}

    # -- small helpers -------------------------------------------------------------------------
    def iri(self, *parts: str) -> URIRef:
        return URIRef(self.space.entity(*parts))

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.graph.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value:
            self.graph.add((s, p, Literal(value, lang=EN)))

    def texts(self, s: URIRef, p: URIRef, values: Iterable[str] | None) -> None:
        for value in values or []:
            self.text(s, p, value)

    def code(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value:
            # A plain literal is xsd:string in RDF 1.1; rdflib only equates them when no datatype is given.
            self.graph.add((s, p, Literal(value)))

    def number(self, s: URIRef, p: URIRef, value: int | None) -> None:
        if value is not None:
            self.graph.add((s, p, Literal(value, datatype=XSD.integer)))

    def flag(self, s: URIRef, p: URIRef, value: bool | None) -> None:
        if value is not None:
            self.graph.add((s, p, Literal(bool(value), datatype=XSD.boolean)))

    def links(self, s: URIRef, p: URIRef, values: Iterable[str] | None) -> None:
        for value in values or []:
            self.graph.add((s, p, URIRef(value)))

    def concept(self, vocabulary: str, slug: str | None) -> URIRef | None:
        return self.iri(vocabulary, slug) if slug else None

    def practice(self, ref: str) -> URIRef:
        edition, slug = ref.split("/", 1)
        return self.iri("practice", edition, slug)

    def group(self, slug: str) -> URIRef:
        return self.iri(GROUP_PATH.get(self.group_kind.get(slug, "category"), "category"), slug)

    def provenance(self, s: URIRef, record: Record) -> None:
        self.origins.setdefault(s, (record.file, record.line))
        self.links(s, DCTERMS.source, record.get("source"))
        self.texts(s, SKOS.editorialNote, record.get("notes"))
        self.add(s, self.heg.confidence, self.concept("confidence", record.get("confidence")))
        for name in record.get("inferred", []):
            prefix, local = INFERABLE[record.kind][name].split(":", 1)
            self.add(s, self.heg.inferredProperty, URIRef(self.space.prefixes[prefix] + local))

    # -- entities ------------------------------------------------------------------------------
    def vocabularies(self, sources: Sources) -> None:
        for vocab in sources.of("vocabulary"):
            scheme = self.iri(vocab.key)
            self.origins.setdefault(scheme, (vocab.file, vocab.line))
            self.add(scheme, RDF.type, SKOS.ConceptScheme)
            self.text(scheme, DCTERMS.title, vocab.get("title"))
            self.text(scheme, SKOS.definition, vocab.get("definition"))
        for concept in sources.of("concept"):
            node = self.iri(concept.parent, concept.key)
            scheme = self.iri(concept.parent)
            self.origins.setdefault(node, (concept.file, concept.line))
            self.add(node, RDF.type, SKOS.Concept)
            self.text(node, SKOS.prefLabel, concept.get("label"))
            self.text(node, SKOS.definition, concept.get("definition"))
            self.add(node, SKOS.inScheme, scheme)
            self.add(node, SKOS.topConceptOf, scheme)
            self.add(scheme, SKOS.hasTopConcept, node)
            self.code(node, SKOS.notation, concept.key)

    def editions(self, sources: Sources) -> None:
        heg = self.heg
        for edition in sources.of("edition"):
            node = self.iri("edition", edition.key)
            self.add(node, RDF.type, heg.Edition)
            self.add(node, RDF.type, SKOS.ConceptScheme)
            self.text(node, DCTERMS.title, edition.get("title"))
            self.text(node, DCTERMS.description, edition.get("description"))
            self.number(node, heg.publishedPracticeCount, edition.get("published_practice_count"))
            self.provenance(node, edition)
        for position, group in enumerate(sources.of("group"), start=1):
            self.group_kind[group.key] = group.get("kind", "category")
            node = self.group(group.key)
            cls = heg.PracticeStage if group.get("kind") == "stage" else heg.PracticeCategory
            self.add(node, RDF.type, cls)
            self.add(node, RDF.type, SKOS.Collection)
            self.text(node, SKOS.prefLabel, group.get("name"))
            self.text(node, SKOS.definition, group.get("description"))
            self.add(node, heg.edition, self.iri("edition", group.parent))
            self.number(node, SCHEMA.position, position)
            self.number(node, heg.stageNumber, group.get("number"))
            self.provenance(node, group)
        for practice in sources.of("practice"):
            self._practice(practice)
        positions: dict[str, int] = {}
        for action in sources.of("key-action"):
            positions[action.parent] = positions.get(action.parent, 0) + 1
            self._key_action(action, positions[action.parent])
        for row in sources.of("crosswalk"):
            old, new = row.get("old"), row.get("new")
            node = self.iri("crosswalk", f"{old}--{new}")
            self.add(node, RDF.type, heg.CrosswalkMapping)
            self.add(node, heg.mapsFrom, self.iri("practice", CROSSWALK_EDITIONS[0], old))
            self.add(node, heg.mapsTo, self.iri("practice", CROSSWALK_EDITIONS[1], new))
            self.add(node, heg.mappingStrength, self.concept("mapping-strength", row.get("strength")))
            self.text(node, heg.basis, row.get("basis"))
            self.flag(node, heg.inferred, True)
            self.provenance(node, row)

    def _practice(self, practice: Record) -> None:
        heg = self.heg
        edition = practice.parent
        node = self.iri("practice", edition, practice.key)
        scheme = self.iri("edition", edition)
        self.add(node, RDF.type, heg.StrategicPractice)
        self.add(node, RDF.type, SKOS.Concept)
        self.text(node, SKOS.prefLabel, practice.get("name"))
        self.text(node, SKOS.definition, practice.get("description"))
        self.text(node, SKOS.scopeNote, practice.get("name_note"))
        self.add(node, SKOS.inScheme, scheme)
        self.add(node, SKOS.topConceptOf, scheme)
        self.add(scheme, SKOS.hasTopConcept, node)
        self.add(node, SCHEMA.url, URIRef(practice["url"]) if practice.get("url") else None)
        self.flag(node, heg.actionsComplete, practice.get("actions_complete"))
        self.code(node, SKOS.notation, practice.key)
        self.provenance(node, practice)
        group_slug = practice.get("group")
        if group_slug:
            placement = self.iri("placement", edition, practice.key)
            group = self.group(group_slug)
            inferred = bool(practice.get("group_inferred"))
            self.origins.setdefault(placement, (practice.file, practice.line_of("group")))
            self.add(placement, RDF.type, heg.PracticePlacement)
            self.add(placement, heg.placedPractice, node)
            self.add(placement, heg.placedIn, group)
            self.flag(placement, heg.inferred, inferred)
            self.add(placement, heg.confidence, self.concept("confidence", practice.get("group_confidence")))
            self.text(placement, heg.basis, practice.get("group_basis"))
            self.links(placement, DCTERMS.source, practice.get("source"))
            if not inferred:
                self.add(group, SKOS.member, node)

    def _key_action(self, action: Record, position: int) -> None:
        heg = self.heg
        edition, practice_slug = action.parent.split("/", 1)
        practice = self.iri("practice", edition, practice_slug)
        node = self.iri("key-action", edition, practice_slug, action.key)
        self.origins.setdefault(node, (action.file, action.line))
        self.add(node, RDF.type, heg.KeyAction)
        self.text(node, SKOS.prefLabel, action.get("label"))
        self.text(node, SKOS.note, action.get("note"))
        self.number(node, SCHEMA.position, position)
        self.add(node, heg.actionOf, practice)
        self.add(practice, heg.keyAction, node)
        self.links(node, DCTERMS.source, action.get("source"))

    def case_studies(self, sources: Sources) -> None:
        heg = self.heg
        links: dict[str, list[Record]] = {}
        for link in sources.of("practice-link"):
            links.setdefault(link.parent, []).append(link)
        pages = {f"{p.parent}/{p.key}": p.get("url") for p in sources.of("practice")}
        for cs in sources.of("case-study"):
            node = self.iri("case-study", cs.key)
            self.add(node, RDF.type, heg.CaseStudy)
            self.add(node, RDF.type, SCHEMA.Article)
            self.text(node, DCTERMS.title, cs.get("title"))
            self.add(node, SCHEMA.url, URIRef(cs["url"]) if cs.get("url") else None)
            self.add(node, heg.unverifiedUrl, URIRef(cs["url_unverified"]) if cs.get("url_unverified") else None)
            self.links(node, heg.healthDepartment, [self.iri("organization", s) for s in cs.get("health_departments", [])])
            self.text(node, heg.whoTookThisOn, cs.get("who_took_this_on"))
            self.add(node, heg.jurisdictionLevel, self.concept("jurisdiction-level", cs.get("jurisdiction_level")))
            self.links(node, DCTERMS.spatial, [self.iri("place", s) for s in cs.get("places", [])])
            self.links(node, heg.advancesPractice, [self.practice(p) for p in cs.get("practices", [])])
            self.links(node, DCTERMS.subject, [self.iri("topic", t) for t in cs.get("topics", [])])
            self.links(node, heg.partner, [self.iri("organization", s) for s in cs.get("partners", [])])
            self.text(node, heg.period, cs.get("period"))
            self.text(node, DCTERMS.description, cs.get("summary"))
            self.text(node, heg.whatSparkedIt, cs.get("what_sparked_it"))
            self.text(node, heg.enablingFactors, cs.get("enabling_factors"))
            self.text(node, heg.impacts, cs.get("impacts"))
            self.text(node, heg.advice, cs.get("advice"))
            self.texts(node, heg.notCaptured, cs.get("not_captured"))
            self.provenance(node, cs)
            for ref in cs.get("practices", []):
                self._practice_link(node, cs, ref, None, None)
            for link in links.get(cs.key, []):
                self._practice_link(node, cs, link["practice"], link, pages.get(link["practice"]))

    def _practice_link(self, case: URIRef, cs: Record, ref: str, link: Record | None, page: str | None) -> None:
        """The qualified node of one case-study/practice link: published (a tag in `practices:`, also
        stated as the direct heg:advancesPractice triple) when ``link`` is None, otherwise a curator's
        classification from `inferred_practices:` (never a direct triple). Both share one IRI, so
        replacing an inferred link with the published tag keeps the link's address."""
        heg = self.heg
        edition, slug = ref.split("/", 1)
        node = self.iri("practice-link", cs.key, edition, slug)
        self.origins.setdefault(node, (cs.file, link.line if link else cs.line_of("practices")))
        self.add(node, RDF.type, heg.CaseStudyPracticeLink)
        self.add(node, heg.linkedCaseStudy, case)
        self.add(node, heg.linkedPractice, self.practice(ref))
        self.flag(node, heg.inferred, link is not None)
        self.links(node, DCTERMS.source, cs.get("source"))  # the case study's pages, where its text was read
        if link is None:
            return
        self.add(node, heg.confidence, self.concept("confidence", link.get("confidence")))
        self.text(node, heg.basis, link.get("basis"))
        self.add(node, DCTERMS.source, URIRef(page) if page else None)  # the practice's page
        self.links(node, heg.evidence, link.get("evidence"))
        self.links(node, DCTERMS.source, link.get("evidence"))
        self.texts(node, SKOS.editorialNote, link.get("notes"))
        via = link.get("via_crosswalk")
        if via:
            self.add(node, PROV.wasDerivedFrom, self.iri("crosswalk", f"{via.split('/', 1)[1]}--{slug}"))

    def resources(self, sources: Sources) -> None:
        heg = self.heg
        for res in sources.of("resource"):
            node = self.iri("resource", res.key)
            self.add(node, RDF.type, heg.Resource)
            self.add(node, RDF.type, SCHEMA.CreativeWork)
            self.text(node, DCTERMS.title, res.get("title"))
            self.links(node, DCTERMS.publisher, [self.iri("organization", s) for s in res.get("publishers", [])])
            if res.get("year") is not None:
                self.add(node, DCTERMS.issued, Literal(f"{res['year']:04d}", datatype=XSD.gYear))
            self.add(node, heg.resourceType, self.concept("resource-type", res.get("type")))
            self.add(node, SCHEMA.url, URIRef(res["url"]) if res.get("url") else None)
            self.links(node, heg.supportsPractice, [self.practice(p) for p in res.get("practices", [])])
            self.links(node, heg.coversCategory, [self.group(c) for c in res.get("categories", [])])
            if res.get("case_study"):
                self.add(node, heg.caseStudy, self.iri("case-study", res["case_study"]))
            self.text(node, DCTERMS.description, res.get("description"))
            self.add(node, heg.evidenceLevel, self.concept("evidence-level", res.get("evidence")))
            self.provenance(node, res)

    def organizations(self, sources: Sources) -> None:
        heg = self.heg
        for org in sources.of("organization"):
            node = self.iri("organization", org.key)
            self.add(node, RDF.type, ORG.Organization)
            self.add(node, RDF.type, SCHEMA.Organization)
            if org.get("health_department"):
                self.add(node, RDF.type, heg.HealthDepartment)
                self.add(node, RDF.type, SCHEMA.GovernmentOrganization)
            self.text(node, SKOS.prefLabel, org.get("name"))
            self.text(node, SCHEMA.name, org.get("name"))
            self.code(node, SCHEMA.alternateName, org.get("acronym"))
            self.add(node, SCHEMA.url, URIRef(org["url"]) if org.get("url") else None)
            self.add(node, heg.organizationKind, self.concept("organization-kind", org.get("kind")))
            self.links(node, SCHEMA.areaServed, [self.iri("place", s) for s in org.get("serves", [])])
            self.provenance(node, org)

    def places(self, sources: Sources) -> None:
        heg = self.heg
        for place in sources.of("place"):
            node = self.iri("place", place.key)
            self.add(node, RDF.type, SCHEMA.AdministrativeArea)
            self.text(node, SCHEMA.name, place.get("name"))
            self.text(node, SKOS.prefLabel, place.get("name"))
            self.add(node, heg.placeType, self.concept("place-type", place.get("type")))
            self.code(node, heg.stateCode, place.get("state"))
            self.code(node, heg.geoid, place.get("geoid"))
            if place.get("within"):
                self.add(node, SCHEMA.containedInPlace, self.iri("place", place["within"]))
            self.provenance(node, place)

    def retired(self, sources: Sources) -> None:
        heg = self.heg
        for row in sources.of("retired"):
            node = URIRef(self.space.base + row["iri_path"].lstrip("/"))
            self.add(node, RDF.type, heg.RetiredResource)
            if row.get("successor_path"):
                self.add(node, DCTERMS.isReplacedBy, URIRef(self.space.base + row["successor_path"].lstrip("/")))
            self.add(node, heg.retiredOn, Literal(row["retired_on"], datatype=XSD.date))
            self.text(node, SKOS.editorialNote, row.get("reason"))


def build_graph(sources: Sources, space: IRISpace) -> tuple[Graph, dict[URIRef, tuple[Path, int]]]:
    """Build the data graph from checked sources; also return where each entity was written."""
    builder = GraphBuilder(space)
    builder.vocabularies(sources)
    builder.editions(sources)
    builder.places(sources)
    builder.organizations(sources)
    builder.case_studies(sources)
    builder.resources(sources)
    builder.retired(sources)
    return builder.graph, builder.origins
