"""Drive an HTTP server with ``wrk`` (Debian's native load generator) and read its figures back.

One cell: ``wrk`` with ``connections`` keep-alive connections (at most 2 threads, the machine's cores) for
``seconds``, cycling through a list of GET requests (path and Accept header). A request list may make
every request new: each ``{n}`` in a path becomes a number never used before in this run (the cell's
offset, the request counter and the thread), so no cache can answer it. A small Lua script writes the
figures (requests, seconds, errors, p50/p99 latency) on one line that :func:`run_cell` parses.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: numbers of different cells never overlap: each cell starts this far from the previous one
_CELL_SPAN = 10_000_000
_cells = itertools.count(1)

LUA = r"""
local items = %(items)s
local distinct = %(distinct)s
local offset = %(offset)d
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local i = 0
function request()
  i = i + 1
  local item = items[(i %% #items) + 1]
  local path = item[1]
  if distinct then
    path = string.gsub(path, "{n}", tostring(offset + i * 4 + tid))
  end
  return wrk.format("GET", path, {["Accept"] = item[2]})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK-RESULT {\"requests\": %%d, \"micros\": %%d, \"status_errors\": %%d, " ..
    "\"socket_errors\": %%d, \"p50_us\": %%d, \"p99_us\": %%d}\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Cell:
    requests: int
    seconds: float
    errors: int  # non-2xx/3xx answers and socket errors
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    """Debian's ``wrk``, installed here when missing (as .ci/run installs chromium: apt, never a download)."""
    found = shutil.which("wrk")
    if not found:
        as_root = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*as_root, "apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run([*as_root, "apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk not found and not installable: `apt-get install -y wrk`, then run again")
    return found


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these ASCII paths


def run_cell(base_url: str, requests: list[tuple[str, str]], connections: int, seconds: float, workdir: Path,
             distinct: bool = False) -> Cell:
    """``requests``: (path with query string, Accept) pairs, cycled; ``distinct``: fill each ``{n}``."""
    items = "{" + ", ".join(f"{{{_lua_string(p)}, {_lua_string(a)}}}" for p, a in requests) + "}"
    script = workdir / f"cell-{next(_cells)}.lua"
    script.write_text(LUA % {"items": items, "distinct": "true" if distinct else "false",
                             "offset": next(_cells) * _CELL_SPAN})
    threads = min(2, connections)
    done = subprocess.run([wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s",
                           "-s", str(script), base_url], capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures: {done.stdout[-500:]} {done.stderr[-500:]}")
    figures = json.loads(line.split(" ", 1)[1])
    return Cell(figures["requests"], figures["micros"] / 1e6, figures["status_errors"] + figures["socket_errors"],
                figures["p50_us"] / 1000, figures["p99_us"] / 1000)
