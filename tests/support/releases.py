"""Releases for tests, made by the real pipeline (``heg build``'s own code): never written by hand."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph_builder.pipeline import Pipeline, run_pipeline
from graph_builder.release import write_release

#: A tiny but complete copy of data/ (tests/fixtures/data/README.md): two case studies, a few practices.
FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"


def build_release(out_dir: Path, data_dir: Path = FIXTURE_DATA, version: str | None = None) -> Path:
    """Build ``data_dir`` into ``out_dir/releases/<version>`` and return ``out_dir/releases/latest``."""
    outcome = write_release(run_pipeline(Pipeline(data_dir=data_dir)), out_dir, version=version)
    return outcome.path.parent / "latest"


def dump_store(release_dir: Path) -> ox.Store:
    """The release's TriG dump in an in-memory store: what the endpoint's answers must match, read
    without the endpoint."""
    store = ox.Store()
    store.load(path=str(Path(release_dir) / "heg.trig"), format=ox.RdfFormat.TRIG)
    return store


def answer_of(store: ox.Store, query: str) -> list:
    """Solutions (or triples) of ``query`` over the union of the release's graphs, straight from pyoxigraph."""
    return list(store.query(query, use_default_graph_as_union=True))
