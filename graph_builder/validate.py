"""Validate the data graph against the SHACL shapes with pySHACL.

Returns a :class:`ValidationResult` in pySHACL's own terms (conforms, report graph, report text) plus
the counts by severity, so callers decide: violations stop a release, warnings are reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pyshacl
from rdflib import Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import SH

log = logging.getLogger(__name__)


@dataclass
class ValidationResult:
    conforms: bool
    report_graph: Graph
    report_text: str
    violations: int
    warnings: int
    infos: int


def validate_graph(data: Graph, shapes: Graph, ontology: Graph) -> ValidationResult:
    """Run pySHACL; the ontology is mixed in so ``sh:targetClass`` follows ``rdfs:subClassOf``."""
    conforms, report_graph, report_text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
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
    )
    log.info("SHACL: %d violations, %d warnings, %d infos", result.violations, result.warnings, result.infos)
    return result
