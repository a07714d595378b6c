"""Validate the data graph against the SHACL shapes with pySHACL.

Returns a :class:`ValidationResult` in pySHACL's own terms (conforms, report, report text) plus the
counts by severity and each result located in the sources, so callers decide: violations stop a
release, warnings are reported. The report is kept as sorted N-Triples with stable blank-node labels
(what the release writes); ``report_graph`` parses it on demand.

pySHACL runs in pure Python and is the slowest stage of a build. Two things make it cheaper, neither
changing a result (tests compare against pySHACL on the shapes as written):

- :func:`batched_shapes`: pySHACL checks a node shape's ``sh:property`` shapes one focus node at a time,
  setting every constraint up again for each; a property shape given its node shape's targets is checked
  once for all of them (about 4x faster with our shapes).
- On a large graph the shapes are split into groups of similar cost and validated in forked worker
  processes, which share the data graph copy-on-write instead of reparsing it. Each worker also names
  its blank nodes, counts and locates its results and returns N-Triples, so the parent only joins lines.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from .dumps import TermConverter, blank_node_label, sort_lines, sorted_ntriples, stable_blank_nodes
from .errors import Problem
from .forked import WORTH_FORKING, Forked, can_fork

log = logging.getLogger(__name__)

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
SEVERITIES = (SH.Violation, SH.Warning, SH.Info)


@dataclass
class ValidationResult:
    conforms: bool
    report_ntriples: bytes  # sorted lines, blank nodes named by content: byte-stable
    report_text: str
    violations: int
    warnings: int
    infos: int
    results: list[Problem]

    @cached_property
    def report_graph(self) -> Graph:
        return Graph().parse(data=self.report_ntriples, format="nt")

    def report_triples(self) -> list[ox.Triple]:
        """The report's triples in the order of its sorted N-Triples lines."""
        return list(ox.parse(self.report_ntriples, format=ox.RdfFormat.N_TRIPLES))


@dataclass
class _Part:
    """What one pySHACL run found: its results without the report node, and what is needed to join it."""

    conforms: bool
    ntriples: bytes
    result_labels: set[str]
    text: str
    counts: dict[Node, int]
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


def batched_shapes(shapes: Graph) -> Graph:
    """A copy of ``shapes`` in which each ``sh:property`` shape of a node shape with targets carries
    those targets itself, instead of being reached through its node shape.

    SHACL gives the same results either way: a property shape's result names the property shape as its
    source and carries the focus node, path, value, severity and message of the property shape, never
    of the node shape that points at it. Shapes nested in ``sh:or``, ``sh:node`` and the like are left
    alone (they are checked against value nodes, not targets), and so are deactivated shapes and shapes
    that are also classes (implicit targets)."""
    out = Graph(namespace_manager=shapes.namespace_manager)
    for triple in shapes:
        out.add(triple)
    for node in set(shapes.subjects(SH.property, None)):
        targets = [(p, o) for p, o in shapes.predicate_objects(node) if p in TARGETS]
        implicit = any((node, RDF.type, cls) in shapes for cls in (RDFS.Class, OWL.Class))
        if not targets or implicit or (node, SH.deactivated, None) in shapes:
            continue
        for prop in shapes.objects(node, SH.property):
            out.remove((node, SH.property, prop))
            for p, o in targets:
                out.add((prop, p, o))
    return out


def _closure(shapes: Graph, roots: list[Node]) -> Graph:
    """The shapes ``roots`` and everything reachable from them (property shapes, lists, ...); a shape
    reached from a root keeps no targets of its own here (its own group checks those)."""
    part = Graph(namespace_manager=shapes.namespace_manager)
    todo, seen, root_set = list(roots), set(), set(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            if p in TARGETS and node not in root_set:
                continue
            part.add((node, p, o))
            if isinstance(o, (URIRef, BNode)) and (o, None, None) in shapes:
                todo.append(o)
    return part


def _focus_count(data: Graph, target: URIRef, value: Node) -> int:
    if target == SH.targetClass:
        return sum(1 for _ in data.subjects(RDF.type, value))
    if target == SH.targetSubjectsOf:
        return len(set(data.subjects(value, None)))
    return 1


def shape_groups(data: Graph, shapes: Graph, count: int) -> list[list[Node]]:
    """Split the shapes with targets into ``count`` groups of similar cost (greedy, largest first); a
    shape costs roughly as many focus nodes as its targets have."""
    targeted = sorted({s for p in TARGETS for s in shapes.subjects(p, None)}, key=lambda s: (type(s).__name__, s))
    counts: dict[tuple[Node, Node], int] = {}  # shapes share targets; each count scans the data graph once
    costs = {}
    for shape in targeted:
        costs[shape] = 1
        for target, value in shapes.predicate_objects(shape):
            if target in TARGETS:
                if (target, value) not in counts:
                    counts[target, value] = _focus_count(data, target, value)
                costs[shape] += counts[target, value]
    groups: list[list[Node]] = [[] for _ in range(count)]
    loads = [0] * count
    for shape in sorted(targeted, key=lambda s: -costs[s]):
        i = loads.index(min(loads))
        groups[i].append(shape)
        loads[i] += costs[shape]
    return [g for g in groups if g]


def _validate_part(data: Graph, shapes: Graph, ontology: Graph, origins: dict[URIRef, tuple[Path, int]]) -> _Part:
    """One pySHACL run, its report named stably and split into the report node and everything else."""
    conforms, report, text = _pyshacl(data, shapes, ontology)
    report = stable_blank_nodes(report)
    labels: set[str] = set()
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        labels.update(str(result) for result in report.objects(node, SH.result))
        report.remove((node, None, None))
    counts: dict[Node, int] = {severity: 0 for severity in SEVERITIES}
    for severity in report.objects(None, SH.resultSeverity):
        if severity in counts:
            counts[severity] += 1
    return _Part(conforms, sorted_ntriples(report, TermConverter()), labels, text, counts,
                 located_results(report, origins, data))


def _parallel(data: Graph, shapes: Graph, ontology: Graph, origins: dict[URIRef, tuple[Path, int]],
              workers: int) -> list[_Part]:
    jobs = [Forked(_validate_part, data, _closure(shapes, group), ontology, origins)
            for group in shape_groups(data, shapes, workers)]
    return [job.result() for job in jobs]


def _report_node(conforms: bool, labels: set[str]) -> bytes:
    """The ``sh:ValidationReport`` node over every result, labelled as :func:`stable_blank_nodes` would."""
    conforms_literal = Literal(conforms)
    label = blank_node_label([f"{RDF.type.n3()} {SH.ValidationReport.n3()}",
                              f"{SH.conforms.n3()} {conforms_literal.n3()}",
                              *(f"{SH.result.n3()} {result}" for result in labels)])
    node = ox.BlankNode(label)
    triples = [ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SH.ValidationReport))),
               ox.Triple(node, ox.NamedNode(str(SH.conforms)), TermConverter()(conforms_literal)),
               *(ox.Triple(node, ox.NamedNode(str(SH.result)), ox.BlankNode(result)) for result in labels)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _report_text(conforms: bool, count: int, texts: list[str]) -> str:
    """pySHACL's text report over several runs: one header, every run's results."""
    text = f"Validation Report\nConforms: {conforms}\n"
    if count:
        text += f"Results ({count}):\n" + "".join(t.split("Results (", 1)[-1].split("\n", 1)[-1]
                                                  for t in texts if "Results (" in t)
    return text


def validate_graph(data: Graph, shapes: Graph, ontology: Graph,
                   origins: dict[URIRef, tuple[Path, int]] | None = None,
                   workers: int | None = None) -> ValidationResult:
    """Run pySHACL; the ontology is mixed in so ``sh:targetClass`` follows ``rdfs:subClassOf``.

    ``workers``: processes to use (default: the CPU count when the graph is large, else 1).
    """
    if workers is None:
        workers = (os.cpu_count() or 1) if len(data) >= WORTH_FORKING else 1
    batched = batched_shapes(shapes)
    if workers > 1 and can_fork():
        parts = _parallel(data, batched, ontology, origins or {}, workers)
    else:
        parts = [_validate_part(data, batched, ontology, origins or {})]
    counts = {severity: sum(part.counts[severity] for part in parts) for severity in SEVERITIES}
    # pySHACL (allow_warnings) calls a graph conforming when a node shape of severity sh:Warning holds a
    # property shape's sh:Violation; the report says what the build decides: no violation, no conformance.
    conforms = all(part.conforms for part in parts) and counts[SH.Violation] == 0
    labels = set().union(*(part.result_labels for part in parts))
    ntriples = sort_lines(b"".join([_report_node(conforms, labels), *(part.ntriples for part in parts)]))
    if len(parts) == 1:  # pySHACL's own text, as it wrote it
        text = parts[0].text
    else:
        text = _report_text(conforms, len(labels), [part.text for part in parts])
    result = ValidationResult(
        conforms=conforms,
        report_ntriples=ntriples,
        report_text=text,
        violations=counts[SH.Violation],
        warnings=counts[SH.Warning],
        infos=counts[SH.Info],
        results=sorted(problem for part in parts for problem in part.results),
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
