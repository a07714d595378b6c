"""Releases for tests, made by the real pipeline (``heg build``'s own code): never written by hand."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
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


#: One step of a release series: the version to build and an edit of the sources copy (None: as they are).
Edit = Callable[[Path], None]


def set_version(data_dir: Path, version: str) -> None:
    """Write ``version`` into the ``version:`` line of ``data_dir/dataset.yaml`` (comments kept)."""
    path = data_dir / "dataset.yaml"
    text, found = re.subn(r"^version: .*$", f'version: "{version}"', path.read_text(encoding="utf-8"), count=1,
                          flags=re.MULTILINE)
    if not found:
        raise ValueError(f"{path} has no `version:` line to bump")
    path.write_text(text, encoding="utf-8")


def build_release_series(out_dir: Path, steps: Sequence[tuple[str, Edit | None]],
                         data_dir: Path = FIXTURE_DATA) -> list[Path]:
    """Build one release per step into ``out_dir/releases``, oldest first, each from one copy of ``data_dir``
    (``out_dir/sources``) with the step's edit applied on top of the earlier ones and its version written
    into the copy's dataset.yaml; the versioned release directories, in build order."""
    sources = out_dir / "sources"
    shutil.copytree(data_dir, sources)
    built = []
    for version, edit in steps:
        if edit is not None:
            edit(sources)
        set_version(sources, version)
        built.append(write_release(run_pipeline(Pipeline(data_dir=sources)), out_dir).path)
    return built
