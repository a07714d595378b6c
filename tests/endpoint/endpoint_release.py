"""Writes a small release for the endpoint tests (the one place that does).

When the builder's ``graph_builder.release`` can make a fixture release this small and fast, it can be
swapped in here.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyoxigraph as ox

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://w3id.org/health-equity-guide/"
GRAPHS = {key: f"{BASE}graph/{key}" for key in ("data", "ontology", "shapes", "metadata")}


def make_release(root: Path, version: str = "2026.11.0-test", filler: int = 0) -> Path:
    """Write ``root/<version>`` (store, manifest.json, void.ttl) and ``root/latest``; return ``root/latest``.

    ``filler`` adds that many extra data triples (for runaway-query tests that need a bigger graph).
    """
    release = root / version
    release.mkdir(parents=True)
    store = ox.Store(str(release / "store"))
    source = (FIXTURES / "release.trig").read_bytes()
    store.load(source, format=ox.RdfFormat.TRIG)
    data = ox.NamedNode(GRAPHS["data"])
    store.extend(ox.Quad(ox.NamedNode(f"{BASE}id/filler/{i}"), ox.NamedNode(f"{BASE}ontology#filler"),
                         ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), data)
                 for i in range(filler))
    store.flush()
    triples = {key: len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(iri))))
               for key, iri in GRAPHS.items()}
    triples["total"] = sum(triples.values())
    del store
    (release / "void.ttl").write_text(
        f"@prefix void: <http://rdfs.org/ns/void#> .\n<{BASE}id/dataset> a void:Dataset ;\n"
        f"  void:triples {triples['total']} ;\n  void:sparqlEndpoint <http://localhost/sparql> .\n", encoding="utf-8")
    manifest = {"version": version, "base_iri": BASE, "built_at": "2026-01-01T00:00:00Z", "previous_version": None,
                "digest": hashlib.sha256(source + str(filler).encode()).hexdigest(), "graphs": GRAPHS,
                "triples": triples, "files": [], "store": "store"}
    (release / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.symlink(version, root / "latest")
    return root / "latest"
