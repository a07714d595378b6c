"""Benchmark: load, build, validate and release at 1x, 10x and 100x the real data.

Synthetic sources are made in the shape of the real ones: every case study, resource, organization,
place, practice (with its key actions and group) and crosswalk row is copied N times with suffixed
slugs, and references inside a copy point at the same copy. Each scale runs in its own process, so
peak memory (max RSS) is that run's own; the build's forked workers (SHACL, JSON-LD, example queries)
are reported apart, as the largest of them, and the peak PSS of all of them together (shared pages
split between the processes sharing them) as what the build needs of the machine. As a peer in the same run, the same data graph is written as
Turtle by rdflib, the serializer we replaced with pyoxigraph's.

    python -m benchmarks.build                 # 1x, 10x, 100x
    python -m benchmarks.build --scales 1 10   # a quicker run

Goal (issues 2 and 12): 100x in under 30 s and under 1.5 GB, cost growing linearly.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT / "data"


def _suffix(slug: str, i: int) -> str:
    return slug if i == 0 else f"{slug}-x{i}"


def _practice_ref(ref: str, i: int) -> str:
    edition, slug = ref.split("/", 1)
    return f"{edition}/{_suffix(slug, i)}"


def make_sources(scale: int, target: Path) -> None:
    """Write ``scale`` copies of the real sources into ``target``."""
    shutil.copytree(DATA, target)
    for path in (target / "case-studies").glob("*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i in range(1, scale):
            copy = dict(record)
            for field in ("health_departments", "partners", "places"):
                copy[field] = [_suffix(s, i) for s in record.get(field) or []]
            copy["practices"] = [_practice_ref(p, i) for p in record.get("practices") or []]
            (path.parent / f"{_suffix(path.stem, i)}.yaml").write_text(yaml.safe_dump(copy, sort_keys=False),
                                                                        encoding="utf-8")
    resources = yaml.safe_load((target / "resources.yaml").read_text(encoding="utf-8"))
    out = []
    for i in range(scale):
        for item in resources:
            copy = dict(item, slug=_suffix(item["slug"], i))
            copy["publishers"] = [_suffix(s, i) for s in item.get("publishers") or []]
            copy["practices"] = [_practice_ref(p, i) for p in item.get("practices") or []]
            copy["categories"] = [_suffix(c, i) for c in item.get("categories") or []]
            if item.get("case_study"):
                copy["case_study"] = _suffix(item["case_study"], i)
            out.append(copy)
    (target / "resources.yaml").write_text(yaml.safe_dump(out, sort_keys=False), encoding="utf-8")
    for path in (target / "editions").glob("*.yaml"):
        edition = yaml.safe_load(path.read_text(encoding="utf-8"))
        groups, practices = [], []
        for i in range(scale):
            groups += [dict(g, slug=_suffix(g["slug"], i)) for g in edition["groups"]]
            practices += [dict(p, slug=_suffix(p["slug"], i), group=_suffix(p["group"], i)) if p.get("group")
                          else dict(p, slug=_suffix(p["slug"], i)) for p in edition["practices"]]
        edition["groups"], edition["practices"] = groups, practices
        path.write_text(yaml.safe_dump(edition, sort_keys=False), encoding="utf-8")
    _multiply_csv(target / "organizations.csv", scale, {"slug": _suffix, "serves": _suffix_list})
    _multiply_csv(target / "places.csv", scale, {"slug": _suffix, "within": _suffix})
    _multiply_csv(target / "crosswalk.csv", scale, {"old": _suffix, "new": _suffix})


def _suffix_list(value: str, i: int) -> str:
    return ";".join(_suffix(v, i) for v in value.split(";") if v)


def _multiply_csv(path: Path, scale: int, rewrite: dict) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows:
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for i in range(scale):
        for row in rows:
            writer.writerow({k: (rewrite[k](v, i) if k in rewrite and v else v) for k, v in row.items()})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _tree_pss_kb(pid: int) -> int:
    """PSS of ``pid`` and its descendants (Linux): pages shared by forked workers are split between them,
    not counted in full by each as RSS does."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:  # the process ended meanwhile, or no /proc
        return 0
    own = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return own + sum(_tree_pss_kb(child) for child in children)


class _PeakMemory(threading.Thread):
    """The largest PSS of this process and its workers together, sampled every 0.2 s: what the build
    asks of the machine at once."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_pss_kb(os.getpid()))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return round(self.peak_kb / 1024)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers: the work done, whatever else the machine runs."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def run_one(scale: int) -> dict:
    """Build one scale in this process and return its figures."""
    from graph_builder.pipeline import Pipeline, run_pipeline
    from graph_builder.release import write_release

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_sources(scale, data)
        memory = _PeakMemory()
        memory.start()
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        result = run_pipeline(Pipeline(data_dir=data))
        outcome = write_release(result, Path(tmp) / "build")
        total, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
        peak_pss = memory.stop()
        peer_start = time.perf_counter()
        result.data.serialize(destination=str(Path(tmp) / "rdflib.ttl"), format="turtle")
        peer_turtle = time.perf_counter() - peer_start
    stages = {**result.timings, **{f"release:{k}": v for k, v in outcome.timings.items()}}
    return {
        "scale": scale,
        "triples": outcome.manifest["triples"]["total"],
        "data_triples": outcome.manifest["triples"]["data"],
        "seconds": round(total, 2),
        "cpu_seconds": round(cpu, 2),
        "triples_per_second": round(outcome.manifest["triples"]["total"] / total),
        "stages": {k: round(v, 2) for k, v in stages.items()},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "peak_pss_all_mb": peak_pss,
        "shacl": {"violations": result.validation.violations, "warnings": result.validation.warnings},
        "peer_rdflib_turtle_seconds": round(peer_turtle, 2),
        "ours_turtle_ntriples_seconds": round(outcome.timings.get("turtle+ntriples", 0), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one scale, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    rows = []
    for scale in args.scales:
        done = subprocess.run([sys.executable, __file__, "--one", str(scale)], capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'scale':>5} {'triples':>9} {'seconds':>8} {'CPU s':>7} {'triples/s':>10} {'peak MB':>8} {'worker MB':>9} {'all PSS MB':>10}  "
          f"{'ours: ttl+nt s':>14} {'rdflib ttl s':>12}")
    for r in rows:
        print(f"{r['scale']:>5} {r['triples']:>9} {r['seconds']:>8} {r['cpu_seconds']:>7} {r['triples_per_second']:>10} "
              f"{r['peak_rss_mb']:>8} {r['peak_rss_worker_mb']:>9} {r['peak_pss_all_mb']:>10}  "
              f"{r['ours_turtle_ntriples_seconds']:>14} "
              f"{r['peer_rdflib_turtle_seconds']:>12}")
    print()
    for r in rows:
        print(f"{r['scale']}x stages (s): " + ", ".join(f"{k} {v}" for k, v in r["stages"].items()))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["seconds"] / first["seconds"]) / (last["triples"] / first["triples"])
        print(f"\ncost growth {first['scale']}x -> {last['scale']}x: {growth:.2f} x linear "
              "(1.0 = linear; below 1 means fixed costs dominate the small run)")
    big = rows[-1]
    if big["scale"] == 100:
        memory = max(big["peak_rss_mb"], big["peak_pss_all_mb"])
        ok = big["seconds"] < 30 and memory < 1536
        print(f"goal 100x < 30 s and < 1.5 GB: {'met' if ok else 'NOT met'} "
              f"({big['seconds']} s, {memory} MB: the build process's RSS or all its processes' PSS, the larger)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
