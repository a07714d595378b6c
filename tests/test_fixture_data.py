"""The small source folder tests/fixtures/data/ builds with the real pipeline into a valid release.

The fixture is a trimmed copy of data/ (see tests/fixtures/data/README.md). These tests check that it
conforms to the shapes, that its entities are in the graph, that a release of it has the five named
graphs, and that each of its records is still a trimmed copy of a record of data/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from graph_builder.checks import full_key
from graph_builder.load import Record, load_sources
from heg_core.namespaces import DEFAULT_SPACE, SCHEMA
from graph_builder.pipeline import DEFAULT_DATA, Pipeline, PipelineResult, run_pipeline
from graph_builder.release import GRAPH_NAMES, write_release
from graph_builder.schema import SPECS

FIXTURE = Path(__file__).parent / "fixtures" / "data"
HEG = DEFAULT_SPACE.heg
ID = "https://w3id.org/health-equity-guide/id/"

#: Every case study, practice and place of the fixture, with the class it must have in the data graph.
CASE_STUDIES = [
    ID + "case-study/alameda-county-advances-equitable-housing-policies",
    ID + "case-study/boston-builds-capacity-to-address-racism-and-achieve-health-equity",
]
PRACTICES = [
    ID + "practice/2017/build-organizational-capacity",
    ID + "practice/2017/change-internal-practices-and-processes",
    ID + "practice/2017/allocate-resources",
    ID + "practice/2017/develop-a-shared-analysis",
    ID + "practice/relaunch/build-internal-infrastructure-and-capacity",
    ID + "practice/relaunch/develop-a-shared-analysis",
]
PLACES = [
    ID + "place/california",
    ID + "place/massachusetts",
    ID + "place/alameda-county-ca",
    ID + "place/suffolk-county-ma",
    ID + "place/boston-ma",
]
EXPECTED = ([(iri, HEG.CaseStudy) for iri in CASE_STUDIES] + [(iri, HEG.StrategicPractice) for iri in PRACTICES]
            + [(iri, SCHEMA.AdministrativeArea) for iri in PLACES])

#: Fields the fixture may set differently from data/: the example thresholds fit the fixture's size.
OWN_FIELDS = {"example": {"min_rows", "includes"}}
#: Kinds that are the fixture's own rather than copies: the dataset record and the (fixture-only) retired row.
OWN_KINDS = {"dataset", "retired"}
#: Fields holding sub-records (groups, practices, key actions, concepts...): those are compared as records.
NESTED = {f.name for fields in SPECS.values() for f in fields if f.type == "nested"}


@pytest.fixture(scope="module")
def fixture_result() -> PipelineResult:
    return run_pipeline(Pipeline(data_dir=FIXTURE))


def test_fixture_builds_and_conforms(fixture_result: PipelineResult) -> None:
    validation = fixture_result.validation
    assert validation.conforms, validation.report_text
    assert validation.violations == 0
    assert fixture_result.sources.of("dataset")[0]["version"] == "2026.11.0-test"


def test_fixture_graph_holds_its_case_studies_practices_and_places(fixture_result: PipelineResult) -> None:
    assert CASE_STUDIES and PRACTICES and PLACES and EXPECTED
    data = fixture_result.data
    missing = [iri for iri, cls in EXPECTED if (URIRef(iri), RDF.type, cls) not in data]
    assert not missing, f"not in the fixture's data graph: {missing}"


def test_the_lists_above_name_every_entity_of_the_fixture(fixture_result: PipelineResult) -> None:
    """Adding a case study, practice or place to the fixture means adding it to the lists above."""
    sources = fixture_result.sources
    space = fixture_result.space
    assert sorted(CASE_STUDIES) == sorted(space.entity("case-study", r.key) for r in sources.of("case-study"))
    assert sorted(PRACTICES) == sorted(space.entity("practice", r.parent, r.key) for r in sources.of("practice"))
    assert sorted(PLACES) == sorted(space.entity("place", r.key) for r in sources.of("place"))


def test_release_of_the_fixture_has_the_five_graphs(fixture_result: PipelineResult, tmp_path: Path) -> None:
    outcome = write_release(fixture_result, tmp_path)
    manifest = json.loads((outcome.path / "manifest.json").read_text(encoding="utf-8"))
    expected = ["data", "ontology", "shapes", "queries", "metadata"]
    assert list(GRAPH_NAMES) == expected
    assert sorted(manifest["graphs"]) == sorted(expected)
    for name in expected:
        assert manifest["graphs"][name] == f"{DEFAULT_SPACE.base}graph/{name}"
        assert manifest["triples"][name] > 0, name
    assert manifest["version"] == "2026.11.0-test"
    assert manifest["validation"]["conforms"] is True
    assert (outcome.path / "store").is_dir()
    assert (tmp_path / "releases" / "latest").resolve() == outcome.path.resolve()


def _is_trimmed(value: object, real: object) -> bool:
    """A scalar equals the real one; a list keeps some of the real items, in their order."""
    if isinstance(value, list) and isinstance(real, list):
        rest = iter(real)
        return all(any(item == other for other in rest) for item in value)
    return value == real


def test_every_fixture_record_is_a_trimmed_copy_of_data() -> None:
    """Fixture data stays faithful: each record is one of data/ with fields or list items left out."""
    real = load_sources(DEFAULT_DATA)
    fixture = load_sources(FIXTURE)
    assert not fixture.problems.items, [str(p) for p in fixture.problems.items]
    by_key: dict[tuple[str, str], Record] = {(r.kind, full_key(r)): r for rs in real.records.values() for r in rs}
    drift = []
    for kind, records in fixture.records.items():
        if kind in OWN_KINDS:
            continue
        for record in records:
            original = by_key.get((kind, full_key(record)))
            if original is None:
                drift.append(f"{kind} {full_key(record)!r} is not in data/")
                continue
            for name, value in record.values.items():
                if name in OWN_FIELDS.get(kind, set()) or name in NESTED:
                    continue
                if not _is_trimmed(value, original.get(name)):
                    drift.append(f"{kind} {full_key(record)!r}: `{name}` differs from data/")
    assert not drift, "\n".join(drift)


def test_fixture_key_actions_keep_their_published_positions() -> None:
    """Key actions are trimmed from the end of each list, so positions (schema:position) match data/."""
    real = load_sources(DEFAULT_DATA)
    fixture = load_sources(FIXTURE)

    def lists(sources):  # type: ignore[no-untyped-def]
        out: dict[str, list[str]] = {}
        for action in sources.of("key-action"):
            out.setdefault(action.parent, []).append(action.key)
        return out

    real_lists = lists(real)
    for practice, actions in lists(fixture).items():
        assert real_lists[practice][: len(actions)] == actions, practice
