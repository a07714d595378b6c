"""Write the dumps of a release: one format table, pyoxigraph's serializers, byte-stable output.

Quads are converted from rdflib once, sorted, and handed to pyoxigraph (measured about 70x faster than
rdflib at writing Turtle; see DESIGN.md). JSON-LD is compacted with our published context by rdflib's
JSON-LD serializer and then put in a canonical order, since key and array order carry no meaning there.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


@dataclass(frozen=True)
class DumpFormat:
    name: str
    extension: str
    media_type: str
    rdf_format: ox.RdfFormat | None  # None: written by another code path (JSON-LD)
    dataset: bool  # holds named graphs


#: The one table of dump formats: media type -> serializer -> file extension.
FORMATS: dict[str, DumpFormat] = {
    "turtle": DumpFormat("turtle", "ttl", "text/turtle", ox.RdfFormat.TURTLE, False),
    "ntriples": DumpFormat("ntriples", "nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "jsonld": DumpFormat("jsonld", "jsonld", "application/ld+json", None, False),
    "trig": DumpFormat("trig", "trig", "application/trig", ox.RdfFormat.TRIG, True),
}

MEDIA_TYPES = {
    "ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "trig": "application/trig", "txt": "text/plain; charset=utf-8", "json": "application/json",
    "gz": "application/gzip",
}


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
        digest = hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()[:32]
        names[node] = "b" + digest
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
    raw = ox.serialize((ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in graph),
                       format=ox.RdfFormat.N_TRIPLES)
    lines = sorted(line for line in raw.split(b"\n") if line)
    return list(ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES))


def as_quads(triples: list[ox.Triple], graph: str) -> Iterator[ox.Quad]:
    graph_name = ox.NamedNode(graph)
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object, graph_name)


def to_quads(graphs: dict[str, Graph], convert: TermConverter) -> Iterator[ox.Quad]:
    """Quads of several named graphs, graph by graph in the order given."""
    for name, graph in graphs.items():
        yield from as_quads(to_triples(graph, convert), name)


def write_rdf(path: Path, statements: Iterable[Any], fmt: DumpFormat, prefixes: dict[str, str]) -> None:
    assert fmt.rdf_format is not None
    use_prefixes = prefixes if fmt.rdf_format in {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG} else None
    with path.open("wb") as out:
        ox.serialize(statements, out, fmt.rdf_format, prefixes=use_prefixes)


def _canonical_json(value: Any) -> Any:
    """Sort arrays (JSON-LD sets: order is meaningless) so output does not depend on hash order."""
    if isinstance(value, dict):
        return {k: _canonical_json(v) if k != "@list" else [_canonical_json(i) for i in v]
                for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def write_jsonld(path: Path, graph: Graph, context: dict[str, Any]) -> None:
    """Compact ``graph`` with ``context`` (embedded, so the file reads offline; the same context is
    published as ``context.jsonld``)."""
    text = graph.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    document = json.loads(text)
    if isinstance(document, list):
        document = {"@graph": document}
    document.pop("@context", None)
    body = _canonical_json(document)
    ordered = {"@context": context["@context"], **{k: body[k] for k in sorted(body)}}
    path.write_text(json.dumps(ordered, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")


def gzip_file(path: Path) -> Path:
    """Write ``path.gz`` byte-stably (no timestamp, no file name in the header)."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, target.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            while chunk := src.read(1 << 20):
                gz.write(chunk)
    return target
