"""The servers the endpoint benchmark compares, started as users run them on 127.0.0.1, and the memory
of a server's whole process tree.

- ``heg serve`` (what ships: granian, default settings unless ``--heg-args`` says otherwise);
- ``heg serve --server gunicorn``: the same application under gunicorn's gthread worker, the other HTTP
  server measured side by side (docs/benchmarks.md records the comparison);
- ``oxigraph serve-read-only --union-default-graph`` on a copy of the release's store (``pip install oxigraph``);
- ``rdflib-endpoint serve heg.trig`` (the ``bench`` extra), the Python peer.
A peer that is not installed is reported and skipped, never a crash.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tests.support.serving import free_port

BIN = Path(sys.executable).parent


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    path: str = "/sparql"  # where SPARQL queries go
    env: dict[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workdir: Path) -> None:
        log = (workdir / f"{self.name.replace(' ', '-')}.log").open("wb")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                        cwd=self.cwd or workdir, env={**os.environ, **(self.env or {})})
        deadline = time.monotonic() + 180
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", f"{self.path}?{query}", headers={"Accept": "application/sparql-results+json"})
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not become ready: see {log.name}")

    def stop(self, force: bool = False) -> None:
        """Stop the server and everything it started (``force``: at once, mid-request)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL if force else signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _tool(name: str) -> str | None:
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def heg(release: Path, heg_args: list[str], server: str = "granian") -> Server:
    port = free_port()
    name = "heg serve" if server == "granian" else f"heg serve --server {server}"
    return Server(name, [str(BIN / "heg"), "serve", "--release", str(release), "--host", "127.0.0.1", "--port",
                         str(port), "--log-level", "warning", "--server", server, *heg_args], port)


def oxigraph(release: Path, workdir: Path) -> Server | str:
    binary = _tool("oxigraph")
    if not binary:
        return "oxigraph server not found: `pip install oxigraph` to compare with it"
    # named after the whole path: releases of different sources may share a version (1x and 10x runs do)
    store = workdir / f"oxigraph-store-{hashlib.sha256(str(release.resolve()).encode()).hexdigest()[:12]}"
    if not store.exists():
        shutil.copytree(release.resolve() / "store", store)
    port = free_port()
    return Server("oxigraph", [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], port, path="/query")


def rdflib_endpoint(release: Path) -> Server | str:
    binary = _tool("rdflib-endpoint")
    dump = release.resolve() / "heg.trig"
    if not binary or not _tool("uvicorn") or not dump.exists():
        return "rdflib-endpoint not runnable: `pip install -e '.[bench]'` (and a release with heg.trig) to compare"
    port = free_port()
    return Server("rdflib-endpoint", [binary, "serve", "--host", "127.0.0.1", "--port", str(port), str(dump)], port,
                  path="/")


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
        except OSError:
            continue
    return found


def tree_pss_mb(root: int) -> float:
    """Proportional set size of ``root`` and every descendant (shared pages counted once, split), in MB."""
    total_kb, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending += _children(pid)
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total_kb += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total_kb / 1024
