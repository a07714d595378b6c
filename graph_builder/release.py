"""Write an immutable release directory and switch ``latest`` to it atomically.

Everything is written into a hidden staging directory next to the releases; only when every file, the
store and the manifest are complete is it renamed into place (one ``rename``), and only then is the
``latest`` symlink replaced (another ``rename``). A build that fails or is killed at any point leaves the
previous release and ``latest`` untouched; its staging directory is removed by the next build.

Layout of ``build/releases/<version>/`` (see docs/releases.md):
``heg.ttl heg.nt heg.jsonld heg.trig`` (+ ``.gz``), ``context.jsonld``, ``ontology.ttl``, ``shapes.ttl``,
``void.ttl``, ``validation-report.ttl``, ``validation-report.txt``, what changed since the previous release
(``changes.rdfp``, ``added.nt``, ``removed.nt``, ``changes.json``: :mod:`.changes`), its citation
(``citation.txt``, ``citation.json``, ``citation.bib``), ``SHA256SUMS``, ``manifest.json`` and
``store/`` (a pyoxigraph store holding the named graphs data, ontology, shapes and metadata).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .context import jsonld_context
from heg_core.errors import ReleaseError
from heg_core.formats import graph_format, media_type_of
from heg_core.release import GRAPH_NAMES, MANIFEST, latest_version, read_manifest, sha256_file

from .changes import write_changes
from .cite import cited_release, write_citation
from heg_core.citation import text as text_citation
from .dumps import TermConverter, as_quads, gzip_file, to_quads, to_triples, write_jsonld, write_rdf
from .errors import SourceErrors
from .examples import check_examples_on
from .forked import WORTH_FORKING, Forked, stop_unfinished
from .metadata import FileInfo, metadata_graph
from .pipeline import PipelineResult

log = logging.getLogger(__name__)

STAGING_PREFIX = ".staging-"


@dataclass
class ReleaseOutcome:
    path: Path
    version: str
    reused: bool  # the same content was already released under this version
    manifest: dict[str, Any]
    timings: dict[str, float]


def _file_info(root: Path, name: str) -> FileInfo:
    path = root / name
    media_type = media_type_of(path.name)
    return FileInfo(name, media_type, path.stat().st_size, sha256_file(path))


@contextmanager
def _build_lock(releases: Path) -> Iterator[None]:
    """One build at a time per releases directory (a second one fails fast with a clear message)."""
    releases.mkdir(parents=True, exist_ok=True)
    with (releases / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ReleaseError(f"another build is writing to {releases}; wait for it to finish") from exc
        yield


def _clean_staging(releases: Path) -> None:
    for leftover in releases.glob(STAGING_PREFIX + "*"):
        log.warning("removing %s left by an interrupted build", leftover)
        shutil.rmtree(leftover, ignore_errors=True)


def _switch_latest(releases: Path, version: str) -> None:
    tmp = releases / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(version)
    os.replace(tmp, releases / "latest")  # atomic: readers see the old or the new target


def content_digest(root: Path) -> str:
    """SHA-256 over the written, byte-stable data, ontology, shapes and queries dumps: the release's identity."""
    digest = hashlib.sha256()
    for name in ("heg.nt", "ontology.ttl", "shapes.ttl", "queries.ttl"):
        digest.update(name.encode())
        digest.update(sha256_file(root / name).encode())
    return digest.hexdigest()


def write_release(result: PipelineResult, out_dir: Path, *, version: str | None = None) -> ReleaseOutcome:
    """Write the release of a validated pipeline result under ``out_dir/releases``.

    Everything is written to a staging directory first; its content digest then decides: a new
    version is renamed into place and becomes ``latest``; the same content already released under this
    version is a no-op; other content under an existing version is refused (releases are immutable).
    """
    if not result.validation.conforms:
        raise ReleaseError("refusing to release a graph with SHACL violations")
    dataset = result.sources.of("dataset")[0]
    version = version or str(dataset["version"])
    releases = Path(out_dir) / "releases"
    timings: dict[str, float] = {}
    with _build_lock(releases):
        _clean_staging(releases)
        final = releases / version
        previous = latest_version(releases)
        if previous == version:  # rebuilding what latest already is: its own predecessor stays recorded
            previous = read_manifest(final).get("previous_version")
        staging = releases / f"{STAGING_PREFIX}{version}-{os.getpid()}"
        staging.mkdir()
        try:
            manifest = _write_files(result, staging, version, previous, timings)
            if final.exists():
                existing = read_manifest(final)
                if existing.get("digest") != manifest["digest"]:
                    raise ReleaseError(
                        f"release {version} already exists in {releases} with different content; releases "
                        f"are immutable: bump `version` in data/dataset.yaml (or pass --version) and build again"
                    )
                shutil.rmtree(staging)
                _switch_latest(releases, version)
                return ReleaseOutcome(final, version, True, existing, timings)
            os.rename(staging, final)
        except BaseException:
            stop_unfinished()  # no step left running writes into the staging directory removed here
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch_latest(releases, version)
        return ReleaseOutcome(final, version, False, manifest, timings)


def _write_files(
    result: PipelineResult, root: Path, version: str, previous: str | None, timings: dict[str, float],
) -> dict[str, Any]:
    space = result.space
    base = space.base
    prefixes = space.turtle_prefixes
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    graph_iris = {name: f"{base}graph/{name}" for name in GRAPH_NAMES}

    context = jsonld_context(space)
    (root / "context.jsonld").write_text(json.dumps(context, indent=1) + "\n", encoding="utf-8")
    beside = len(result.data) >= WORTH_FORKING  # large graphs: slow steps run in forked processes beside others
    jsonld = Forked(write_jsonld, root / "heg.jsonld", result.data, context, fork=beside)  # rdflib's

    convert = TermConverter()
    start = time.perf_counter()
    data_triples = to_triples(result.data, convert)
    write_rdf(root / "heg.ttl", data_triples, graph_format("turtle"), prefixes)
    write_rdf(root / "heg.nt", data_triples, graph_format("ntriples"), prefixes)
    timings["turtle+ntriples"] = time.perf_counter() - start

    write_rdf(root / "ontology.ttl", to_triples(result.ontology, convert), graph_format("turtle"), prefixes)
    write_rdf(root / "shapes.ttl", to_triples(result.shapes, convert), graph_format("turtle"), prefixes)
    write_rdf(root / "queries.ttl", to_triples(result.queries, convert), graph_format("turtle"), prefixes)
    write_rdf(root / "validation-report.ttl", result.validation.report_triples(), graph_format("turtle"), prefixes)
    (root / "validation-report.txt").write_text(result.validation.report_text, encoding="utf-8")
    digest = content_digest(root)
    start = time.perf_counter()
    jsonld.result()
    timings["jsonld (wait)"] = time.perf_counter() - start

    start = time.perf_counter()
    release_iri = space.entity("release", version)
    changes = None
    if previous and previous != version:  # what changed since the previous release (none for a first one)
        changes = write_changes(root, root.parent / previous, graph_iris=graph_iris, release_iri=release_iri,
                                digest=digest, previous_iri=space.entity("release", previous))
    citation = cited_release(result.sources, version, built_at, release_iri)
    cited = write_citation(root, citation)
    timings["changes+citation"] = time.perf_counter() - start

    start = time.perf_counter()
    described = ["heg.ttl", "heg.nt", "heg.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl", "queries.ttl",
                 "validation-report.ttl", "validation-report.txt", *(changes["files"] if changes else []), *cited]
    for name in ["heg.ttl", "heg.nt", "heg.jsonld"]:
        described.append(gzip_file(root / name).name)
    infos = [_file_info(root, name) for name in described]
    timings["gzip+checksums"] = time.perf_counter() - start

    start = time.perf_counter()
    sizes = {"data": len(result.data), "ontology": len(result.ontology), "shapes": len(result.shapes),
             "queries": len(result.queries)}
    metadata = metadata_graph(
        space=space, sources=result.sources, version=version, previous=previous, built_at=built_at,
        data=result.data, files=infos, graph_sizes=sizes, citation=text_citation(citation),
        undescribed=[("heg.trig", graph_format("trig").media_type), ("heg.trig.gz", "application/gzip"),
                     ("void.ttl", "text/turtle"), (MANIFEST, "application/json"), ("SHA256SUMS", "text/plain")],
    )
    sizes["metadata"] = len(metadata)
    write_rdf(root / "void.ttl", to_triples(metadata, convert), graph_format("turtle"), prefixes)
    quads = [*as_quads(data_triples, graph_iris["data"]),
             *to_quads({graph_iris["ontology"]: result.ontology, graph_iris["shapes"]: result.shapes,
                        graph_iris["queries"]: result.queries, graph_iris["metadata"]: metadata}, convert)]
    examples = Forked(check_examples_on, quads, result.sources, result.space, fork=beside)  # beside TriG, store
    write_rdf(root / "heg.trig", quads, graph_format("trig"), prefixes)
    gzip_file(root / "heg.trig")
    timings["metadata+trig"] = time.perf_counter() - start

    start = time.perf_counter()
    store = ox.Store(str(root / "store"))
    store.bulk_extend(quads)  # the store holds exactly the TriG: the quads it was written from
    store.flush()
    timings["store"] = time.perf_counter() - start

    start = time.perf_counter()
    if len(store) != len(quads):  # the examples ran on these quads, so the store must hold them all
        raise ReleaseError(f"the store written to {root / 'store'} holds {len(store)} quads, not {len(quads)}")
    del store
    broken = examples.result()
    if broken:  # an example that no longer holds stops the release: examples cannot rot
        raise SourceErrors(broken)
    timings["examples (wait)"] = time.perf_counter() - start

    files = [*infos, *(_file_info(root, n) for n in ("heg.trig", "heg.trig.gz", "void.ttl"))]
    (root / "SHA256SUMS").write_text("".join(f"{f.sha256}  {f.path}\n" for f in sorted(files, key=lambda f: f.path)),
                                     encoding="utf-8")
    manifest = {
        "version": version,
        "base_iri": base,
        "built_at": built_at,
        "previous_version": previous,
        "digest": digest,
        **({"changes": changes} if changes else {}),
        "graphs": graph_iris,
        "triples": {**sizes, "total": sum(sizes.values())},
        "validation": {"conforms": result.validation.conforms, "violations": result.validation.violations,
                       "warnings": result.validation.warnings, "infos": result.validation.infos},
        "files": [f.__dict__ for f in sorted(files, key=lambda f: f.path)],
        "store": "store",
    }
    # Written last: a directory without a manifest is never taken for a release.
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def preview_examples(result: PipelineResult) -> list:
    """Run the example queries on an in-memory store of what a release of ``result`` would hold
    (``heg validate`` uses this; ``heg build`` checks them on the quads it writes to the TriG and the store)."""
    convert = TermConverter()
    space = result.space
    metadata = metadata_graph(space=space, sources=result.sources, version=str(result.sources.of("dataset")[0]["version"]),
                              previous=None, built_at="1970-01-01T00:00:00Z", data=result.data, files=[],
                              undescribed=[], graph_sizes={})
    graphs = {f"{space.base}graph/{name}": graph for name, graph in (
        ("data", result.data), ("ontology", result.ontology), ("shapes", result.shapes),
        ("queries", result.queries), ("metadata", metadata))}
    return check_examples_on(list(to_quads(graphs, convert)), result.sources, result.space)
