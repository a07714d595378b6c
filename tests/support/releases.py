"""Releases for tests, made by the real pipeline (``heg build``'s own code): never written by hand."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
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


#: An edit of a copy of the fixture sources (``data_dir``), made before one release of a series is built.
Edit = Callable[[Path], None]


def build_release_series(tmp: Path, edits: Mapping[str, Edit | None]) -> Path:
    """Build one release per ``version -> edit`` into ``tmp/releases``, in order, each from one copy of
    tests/fixtures/data to which that edit is applied after all the earlier ones (so the edits accumulate,
    as sources do between releases); the last becomes ``latest``. Returns ``tmp/releases``."""
    data = tmp / "series-data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(FIXTURE_DATA, data)
    for version, edit in edits.items():
        if edit is not None:
            edit(data)
        build_release(tmp, data, version=version)
    return tmp / "releases"


def replace_in(path: Path, old: str, new: str) -> None:
    """An edit's one step: ``old`` (which must be there) replaced by ``new`` in the file at ``path``."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{path} does not contain {old!r}: the edit no longer fits the fixture data")
    path.write_text(text.replace(old, new), encoding="utf-8")
