"""Queries run in long-lived worker processes, so a timeout really stops the work.

pyoxigraph has no query timeout and holds the GIL-free CPU until a query ends. Each worker process opens
the release's store read-only once and answers jobs sent over a pipe. The pool hands a job to an idle
worker and waits on the pipe until the deadline; past it, the worker is killed (SIGKILL: the CPU is freed
at once) and a replacement is started in the background, while the other workers keep serving. A worker
that dies on its own (a parser stack overflow, the memory limit) is replaced the same way.

A release no larger than ``STORE_IN_MEMORY_QUADS`` is copied, once per worker at start, from its on-disk
store into an in-memory pyoxigraph store, and queries run there: the same quads, answered 1.5-7 times
faster than through RocksDB (measured: docs/benchmarks.md). A larger one is queried on disk.

Inside a worker: an address-space limit (``WORKER_MEMORY_MB``, once the store is open) and, unless
SERVICE calls are allowed, a private network namespace with no interfaces, so that even a query that got
past :mod:`sparql_endpoint.sparql.policy` could not open a connection (best effort: skipped where the kernel
refuses it).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from heg_core.release import in_memory_copy

from ..errors import Overloaded, QueryFailed, QueryTimeout
from .jobs import Job, Outcome, syntax_error
from .results import serialize, serialize_whole, serialize_within

log = logging.getLogger(__name__)

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


# --------------------------------------------------------------------------- worker process side


def _isolate_network() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) == 0:
        return True
    return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_job(store: Any, job: Job) -> tuple[str, Any]:
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {"base_iri": job.base_iri} if job.base_iri else {}
    try:
        if job.union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        else:  # a dataset was given: exactly those graphs (no named graphs listed: none)
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        results = store.query(job.query, **kwargs)
        answer = None
        if isinstance(results, ox.QuerySolutions):  # pyoxigraph writes it when the cap cannot or does not cut it
            answer = serialize_whole(results, job.format_key) if job.within_cap else \
                serialize_within(results, job.format_key, job.max_rows)
            if answer is None:  # too large for a native attempt: again, through the capped writer
                results = store.query(job.query, **kwargs)
        body, rows, capped = answer or serialize(results, job.format_key, job.max_rows, job.prefixes)
    except SyntaxError as exc:
        return "syntax", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:  # an engine error: reported as the server's, with its message kept for the log
        return "error", f"{type(exc).__name__}: {exc}"
    return "ok", Outcome(body, rows, capped)


def _die_with_parent() -> None:
    """Be killed (SIGKILL) when the parent process ends, whatever its death.

    The parent is multiprocessing's fork server, which exits as soon as the server process that started it
    is gone, even killed with SIGKILL (a gunicorn worker killed by its master or the OOM killer). Without
    this, a query worker busy with a runaway query would outlive its server and burn a CPU until the query
    ended, if ever: nothing is left to enforce the deadline.

    The fork server exits when the write end of its liveness pipe closes, and it hands that end to every
    process it forks (``_forkserver_alive_fd``, for grandchildren a process might spawn): a busy query worker
    would then keep its own fork server alive, and so itself. A query worker spawns nothing, so it closes
    its copy first (measured: without this, a worker busy with a runaway outlived a SIGKILLed server
    process, with its fork server, in 4 of 5 runs)."""
    _release_fork_server()
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(0)


def _release_fork_server() -> None:
    """Close this process's copy of the fork server's liveness pipe (CPython's multiprocessing.forkserver
    keeps it in ``_forkserver._forkserver_alive_fd``; nothing to do where it does not)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


#: the in-memory copy may take at most this share of ``WORKER_MEMORY_MB``; the rest is the queries'
COPY_SHARE = 4
#: resident bytes of the in-memory copy per quad (measured: +21 MB for the 37,869 quads of the 10x release)
COPY_BYTES_PER_QUAD = 600


def copy_refused(quads: int, memory_mb: int) -> str | None:
    """Why an in-memory copy of ``quads`` quads is not made under ``WORKER_MEMORY_MB=memory_mb`` (it would
    take more than 1/``COPY_SHARE`` of it, leaving the queries too little), or None when it may be."""
    estimate_mb = quads * COPY_BYTES_PER_QUAD / 1_048_576
    if memory_mb and estimate_mb * COPY_SHARE > memory_mb:
        return (f"an in-memory copy would take about {estimate_mb:.0f} MB, more than 1/{COPY_SHARE} of "
                f"WORKER_MEMORY_MB={memory_mb}: raise it or lower STORE_IN_MEMORY_QUADS")
    return None


def open_worker_store(store_path: str, in_memory: bool) -> tuple[Any, str]:
    """The store a worker queries, and where it is: ``memory`` (every quad of the on-disk store copied into
    an in-memory store, which then answers alone) or ``disk`` (the on-disk store, read-only). Runs before
    the address-space limit is set: an allocation past it aborts the process (Rust's allocator does not
    raise), so the copy is made first, and only when :func:`copy_refused` allowed it."""
    import pyoxigraph as ox

    disk = ox.Store.read_only(store_path)
    if not in_memory:
        return disk, "disk"
    memory = in_memory_copy(disk)
    del disk
    return memory, "memory"


def worker_main(conn: Connection, store_path: str, memory_mb: int, sandbox: bool,
                die_with_parent: bool = False, in_memory: bool = False) -> None:
    """Entry point of a worker process: open the store, then answer jobs until the pipe closes."""
    isolated = _isolate_network() if sandbox else False
    if die_with_parent:  # after the namespace change, which may reset the parent-death signal
        _die_with_parent()
    try:
        store, where = open_worker_store(store_path, in_memory)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    _limit_memory(memory_mb)  # for the queries, after the copy (see open_worker_store)
    conn.send(("ready", {"pid": os.getpid(), "network_isolated": isolated, "store": where}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(store, job))


# --------------------------------------------------------------------------- server side


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.info: dict[str, Any] = {}
        self.niced = False
        self._killed = threading.Lock()

    def kill(self) -> None:
        """Idempotent: the pool's close and a worker's start-up thread may both end a worker."""
        if not self._killed.acquire(blocking=False):
            return
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class WorkerPool:
    """A fixed number of query processes; a bounded number of requests may wait for one."""

    def __init__(self, store_path: str, *, size: int, queue_size: int, queue_wait: float, retry_after: int,
                 memory_mb: int = 0, sandbox: bool = True, start_method: str = "forkserver",
                 deprioritize_after: float = 0.0, in_memory: bool = False) -> None:
        self.store_path = store_path
        self.in_memory = in_memory
        self.size = size
        self.queue_wait = queue_wait
        self.retry_after = retry_after
        self.memory_mb = memory_mb
        self.sandbox = sandbox
        self.deprioritize_after = deprioritize_after
        self._context = multiprocessing.get_context(start_method)
        # with the fork server as parent, a worker can follow it out; with "fork" the parent would be
        # whichever request thread started the worker, and the signal would fire when that thread ends
        self._die_with_parent = start_method == "forkserver"
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._admission = threading.BoundedSemaphore(size + queue_size)
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self._started = False
        self._failures = 0

    # -- lifecycle
    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=worker_main, name="heg-query-worker",
                                         args=(child, self.store_path, self.memory_mb, self.sandbox,
                                               self._die_with_parent, self.in_memory),
                                         daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if not worker.conn.poll(120):
                raise TimeoutError("no answer within 120 s")
            status, info = worker.conn.recv()
        except (EOFError, OSError, TimeoutError) as exc:
            status, info = "failed", str(exc)
        if status != "ready" or self._closed:
            if status != "ready":
                worker.process.join(timeout=2)  # its exit code says whether it failed or was killed
            # killed by someone (the operator, the OOM killer) is replaced; a crash (SIGABRT, SIGSEGV) is a
            # failure: replacing it would start the same crash again and again
            stopped_by_signal = worker.process.exitcode in (-signal.SIGKILL, -signal.SIGTERM)
            if status != "ready" and not stopped_by_signal and not self._closed:
                log.error("query worker failed to start: %s", info)
                self._failures += 1
            if stopped_by_signal and not self._closed:  # killed while starting (operator, OOM killer): replace
                self._replace(worker)
            else:
                self._discard(worker)
            return
        self._failures = 0
        worker.info = info
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        if not self._closed:
            self._spawn()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def store_locations(self) -> list[str]:
        """Where each started worker queries the store (``memory`` or ``disk``...): for checks and tests."""
        with self._lock:
            return [str(w.info["store"]) for w in self._workers if "store" in w.info]

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until every worker is idle (for start-up checks and tests)."""
        self.start()
        deadline = time.monotonic() + timeout
        while self._idle.qsize() < self.size:
            if time.monotonic() > deadline:
                raise RuntimeError("query workers did not start; see the log")
            time.sleep(0.02)

    # -- work
    def run(self, job: Job, timeout: float) -> Outcome:
        self.start()
        busy = Overloaded.busy(self.retry_after)
        if not self._admission.acquire(blocking=False):
            raise busy
        try:
            try:
                worker = self._take_idle(time.monotonic() + self.queue_wait)
            except queue.Empty:
                if self._failures and not self._workers:
                    raise QueryFailed("No query worker could be started on this server.",
                                      hint="Report this to the operator: the server log says why the "
                                           "release's store could not be opened.") from None
                raise busy from None
            return self._run_on(worker, job, timeout)
        finally:
            self._admission.release()

    def _take_idle(self, deadline: float) -> _Worker:
        """An idle worker that is still alive. One that died while idle (killed by the operator or the
        kernel's OOM killer) is replaced here, before a query is given to it, so no client pays for it."""
        while True:
            worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0))
            if worker.process.is_alive() and not worker.conn.poll(0):  # a dead worker's pipe reads EOF
                return worker
            log.warning("query worker %s stopped while idle (exit code %s); starting a replacement",
                        worker.process.pid, worker.process.exitcode)
            self._replace(worker)

    def _finished_in_time(self, worker: _Worker, timeout: float) -> bool:
        """Wait for the worker's answer until the deadline. Past ``deprioritize_after`` seconds the worker is
        moved to the lowest CPU priority (nice 19): on a busy machine a long query then only gets the CPU
        time that short queries leave, so runaways cannot slow everyone else down until their deadline."""
        started = time.monotonic()
        if not self.deprioritize_after or self.deprioritize_after >= timeout:
            return worker.conn.poll(timeout)
        if worker.conn.poll(self.deprioritize_after):
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 19)
            worker.niced = True
        except OSError:
            pass  # the worker just ended; the pipe says how
        return worker.conn.poll(max(timeout - (time.monotonic() - started), 0))

    def _restore_priority(self, worker: _Worker) -> bool:
        """Back to normal priority after a long query; False when the system does not allow it (raising
        priority needs CAP_SYS_NICE or RLIMIT_NICE): the worker is then replaced by a fresh one."""
        if not worker.niced:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
        except OSError:
            return False
        worker.niced = False
        return True

    def _run_on(self, worker: _Worker, job: Job, timeout: float) -> Outcome:
        try:
            worker.conn.send(job)
            if not self._finished_in_time(worker, timeout):
                self._replace(worker)
                raise QueryTimeout(
                    f"The query was stopped after the time limit of {timeout:g} s.",
                    hint="Make it cheaper: add a LIMIT, bind more of the pattern to fixed IRIs, avoid "
                         "cross products between unconnected patterns; or download the release dumps "
                         "and run it locally.", timeout_seconds=timeout)
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryFailed(
                "The query worker stopped while running this query (it is probably too deeply nested, "
                "too large, or used more memory than allowed).",
                hint="Simplify the query (less nesting, smaller VALUES blocks and literals), then retry.") from None
        if self._restore_priority(worker):
            self._idle.put(worker)
        else:
            self._replace(worker)
        if status == "ok":
            return payload
        if status == "syntax":
            raise syntax_error(payload)
        if status == "memory":
            raise QueryFailed("The query needed more memory than a query may use here.",
                              hint="Add a LIMIT or make intermediate results smaller, then retry.")
        log.error("query engine error: %s", payload)
        raise QueryFailed("The query engine failed on this query.",
                          hint="Check the query for unusual functions or very large values and retry; "
                               "if it persists, report the query to the operator.")
