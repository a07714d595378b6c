"""The ontology (ontology/heg.ttl): header, declarations, labels and definitions, and agreement with the
data-model contract (docs/data-model.md) and the shapes (shapes/heg-shapes.ttl)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS

from heg_core.namespaces import HEG, SCHEMA

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "heg.ttl"
SHAPES_FILE = ROOT / "shapes" / "heg-shapes.ttl"
DATA_MODEL = ROOT / "docs" / "data-model.md"

ONTOLOGY_IRI = URIRef("https://w3id.org/health-equity-guide/ontology")
VERSION_IRI = URIRef("https://w3id.org/health-equity-guide/ontology/0.2.0")
VANN = Namespace("http://purl.org/vocab/vann/")
# a plain Namespace: pytest's collection probes module attributes, and rdflib's closed XSD warns on that
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}

#: every term the contract names, with its OWL type
EXPECTED_TYPES: dict[str, URIRef] = {
    **{
        name: OWL.Class
        for name in (
            "Edition PracticeCategory PracticeStage StrategicPractice KeyAction PracticePlacement "
            "CrosswalkMapping CaseStudyPracticeLink CaseStudy Resource HealthDepartment RetiredResource "
            "PracticeLinkCoverage"
        ).split()
    },
    **{
        name: OWL.ObjectProperty
        for name in (
            "edition keyAction actionOf placedPractice placedIn confidence mapsFrom mapsTo mappingStrength "
            "unverifiedUrl healthDepartment jurisdictionLevel advancesPractice partner inferredProperty "
            "resourceType supportsPractice coversCategory caseStudy evidenceLevel organizationKind placeType "
            "linkedCaseStudy linkedPractice evidence"
        ).split()
    },
    **{
        name: OWL.DatatypeProperty
        for name in (
            "publishedPracticeCount stageNumber actionsComplete inferred basis whoTookThisOn period whatSparkedIt "
            "enablingFactors impacts advice notCaptured stateCode geoid retiredOn"
        ).split()
    },
}

#: (subject, predicate, object) axioms the contract and the reuse plan require
EXPECTED_AXIOMS = [
    (HEG.Edition, RDFS.subClassOf, SKOS.ConceptScheme),
    (HEG.PracticeCategory, RDFS.subClassOf, SKOS.Collection),
    (HEG.PracticeStage, RDFS.subClassOf, SKOS.Collection),
    (HEG.StrategicPractice, RDFS.subClassOf, SKOS.Concept),
    (HEG.CaseStudy, RDFS.subClassOf, SCHEMA.Article),
    (HEG.Resource, RDFS.subClassOf, SCHEMA.CreativeWork),
    (HEG.HealthDepartment, RDFS.subClassOf, ORG.Organization),
    (HEG.HealthDepartment, RDFS.subClassOf, SCHEMA.GovernmentOrganization),
    (HEG.PracticePlacement, RDFS.subClassOf, PROV.Entity),
    (HEG.CrosswalkMapping, RDFS.subClassOf, PROV.Entity),
    (HEG.CaseStudyPracticeLink, RDFS.subClassOf, PROV.Entity),
    (HEG.linkedCaseStudy, RDFS.range, HEG.CaseStudy),
    (HEG.linkedPractice, RDFS.range, HEG.StrategicPractice),
    (HEG.evidence, RDFS.subPropertyOf, DCTERMS.source),
    (HEG.keyAction, OWL.inverseOf, HEG.actionOf),
    (HEG.healthDepartment, RDFS.range, HEG.HealthDepartment),
    (HEG.advancesPractice, RDFS.range, HEG.StrategicPractice),
    (HEG.supportsPractice, RDFS.range, HEG.StrategicPractice),
    (HEG.inferred, RDFS.range, XSD.boolean),
    (HEG.geoid, RDFS.range, XSD.string),
    (HEG.stateCode, RDFS.range, XSD.string),
    (HEG.stageNumber, RDFS.range, XSD.integer),
    (HEG.publishedPracticeCount, RDFS.range, XSD.integer),
    (HEG.actionsComplete, RDFS.range, XSD.boolean),
]


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


def heg_terms(graph: Graph) -> set[URIRef]:
    """Every heg: IRI mentioned anywhere in a graph."""
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(HEG))}


def declared(ontology: Graph) -> set[URIRef]:
    return {s for t in OWL_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}


def test_ontology_header(ontology: Graph) -> None:
    assert set(ontology.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    o = ONTOLOGY_IRI
    assert ontology.value(o, OWL.versionIRI) == VERSION_IRI
    assert str(ontology.value(o, OWL.versionInfo)) == str(VERSION_IRI).rsplit("/", 1)[1]
    assert ontology.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(ontology.value(o, DCTERMS.creator)) == "Health Equity Guide knowledge graph curators"
    for p in (DCTERMS.title, DCTERMS.description):
        value = ontology.value(o, p)
        assert isinstance(value, Literal) and value.language == "en", p
    assert str(ontology.value(o, VANN.preferredNamespacePrefix)) == "heg"
    assert str(ontology.value(o, VANN.preferredNamespaceUri)) == str(HEG)
    assert (o, RDFS.seeAlso, URIRef("https://healthequityguide.org/")) in ontology


def test_no_blank_nodes(ontology: Graph) -> None:
    blanks = [t for t in ontology if any(isinstance(x, BNode) for x in t)]
    assert not blanks, f"the ontology must have no blank nodes: {blanks[:5]}"


def test_only_heg_terms_are_declared(ontology: Graph) -> None:
    foreign = sorted(str(t) for t in declared(ontology) if not str(t).startswith(str(HEG)))
    assert not foreign, f"the ontology declares terms outside heg: {foreign}"


def test_controlled_vocabularies_are_data_not_ontology(ontology: Graph) -> None:
    for cls in (SKOS.Concept, SKOS.ConceptScheme, SKOS.Collection):
        assert not list(ontology.subjects(RDF.type, cls)), f"vocabulary concepts belong in data/, not the ontology ({cls})"


@pytest.mark.parametrize("name", sorted(EXPECTED_TYPES))
def test_contract_term_has_owl_type(ontology: Graph, name: str) -> None:
    types = set(ontology.objects(HEG[name], RDF.type)) & OWL_TYPES
    assert types == {EXPECTED_TYPES[name]}, f"heg:{name} should be {EXPECTED_TYPES[name]}, is {types or 'undeclared'}"


def test_every_term_in_the_data_model_is_declared(ontology: Graph) -> None:
    used = {HEG[n] for n in re.findall(r"\bheg:([A-Za-z][A-Za-z0-9]*)", DATA_MODEL.read_text(encoding="utf-8"))}
    assert used, "no heg: terms found in docs/data-model.md"
    missing = sorted(str(t) for t in used - declared(ontology))
    assert not missing, f"terms in docs/data-model.md missing from the ontology: {missing}"


def test_every_term_in_the_shapes_is_declared(ontology: Graph) -> None:
    used = heg_terms(Graph().parse(SHAPES_FILE))
    assert used, "no heg: terms found in the shapes"
    missing = sorted(str(t) for t in used - declared(ontology))
    assert not missing, f"terms used in shapes/heg-shapes.ttl missing from the ontology: {missing}"


def test_every_heg_term_mentioned_in_the_ontology_is_declared(ontology: Graph) -> None:
    missing = sorted(str(t) for t in heg_terms(ontology) - declared(ontology))
    assert not missing, f"heg: terms used but not declared: {missing}"


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_one_english_label_and_definition(ontology: Graph, predicate: URIRef) -> None:
    terms = declared(ontology)
    assert terms
    bad = [
        str(t)
        for t in sorted(terms)
        if [v.language for v in ontology.objects(t, predicate) if isinstance(v, Literal)] != ["en"]
    ]
    assert not bad, f"terms without exactly one {predicate}@en: {bad}"


@pytest.mark.parametrize("axiom", EXPECTED_AXIOMS, ids=lambda a: f"{a[0].split('#')[-1]}-{a[2].split('/')[-1]}")
def test_expected_axiom(ontology: Graph, axiom: tuple[URIRef, URIRef, URIRef]) -> None:
    assert axiom in ontology


def test_datatype_and_object_property_ranges_agree(ontology: Graph) -> None:
    literal_ranges = {RDF.langString} | {URIRef(str(XSD) + n) for n in ("string", "boolean", "integer", "date", "gYear")}
    bad = []
    for p in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        bad += [f"{p} -> {r}" for r in ontology.objects(p, RDFS.range) if r not in literal_ranges]
    for p in ontology.subjects(RDF.type, OWL.ObjectProperty):
        bad += [f"{p} -> {r}" for r in ontology.objects(p, RDFS.range) if r in literal_ranges]
    assert not bad, f"ranges that do not fit the property type: {bad}"
