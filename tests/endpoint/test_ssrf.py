"""No outbound requests from queries: a listener on loopback must see zero connections."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from support.loopback import Listener
from sparql_endpoint.stores import Job
from sparql_endpoint.stores.pool import WorkerPool


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_listener_counts_connections(listener: Listener) -> None:
    """The probe works: without this, zero connections would prove nothing."""
    socket.create_connection(("127.0.0.1", listener.port)).close()
    listener.settle()
    assert listener.connections == 1


def test_queries_aimed_at_a_loopback_listener_never_reach_it(make_app, listener: Listener) -> None:
    # the sandbox is off here: the refusal must come from reading the query, not from the network namespace
    client = make_app(WORKER_SANDBOX=False).test_client()
    url = listener.url
    refused = [
        ("get", {"query": f"SELECT * {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"}, 400),
        ("get", {"query": f"SELECT * {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}"}, 400),
        ("get", {"query": f"PREFIX x: <{url}> SELECT * {{ SERVICE x:sparql {{ ?s ?p ?o }} }}"}, 400),
        ("get", {"query": f"SELECT * {{ BIND(<{url}> AS ?svc) SERVICE ?svc {{ ?s ?p ?o }} }}"}, 400),
        ("get", {"query": f"LOAD <{url}data.ttl>"}, 403),
        ("form", {"update": f"LOAD <{url}data.ttl>"}, 403),
        ("update", f"LOAD <{url}data.ttl>", 403),
        ("direct", f"LOAD SILENT <{url}data.ttl> INTO GRAPH <{url}g>", 403),
    ]
    for kind, payload, status in refused:
        if kind == "get":
            response = client.get("/sparql", query_string=payload)
        elif kind == "form":
            response = client.post("/sparql", data=payload)
        else:
            content_type = "application/sparql-update" if kind == "update" else "application/sparql-query"
            response = client.post("/sparql", data=payload, content_type=content_type)
        assert response.status_code == status, (payload, response.get_data(as_text=True))
        assert "How to fix it" in response.get_data(as_text=True)
    # graphs at the listener named in a dataset description: answered as empty graphs, named in a header,
    # and never fetched (zero connections below)
    empty = [
        {"query": f"SELECT * FROM <{url}g> {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}g> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": f"BASE <{url}> SELECT * FROM <g> {{ ?s ?p ?o }}"},
        {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": f"{url}g"},
        {"query": "SELECT * { ?s ?p ?o }", "named-graph-uri": f"{url}g"},
        {"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}g"},
    ]
    for payload in empty:
        for response in (client.get("/sparql", query_string=payload), client.post("/sparql", data=payload)):
            assert response.status_code == 200, (payload, response.get_data(as_text=True))
            assert response.get_json()["results"]["bindings"] == [], payload
            assert response.headers["X-Graphs-Not-In-Dataset"] == f"<{url}g>", payload
    listener.settle()
    assert listener.connections == 0


def _kernel_allows_a_private_network_namespace() -> bool:
    """Asked of the kernel in a child process, independently of the code under test."""
    probe = ("import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); "
             "sys.exit(libc.unshare(0x40000000) != 0 and libc.unshare(0x10000000 | 0x40000000) != 0)")
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


def _service_call_through_a_worker(release_dir, url: str, *, sandbox: bool) -> dict:
    """A SERVICE query sent straight to one worker (past the policy); the worker's start-up info."""
    from sparql_endpoint.errors import QueryFailed
    from heg_core.release import load_release

    release = load_release(release_dir)
    pool = WorkerPool(str(release.store_path), size=1, queue_size=0, queue_wait=30, retry_after=1, sandbox=sandbox)
    try:
        pool.wait_ready()
        info = pool._idle.queue[0].info
        with pytest.raises(QueryFailed):  # with the sandbox: no network; without: the listener hangs up at once
            pool.run(Job(query=f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", format_key="json",
                         max_rows=10), timeout=10)
    finally:
        pool.close()
    return info


@pytest.mark.skipif(not _kernel_allows_a_private_network_namespace(),
                    reason="this kernel refuses a private network namespace; the policy check is the only guard")
def test_worker_sandbox_blocks_a_service_call_that_got_past_the_policy(release_dir, listener: Listener) -> None:
    """Defence in depth: a query sent straight to a sandboxed worker still cannot connect, while the same
    query through a worker without the sandbox does reach the listener (so the sandbox is what blocks it)."""
    assert _service_call_through_a_worker(release_dir, listener.url, sandbox=True)["network_isolated"] is True
    listener.settle()
    assert listener.connections == 0
    assert _service_call_through_a_worker(release_dir, listener.url, sandbox=False)["network_isolated"] is False
    listener.settle()
    assert listener.connections >= 1  # the positive control: the engine does call SERVICE over the network
