"""The SHACL shapes, tested with valid/invalid fixture pairs (tests/shapes/).

Every fixture is validated merged with ``tests/shapes/_context.ttl`` (the entities fixtures link to),
the way the builder validates: ``pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
inference="none", allow_warnings=True)``.

- ``<NodeShape>-valid[-<what>].ttl`` must produce no validation result at all.
- ``<NodeShape>-invalid[-<what>].ttl`` starts with ``# expect: heg-shape:<Shape> <Severity>``; the report
  must hold a result from that shape (the node shape or one of its property shapes) with that
  severity, and no result from any other shape unless the fixture lists it on an
  ``# also: heg-shape:<Shape>`` line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
SHAPES_FILE = ROOT / "shapes" / "heg-shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "heg.ttl"
CONTEXT_FILE = FIXTURES / "_context.ttl"

HEG_SHAPE = Namespace("https://w3id.org/health-equity-guide/shapes#")

VALID = sorted(FIXTURES.glob("*-valid*.ttl"))
INVALID = sorted(FIXTURES.glob("*-invalid*.ttl"))

EXPECT_RE = re.compile(r"^#\s*expect:\s*heg-shape:(?P<shape>[\w-]+)\s+(?P<severity>Violation|Warning|Info)\s*$")
ALSO_RE = re.compile(r"^#\s*also:\s*heg-shape:(?P<shape>[\w-]+)\s*$")
FIXTURE_NAME_RE = re.compile(r"^(?P<node>[A-Za-z]+)-(?:valid|invalid)(?:-[\w-]+)?$")


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="session")
def context() -> Graph:
    return Graph().parse(CONTEXT_FILE)


def node_shape_names(shapes: Graph) -> set[str]:
    """Local names of the heg-shape: node shapes."""
    return {
        str(s)[len(str(HEG_SHAPE)) :]
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and str(s).startswith(str(HEG_SHAPE))
    }


def shapes_of(shapes: Graph, node: str) -> set[URIRef]:
    """A node shape and its property shapes."""
    node_iri = HEG_SHAPE[node]
    return {node_iri, *(p for p in shapes.objects(node_iri, SH.property) if isinstance(p, URIRef))}


def validate(data: Graph, shapes: Graph, ontology: Graph) -> list[tuple[URIRef, URIRef, str]]:
    """(source shape, severity, message) of every validation result."""
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    return sorted(
        (report.value(r, SH.sourceShape), report.value(r, SH.resultSeverity), str(report.value(r, SH.resultMessage)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )


def with_context(context: Graph, fixture: Path) -> Graph:
    data = Graph()
    data += context
    data.parse(fixture, format="turtle")
    return data


def header(fixture: Path) -> tuple[tuple[str, str] | None, set[str]]:
    """The fixture's expectation and its acknowledged side effects, from its leading comments."""
    expect, also = None, set()
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if m := EXPECT_RE.match(line):
            expect = (m["shape"], m["severity"])
        elif m := ALSO_RE.match(line):
            also.add(m["shape"])
    return expect, also


def describe(results: list[tuple[URIRef, URIRef, str]]) -> str:
    return "\n".join(f"  {str(s).split('#')[-1]} {str(v).split('#')[-1]}: {m}" for s, v, m in results) or "  (none)"


# --- the fixture set itself ---------------------------------------------------------------------


def test_fixture_lists_are_not_empty() -> None:
    assert VALID, f"no valid fixtures found in {FIXTURES}"
    assert INVALID, f"no invalid fixtures found in {FIXTURES}"


def test_every_node_shape_has_valid_and_invalid_fixtures(shapes: Graph) -> None:
    names = node_shape_names(shapes)
    assert names, "no heg-shape: node shapes found"
    missing = [
        f"{name}: {kind}"
        for name in sorted(names)
        for kind, files in (("valid", VALID), ("invalid", INVALID))
        if not any(f.stem == f"{name}-{kind}" or f.stem.startswith(f"{name}-{kind}-") for f in files)
    ]
    assert not missing, "node shapes without fixtures:\n" + "\n".join(missing)


def test_every_fixture_is_named_after_a_node_shape(shapes: Graph) -> None:
    names = node_shape_names(shapes)
    bad = [f.name for f in VALID + INVALID if not (m := FIXTURE_NAME_RE.match(f.stem)) or m["node"] not in names]
    assert not bad, f"fixtures not named <NodeShape>-valid|invalid[-what].ttl: {bad}"


def test_context_is_clean(shapes: Graph, ontology: Graph, context: Graph) -> None:
    results = validate(context, shapes, ontology)
    assert not results, "tests/shapes/_context.ttl must produce no result:\n" + describe(results)


# --- one case per fixture -----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture(fixture: Path, shapes: Graph, ontology: Graph, context: Graph) -> None:
    results = validate(with_context(context, fixture), shapes, ontology)
    violations = [r for r in results if r[1] == SH.Violation]
    assert not violations, f"{fixture.name} has violations:\n" + describe(violations)
    assert not results, f"{fixture.name} should be clean, but reports:\n" + describe(results)


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture(fixture: Path, shapes: Graph, ontology: Graph, context: Graph) -> None:
    expect, also = header(fixture)
    assert expect, f"{fixture.name} must start with '# expect: heg-shape:<Shape> <Severity>'"
    shape_name, severity = expect
    node = FIXTURE_NAME_RE.match(fixture.stem)["node"]  # type: ignore[index]
    allowed = shapes_of(shapes, node)
    assert HEG_SHAPE[shape_name] in allowed, f"{fixture.name} expects {shape_name}, which is not {node} or one of its property shapes"

    results = validate(with_context(context, fixture), shapes, ontology)
    assert (HEG_SHAPE[shape_name], SH[severity]) in {(s, v) for s, v, _ in results}, (
        f"{fixture.name} should fire {shape_name} ({severity}); it reports:\n" + describe(results)
    )
    expected_shapes = {HEG_SHAPE[shape_name], *(HEG_SHAPE[a] for a in also)}
    stray = [r for r in results if r[0] not in expected_shapes]
    assert not stray, f"{fixture.name} should break only {shape_name}; it also fires:\n" + describe(stray)
    assert all(m and m != "None" for _, _, m in results), f"{fixture.name}: a result has no message"
