"""granian as ``heg serve`` runs it (the default HTTP server: chosen by measurement, docs/benchmarks.md).

granian is a Rust HTTP server (hyper) with a WSGI interface: it parses requests and writes responses in
Rust and calls the application from a pool of threads, so an answer the fast path already knows
(:mod:`sparql_endpoint.fastpath`) costs a few tens of microseconds of Python. The protections of
docs/operations.md map onto it so:
- the request line and headers must arrive within ``CLIENT_HEADER_TIMEOUT`` (granian's header read
  timeout; an idle kept-alive connection is closed after the same time);
- the request head fits in granian's buffer (a larger one is refused, 431), and the request line, header
  count and field size caps, and the body deadline, are :class:`~.limits.RequestLimits`;
- requests handled at once per process: ``--threads`` (granian's blocking threads), queued beyond up to
  ``WORKER_CONNECTIONS`` (granian's backpressure);
- a server process that dies is replaced (``respawn_failed_workers``); its query processes die with it
  (:mod:`sparql_endpoint.stores.pool`); a server process whose main process died stops too; SIGHUP restarts the server processes one generation at a time,
  SIGTERM/SIGINT stop them, a process that does not stop in ``GRACEFUL_TIMEOUT`` seconds is killed.

Each server process builds its own app (:func:`load`, by import path, as granian's workers do), from the
settings the command line gave, handed over in the environment (:data:`SETTINGS_ENV`).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Mapping
from typing import Any

from granian import Granian
from granian.constants import HTTPModes, Interfaces, RuntimeModes
from granian.http import HTTP1Settings

from ..app import create_app
from ..state import state_of
from .limits import RequestLimits
from .logs import configure_logging

SETTINGS_ENV = "HEG_SERVE_SETTINGS"
LOG_LEVEL_ENV = "HEG_SERVE_LOG_LEVEL"
GRACEFUL_TIMEOUT = 10
#: granian's smallest buffer; a request head (line and headers) larger than this is refused with 431
HEAD_BUFFER_MIN = 8192


def head_buffer(settings: Mapping[str, Any]) -> int:
    """Room for the largest request head the limits allow (then :class:`RequestLimits` answers 414/431)."""
    return max(HEAD_BUFFER_MIN, min(settings["LIMIT_REQUEST_LINE"] + settings["LIMIT_REQUEST_FIELDS"] * 256
                                    + settings["LIMIT_REQUEST_FIELD_SIZE"], 262144))


def granian_server(settings: dict[str, Any], checked: Mapping[str, Any], *, host: str, port: int, workers: int,
                   threads: int, log_level: str, io_threads: int = 2) -> Granian:
    """The server; ``settings``: the overrides from the command line, ``checked``: the validated settings.
    ``io_threads``: granian's runtime threads (connections' I/O; more than one: its multi-threaded runtime)."""
    os.environ[SETTINGS_ENV] = json.dumps(settings)
    os.environ[LOG_LEVEL_ENV] = log_level
    return Granian(
        "sparql_endpoint.serve.granian:load", address=host, port=port, interface=Interfaces.WSGI, factory=True,
        workers=workers, blocking_threads=threads, backpressure=checked["WORKER_CONNECTIONS"],
        runtime_threads=io_threads, runtime_mode=RuntimeModes.mt if io_threads > 1 else RuntimeModes.st,
        http=HTTPModes.http1, websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=int(checked["CLIENT_HEADER_TIMEOUT"] * 1000),
                                     keep_alive=checked["KEEPALIVE"] > 0, max_buffer_size=head_buffer(checked)),
        respawn_failed_workers=True, respawn_interval=0.5, workers_kill_timeout=GRACEFUL_TIMEOUT,
        log_level=log_level, log_access=False)


def _exit_with_parent(every: float = 1.0) -> None:
    """A granian server process outlives a main process killed with SIGKILL (gunicorn's workers notice and
    exit; granian's do not): watch the parent, and when it is gone stop (SIGTERM: granian's own graceful
    stop), then exit for good after ``GRACEFUL_TIMEOUT``. The query processes follow (stores/pool.py)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACEFUL_TIMEOUT)
        os._exit(1)

    threading.Thread(target=watch, name="heg-parent-watch", daemon=True).start()


def load() -> Any:
    """One server process's application: the endpoint, its query processes started, behind the limits."""
    _exit_with_parent()
    configure_logging(os.environ.get(LOG_LEVEL_ENV, "info"))
    app = create_app(json.loads(os.environ.get(SETTINGS_ENV, "{}")))
    state_of(app).store.start()
    return RequestLimits(app, app.config)
