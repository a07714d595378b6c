"""Limits that protect the server: real timeouts, the concurrency cap, and crash resistance."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sparql_endpoint import state_of

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?s WHERE { ?s a <https://w3id.org/health-equity-guide/ontology#StrategicPractice> }"


@pytest.fixture
def big_app(make_app, big_release_dir: Path):
    """An app on the real release, no result cache, its query workers started."""
    def _make(**settings: Any):
        app = make_app(big_release_dir, CACHE_ENTRIES=0, **settings)
        pool = state_of(app).store.pool
        pool.wait_ready()
        return app, pool

    return _make


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_timeout_kills_the_worker_while_other_clients_are_served(big_app) -> None:
    app, pool = big_app(QUERY_WORKERS=2, QUERY_TIMEOUT=1.0)
    practices = len(app.test_client().get("/sparql", query_string={"query": SIMPLE}).get_json()["results"]["bindings"])
    assert practices > 0
    pids_before = set(pool.pids())
    result: dict[str, Any] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        result.update(status=response.status_code, body=response.get_data(as_text=True),
                      elapsed=time.monotonic() - started, pids_after=set(pool.pids()))

    thread = threading.Thread(target=runaway)
    thread.start()
    _wait_until(lambda: pool._idle.qsize() == 1)  # the runaway holds one worker
    simple = app.test_client().get("/sparql", query_string={"query": SIMPLE})
    assert simple.status_code == 200 and len(simple.get_json()["results"]["bindings"]) == practices
    assert thread.is_alive(), "the runaway query should still be running while the simple one is answered"
    thread.join(timeout=30)

    assert result["status"] == 504
    assert "time limit of 1 s" in result["body"] and "How to fix it" in result["body"]
    killed = pids_before - result["pids_after"]
    assert len(killed) == 1
    (pid,) = killed
    assert not _alive(pid), "the worker that ran the runaway query must be gone when the client is answered"
    assert result["elapsed"] < 1.0 + 5.0  # deadline plus kill and reap; generous, not a speed assertion
    pool.wait_ready()  # a replacement starts and serves
    assert app.test_client().get("/sparql", query_string={"query": SIMPLE}).status_code == 200
    assert len(pool.pids()) == 2


def test_concurrency_cap_answers_503_with_retry_after(big_app) -> None:
    app, pool = big_app(QUERY_WORKERS=1, QUEUE_SIZE=0, QUERY_TIMEOUT=1.0, RETRY_AFTER=7)
    thread = threading.Thread(target=lambda: app.test_client().get("/sparql", query_string={"query": RUNAWAY}))
    thread.start()
    _wait_until(lambda: pool._idle.qsize() == 0)
    response = app.test_client().get("/sparql", query_string={"query": SIMPLE})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert "Retry after 7 s" in response.get_data(as_text=True)
    thread.join(timeout=30)


def test_queued_query_waits_for_a_free_worker(big_app) -> None:
    app, pool = big_app(QUERY_WORKERS=1, QUEUE_SIZE=4, QUERY_TIMEOUT=1.0)
    thread = threading.Thread(target=lambda: app.test_client().get("/sparql", query_string={"query": RUNAWAY}))
    thread.start()
    _wait_until(lambda: pool._idle.qsize() == 0)
    response = app.test_client().get("/sparql", query_string={"query": SIMPLE})  # waits for the replacement
    assert response.status_code == 200
    thread.join(timeout=30)


def test_deep_nesting_is_refused_before_the_engine(make_app) -> None:
    client = make_app().test_client()
    response = client.post("/sparql", data="SELECT * WHERE " + "{" * 5000 + "}" * 5000,
                           content_type="application/sparql-query")
    assert response.status_code == 400 and "nests brackets" in response.get_data(as_text=True)


def test_a_crashing_query_costs_one_worker_not_the_server(make_app) -> None:
    app = make_app(MAX_NESTING=1_000_000)  # let the parser's stack overflow, on purpose
    client = app.test_client()
    response = client.post("/sparql", data="SELECT * WHERE " + "{" * 20000 + "}" * 20000,
                           content_type="application/sparql-query")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Simplify the query" in text and "Traceback" not in text
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_memory_limit_stops_a_query_that_grows_without_bound(make_app) -> None:
    app = make_app(WORKER_MEMORY_MB=1536)  # address space, not resident memory: RocksDB and thread stacks need room
    client = app.test_client()
    binds = 'BIND("0123456789012345678901234567890123456789" AS ?a0) ' + " ".join(
        f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(32))
    response = client.get("/sparql", query_string={"query": f"SELECT (STRLEN(?a32) AS ?n) {{ {binds} }}"})
    assert response.status_code == 500 and "memory" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_huge_literals_and_enormous_values_are_answered(make_app) -> None:
    client = make_app().test_client()
    big = "x" * 900_000
    response = client.post("/sparql", data=f'SELECT (STRLEN(?x) AS ?n) {{ BIND("{big}" AS ?x) }}',
                           content_type="application/sparql-query")
    assert response.status_code == 200 and response.get_json()["results"]["bindings"][0]["n"]["value"] == "900000"
    values = " ".join(f'"{i}"' for i in range(50_000))
    response = client.post("/sparql", data={"query": f"SELECT (COUNT(*) AS ?n) {{ VALUES ?x {{ {values} }} }}"})
    assert response.status_code == 200 and response.get_json()["results"]["bindings"][0]["n"]["value"] == "50000"
    response = client.post("/sparql", data="SELECT * {} #" + "x" * 2_000_000, content_type="application/sparql-query")
    assert response.status_code == 413
