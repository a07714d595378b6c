"""`heg serve` as a real process for tests: on 127.0.0.1 and a free port, ready when it answers.

One place for starting, polling (never sleeping blindly) and stopping the server, shared by the
endpoint, query-page, linked-data and browser tests.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
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


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail at once if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"heg serve exited with {process.returncode}: {process.stderr.read()!r}")
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


def start(release: Path, *extra: str, command: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start the server on ``release``; return the process and its base URL (``http://127.0.0.1:PORT``)."""
    port = free_port()
    process = subprocess.Popen(
        [*(command or heg_serve()), "--host", "127.0.0.1", "--port", str(port), "--release", str(release), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/sparql?query=ASK%7B%7D", process)
    except AssertionError:
        stop(process)
        raise
    return process, base


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the server's own process group: gunicorn and its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def serving(release: Path, *extra: str, command: list[str] | None = None) -> Iterator[str]:
    """``with serving(release) as base:`` a running server, stopped afterwards."""
    process, base = start(release, *extra, command=command)
    try:
        yield base
    finally:
        stop(process)
