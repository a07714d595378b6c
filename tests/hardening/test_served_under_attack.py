"""`heg serve` (granian, the default server) as a real process on loopback, under slow clients, oversized
requests, killed processes and runaway queries. One server per module; every loop is bounded.

The machine may be busy (other test runs, benchmarks): no assertion is a fixed count in a fixed window.
What is timed is compared with a baseline measured in the same run, on the same server (:func:`_baseline`:
how long a plain query takes, how many a client gets through in a window), and every wait for something
to happen polls up to a generous bound."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator

import pytest
from support.hardening import children, get, process_name, start_server, stop_server

from graph_builder.release import ReleaseOutcome

#: a 4-way cross product over the data graph with a filter that never matches: never ends in time
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
           "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), 'never')) }")
HEADER_TIMEOUT = 2.0


#: how long to wait for a process to end after its parent was killed, however busy the machine
PROCESS_DEATH_BOUND = 30.0


@pytest.fixture(scope="module")
def served(release: ReleaseOutcome) -> Iterator[tuple[object, str]]:
    process, base = start_server(release.path, "--workers", "1", "--threads", "4", "--query-workers", "2",
                                 "--query-timeout", "2",
                                 env={"HEG_CLIENT_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "HEG_CLIENT_BODY_TIMEOUT": "3"})
    yield process, base
    tree = children(process.pid)
    stop_server(process)
    # nothing the server started outlives it: no query process is left behind with parent 1
    assert _wait_dead(tree) == [], [process_name(p) for p in tree if _alive(p)]


def _wait_dead(pids: list[int], bound: float = PROCESS_DEATH_BOUND) -> list[int]:
    """Poll until every pid has ended (or ``bound`` seconds pass); the ones still alive."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _baseline(base: str, shape: str = "SELECT ?s WHERE {{ ?s a ?c }} LIMIT {}", seconds: float = 1.0) -> tuple[float, float]:
    """(slowest query of ``shape`` in seconds, such queries one client gets through per second) right now;
    every text new (``{}`` is a number no test uses), so each is answered by a query process."""
    latencies = []
    started = time.monotonic()
    while time.monotonic() - started < seconds or len(latencies) < 3:
        status, took = _query(base, shape.format(len(latencies) + 7_000_000))
        assert status == 200
        latencies.append(took)
    return max(latencies), len(latencies) / (time.monotonic() - started)


def _query(base: str, query: str, timeout: float = 20) -> tuple[int, float]:
    started = time.monotonic()
    status, _, _ = get(base + "/sparql?" + urllib.parse.urlencode({"query": query}),
                       headers={"Accept": "text/csv"}, timeout=timeout)
    return status, time.monotonic() - started


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _trickler(port: int, stop: threading.Event, closed_after: list[float]) -> None:
    """A slowloris client: one header byte every 0.3 s, never the blank line."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        while not stop.is_set() and time.monotonic() - started < 15:
            try:
                sock.sendall(b"X")
                sock.settimeout(0.3)
                if sock.recv(1) == b"":  # the server closed the connection
                    break
            except TimeoutError:
                continue
            except OSError:
                break
    closed_after.append(time.monotonic() - started)


def test_slow_clients_are_cut_at_the_header_deadline_and_never_block_others(served) -> None:
    _, base = served
    slowest, _ = _baseline(base)
    stop = threading.Event()
    closed_after: list[float] = []
    slow = [threading.Thread(target=_trickler, args=(_port(base), stop, closed_after)) for _ in range(8)]
    for thread in slow:  # twice as many as the worker has threads
        thread.start()
    time.sleep(0.5)  # the slow clients are in (a kill point of the scenario, not a readiness wait)
    latencies = []
    try:
        for i in range(6):
            status, seconds = _query(base, f"ASK {{ ?s ?p {i} }}")
            assert status == 200
            latencies.append(seconds)
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=20)
    # others are answered as they would be without the slow clients, not after the slow clients' deadline
    assert max(latencies) < max(10 * slowest, 1.0), (latencies, slowest)
    assert len(closed_after) == 8 and max(closed_after) < HEADER_TIMEOUT + 3 + 10 * slowest, closed_after


def test_oversized_request_lines_and_headers_are_refused_and_the_server_goes_on(served) -> None:
    _, base = served
    port = _port(base)

    def raw(request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(request)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
                if b"\r\n\r\n" in data:
                    break
            return data.split(b"\r\n", 1)[0]

    long_line = b"GET /sparql?query=" + b"A" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw(long_line).split()[1] == b"414"
    huge_field = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"
    assert raw(huge_field).split()[1] == b"431"
    many_fields = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(60)) + b"\r\n"
    assert raw(many_fields).split()[1] == b"431"
    assert raw(b"\xff\xfe GARBAGE\r\n\r\n").split()[1] == b"400"
    # a body announced larger than MAX_REQUEST_BYTES is refused from its Content-Length, before it is read:
    # send the headers and a little of it (a client streaming all 2 MB may see the connection closed under
    # it, which is the server doing its job, not a failure)
    oversized = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: 2000000\r\n\r\n" + b"x" * 1024)
    assert raw(oversized).split()[1] == b"413"
    assert _query(base, "ASK {}")[0] == 200


def _direct(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _server_workers(master: int) -> list[int]:
    return _direct(master)


def _query_workers(worker: int) -> list[int]:
    """server process -> multiprocessing's fork server -> query workers."""
    return [q for server in _direct(worker) for q in _direct(server)]


def test_a_killed_query_worker_is_replaced_without_dropping_other_requests(served) -> None:
    process, base = served
    worker = _server_workers(process.pid)[0]
    _, rate = _baseline(base, "SELECT ?s {{ ?s ?p ?o }} LIMIT {}")
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            statuses[_query(base, f"SELECT ?s {{ ?s ?p ?o }} LIMIT {n * 10000 + i}")[0]] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    kills = 0
    started = time.monotonic()
    try:
        for _ in range(4):
            time.sleep(0.4)  # a kill point while the clients run
            victims = _query_workers(worker)
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                kills += 1
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    window = time.monotonic() - started
    assert kills >= 3
    # a worker killed in the middle of a query costs that query (500); no other request fails, and the
    # three clients keep going at a fair share of what one client did alone just before
    assert set(statuses) <= {200, 500} and statuses[500] <= kills, statuses
    assert statuses[200] >= max(3, 0.1 * rate * window), (statuses, rate, window)
    assert _query(base, "ASK { ?s ?p ?o }")[0] == 200


def test_runaways_are_stopped_at_their_deadline_while_normal_queries_are_answered(served) -> None:
    _, base = served
    slowest, rate = _baseline(base, "SELECT ?s WHERE {{ ?s a ?c }} LIMIT {}")
    runaway_results: list[tuple[int, float]] = []
    normal: Counter[int] = Counter()
    stop = threading.Event()

    def runaway() -> None:
        for _ in range(2):
            runaway_results.append(_query(base, RUNAWAY + f" # {len(runaway_results)} {threading.get_ident()}"))

    def normal_client() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            normal[_query(base, f"SELECT ?s WHERE {{ ?s a ?c }} LIMIT {i + 100}")[0]] += 1

    runners = [threading.Thread(target=runaway) for _ in range(1)]
    normals = [threading.Thread(target=normal_client) for _ in range(2)]
    started = time.monotonic()
    for thread in runners + normals:
        thread.start()
    for thread in runners:
        thread.join(timeout=60)
    window = time.monotonic() - started
    stop.set()
    for thread in normals:
        thread.join(timeout=30)
    assert [s for s, _ in runaway_results] == [504, 504]
    assert all(seconds < 2 + 3 + 10 * slowest for _, seconds in runaway_results), (runaway_results, slowest)
    assert set(normal) == {200} and normal[200] >= max(3, 0.1 * rate * window), (normal, rate, window)


def test_a_server_process_killed_with_sigkill_is_replaced_and_takes_its_query_workers_with_it(served) -> None:
    process, base = served
    [worker] = _server_workers(process.pid)
    results: list[int] = []
    hung = threading.Thread(target=lambda: results.append(_safe_query(base, RUNAWAY + " # killed")))
    hung.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not _busy_query_worker(worker):
        time.sleep(0.05)
    query_workers = _query_workers(worker)
    assert query_workers
    os.kill(worker, signal.SIGKILL)
    hung.join(timeout=15)
    # the fork server exits, and its query workers with it (PDEATHSIG), however long a busy machine takes
    assert _wait_dead(query_workers) == []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _safe_query(base, "ASK {}") == 200:
            break
        time.sleep(0.1)
    assert _server_workers(process.pid) != [worker]
    assert _query(base, "ASK { ?s ?p ?o }")[0] == 200


def _safe_query(base: str, query: str) -> int:
    try:
        return _query(base, query, timeout=10)[0]
    except OSError:
        return -1


def _busy_query_worker(worker: int) -> bool:
    for pid in _query_workers(worker):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "R":
                    return True
        except OSError:
            continue
    return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sixteen_concurrent_clients_get_zero_errors(served) -> None:
    """The small version of benchmarks/load.py."""
    _, base = served
    statuses: Counter[int] = Counter()
    paths = ["/", "/practices", "/id/practice/2017/allocate-resources", "/sparql"]

    def client(n: int) -> None:
        for i in range(25):
            if i % 3 == 0:
                statuses[_query(base, f"SELECT ?s {{ ?s ?p ?o }} LIMIT {n * 100 + i + 1}")[0]] += 1
            else:
                statuses[get(base + paths[(n + i) % len(paths)], headers={"Accept": "text/html"})[0]] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == {200: 400}, statuses


def test_no_process_outlives_a_server_killed_under_load(release: ReleaseOutcome) -> None:
    """The whole server SIGKILLed (its main process, then what is left of the group's top) while clients
    and a runaway keep its query processes busy: every process it started ends, none stays with parent 1."""
    process, base = start_server(release.path, "--query-workers", "2", "--query-timeout", "20")
    stop = threading.Event()
    try:
        tree_before = children(process.pid)

        def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                _safe_query(base, f"SELECT ?s {{ ?s ?p ?o }} LIMIT {n * 10000 + i}")

        clients = [threading.Thread(target=client, args=(n,)) for n in range(3)]
        clients.append(threading.Thread(target=lambda: _safe_query(base, RUNAWAY + " # outlive")))
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 10
        worker = _server_workers(process.pid)[0]
        while time.monotonic() < deadline and not _busy_query_worker(worker):
            time.sleep(0.05)
        tree = sorted(set(tree_before) | set(children(process.pid)))
        assert _query_workers(worker)
        os.kill(process.pid, signal.SIGKILL)  # the main process only: its server process must notice
        process.wait(timeout=30)
        assert _wait_dead(tree) == [], [process_name(p) for p in tree if _alive(p)]
    finally:
        stop.set()
        stop_server(process)


def test_a_body_that_trickles_past_its_deadline_is_cut_with_408_and_others_are_served(served) -> None:
    _, base = served
    slowest, _ = _baseline(base)
    answers: list[tuple[bytes, float]] = []

    def trickle_body() -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", _port(base)), timeout=20) as sock:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100\r\n\r\nASK")
            data = b""
            while time.monotonic() - started < 15 and b"\r\n" not in data:
                try:
                    sock.settimeout(0.5)
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                except TimeoutError:
                    try:
                        sock.sendall(b" ")  # one more byte, never the whole body
                    except OSError:
                        break
        answers.append((data.split(b"\r\n", 1)[0], time.monotonic() - started))

    slow = [threading.Thread(target=trickle_body) for _ in range(6)]  # more than the server's 4 threads
    for thread in slow:
        thread.start()
    time.sleep(0.5)  # the slow bodies are in (a point of the scenario, not a readiness wait)
    latencies = [_query(base, f"ASK {{ ?s ?p {i + 100} }}") for i in range(4)]
    for thread in slow:
        thread.join(timeout=30)
    assert all(status == 200 for status, _ in latencies)
    # a slow body holds a server thread until its deadline at most (3 s here), never longer
    assert max(seconds for _, seconds in latencies) < 3 + 3 + 10 * slowest, (latencies, slowest)
    assert len(answers) == 6 and all(line.split()[1:2] == [b"408"] for line, _ in answers), answers
    assert all(seconds < 3 + 3 + 10 * slowest for _, seconds in answers), answers


def test_sighup_restarts_the_server_processes_and_the_old_query_processes_end(release: ReleaseOutcome) -> None:
    process, base = start_server(release.path, "--query-workers", "2")
    try:
        [worker] = _server_workers(process.pid)
        old = [worker, *_direct(worker), *_query_workers(worker)]
        os.kill(process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _server_workers(process.pid) in ([worker], []):
            time.sleep(0.1)
        assert _server_workers(process.pid) not in ([worker], [])
        assert _wait_dead(old) == []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _safe_query(base, "ASK { ?s ?p ?o }") != 200:
            time.sleep(0.1)
        assert _query(base, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")[0] == 200
        assert process.poll() is None  # the main process stayed: a restart, not a stop
    finally:
        stop_server(process)
