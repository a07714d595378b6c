"""A query that runs past QUERY_DEPRIORITIZE_AFTER is moved to the lowest CPU priority until it ends, and
its worker is back at normal priority (or replaced) afterwards: runaways cannot starve short queries."""

from __future__ import annotations

import threading
import time

import pytest

from graph_builder.release import ReleaseOutcome
from sparql_endpoint.errors import QueryTimeout
from sparql_endpoint.stores import Job
from sparql_endpoint.stores.pool import WorkerPool

RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
           "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), 'never')) }")


def _nice(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[16])


def test_a_long_query_runs_at_nice_19_and_the_pool_stays_at_normal_priority(release: ReleaseOutcome) -> None:
    pool = WorkerPool(str(release.path / "store"), size=2, queue_size=2, queue_wait=10, retry_after=1,
                      deprioritize_after=0.2)
    try:
        pool.wait_ready()
        before = set(pool.pids())
        assert all(_nice(pid) == 0 for pid in before)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                pool.run(Job(query=RUNAWAY, format_key="json", max_rows=10), timeout=2.0)
            except QueryTimeout as exc:
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 1.5
        niced: set[int] = set()
        while time.monotonic() < deadline and not niced:
            niced = {pid for pid in pool.pids() if _nice(pid) == 19}
            time.sleep(0.05)
        assert len(niced) == 1  # the runaway's worker only
        answer = pool.run(Job(query="ASK { ?s ?p ?o }", format_key="json", max_rows=10), timeout=5)
        assert b"true" in answer.body  # the other worker answers meanwhile
        thread.join(timeout=10)
        assert errors and isinstance(errors[0], QueryTimeout)
        pool.wait_ready()
        assert all(_nice(pid) == 0 for pid in pool.pids())  # the killed worker's replacement is not niced
    finally:
        pool.close()


@pytest.mark.parametrize("after", [0.0, 10.0])
def test_deprioritizing_can_be_switched_off(release: ReleaseOutcome, after: float) -> None:
    pool = WorkerPool(str(release.path / "store"), size=1, queue_size=0, queue_wait=10, retry_after=1,
                      deprioritize_after=after)
    try:
        pool.wait_ready()
        assert b"true" in pool.run(Job(query="ASK {}", format_key="json", max_rows=1), timeout=5).body
        assert all(_nice(pid) == 0 for pid in pool.pids())
    finally:
        pool.close()
