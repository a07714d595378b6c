"""Builds killed with SIGKILL at random points while `heg serve` answers from `releases/latest`: the served
release stays intact and answering, `latest` always names a whole release that `heg serve` accepts, and
the next build succeeds. (tests/test_cli.py kills builds without a server; this adds the server.)"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.hardening import get, start_server, stop_server

from heg_core.release import load_release


def _build(out: Path, version: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "graph_builder", "build", "--out", str(out), "--version", version],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_builds_killed_at_random_points_never_disturb_the_served_release(tmp_path: Path) -> None:
    first = _build(tmp_path, "1.0.0")
    assert first.wait(timeout=120) == 0
    releases = tmp_path / "releases"
    manifest = (releases / "1.0.0" / "manifest.json").read_bytes()
    process, base = start_server(releases / "latest", "--query-workers", "1")
    try:
        points = random.Random(20261125).sample([0.2, 0.4, 0.6, 0.8, 1.0, 1.2], 3)
        for n, delay in enumerate(points):
            build = _build(tmp_path, f"2.0.{n}")
            time.sleep(delay)  # the kill point, not a wait for readiness
            build.send_signal(signal.SIGKILL)
            build.wait(timeout=60)
            status, _, body = get(base + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", headers={"Accept": "text/csv"})
            assert status == 200 and b"true" in body, delay
            assert (releases / "1.0.0" / "manifest.json").read_bytes() == manifest
            load_release(releases / "latest")  # latest names a whole release whose store opens (verified)
        again = _build(tmp_path, "3.0.0")
        assert again.wait(timeout=120) == 0
        assert os.readlink(releases / "latest") == "3.0.0"
        assert not list(releases.glob(".staging-*"))
        assert get(base + "/", headers={"Accept": "text/html"})[0] == 200  # still serving what it started with
    finally:
        stop_server(process)
