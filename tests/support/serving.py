"""`heg serve` as a real process for tests and benchmarks: on 127.0.0.1 and a free port, ready when it
answers, stopped with its whole process group.

One place for starting, polling (never sleeping blindly) and stopping the server, shared by the
endpoint, query-page, linked-data, browser and hardening tests and the load benchmarks. The server's log
goes to a file (:func:`server_log`): a pipe nobody reads fills after a few hundred logged queries and
then blocks the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_log(process: subprocess.Popen) -> str:
    """What the server has written to its log so far."""
    return Path(process.log_path).read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail at once if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server_log(process)[-4000:] if hasattr(process, "log_path") else ""
            raise AssertionError(f"heg serve exited with {process.returncode}: {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"heg serve did not answer {url} in {timeout} s")


def heg_serve() -> list[str]:
    """`heg serve` from the interpreter's environment (`python -m sparql_endpoint` is the same command)."""
    heg = Path(sys.executable).with_name("heg")
    return [str(heg), "serve"] if heg.exists() else [sys.executable, "-m", "sparql_endpoint"]


def start(release: Path, *extra: str, command: list[str] | None = None, env: dict[str, str] | None = None,
          timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start the server on ``release``; return the process and its base URL (``http://127.0.0.1:PORT``)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="heg-serve-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [*(command or heg_serve()), "--host", "127.0.0.1", "--port", str(port), "--release", str(release), *extra],
        stdout=subprocess.DEVNULL, stderr=log, start_new_session=True, env={**os.environ, **(env or {})})
    process.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/sparql?query=ASK%7B%7D", process, timeout)
    except AssertionError:
        stop(process)
        raise
    return process, base


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the server's own process group: the HTTP server and its processes
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if hasattr(process, "log_path"):
        Path(process.log_path).unlink(missing_ok=True)


@contextmanager
def serving(release: Path, *extra: str, command: list[str] | None = None,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """``with serving(release) as base:`` a running server, stopped afterwards."""
    process, base = start(release, *extra, command=command, env=env)
    try:
        yield base
    finally:
        stop(process)
