"""The builder's validation gives exactly pySHACL's results on the shapes as written.

graph_builder.validate hands pySHACL a batched copy of the shapes (property shapes carrying their node
shape's targets) and joins the reports of worker processes itself; these tests compare its report,
byte for byte as the release writes it, with plain ``pyshacl.validate`` on the original shapes.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from graph_builder.dumps import TermConverter, sorted_ntriples, stable_blank_nodes
from graph_builder.pipeline import PipelineResult
from graph_builder.validate import batched_shapes, validate_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
SHAPE_FIXTURES = sorted(FIXTURES.glob("*-valid*.ttl")) + sorted(FIXTURES.glob("*-invalid*.ttl"))
EX = Namespace("https://example.org/")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "shapes" / "heg-shapes.ttl")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "heg.ttl")


def copy_of(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def plain_pyshacl_report(data: Graph, shapes: Graph, ontology: Graph) -> bytes:
    """What the release wrote before: pySHACL on the shapes as written, labelled stably, sorted."""
    _, report, _ = pyshacl.validate(copy_of(data), shacl_graph=copy_of(shapes), ont_graph=copy_of(ontology),
                                    inference="none", allow_warnings=True)
    return sorted_ntriples(stable_blank_nodes(report), TermConverter())


def results_of(report: bytes) -> set[bytes]:
    """The report's lines, less those of the sh:ValidationReport node."""
    lines = set(report.splitlines())
    nodes = {line.split(b" ", 1)[0] for line in lines if line.endswith(b"#ValidationReport> .")}
    assert len(nodes) == 1
    return {line for line in lines if line.split(b" ", 1)[0] not in nodes}


def test_there_are_fixtures_with_results_to_compare() -> None:
    assert len(SHAPE_FIXTURES) > 40
    assert any("-invalid" in f.name for f in SHAPE_FIXTURES)


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_every_shape_fixture_gets_pyshacls_report(fixture: Path, shapes: Graph, ontology: Graph) -> None:
    data = Graph().parse(FIXTURES / "_context.ttl")
    data.parse(fixture, format="turtle")
    expected = plain_pyshacl_report(data, shapes, ontology)
    ours = validate_graph(data, shapes, ontology, workers=1)
    assert results_of(ours.report_ntriples) == results_of(expected)
    # the report node: pySHACL's, except that a violation under a node shape of severity sh:Warning
    # makes it not conform (pySHACL calls that conforming when warnings are allowed)
    conforms = b'#conforms> "true"' in ours.report_ntriples
    assert conforms == ours.conforms == (ours.violations == 0)
    if ours.violations == 0:
        assert ours.report_ntriples == expected
    if "-invalid" in fixture.name:
        assert ours.violations + ours.warnings + ours.infos > 0
        assert len(ours.results) == ours.violations + ours.warnings + ours.infos


def test_the_real_data_gets_pyshacls_report_in_one_process_and_in_three(pipeline_result: PipelineResult) -> None:
    args = (pipeline_result.data, pipeline_result.shapes, pipeline_result.ontology)
    expected = plain_pyshacl_report(*args)
    single = validate_graph(*args, workers=1)
    split = validate_graph(*args, workers=3)
    assert single.warnings > 0  # the real data has gaps: not a comparison of two empty reports
    assert single.report_ntriples == expected
    assert split.report_ntriples == expected
    assert (split.violations, split.warnings, split.infos, split.results) == (
        single.violations, single.warnings, single.infos, single.results)


def test_validation_leaves_its_inputs_as_they_were(pipeline_result: PipelineResult) -> None:
    data, shapes, ontology = (copy_of(g) for g in (pipeline_result.data, pipeline_result.shapes,
                                                   pipeline_result.ontology))
    before = [set(g) for g in (data, shapes, ontology)]
    validate_graph(data, shapes, ontology, workers=1)
    assert [set(g) for g in (data, shapes, ontology)] == before


def test_batched_shapes_move_targets_to_property_shapes_and_leave_nested_ones() -> None:
    shapes = Graph()
    nested, alternative = BNode(), BNode()
    shapes.add((EX.Node, RDF.type, SH.NodeShape))
    shapes.add((EX.Node, SH.targetClass, EX.Thing))
    shapes.add((EX.Node, SH.property, EX.Name))
    shapes.add((EX.Name, SH.path, EX.name))
    shapes.add((EX.Name, SH.minCount, Literal(1)))
    shapes.add((EX.Node, SH["or"], nested))  # an sh:or member with its own sh:property: no targets
    shapes.add((nested, RDF.first, alternative))
    shapes.add((nested, RDF.rest, RDF.nil))
    shapes.add((alternative, SH.property, EX.Label))
    shapes.add((EX.Off, SH.targetClass, EX.Thing))
    shapes.add((EX.Off, SH.deactivated, Literal(True)))
    shapes.add((EX.Off, SH.property, EX.Other))

    batched = batched_shapes(shapes)
    assert (EX.Name, SH.targetClass, EX.Thing) in batched
    assert (EX.Node, SH.property, EX.Name) not in batched
    assert (alternative, SH.property, EX.Label) in batched
    assert (EX.Label, SH.targetClass, None) not in batched
    assert (EX.Off, SH.property, EX.Other) in batched and (EX.Other, SH.targetClass, None) not in batched
    assert (EX.Node, SH.property, EX.Name) in shapes  # the shapes given are not changed


def test_a_property_shape_shared_by_two_node_shapes_reports_each_result_once() -> None:
    shapes = Graph()
    for node, cls in ((EX.A, EX.Thing), (EX.B, EX.Item)):
        shapes.add((node, RDF.type, SH.NodeShape))
        shapes.add((node, SH.targetClass, cls))
        shapes.add((node, SH.property, EX.Name))
    shapes.add((EX.Name, RDF.type, SH.PropertyShape))
    shapes.add((EX.Name, SH.path, EX.name))
    shapes.add((EX.Name, SH.minCount, Literal(1)))
    data = Graph()
    both, thing = URIRef(EX.both), URIRef(EX.thing)
    data.add((both, RDF.type, EX.Thing))
    data.add((both, RDF.type, EX.Item))
    data.add((thing, RDF.type, EX.Thing))
    ours = validate_graph(data, shapes, Graph(), workers=1)
    # pySHACL finds ex:both's result twice (once per node shape); both copies are one node here
    assert results_of(ours.report_ntriples) == results_of(plain_pyshacl_report(data, shapes, Graph()))
    assert ours.violations == 2 and len(ours.results) == 2 and not ours.conforms
