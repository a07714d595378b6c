"""RDF representations of descriptions: pyoxigraph for Turtle, N-Triples and RDF/XML; JSON-LD compacted
with the release's published context by the kernel's one compaction."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from heg_core import jsonld
from heg_core.formats import Format

from ..state import get_state
from ..stores.results import write_graph


def context() -> dict[str, Any]:
    """The release's published JSON-LD context (read once per served release)."""
    state = get_state()
    return state.once("context", lambda: json.loads((state.release.path / "context.jsonld").read_text(encoding="utf-8")))


def write(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Serialize a description in ``fmt`` (triples sorted, so the same description gives the same bytes),
    with the serializers query answers use."""
    ordered = sorted(triples, key=str)
    if fmt.key == "jsonld":
        return jsonld.to_bytes(jsonld.compact_triples(ordered, context()))
    prefixes = {p: iri for p, iri in get_state().prefixes.items() if p != "hegid"}
    return write_graph(ordered, fmt.key, prefixes)
