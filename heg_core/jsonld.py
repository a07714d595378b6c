"""The one JSON-LD compaction: a graph compacted with the release's published context, in a canonical order.

The builder writes the JSON-LD dump with it, the server every JSON-LD representation of an IRI, so both
look alike. rdflib's JSON-LD serializer compacts; arrays are then sorted (JSON-LD sets: order carries no
meaning) and keys ordered, so the output does not depend on hash order. The context is embedded (the
document reads offline); the same context is published as ``context.jsonld``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) if k != "@list" else [_canonical(i) for i in v] for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def compact(graph: Graph, context: dict[str, Any]) -> dict[str, Any]:
    """``graph`` compacted with ``context`` (a ``{"@context": ...}`` document), canonically ordered."""
    document = json.loads(graph.serialize(format="json-ld", context=context["@context"], auto_compact=True))
    if isinstance(document, list):
        document = {"@graph": document}
    document.pop("@context", None)
    body = _canonical(document)
    return {"@context": context["@context"], **{k: body[k] for k in sorted(body)}}


def compact_triples(triples: Iterable[ox.Triple], context: dict[str, Any]) -> dict[str, Any]:
    """The same, for pyoxigraph triples (the server's answers). Blank nodes keep their labels (the store's,
    stable), so the same answer gives the same bytes in every process (a parse would relabel them at random)."""
    graph = Graph()
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return compact(graph, context)


def _term(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def to_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
