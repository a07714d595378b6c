"""Benchmark ``heg serve`` against the Oxigraph server and rdflib-endpoint on the same release.

Starts each server as users run it, on 127.0.0.1:
- ``heg serve --release DIR`` (gunicorn, default settings unless --heg-args says otherwise);
- ``oxigraph serve-read-only --location DIR/store --union-default-graph`` (``pip install oxigraph``);
- ``rdflib-endpoint serve DIR/heg.trig`` (``pip install rdflib-endpoint uvicorn``), the Python peer;
then drives each with the same load client (threads with keep-alive HTTP connections, in this process) at
1, 4 and 16 concurrent clients for a fixed time, with two query mixes:
- ``distinct``: every request is a new query text (no cache can help);
- ``repeated``: a realistic mix of eight queries, over and over.
It prints requests/s, p50 and p99 for each server and our ratios to each peer, and checks the goals of the
endpoint issue. A missing peer is reported and skipped, never a crash.

    python -m benchmarks.endpoint [--release build/releases/latest] [--duration 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
PREFIXES = """PREFIX heg: <https://w3id.org/health-equity-guide/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

#: The realistic mix: what a researcher's session asks.
REALISTIC = [
    "SELECT ?practice ?label WHERE { ?practice a heg:StrategicPractice ; skos:prefLabel ?label } ORDER BY ?label",
    "SELECT ?cs ?title WHERE { ?cs a heg:CaseStudy ; dcterms:title ?title } ORDER BY ?title LIMIT 50",
    "SELECT ?practice (COUNT(?cs) AS ?n) WHERE { ?cs heg:advancesPractice ?practice } GROUP BY ?practice ORDER BY DESC(?n)",
    "SELECT ?r ?title WHERE { ?r a heg:Resource ; dcterms:title ?title FILTER(CONTAINS(LCASE(STR(?title)), \"health\")) } LIMIT 100",
    "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "SELECT ?cs ?title ?practice ?label WHERE { ?cs a heg:CaseStudy ; dcterms:title ?title OPTIONAL { ?cs heg:advancesPractice ?practice . ?practice skos:prefLabel ?label } } LIMIT 200",
    "ASK { ?s a heg:CaseStudy }",
    "CONSTRUCT { ?p skos:prefLabel ?l ; heg:keyAction ?a } WHERE { ?p a heg:StrategicPractice ; skos:prefLabel ?l OPTIONAL { ?p heg:keyAction ?a } }",
]

#: Distinct queries: the same shapes, every text new (a different LIMIT each time).
DISTINCT_TEMPLATES = [
    "SELECT ?practice ?label WHERE {{ ?practice a heg:StrategicPractice ; skos:prefLabel ?label }} ORDER BY ?label LIMIT {n}",
    "SELECT ?cs ?title WHERE {{ ?cs a heg:CaseStudy ; dcterms:title ?title }} LIMIT {n}",
    "SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {n}",
    "SELECT ?practice (COUNT(?cs) AS ?n) WHERE {{ ?cs heg:advancesPractice ?practice }} GROUP BY ?practice LIMIT {n}",
    "SELECT ?r ?title WHERE {{ ?r a heg:Resource ; dcterms:title ?title }} LIMIT {n}",
]

GOALS = "distinct >= 0.8x Oxigraph throughput at 4 clients with p99 <= 2x; repeated >= 3x Oxigraph; >= 50x rdflib-endpoint"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    path: str = "/sparql"
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, workdir: Path) -> None:
        self.log = workdir / f"{self.name}.log"
        handle = self.log.open("wb")
        self.process = subprocess.Popen(self.command, stdout=handle, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=workdir)
        deadline = time.monotonic() + 120
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", f"{self.path}?{query}", headers={"Accept": "application/sparql-results+json"})
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not become ready: see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Cell:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000


def drive(server: Server, queries, clients: int, duration: float) -> Cell:
    """``clients`` threads, each with one keep-alive connection, for ``duration`` seconds."""
    cell = Cell()
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        latencies: list[float] = []
        errors = 0
        while time.monotonic() < stop_at:
            query = next(queries)
            accept = "text/turtle" if query.lstrip().startswith("CONSTRUCT") else "application/sparql-results+json"
            url = f"{server.path}?{urllib.parse.urlencode({'query': PREFIXES + query})}"
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            latencies.append(time.perf_counter() - started)
            errors += not ok
        conn.close()
        with lock:
            cell.latencies.extend(latencies)
            cell.requests += len(latencies)
            cell.errors += errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cell.seconds = time.monotonic() - started
    return cell


def query_streams(mix: str):
    if mix == "repeated":
        return itertools.cycle(REALISTIC)
    counter = itertools.count(1)
    lock = threading.Lock()

    class Distinct:
        def __next__(self) -> str:
            with lock:
                i = next(counter)
            return DISTINCT_TEMPLATES[i % len(DISTINCT_TEMPLATES)].format(n=1000 + i)

    return Distinct()


def ensure_release(path: Path, workdir: Path) -> Path:
    if (path / "manifest.json").exists():
        return path
    print(f"no release at {path}; building one with `heg build --out {workdir / 'build'}`", flush=True)
    subprocess.run([str(BIN / "heg"), "build", "--out", str(workdir / "build")], check=True)
    return workdir / "build" / "releases" / "latest"


def servers(release: Path, heg_args: list[str], wanted: set[str]) -> tuple[list[Server], list[str]]:
    found: list[Server] = []
    missing: list[str] = []
    if "heg" in wanted:
        port = free_port()
        found.append(Server("heg serve", [str(BIN / "heg"), "serve", "--release", str(release), "--host", "127.0.0.1",
                                          "--port", str(port), "--log-level", "warning", *heg_args], port))
    oxigraph = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if "oxigraph" in wanted:
        if oxigraph:
            port = free_port()
            found.append(Server("oxigraph", [oxigraph, "serve-read-only", "--location", str(release.resolve() / "store"),
                                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"], port,
                                path="/query"))
        else:
            missing.append("oxigraph server not found: `pip install oxigraph` to compare with it")
    if "rdflib" in wanted:
        rdflib_endpoint = shutil.which("rdflib-endpoint", path=str(BIN)) or shutil.which("rdflib-endpoint")
        try:
            import uvicorn  # noqa: F401  (rdflib-endpoint serve needs it)
        except ImportError:
            rdflib_endpoint = None
        dump = release.resolve() / "heg.trig"
        if rdflib_endpoint and dump.exists():
            port = free_port()
            found.append(Server("rdflib-endpoint", [rdflib_endpoint, "serve", "--host", "127.0.0.1", "--port", str(port),
                                                    str(dump)], port, path="/"))
        else:
            missing.append("rdflib-endpoint not runnable: `pip install rdflib-endpoint uvicorn` (and a release "
                           "with heg.trig) to compare with it")
    return found, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", default="build/releases/latest", type=Path)
    parser.add_argument("--duration", default=5.0, type=float, help="seconds per cell")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--servers", default="heg,oxigraph,rdflib")
    parser.add_argument("--heg-args", default="", help="extra `heg serve` options, e.g. '--workers 2'")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    results: dict[str, dict[str, dict[int, Cell]]] = {}
    with tempfile.TemporaryDirectory(prefix="heg-bench-") as tmp:
        workdir = Path(tmp)
        release = ensure_release(args.release, workdir)
        manifest = json.loads((release / "manifest.json").read_text())
        print(f"release {manifest['version']}: {manifest['triples']['total']} triples; {os.cpu_count()} CPUs; "
              f"{args.duration:g} s per cell; load client in this process", flush=True)
        found, missing = servers(release, args.heg_args.split(), set(args.servers.split(",")))
        for note in missing:
            print("SKIPPED:", note, flush=True)
        for server in found:
            try:
                server.start(workdir)
            except RuntimeError as exc:
                print("SKIPPED:", exc, flush=True)
                server.stop()
                continue
            try:
                results[server.name] = {}
                for mix in ("distinct", "repeated"):
                    results[server.name][mix] = {}
                    drive(server, query_streams(mix), 2, 1.0)  # warm-up
                    for clients in levels:
                        cell = drive(server, query_streams(mix), clients, args.duration)
                        results[server.name][mix][clients] = cell
                        print(f"{server.name:16} {mix:9} {clients:3} clients: {cell.rps:9.1f} req/s  "
                              f"p50 {cell.pct(0.5):8.2f} ms  p99 {cell.pct(0.99):8.2f} ms  errors {cell.errors}",
                              flush=True)
            finally:
                server.stop()
    report(results, levels, args.json)
    return 0


def report(results, levels, json_path: Path | None) -> None:
    ours = results.get("heg serve")
    print()
    print("| server | mix | clients | req/s | p50 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, mixes in results.items():
        for mix, cells in mixes.items():
            for clients, cell in cells.items():
                print(f"| {name} | {mix} | {clients} | {cell.rps:.0f} | {cell.pct(0.5):.2f} | {cell.pct(0.99):.2f} | "
                      f"{cell.errors} |")
    if ours:
        print()
        print("| ratio (heg serve / peer) | mix | clients | throughput | p99 |")
        print("| --- | --- | --- | --- | --- |")
        for name, mixes in results.items():
            if name == "heg serve":
                continue
            for mix, cells in mixes.items():
                for clients, cell in cells.items():
                    mine = ours[mix][clients]
                    print(f"| vs {name} | {mix} | {clients} | {mine.rps / cell.rps:.2f}x | "
                          f"{mine.pct(0.99) / cell.pct(0.99):.2f}x |")
        print()
        print("Goals:", GOALS)
        oxi = results.get("oxigraph")
        if oxi and 4 in levels:
            d_ratio = ours["distinct"][4].rps / oxi["distinct"][4].rps
            d_p99 = ours["distinct"][4].pct(0.99) / oxi["distinct"][4].pct(0.99)
            r_ratio = ours["repeated"][4].rps / oxi["repeated"][4].rps
            print(f"  distinct @4 vs Oxigraph: {d_ratio:.2f}x throughput (goal 0.8x: {'met' if d_ratio >= 0.8 else 'NOT met'}),"
                  f" p99 {d_p99:.2f}x (goal <= 2x: {'met' if d_p99 <= 2 else 'NOT met'})")
            print(f"  repeated @4 vs Oxigraph: {r_ratio:.2f}x (goal 3x: {'met' if r_ratio >= 3 else 'NOT met'})")
        rdf = results.get("rdflib-endpoint")
        if rdf and 4 in levels:
            for mix in ("distinct", "repeated"):
                ratio = ours[mix][4].rps / rdf[mix][4].rps
                print(f"  {mix} @4 vs rdflib-endpoint: {ratio:.1f}x (goal 50x: {'met' if ratio >= 50 else 'NOT met'})")
    if json_path:
        json_path.write_text(json.dumps({name: {mix: {str(c): {"rps": cell.rps, "p50_ms": cell.pct(0.5),
                                                               "p99_ms": cell.pct(0.99), "errors": cell.errors}
                                                      for c, cell in cells.items()} for mix, cells in mixes.items()}
                                         for name, mixes in results.items()}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
