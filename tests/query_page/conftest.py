"""Fixtures of the query page tests: an app on the session release, and `heg serve` as a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from graph_builder.release import ReleaseOutcome
from sparql_endpoint import create_app

TEST_SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10.0}


@pytest.fixture
def make_app() -> Iterator[Callable[[Path], Flask]]:
    """``make_app(release_dir)``: an app on that release; its query workers are stopped afterwards."""
    apps: list[Flask] = []

    def _make(release_dir: Path, **settings: Any) -> Flask:
        app = create_app({**TEST_SETTINGS, "RELEASE_DIR": str(release_dir), **settings}, environ={})
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["heg_endpoint"].store.close()


@pytest.fixture(scope="module")
def app(release: ReleaseOutcome) -> Iterator[Flask]:
    """One app on the session release for the read-only tests of a module."""
    application = create_app({**TEST_SETTINGS, "RELEASE_DIR": str(release.path)}, environ={})
    yield application
    application.extensions["heg_endpoint"].store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll until the endpoint answers a query; never sleep blindly."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"heg serve exited with {process.returncode}: {process.stderr.read()!r}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise AssertionError("heg serve did not become ready in time")


def heg_serve() -> list[str]:
    """`heg serve` from the interpreter's environment (`python -m sparql_endpoint` is the same command)."""
    heg = Path(sys.executable).with_name("heg")
    return [str(heg), "serve"] if heg.exists() else [sys.executable, "-m", "sparql_endpoint"]


@pytest.fixture(scope="module")
def served(release: ReleaseOutcome) -> Iterator[str]:
    """`heg serve` on 127.0.0.1 and a free port, serving the session release; yields the /sparql URL.

    The query timeout is short (2 s) so that the page's timeout message can be seen in a test."""
    port = free_port()
    process = subprocess.Popen(
        [*heg_serve(), "--host", "127.0.0.1", "--port", str(port), "--release", str(release.path),
         "--query-timeout", "2", "--query-workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_ready(url, process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the server's own process group: gunicorn and its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
