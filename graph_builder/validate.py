"""Validate the data graph against the SHACL shapes with pySHACL.

Returns a :class:`ValidationResult` in pySHACL's own terms (conforms, report graph, report text) plus
the counts by severity and each result located in the sources, so callers decide: violations stop a
release, warnings are reported.

pySHACL runs on one core and is the slowest stage of a build (about 140 µs per data triple with our
shapes). On a large graph the node shapes are split into groups of similar cost and validated in
forked worker processes, which share the data graph copy-on-write instead of reparsing it; the reports
are merged. Results are the same as one run's (a test checks this).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .dumps import stable_blank_nodes
from .errors import Problem

log = logging.getLogger(__name__)

#: Below this many data triples, forking costs more than it saves.
PARALLEL_THRESHOLD = 20_000


@dataclass
class ValidationResult:
    conforms: bool
    report_graph: Graph
    report_text: str
    violations: int
    warnings: int
    infos: int
    results: list[Problem]


def _pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    """pySHACL with the ontology mixed into ``data`` in place and taken out again afterwards.

    Given ``ont_graph``, pySHACL clones the whole data graph to mix the ontology in (seconds at 100x);
    adding the few hundred ontology triples in place, then removing exactly those, gives the same
    validation without the copy.
    """
    added = [triple for triple in ontology if triple not in data]
    for triple in added:
        data.add(triple)
    try:
        conforms, report_graph, report_text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, inplace=True,
        )
    finally:
        for triple in added:
            data.remove(triple)
    return bool(conforms), report_graph, str(report_text)


def _closure(shapes: Graph, roots: list[URIRef]) -> Graph:
    """The node shapes ``roots`` and everything reachable from them (property shapes, lists, ...)."""
    part = Graph(namespace_manager=shapes.namespace_manager)
    todo, seen = list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            part.add((node, p, o))
            if isinstance(o, (URIRef, BNode)) and (o, None, None) in shapes:
                todo.append(o)
    return part


def _cost(data: Graph, shapes: Graph, shape: URIRef) -> int:
    """Roughly how many focus nodes a node shape has."""
    cost = 1
    for cls in shapes.objects(shape, SH.targetClass):
        cost += sum(1 for _ in data.subjects(RDF.type, cls))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        cost += len(set(data.subjects(prop, None)))
    return cost


def shape_groups(data: Graph, shapes: Graph, count: int) -> list[list[URIRef]]:
    """Split the node shapes into ``count`` groups of similar cost (greedy, largest first)."""
    node_shapes = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    costs = {shape: _cost(data, shapes, shape) for shape in node_shapes}  # each one scans the data graph
    groups: list[list[URIRef]] = [[] for _ in range(count)]
    loads = [0] * count
    for shape in sorted(node_shapes, key=lambda s: -costs[s]):
        i = loads.index(min(loads))
        groups[i].append(shape)
        loads[i] += costs[shape]
    return [g for g in groups if g]


def _child(conn: Connection, data: Graph, shapes: Graph, ontology: Graph) -> None:
    try:
        conforms, report, text = _pyshacl(data, shapes, ontology)
        conn.send((conforms, report.serialize(format="nt"), text, None))
    except BaseException as exc:  # reported to the parent, which raises it
        conn.send((False, "", "", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _parallel(data: Graph, shapes: Graph, ontology: Graph, workers: int) -> tuple[bool, Graph, str]:
    context = multiprocessing.get_context("fork")
    jobs = []
    for group in shape_groups(data, shapes, workers):
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(child, data, _closure(shapes, group), ontology))
        process.start()
        child.close()
        jobs.append((process, parent))
    merged = Graph()
    report = BNode()
    conforms_all, texts = True, []
    for process, conn in jobs:
        conforms, nt, text, error = conn.recv()
        process.join()
        if error:
            raise RuntimeError(f"SHACL validation failed in a worker process: {error}")
        conforms_all = conforms_all and conforms
        part = Graph().parse(data=nt, format="nt")
        for old_report in list(part.subjects(RDF.type, SH.ValidationReport)):
            for result in part.objects(old_report, SH.result):
                merged.add((report, SH.result, result))
            part.remove((old_report, None, None))
        for triple in part:
            merged.add(triple)
        texts.append(text.split("Results (", 1)[-1].split("\n", 1)[-1] if "Results (" in text else "")
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(conforms_all)))
    count = len(set(merged.objects(report, SH.result)))
    text = f"Validation Report\nConforms: {conforms_all}\n"
    if count:
        text += f"Results ({count}):\n" + "".join(texts)
    return conforms_all, merged, text


def validate_graph(data: Graph, shapes: Graph, ontology: Graph,
                   origins: dict[URIRef, tuple[Path, int]] | None = None,
                   workers: int | None = None) -> ValidationResult:
    """Run pySHACL; the ontology is mixed in so ``sh:targetClass`` follows ``rdfs:subClassOf``.

    ``workers``: processes to use (default: the CPU count when the graph is large, else 1).
    """
    if workers is None:
        workers = (os.cpu_count() or 1) if len(data) >= PARALLEL_THRESHOLD else 1
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        conforms, report_graph, report_text = _parallel(data, shapes, ontology, workers)
    else:
        conforms, report_graph, report_text = _pyshacl(data, shapes, ontology)
    # Stable blank-node labels keep the written report byte-stable and merge duplicate results.
    report_graph = stable_blank_nodes(report_graph)
    results = located_results(report_graph, origins or {}, data)
    counts = {severity: 0 for severity in (SH.Violation, SH.Warning, SH.Info)}
    for severity in report_graph.objects(None, SH.resultSeverity):
        if severity in counts:
            counts[severity] += 1
    result = ValidationResult(
        conforms=conforms and counts[SH.Violation] == 0,
        report_graph=report_graph,
        report_text=report_text,
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
