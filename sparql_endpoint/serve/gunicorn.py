"""gunicorn as ``heg serve`` runs it: the hardened options and a thread worker that bounds slow clients.

gunicorn's ``gthread`` worker (27.x) waits up to 5 s for the first byte of a new connection without
holding a thread, but once a byte has arrived it reads the request line, the headers and, through the
application, the body with blocking reads and no deadline: a client that trickles one header byte every
few seconds ("slowloris") holds a thread for as long as it likes, and ``--threads`` such clients stop the
worker answering anyone. :class:`DeadlineThreadWorker` gives every request a deadline to arrive: the
request line and headers within ``CLIENT_HEADER_TIMEOUT`` seconds of the first byte, the body within
``CLIENT_BODY_TIMEOUT`` seconds of the headers. At the deadline one watchdog thread per worker shuts the
socket's read side (``shutdown(SHUT_RD)``): the blocked read returns end-of-file, gunicorn drops the
connection and the thread is free. The write side stays open, so a request whose body has arrived and
whose query runs longer than the deadline still gets its answer (only keep-alive is lost).

The other limits are gunicorn's own (request line, header count and size, keep-alive), set from the
endpoint's settings by :func:`gunicorn_options` (see docs/operations.md).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

from gunicorn.workers.gthread import _DEFER, ThreadWorker

log = logging.getLogger(__name__)

#: seconds a thread waits for the first byte of a new connection before handing it back to the poller
FIRST_BYTE_WAIT = 1.0

#: the gunicorn worker class ``heg serve`` runs
WORKER_CLASS = "sparql_endpoint.serve.gunicorn.DeadlineThreadWorker"


def gunicorn_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """gunicorn's limits and timeouts for the endpoint, from its validated settings."""
    return {
        "worker_class": WORKER_CLASS,
        # a worker whose main loop stops beating for this long is killed and replaced by the master
        "timeout": int(settings["QUERY_TIMEOUT"]) + 30,
        "graceful_timeout": 10,
        "keepalive": settings["KEEPALIVE"],
        "limit_request_line": settings["LIMIT_REQUEST_LINE"],
        "limit_request_fields": settings["LIMIT_REQUEST_FIELDS"],
        "limit_request_field_size": settings["LIMIT_REQUEST_FIELD_SIZE"],
        # connections one worker holds at once (in threads and kept alive); beyond, new ones wait in the
        # listen backlog instead of costing memory
        "worker_connections": settings["WORKER_CONNECTIONS"],
    }


class Watchdog:
    """Shuts the read side of sockets whose deadline passed (one thread, one heap, per worker)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, socket.socket]] = []
        self._live: set[int] = set()
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self.expired = 0
        threading.Thread(target=self._run, name="heg-client-deadlines", daemon=True).start()

    def watch(self, sock: socket.socket, seconds: float) -> int:
        token = next(self._counter)
        with self._cond:
            self._live.add(token)
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, sock))
            self._cond.notify()
        return token

    def forget(self, token: int) -> None:
        with self._cond:
            self._live.discard(token)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # finished in time
                wait = self._heap[0][0] - time.monotonic() if self._heap else None
                if wait is None or wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                _, token, sock = heapq.heappop(self._heap)
                self._live.discard(token)
                self.expired += 1
            try:
                sock.shutdown(socket.SHUT_RD)  # the blocked read sees end-of-file
            except OSError:
                pass  # already closed


class DeadlineThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, with a deadline for each request to arrive (headers, then body)."""

    header_timeout = 5.0
    body_timeout = 30.0

    def init_process(self) -> None:
        self.watchdog = Watchdog()
        super().init_process()  # loads the app, then runs the worker loop

    def load_wsgi(self) -> None:
        super().load_wsgi()
        config = getattr(self.wsgi, "config", {})  # the Flask app's validated settings
        self.header_timeout = float(config.get("CLIENT_HEADER_TIMEOUT", self.header_timeout))
        self.body_timeout = float(config.get("CLIENT_BODY_TIMEOUT", self.body_timeout))

    def handle(self, conn: Any) -> Any:
        if not conn.initialized and not conn.data_ready:
            # gunicorn's own wait for the first byte, done here so that the header deadline starts then
            # (1 s instead of gunicorn's 5: a connection that sends nothing holds a thread that long, then
            # waits in the poller, without a thread, for KEEPALIVE seconds before it is closed)
            if not conn.wait_for_data(FIRST_BYTE_WAIT):
                return _DEFER
        conn.heg_deadline = self.watchdog.watch(conn.sock, self.header_timeout)
        try:
            return super().handle(conn)
        finally:
            self.watchdog.forget(conn.heg_deadline)

    def handle_request(self, req: Any, conn: Any) -> Any:
        # the headers are in: from now on the body has its own deadline (reset, not added)
        self.watchdog.forget(conn.heg_deadline)
        conn.heg_deadline = self.watchdog.watch(conn.sock, self.body_timeout)
        return super().handle_request(req, conn)
