"""Write the dumps of a release: the kernel's format table, pyoxigraph's serializers, byte-stable output.

Quads are converted from rdflib once, sorted, and handed to pyoxigraph (measured about 70x faster than
rdflib at writing Turtle; see DESIGN.md). JSON-LD is compacted with our published context by the kernel's
one compaction (:mod:`heg_core.jsonld`), in a canonical order.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from heg_core import jsonld
from heg_core.formats import Format


class TermConverter:
    """rdflib terms -> pyoxigraph terms, with a cache (IRIs repeat a lot)."""

    def __init__(self) -> None:
        self._cache: dict[Node, Any] = {}

    def __call__(self, term: Node) -> Any:
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        if isinstance(term, URIRef):
            converted: Any = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            converted = ox.BlankNode(str(term))
        elif isinstance(term, Literal):
            if term.language:
                converted = ox.Literal(str(term), language=term.language)
            elif term.datatype:
                converted = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            else:
                converted = ox.Literal(str(term))
        else:
            raise TypeError(f"unsupported RDF term {term!r}")
        self._cache[term] = converted
        return converted


def blank_node_label(description: Iterable[str]) -> str:
    """The label of a blank node described by ``description``: one ``"<p> value"`` string per outgoing
    triple, a blank-node value written as its own label. Order does not matter."""
    return "b" + hashlib.sha256("\n".join(sorted(description)).encode("utf-8")).hexdigest()[:32]


def stable_blank_nodes(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes are named by a hash of what hangs below them.

    Shapes, ontology and SHACL reports use blank nodes, and their labels change from run to run; naming
    each one by a digest of its outgoing triples (recursively) makes dumps byte-stable in linear time.
    rdflib's canonicalization (RGDA1) gives the same stability but took 14 s on a 10x report. Two blank
    nodes with identical descriptions get the same name; SHACL and OWL readings are unchanged by that.
    """
    names: dict[BNode, str] = {}

    def name(node: BNode, trail: frozenset[BNode] = frozenset()) -> str:
        if node in names:
            return names[node]
        if node in trail:  # a cycle of blank nodes: fall back to its position-free marker
            return "cycle"
        parts = []
        for p, o in graph.predicate_objects(node):
            value = name(o, trail | {node}) if isinstance(o, BNode) else o.n3()
            parts.append(f"{p.n3()} {value}")
        names[node] = blank_node_label(parts)
        return names[node]

    def term(node: Node) -> Node:
        return BNode(name(node)) if isinstance(node, BNode) else node

    result = Graph(namespace_manager=graph.namespace_manager)
    for s, p, o in graph:
        result.add((term(s), p, term(o)))
    return result


def to_triples(graph: Graph, convert: TermConverter) -> list[ox.Triple]:
    """The triples of ``graph`` as pyoxigraph triples, in a stable order.

    The order is that of their sorted N-Triples lines (subject, then predicate, then object): the
    triples are written once by pyoxigraph, the lines sorted as bytes and parsed back, which is several
    times faster than sorting rdflib terms with a Python key function.
    """
    return list(ox.parse(sorted_ntriples(graph, convert), format=ox.RdfFormat.N_TRIPLES))


def sorted_ntriples(graph: Graph, convert: TermConverter) -> bytes:
    """``graph`` as N-Triples written by pyoxigraph, its lines sorted as bytes."""
    raw = ox.serialize((ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in graph),
                       format=ox.RdfFormat.N_TRIPLES)
    return sort_lines(raw)


def sort_lines(ntriples: bytes) -> bytes:
    """N-Triples lines sorted as bytes, each once."""
    lines = sorted({line for line in ntriples.split(b"\n") if line})
    return b"\n".join(lines) + b"\n" if lines else b""


def as_quads(triples: list[ox.Triple], graph: str) -> Iterator[ox.Quad]:
    graph_name = ox.NamedNode(graph)
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object, graph_name)


def to_quads(graphs: dict[str, Graph], convert: TermConverter) -> Iterator[ox.Quad]:
    """Quads of several named graphs, graph by graph in the order given."""
    for name, graph in graphs.items():
        yield from as_quads(to_triples(graph, convert), name)


def write_rdf(path: Path, statements: Iterable[Any], fmt: Format, prefixes: dict[str, str]) -> None:
    use_prefixes = prefixes if fmt.engine in {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG} else None
    with path.open("wb") as out:
        ox.serialize(statements, out, fmt.engine, prefixes=use_prefixes)


def write_jsonld(path: Path, graph: Graph, context: dict[str, Any]) -> None:
    """Compact ``graph`` with ``context`` (the kernel's one JSON-LD compaction)."""
    path.write_bytes(jsonld.to_bytes(jsonld.compact(graph, context)))


def gzip_file(path: Path) -> Path:
    """Write ``path.gz`` byte-stably (no timestamp, no file name in the header)."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, target.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            while chunk := src.read(1 << 20):
                gz.write(chunk)
    return target
