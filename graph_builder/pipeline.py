"""The build pipeline up to validation: load -> check -> build -> validate.

Each step is a small function; :func:`run_pipeline` chains them and raises :class:`SourceErrors` with
every source problem of the run, or returns the graphs and the SHACL result for the release step.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .build import build_graph
from .checks import check_sources
from .dumps import stable_blank_nodes
from .errors import ConfigError, Problem, SourceErrors
from .examples import queries_graph
from .load import Sources, load_sources
from heg_core.namespaces import DEFAULT_BASE, IRISpace
from .validate import ValidationResult, validate_graph

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = PROJECT_ROOT / "data"
DEFAULT_ONTOLOGY = PROJECT_ROOT / "ontology" / "heg.ttl"
DEFAULT_SHAPES = PROJECT_ROOT / "shapes" / "heg-shapes.ttl"


@dataclass
class Pipeline:
    """Where the inputs are, and the IRI space to build in."""

    data_dir: Path = DEFAULT_DATA
    ontology_path: Path = DEFAULT_ONTOLOGY
    shapes_path: Path = DEFAULT_SHAPES
    base: str = DEFAULT_BASE

    @property
    def space(self) -> IRISpace:
        return IRISpace(self.base)


@dataclass
class PipelineResult:
    space: IRISpace
    sources: Sources
    data: Graph
    ontology: Graph
    shapes: Graph
    queries: Graph
    validation: ValidationResult
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


def read_turtle(path: Path, base: str, what: str) -> Graph:
    """Parse a Turtle file of the project, moved into ``base`` if that is not the default base."""
    if not path.is_file():
        raise ConfigError(f"{what} file not found: {path}")
    text = path.read_text(encoding="utf-8")
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    graph = IRISpace(base).new_graph()
    try:
        graph.parse(data=text, format="turtle", publicID=str(path))
    except Exception as exc:  # rdflib raises several parser exception types
        raise ConfigError(f"{what} file {path} is not valid Turtle: {exc}") from exc
    # Stable blank-node labels make the dumps of shapes and ontology byte-stable.
    return stable_blank_nodes(graph)


def load_checked(data_dir: Path) -> Sources:
    """Load and check the sources; raise :class:`SourceErrors` listing every error found."""
    sources = load_sources(data_dir)
    check_sources(sources)
    if sources.problems.errors:
        raise SourceErrors(sources.problems.items)
    return sources


def run_pipeline(pipeline: Pipeline) -> PipelineResult:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    sources = load_checked(pipeline.data_dir)
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    space = pipeline.space
    data, origins = build_graph(sources, space)
    ontology = read_turtle(pipeline.ontology_path, pipeline.base, "ontology")
    shapes = read_turtle(pipeline.shapes_path, pipeline.base, "shapes")
    queries = queries_graph(sources, space)
    timings["build"] = time.perf_counter() - start

    start = time.perf_counter()
    located = {iri: (sources.rel(file), line) for iri, (file, line) in origins.items()}
    validation = validate_graph(data, shapes, ontology, located)
    timings["validate"] = time.perf_counter() - start
    log.info("pipeline: %d triples; %s", len(data), ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    return PipelineResult(space, sources, data, ontology, shapes, queries, validation, sources.problems.warnings, timings)
