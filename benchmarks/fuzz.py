"""The long fuzzing run: the strategies of tests/hardening/fuzz_requests.py, ten thousand requests and
more, through Flask's test client on an app over a release. Failures are recorded, not raised, so the run
goes to the end; it prints its totals (requests, statuses, slowest answer, failures) and exits 1 if any
request failed (a 5xx other than 503/504, an answer past the timeout, a body that does not parse as its
media type, a missing security header).

    python -m benchmarks.fuzz [--release build/releases/latest] [--requests 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path
from sparql_endpoint import close_app

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", default=str(ROOT / "build" / "releases" / "latest"))
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=5.0, help="QUERY_TIMEOUT of the app under test")
    args = parser.parse_args()

    from tests.support.fuzz_requests import FuzzRequest, fuzz_request, send
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from sparql_endpoint import create_app

    app = create_app({"RELEASE_DIR": args.release, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": args.timeout,
                      "CACHE_ENTRIES": 256}, environ={})
    client = app.test_client()
    statuses: collections.Counter[int] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    failures: list[tuple[FuzzRequest, list[str]]] = []
    slowest = [0.0]
    started = time.monotonic()

    @seed(args.seed)
    @settings(max_examples=args.requests, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(request=fuzz_request())
    def run(request: FuzzRequest) -> None:
        try:
            verdict = send(client, request, args.timeout)
        except Exception as exc:  # noqa: BLE001  the app never raises through the test client: count it, go on
            failures.append((request, [f"raised {type(exc).__name__}: {exc}"]))
            return
        statuses[verdict.status] += 1
        kinds[f"{request.method} {'/sparql' if request.path == '/sparql' else 'pages'}"] += 1
        slowest[0] = max(slowest[0], verdict.seconds)
        if verdict.problems:
            failures.append((request, verdict.problems))
        total = sum(statuses.values())
        if total % 1000 == 0:
            print(f"  {total} requests, {len(failures)} failures, {time.monotonic() - started:.0f} s", flush=True)

    try:
        run()
    finally:
        close_app(app)
    total = sum(statuses.values()) + sum(1 for _, p in failures if p[0].startswith("raised"))
    print(f"requests: {total} in {time.monotonic() - started:.1f} s (seed {args.seed})")
    print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print("kinds: " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
    print(f"slowest answer: {slowest[0]:.2f} s (timeout {args.timeout:g} s)")
    print(f"failures: {len(failures)}")
    for request, problems in failures[:20]:
        print(f"  {request}\n    {problems}")
    return 1 if failures or total < args.requests else 0


if __name__ == "__main__":
    sys.exit(main())
