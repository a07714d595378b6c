"""Helpers of the hardening tests and benchmarks: `heg serve` as a real process on loopback, the resident
memory of its process tree, a counting TCP listener, and checks that a body matches its media type."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from xml.dom import minidom

from . import serving
from .loopback import Listener  # noqa: F401  (re-exported for the hardening tests)
from .serving import free_port, server_log  # noqa: F401  (re-exported for the hardening tests)
from .serving import stop as stop_server  # noqa: F401


def start_server(release: Path, *extra: str, env: dict[str, str] | None = None,
                 timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """``heg serve`` (granian, as ``python -m sparql_endpoint``) on 127.0.0.1 and a free port, polled until
    it answers; returns (process, base URL). See tests/support/serving.py."""
    return serving.start(release, *extra, command=[sys.executable, "-m", "sparql_endpoint"], env=env,
                         timeout=timeout)


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> dict[int, int]:
    """VmRSS (KiB) of ``pid`` and every descendant: main process, server processes, fork server, query workers."""
    return {p: rss_kib(p) for p in [pid, *children(pid)]}


def get(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None,
        timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def check_body(content_type: str, body: bytes) -> None:
    """Raise if ``body`` does not parse as the media type it declares."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("", "text/plain") or not body:
        body.decode("utf-8")
        return
    if media in ("application/json", "application/sparql-results+json", "application/ld+json"):
        json.loads(body)
    elif media in ("application/sparql-results+xml", "application/rdf+xml", "application/xml", "text/xml",
                   "image/svg+xml"):
        minidom.parseString(body)
    elif media in ("text/csv", "text/tab-separated-values"):
        list(csv.reader(io.StringIO(body.decode("utf-8")),
                        delimiter="\t" if media.endswith("values") else ","))
    elif media in ("text/turtle", "application/n-triples", "application/n-quads", "application/trig"):
        import pyoxigraph as ox

        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}[media]
        list(ox.parse(body, format=fmt))
    elif media == "text/html":
        check_html(body.decode("utf-8"))
    else:
        body.decode("utf-8") if media.startswith("text/") else None


def check_html(text: str) -> None:
    """A page parses, every element it opens is closed in order (void elements aside), and no script
    element is executable JavaScript written from data (only ours: src= or JSON types)."""
    from html.parser import HTMLParser

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    optional = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody"}

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[str] = []
            self.scripts: list[dict[str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, _ in attrs:
                if name.startswith("on"):
                    raise AssertionError(f"event handler attribute {name} on <{tag}>")
            if tag == "script":
                self.scripts.append(dict(attrs))
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag in void:
                return
            while self.stack and self.stack[-1] != tag and self.stack[-1] in optional:
                self.stack.pop()
            if not self.stack or self.stack[-1] != tag:
                raise AssertionError(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            self.stack.pop()

    checker = Checker()
    checker.feed(text)
    checker.close()
    for attrs in checker.scripts:
        if not attrs.get("src") and attrs.get("type") not in ("application/json", "application/ld+json"):
            raise AssertionError(f"an inline executable script: {attrs}")
