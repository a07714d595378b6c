"""Validate the data graph against the SHACL shapes with pySHACL.

Returns a :class:`ValidationResult` in pySHACL's own terms (conforms, report graph, report text) plus
the counts by severity, so callers decide: violations stop a release, warnings are reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pyshacl
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import SH

from .errors import Problem

log = logging.getLogger(__name__)


@dataclass
class ValidationResult:
    conforms: bool
    report_graph: Graph
    report_text: str
    violations: int
    warnings: int
    infos: int
    results: list[Problem]


def validate_graph(data: Graph, shapes: Graph, ontology: Graph,
                   origins: dict[URIRef, tuple[Path, int]] | None = None) -> ValidationResult:
    """Run pySHACL; the ontology is mixed in so ``sh:targetClass`` follows ``rdfs:subClassOf``."""
    conforms, report_graph, report_text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    results = located_results(report_graph, origins or {}, data)
    counts = {severity: 0 for severity in (SH.Violation, SH.Warning, SH.Info)}
    for severity in report_graph.objects(None, SH.resultSeverity):
        if severity in counts:
            counts[severity] += 1
    result = ValidationResult(
        conforms=bool(conforms) and counts[SH.Violation] == 0,
        # Canonical blank-node labels keep the written report byte-stable across builds.
        report_graph=to_canonical_graph(report_graph),
        report_text=str(report_text),
        violations=counts[SH.Violation],
        warnings=counts[SH.Warning],
        infos=counts[SH.Info],
        results=results,
    )
    log.info("SHACL: %d violations, %d warnings, %d infos", result.violations, result.warnings, result.infos)
    return result


SEVERITY_NAMES = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


def located_results(report: Graph, origins: dict[URIRef, tuple[Path, int]], data: Graph) -> list[Problem]:
    """SHACL results as problems pointing at the source file and line of the focus node."""
    problems = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        file, line = origins.get(focus, ("", 0)) if isinstance(focus, URIRef) else ("", 0)
        path = report.value(result, SH.resultPath)
        field = data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else ""
        message = str(report.value(result, SH.resultMessage) or "does not conform")
        severity = SEVERITY_NAMES.get(report.value(result, SH.resultSeverity), "error")
        where = str(file) if file else f"<{focus}>"
        problems.append(Problem(where, line, field, message, "", severity))
    return sorted(problems)
