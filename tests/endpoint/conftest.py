"""Shared fixtures: one small release per session, an app per test, a helper to make apps.

``make_release`` is the one place that writes a release for the tests. When
``graph_builder.release.build_release`` lands, it can be swapped in here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox
import pytest
from flask import Flask

from sparql_endpoint import create_app

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


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="session")
def big_release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with 2,000 filler triples: a 4-way cartesian product over it never ends in time."""
    return make_release(tmp_path_factory.mktemp("big-releases"), filler=2000)


TEST_DEFAULTS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10.0}


@pytest.fixture
def make_app(release_dir: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(**settings)``: a fresh app on the session release; its workers are stopped afterwards."""
    apps: list[Flask] = []

    def _make(**settings: Any) -> Flask:
        app = create_app({**TEST_DEFAULTS, "RELEASE_DIR": str(release_dir), **settings}, environ={})
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["heg_endpoint"].store.close()


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per test module for the many read-only protocol tests (workers are costly to start)."""
    release = make_release(tmp_path_factory.mktemp("module-release"))
    app = create_app({**TEST_DEFAULTS, "RELEASE_DIR": str(release), "QUERY_WORKERS": 2}, environ={})
    yield app
    app.extensions["heg_endpoint"].store.close()


@pytest.fixture
def client(shared_app: Flask) -> Any:
    return shared_app.test_client()
