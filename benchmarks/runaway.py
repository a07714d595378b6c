"""Runaway queries against ``heg serve`` (granian, a subprocess on 127.0.0.1): are they stopped at their
deadline, and do the other clients keep their latency?

1. Idle: ``--normal`` clients send cheap queries (each text new, so no cache helps) for ``--seconds``;
   their p50/p99 is the baseline.
2. Under attack: the same normal clients again, while ``--runaways`` clients send, one after the other,
   queries that would run forever (a 4-way cross product with a filter that never matches).

Verdict (printed): every runaway answered 504 within QUERY_TIMEOUT + 1 s; no normal query failed; the
normal clients' p99 under attack within 2x the idle p99. Exit status 1 when a goal is missed.

    python -m benchmarks.runaway [--release build/releases/latest] [--runaways 2] [--normal 4]
                                 [--seconds 15] [--serve-args "--query-timeout 3 --query-workers 4"]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from tests.support.hardening import start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]

RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
           "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), 'never')) }")
NORMAL = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?label WHERE {{ ?s skos:prefLabel ?label "
          "FILTER(CONTAINS(LCASE(?label), \"a\")) }} ORDER BY ?label LIMIT {n}")


def ask(port: int, query: str, timeout: float = 120) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "text/csv"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return -1, time.perf_counter() - started
    finally:
        connection.close()


def normal_phase(port: int, clients: int, seconds: float, stop_early: threading.Event | None = None
                 ) -> tuple[list[float], Counter[int]]:
    counter = itertools.count(1)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline and not (stop_early and stop_early.is_set()):
            status, elapsed = ask(port, NORMAL.format(n=next(counter) + 1000))
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * q) - 1, 0)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", default=str(ROOT / "build" / "releases" / "latest"))
    parser.add_argument("--runaways", type=int, default=2, help="clients sending runaway queries")
    parser.add_argument("--normal", type=int, default=4, help="clients sending normal queries")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--serve-args", default="--query-timeout 3 --query-workers 4")
    args = parser.parse_args()
    serve_args = args.serve_args.split()
    timeout = float(serve_args[serve_args.index("--query-timeout") + 1]) if "--query-timeout" in serve_args else 30.0
    process, base = start_server(Path(args.release), *serve_args)
    port = int(base.rsplit(":", 1)[1])
    try:
        print(f"heg serve {args.serve_args} on {base}: {args.normal} normal clients, {args.runaways} runaway "
              f"clients, {args.seconds:g} s per phase")
        normal_phase(port, args.normal, 2)  # warm-up: query workers, page cache of the interpreter
        idle, idle_statuses = normal_phase(port, args.normal, args.seconds)
        print(f"idle:        {len(idle)} normal queries, p50 {p(idle, 0.5):.1f} ms, p99 {p(idle, 0.99):.1f} ms, "
              f"statuses {dict(idle_statuses)}", flush=True)

        runaway_results: list[tuple[int, float]] = []
        stop = threading.Event()
        lock = threading.Lock()

        def runaway_client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                result = ask(port, RUNAWAY + f" # {n}-{i}")
                with lock:
                    runaway_results.append(result)

        attackers = [threading.Thread(target=runaway_client, args=(n,)) for n in range(args.runaways)]
        for thread in attackers:
            thread.start()
        loaded, loaded_statuses = normal_phase(port, args.normal, args.seconds)
        stop.set()
        for thread in attackers:
            thread.join()
        print(f"under attack: {len(loaded)} normal queries, p50 {p(loaded, 0.5):.1f} ms, p99 {p(loaded, 0.99):.1f} ms, "
              f"statuses {dict(loaded_statuses)}")
        runaway_statuses = Counter(status for status, _ in runaway_results)
        slowest = max((elapsed for _, elapsed in runaway_results), default=0.0)
        print(f"runaways:    {len(runaway_results)} sent, statuses {dict(runaway_statuses)}, "
              f"each answered within {slowest:.2f} s (timeout {timeout:g} s)")
        goals = {
            "every runaway stopped at its deadline (504 within timeout + 1 s)":
                bool(runaway_results) and set(runaway_statuses) == {504} and slowest <= timeout + 1,
            "no normal query failed": set(idle_statuses) == {200} and set(loaded_statuses) == {200},
            "normal p99 under attack within 2x idle p99": p(loaded, 0.99) <= 2 * p(idle, 0.99),
        }
        ratio = p(loaded, 0.99) / max(p(idle, 0.99), 1e-9)
        for goal, met in goals.items():
            print(f"  {'met' if met else 'NOT MET'}: {goal}")
        print(f"verdict: {'all goals met' if all(goals.values()) else 'goals missed'} (p99 ratio {ratio:.2f}x)")
        return 0 if all(goals.values()) else 1
    finally:
        stop_server(process)


if __name__ == "__main__":
    sys.exit(main())
