"""Bounded load run against ``heg serve`` as users run it (granian, a subprocess on 127.0.0.1).

At each concurrency (16 and 64 clients by default) the clients, threads with keep-alive connections in
this process, send a fixed number of requests between them: a mix of SPARQL queries (the release's
examples and cheap distinct ones, JSON and CSV), pages, RDF of entities and downloads. It prints
requests/s, p50/p99, statuses, errors (anything but 200/304 or a dropped connection) and the resident
memory (VmRSS from /proc) of the server's process tree (main process, server processes, fork server, query
workers) at start and after each level. Exit status 1 on any error.

    python -m benchmarks.load [--release build/releases/latest] [--requests 4000] [--clients 16 64]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from tests.support.fuzz_requests import SEED_QUERIES
from tests.support.hardening import process_name, start_server, stop_server, tree_rss

ROOT = Path(__file__).resolve().parents[1]

PAGES = ["/", "/practices", "/case-studies", "/resources", "/organizations", "/places", "/search?q=housing",
         "/id/practice/2017/allocate-resources", "/ontology", "/downloads", "/catalog", "/sparql"]
RDF = ["/id/practice/2017/allocate-resources", "/id/dataset", "/.well-known/void", "/graph/ontology"]


def requests_mix() -> list[tuple[str, dict[str, str]]]:
    mix: list[tuple[str, dict[str, str]]] = []
    for query in SEED_QUERIES:
        graph = any(form in query.upper() for form in ("CONSTRUCT", "DESCRIBE"))
        for accept in (("text/turtle", "application/ld+json") if graph else
                       ("application/sparql-results+json", "text/csv")):
            mix.append(("/sparql?" + urllib.parse.urlencode({"query": query}), {"Accept": accept}))
    mix += [(p, {"Accept": "text/html"}) for p in PAGES]
    mix += [(p, {"Accept": "text/turtle"}) for p in RDF]
    mix += [("/downloads/latest/manifest.json", {}), ("/context.jsonld", {})]
    return mix


def run_level(port: int, clients: int, total: int, mix: list[tuple[str, dict[str, str]]]) -> dict[str, object]:
    counter = itertools.count()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local: list[float] = []
        local_statuses: Counter[str] = Counter()
        while (i := next(counter)) < total:
            if i % 5 == 0:  # one request in five is a query no cache has seen
                path, headers = "/sparql?" + urllib.parse.urlencode(
                    {"query": f"SELECT ?s WHERE {{ ?s a ?c }} LIMIT {i + 1}"}), {"Accept": "text/csv"}
            else:
                path, headers = mix[(i * 7 + n) % len(mix)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                local_statuses[str(response.status)] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                local_statuses[f"error {type(exc).__name__}"] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            local.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(local)
            statuses.update(local_statuses)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "statuses": dict(statuses),
            "errors": sum(n for s, n in statuses.items() if s not in ("200", "304"))}


def show_rss(label: str, pid: int) -> int:
    rss = tree_rss(pid)
    total = sum(rss.values())
    parts = ", ".join(f"{_role(p, pid)} {kib / 1024:.0f}" for p, kib in rss.items())
    print(f"  RSS {label}: {total / 1024:.0f} MiB in {len(rss)} processes ({parts})", flush=True)
    return total


def _role(pid: int, master: int) -> str:
    """main process -> server processes -> (resource tracker, fork server) -> query workers"""
    if pid == master:
        return "master"
    parent = _parent(pid)
    if parent == master:
        return "worker"
    if "resource_tracker" in process_name(pid):
        return "tracker"
    return "forkserver" if _parent(parent) == master else "query"


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", default=str(ROOT / "build" / "releases" / "latest"))
    parser.add_argument("--requests", type=int, default=4000, help="requests per concurrency level")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--serve-args", default="", help="extra heg serve options, e.g. '--workers 2'")
    args = parser.parse_args()
    process, base = start_server(Path(args.release), *args.serve_args.split())
    port = int(base.rsplit(":", 1)[1])
    failed = False
    try:
        print(f"heg serve {args.serve_args or '(defaults)'} on {base}; {args.requests} requests per level")
        mix = requests_mix()
        start_rss = show_rss("at start", process.pid)
        for clients in args.clients:
            result = run_level(port, clients, args.requests, mix)
            print(f"{clients:3d} clients: {result['requests']} requests in {result['seconds']:.1f} s, "
                  f"{result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
                  f"errors {result['errors']}, statuses {result['statuses']}", flush=True)
            failed |= bool(result["errors"])
            show_rss(f"after {clients} clients", process.pid)
        end_rss = show_rss("at end", process.pid)
        print(f"RSS change over the run: {(end_rss - start_rss) / 1024:+.0f} MiB")
        print("verdict: " + ("FAILED (errors above)" if failed else "zero errors"))
    finally:
        stop_server(process)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
