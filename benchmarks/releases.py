"""What each kept queryable release costs a running ``heg serve``: resident memory (VmRSS from /proc, of
the whole process tree) before and after the first queries to each older release, and the disk each
release takes. The figures in docs/operations.md come from this run.

The releases: the real sources built once by the pipeline, and copies of that release under two more
versions (same store, same size: what a year of releases of this size looks like), in one releases
directory; the server runs with ``QUERYABLE_RELEASES=3`` and the default ``OLDER_RELEASE_WORKERS``.

    python -m benchmarks.releases [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from graph_builder.pipeline import Pipeline, run_pipeline
from graph_builder.release import write_release
from tests.support.hardening import get, start_server, stop_server, tree_rss


def copy_as(release: Path, version: str) -> Path:
    """The release again under another version (its manifest says so; its store is the same)."""
    target = release.parent / version
    shutil.copytree(release, target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


def disk(path: Path) -> int:
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder to build into [default: a temporary one]")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="heg-releases-bench-"))
    outcome = write_release(run_pipeline(Pipeline()), out)
    latest = outcome.path
    older = [copy_as(latest, f"{outcome.version}-older{n}") for n in (1, 2)]
    size, store = disk(latest), disk(latest / "store")
    print(f"release {outcome.version}: {outcome.manifest['triples']['total']} triples, {size / 1e6:.1f} MB on "
          f"disk ({store / 1e6:.1f} MB of it the store); each kept release costs that much")
    process, base = start_server(latest.parent / "latest", "--workers", "1",
                                 env={"HEG_QUERYABLE_RELEASES": "3"})
    try:
        def total() -> tuple[int, int]:
            rss = tree_rss(process.pid)
            return sum(rss.values()), len(rss)

        query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert get(f"{base}/sparql?query={query}")[0] == 200  # (an IRI's Link headers would open every release)
        before, processes = total()
        print(f"latest only: {before / 1024:.0f} MiB resident in {processes} processes")
        for release in older:
            version = release.name
            status, headers, _ = get(f"{base}/releases/{version}/sparql?query={query}")
            assert status == 200 and headers.get("X-Release") == version, (status, headers)
            after, now = total()
            print(f"+ release {version} queried: +{(after - before) / 1024:.0f} MiB, +{now - processes} processes "
                  f"({after / 1024:.0f} MiB in all)")
            before, processes = after, now
        assert get(f"{base}/id/dataset")[0] == 200
        after, now = total()
        print(f"+ an IRI with its Link headers (each release's set of IRIs read once): +{(after - before) / 1024:.0f} "
              f"MiB ({after / 1024:.0f} MiB in all)")
    finally:
        stop_server(process)
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
