"""Case studies and the practices they illustrate: every case study has practice links, every link is a
curator's classification marked inferred (with a basis and a confidence), and none is a published tag.

No archived case-study page shows the guide's own practice tags (see data/dataset.yaml, known gaps), so
``practices:`` is empty everywhere and every link comes from ``inferred_practices:``. The first test prints
the whole list (run with ``-s`` to read it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from graph_builder.errors import SourceErrors
from graph_builder.examples import check_example
from heg_core.namespaces import DEFAULT_SPACE
from graph_builder.pipeline import DEFAULT_DATA, Pipeline, PipelineResult, load_checked, run_pipeline
from graph_builder.release import ReleaseOutcome
from graph_builder.stats import release_stats

HEG = DEFAULT_SPACE.heg
CASE_FILES = sorted((DEFAULT_DATA / "case-studies").glob("*.yaml"))
CASE_SLUGS = [path.stem for path in CASE_FILES]
EXAMPLES = {e["slug"]: e for e in yaml.safe_load((DEFAULT_DATA / "queries.yaml").read_text(encoding="utf-8"))}
PREFIXES = (f"PREFIX heg: <{HEG}>\nPREFIX skos: <{SKOS}>\nPREFIX dcterms: <{DCTERMS}>\n"
            f"PREFIX prov: <{PROV}>\n")


def case_iri(slug: str) -> URIRef:
    return URIRef(DEFAULT_SPACE.entity("case-study", slug))


def links_of(graph, slug: str) -> list[URIRef]:
    return sorted(graph.subjects(HEG.linkedCaseStudy, case_iri(slug)))


def short(iri) -> str:
    return str(iri).rsplit("/id/", 1)[-1]


def test_there_are_case_studies() -> None:
    assert CASE_SLUGS, "no case-study files found: the tests below would check nothing"
    assert len(CASE_SLUGS) >= 15


def test_list_every_case_study_with_its_practice_links(pipeline_result: PipelineResult) -> None:
    """The whole list, one block per case study; fails if a case study has none."""
    g = pipeline_result.data
    lines, bare = [], []
    for slug in CASE_SLUGS:
        links = links_of(g, slug)
        lines.append(f"{slug}: {len(links)} link(s)")
        if not links:
            bare.append(slug)
        for link in links:
            inferred = "inferred" if g.value(link, HEG.inferred) == Literal(True) else "PUBLISHED"
            confidence = g.value(g.value(link, HEG.confidence), SKOS.notation) if g.value(link, HEG.confidence) else "-"
            lines.append(f"    {short(g.value(link, HEG.linkedPractice)):<70} {inferred:<9} {confidence}")
    listing = "\n".join(lines)
    print("\n" + listing)
    assert not bare, f"case studies without any practice link: {bare}\n{listing}"


@pytest.mark.parametrize("slug", CASE_SLUGS)
def test_each_case_study_has_practice_links_with_basis_and_confidence(slug: str, pipeline_result: PipelineResult) -> None:
    g = pipeline_result.data
    links = links_of(g, slug)
    assert links, f"{slug} has no practice link: add `inferred_practices:` to its file (docs/curating.md)"
    practices = set()
    for link in links:
        assert (link, RDF.type, HEG.CaseStudyPracticeLink) in g
        practice = g.value(link, HEG.linkedPractice)
        assert (practice, RDF.type, HEG.StrategicPractice) in g, f"{short(link)}: not a practice"
        practices.add(practice)
        assert g.value(link, HEG.inferred) == Literal(True), f"{short(link)}: every link of this release is inferred"
        bases = list(g.objects(link, HEG.basis))
        assert len(bases) == 1 and bases[0].language == "en" and len(str(bases[0])) > 40, \
            f"{short(link)}: needs one basis sentence pointing at the captured text"
        confidence = g.value(g.value(link, HEG.confidence), SKOS.notation)
        assert str(confidence) in {"medium", "low"}, f"{short(link)}: an inferred link is medium or low, not {confidence}"
        assert set(g.objects(link, DCTERMS.source)) >= set(g.objects(case_iri(slug), DCTERMS.source)), \
            f"{short(link)}: the case study's pages are its sources"
    assert any("/practice/2017/" in str(p) for p in practices), f"{slug}: name the 2017 practice it illustrates"


def test_the_basis_points_at_the_captured_text() -> None:
    """Each basis says it is an inference and names the captured words it rests on (the title, the summary,
    what sparked it, the tips) or the crosswalk row / relaunch page text."""
    pointers = ("title", "summary", "sparked", "tip", "crosswalk", "relaunch page", "'Who Took This On'")
    for path in CASE_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("inferred_practices", []):
            basis = item["basis"]
            assert basis.startswith("Inferred"), f"{path.stem} -> {item['practice']}: start with 'Inferred'"
            assert any(p in basis for p in pointers), f"{path.stem} -> {item['practice']}: point at the text"


# --- published tags: none, and the inferred links are never direct triples ---------------------------
def test_a_query_for_published_practice_tags_returns_none(release: ReleaseOutcome) -> None:
    store = ox.Store.read_only(str(release.path / "store"))
    tags = list(store.query(PREFIXES + "SELECT ?caseStudy ?practice WHERE { ?caseStudy heg:advancesPractice ?practice }",
                            use_default_graph_as_union=True))
    assert tags == [], "no archived page shows a practice tag: heg:advancesPractice must stay empty"
    published = list(store.query(PREFIXES + "SELECT ?link WHERE { ?link a heg:CaseStudyPracticeLink ; "
                                            "heg:inferred false }", use_default_graph_as_union=True))
    assert published == []
    inferred = list(store.query(PREFIXES + "SELECT ?link WHERE { ?link a heg:CaseStudyPracticeLink ; "
                                           "heg:inferred true }", use_default_graph_as_union=True))
    assert len(inferred) >= len(CASE_SLUGS)


def test_no_inferred_link_is_a_direct_triple(pipeline_result: PipelineResult) -> None:
    g = pipeline_result.data
    for link in g.subjects(RDF.type, HEG.CaseStudyPracticeLink):
        if g.value(link, HEG.inferred) == Literal(True):
            assert (g.value(link, HEG.linkedCaseStudy), HEG.advancesPractice, g.value(link, HEG.linkedPractice)) not in g


def test_links_through_the_crosswalk_rest_on_a_real_row(pipeline_result: PipelineResult) -> None:
    g = pipeline_result.data
    derived = list(g.subject_objects(PROV.wasDerivedFrom))
    assert derived, "some relaunch links are worked out through the crosswalk"
    for link, mapping in derived:
        assert (mapping, RDF.type, HEG.CrosswalkMapping) in g, f"{short(link)} -> {short(mapping)}"
        assert g.value(mapping, HEG.mapsTo) == g.value(link, HEG.linkedPractice)
        case = g.value(link, HEG.linkedCaseStudy)
        linked = {g.value(other, HEG.linkedPractice) for other in g.subjects(HEG.linkedCaseStudy, case)}
        assert g.value(mapping, HEG.mapsFrom) in linked, f"{short(link)}: its 2017 practice is linked too"


def test_outside_evidence_is_a_source_and_not_the_guide(pipeline_result: PipelineResult) -> None:
    g = pipeline_result.data
    evidence = list(g.subject_objects(HEG.evidence))
    assert evidence, "the further facts give outside classifications (the CDPH portal, a webinar summary)"
    for link, page in evidence:
        assert (link, DCTERMS.source, page) in g
        assert "healthequityguide.org" not in str(page), "a page of the guide showing a tag would be published"


# --- coverage and the example queries count published and inferred links apart ----------------------
def test_stats_count_published_and_inferred_links_apart(release: ReleaseOutcome, pipeline_result: PipelineResult) -> None:
    figures = release_stats(release.path)
    inferred = len(set(pipeline_result.data.subjects(RDF.type, HEG.CaseStudyPracticeLink)))
    assert figures["practice_links"] == {"published": {"links": 0, "case_studies": 0},
                                         "inferred": {"links": inferred, "case_studies": len(CASE_SLUGS)}}
    coverage = {row["what"]: row for row in figures["coverage"]}
    assert coverage["practice-links-published"]["found"] == 0
    assert coverage["practice-links-inferred"]["found"] == inferred
    assert coverage["case-studies-with-inferred-practice-links"]["found"] == len(CASE_SLUGS)
    assert coverage["case-studies-with-published-practice-links"]["published"] is None


def _select(store: ox.Store, slug: str) -> list[dict[str, str]]:
    results = store.query(EXAMPLES[slug]["query"], use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def test_examples_that_count_practice_links_say_whether_they_count_inferred_ones() -> None:
    counting = [slug for slug, e in EXAMPLES.items()
                if re.search(r"advancesPractice|CaseStudyPracticeLink", e["query"])]
    assert len(counting) >= 6
    for slug in counting:
        assert "inferred" in EXAMPLES[slug]["description"], f"{slug}: say whether inferred links are counted"


def test_examples_count_the_inferred_links(release: ReleaseOutcome, pipeline_result: PipelineResult) -> None:
    store = ox.Store.read_only(str(release.path / "store"))
    links = len(list(pipeline_result.data.subjects(RDF.type, HEG.CaseStudyPracticeLink)))
    per_practice = _select(store, "case-studies-per-practice")
    assert sum(int(r["inferredCaseStudies"]) for r in per_practice) == links
    assert sum(int(r["publishedCaseStudies"]) for r in per_practice) == 0
    assert all(int(r["caseStudies"]) == int(r["inferredCaseStudies"]) for r in per_practice)
    per_group = _select(store, "case-studies-per-category")
    assert all(int(r["publishedCaseStudies"]) == 0 for r in per_group)
    assert sum(int(r["inferredCaseStudies"]) > 0 for r in per_group) >= 6, "nearly every group has case studies"
    without = {r["practice"] for r in _select(store, "practices-without-case-studies")}
    linked = {str(p) for p in pipeline_result.data.objects(None, HEG.linkedPractice)}
    assert without and not without & linked
    alameda = _select(store, "resources-for-a-case-studys-practices")
    assert {r.get("inferred") for r in alameda if "practice" in r} == {"true"}
    listing = _select(store, "case-study-practice-links")
    assert len(listing) >= links and {r["inferred"] for r in listing} == {"true"}
    for slug in ("every-case-study-has-a-practice-link", "inferred-facts", "coverage-against-published-counts"):
        [example] = [e for e in pipeline_result.sources.of("example") if e.key == slug]
        assert check_example(store, example, "data/queries.yaml", DEFAULT_SPACE) == []


# --- the sources: how a curator records a link, and replaces it with a published tag ----------------
RI = "case-studies/rhode-island-braids-funding-to-create-health-equity-zones.yaml"
RI_LINK = "  - practice: 2017/allocate-resources\n    confidence: medium\n"


def _edit(data: Path, file: str, old: str, new: str) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {file}: the data changed, update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(data: Path) -> list:
    with pytest.raises(SourceErrors) as caught:
        load_checked(data)
    return caught.value.problems


def test_a_published_tag_replaces_the_inferred_link_at_the_same_address(data_copy: Path) -> None:
    """What docs/curating.md tells a curator to do once a page shows the tag: the practice moves from
    `inferred_practices:` to `practices:`; the link keeps its IRI, becomes heg:inferred false, and the
    direct heg:advancesPractice triple appears."""
    path = data_copy / RI
    text = path.read_text(encoding="utf-8")
    start = text.index(RI_LINK)
    end = text.index("  - practice: relaunch/", start)
    text = text[:start] + text[end:]  # drop the inferred item (its comment line stays, harmlessly)
    text = text.replace("\npractices: []\n", "\npractices:\n  - 2017/allocate-resources\n", 1)
    path.write_text(text, encoding="utf-8")
    result = run_pipeline(Pipeline(data_dir=data_copy))
    g = result.data
    link = URIRef(DEFAULT_SPACE.entity("practice-link", "rhode-island-braids-funding-to-create-health-equity-zones",
                                       "2017", "allocate-resources"))
    case = case_iri("rhode-island-braids-funding-to-create-health-equity-zones")
    practice = URIRef(DEFAULT_SPACE.entity("practice", "2017", "allocate-resources"))
    assert g.value(link, HEG.inferred) == Literal(False)
    assert (case, HEG.advancesPractice, practice) in g
    assert g.value(link, HEG.basis) is None and g.value(link, HEG.confidence) is None
    assert result.validation.violations == 0
    # the relaunch link derived from it still rests on a linked 2017 practice
    derived = URIRef(str(link).replace("/2017/allocate-resources", "/relaunch/build-internal-infrastructure-and-capacity"))
    assert g.value(derived, HEG.inferred) == Literal(True) and g.value(derived, PROV.wasDerivedFrom) is not None


@pytest.mark.parametrize("name,old,new,field,pattern", [
    ("both-tagged-and-inferred", "\npractices: []\n", "\npractices:\n  - 2017/allocate-resources\n", "practice",
     r"both a published tag"),
    ("high-confidence", RI_LINK, RI_LINK.replace("medium", "high"), "confidence", r"cannot be `high`"),
    ("no-basis", RI_LINK + "    basis: >-\n", RI_LINK + "    notes: >-\n", "basis", r"needs `basis`"),
    ("unknown-practice", RI_LINK, RI_LINK.replace("allocate-resources", "allocate-resourses"), "practice",
     r"unknown practice '2017/allocate-resourses'"),
    ("no-crosswalk-row", "    via_crosswalk: 2017/allocate-resources\n",
     "    via_crosswalk: 2017/change-the-conversation\n", "via_crosswalk", r"has no row from 'change-the-conversation'"),
    ("via-not-linked", "    via_crosswalk: 2017/allocate-resources\n",
     "    via_crosswalk: 2017/build-organizational-capacity\n", "via_crosswalk", r"not linked to '2017/build-organizational"),
    ("via-wrong-editions", "  - practice: relaunch/build-internal-infrastructure-and-capacity\n",
     "  - practice: 2017/build-organizational-capacity\n", "via_crosswalk", r"a crosswalk goes from a 2017 practice"),
    ("inferred-practices-field", "inferred:\n  - topics\n", "inferred:\n  - topics\n  - practices\n", "inferred",
     r"cannot be marked inferred"),
])
def test_a_bad_practice_link_is_reported(data_copy: Path, name: str, old: str, new: str, field: str, pattern: str) -> None:
    _edit(data_copy, RI, old, new)
    problems = [p for p in _problems(data_copy) if p.field == field and re.search(pattern, p.message)]
    assert problems, f"{name}: no problem on {field!r} matching {pattern!r}"
    assert problems[0].file.endswith(RI) and problems[0].line > 1 and problems[0].hint
