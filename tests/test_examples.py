"""Example queries: each runs on the built release and holds; a broken one stops the release."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from graph_builder.errors import SourceErrors
from graph_builder.examples import check_example
from heg_core.namespaces import DEFAULT_SPACE
from graph_builder.pipeline import DEFAULT_DATA, Pipeline, PipelineResult, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release

EXAMPLES = yaml.safe_load((DEFAULT_DATA / "queries.yaml").read_text(encoding="utf-8"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("slug", [e["slug"] for e in EXAMPLES])
def test_example_holds_on_the_release(slug: str, release: ReleaseOutcome, pipeline_result: PipelineResult) -> None:
    [example] = [e for e in pipeline_result.sources.of("example") if e.key == slug]
    store = ox.Store.read_only(str(release.path / "store"))
    assert check_example(store, example, "data/queries.yaml", DEFAULT_SPACE) == []
    assert example.get("min_rows", 0) >= 1 or example.get("includes"), "an example must state what it expects"


@pytest.mark.parametrize("slug", [e["slug"] for e in EXAMPLES])
def test_example_is_published_in_the_queries_graph(slug: str, pipeline_result: PipelineResult) -> None:
    node = URIRef(DEFAULT_SPACE.entity("query", slug))
    graph = pipeline_result.queries
    assert (node, RDF.type, SH.SPARQLExecutable) in graph
    assert graph.value(node, RDFS.label) and graph.value(node, RDFS.comment)
    texts = [o for p in (SH.select, SH.construct, SH.ask, URIRef(str(SH) + "describe"))
             for o in graph.objects(node, p)]
    assert len(texts) == 1 and isinstance(texts[0], Literal)


def test_a_broken_example_stops_the_release_and_keeps_latest(data_copy: Path, tmp_path: Path,
                                                             pipeline_result: PipelineResult) -> None:
    out = tmp_path / "out"
    write_release(pipeline_result, out, version="1.0.0")
    path = data_copy / "queries.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  min_rows: 6\n", "  min_rows: 600\n", 1), encoding="utf-8")
    broken = run_pipeline(Pipeline(data_dir=data_copy))
    with pytest.raises(SourceErrors) as caught:
        write_release(broken, out, version="2.0.0")
    [problem] = caught.value.problems
    assert problem.field == "min_rows" and "expected at least 600" in problem.message
    assert problem.line == text.splitlines().index("  min_rows: 6") + 1
    assert os.readlink(out / "releases" / "latest") == "1.0.0"
    assert not (out / "releases" / "2.0.0").exists()


def test_a_query_of_the_wrong_kind_is_reported(data_copy: Path) -> None:
    path = data_copy / "queries.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  kind: select\n", "  kind: ask\n", 1),
                    encoding="utf-8")
    from graph_builder.release import preview_examples

    problems = preview_examples(run_pipeline(Pipeline(data_dir=data_copy)))
    assert any(p.field == "kind" and "declared ask but the query is a select query" in p.message for p in problems)
