"""What the W3C manifest tests (tests/endpoint/test_w3c_*.py) share: `heg serve` twice as real processes
on one release, embedded (its own pyoxigraph store) and over a real Oxigraph server, and raw HTTP to
them that can only ever reach 127.0.0.1.

The requests are sent with :mod:`http.client`, byte for byte as a manifest entry describes them (its
method, its percent-encoded path, its body and its content type, or no content type at all), with no
proxy (``http.client`` reads no ``*_proxy`` variable) and no retry.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from graph_builder.publish import Endpoints, publish_release

from .remote_servers import LOOPBACK, OxigraphServer
from .serving import serving

#: The two servers every manifest entry runs against (pytest ids).
SERVER_KINDS = ("embedded", "oxigraph")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def header_iris(self, name: str) -> list[str]:
        """The ``<iri> <iri>`` list of a header (empty when the header is absent)."""
        value = self.headers.get(name) or ""
        return [part[1:-1] for part in value.split() if part.startswith("<") and part.endswith(">")]


def send(endpoint: str, method: str, target: str = "", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Reply:
    """``method`` on ``endpoint`` (``http://127.0.0.1:PORT/sparql``) + ``target`` (``?query=...``)."""
    url = urllib.parse.urlsplit(endpoint)
    if url.scheme != "http" or url.hostname != LOOPBACK:
        raise AssertionError(f"a test request may only go to {LOOPBACK}, not {endpoint}")
    connection = http.client.HTTPConnection(LOOPBACK, url.port, timeout=20)
    try:
        connection.request(method, url.path + target, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read())
    finally:
        connection.close()


@dataclass(frozen=True)
class Servers:
    endpoints: dict[str, str]  # server kind -> its /sparql URL
    oxigraph: OxigraphServer


@contextmanager
def served_pair(release: Path, workdir: Path) -> Iterator[Servers]:
    """`heg serve` on ``release``, embedded and over a fresh Oxigraph server the release is published to
    (``heg publish``'s own function), both on loopback; everything is stopped afterwards."""
    with ExitStack() as stack:
        oxigraph = OxigraphServer(workdir / "oxigraph").start()
        stack.callback(oxigraph.stop)
        publish_release(release, Endpoints.of(oxigraph.base), environ={})
        embedded = stack.enter_context(serving(release, "--query-workers", "2"))
        remote = stack.enter_context(serving(release, "--query-workers", "2", "--store", oxigraph.query_url))
        yield Servers({"embedded": embedded + "/sparql", "oxigraph": remote + "/sparql"}, oxigraph)
