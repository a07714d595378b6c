"""Walk the site of a release through the application and write what it answers as files.

Where to start: every route of the application's URL map that takes no argument (so routes added later are
exported without this module knowing them), every IRI the release states something about, unversioned and
at its versioned path, and from there every link of every HTML page that stays on the site. A negotiated
answer (``Vary: Accept``) is also fetched in every RDF format of an IRI and written beside its HTML, under
the format's extension (``id/x.html``, ``id/x.ttl``...; ``releases/index.ttl`` for a path ending in ``/``).
Pages that need a server (:data:`NEEDS_SERVER`) are replaced by a page saying so, linking to the endpoint;
links to the SPARQL endpoint on every page point at the configured endpoint URL instead.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urldefrag, urljoin, urlsplit

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from heg_core.formats import GRAPH_FORMATS

from ..history.versions import subjects
from ..http.negotiation import RESOURCE_FORMATS
from ..http.release_paths import split_versioned
from ..state import state_of

#: Endpoints (by name prefix) whose answers need a running server: the static copy has a page saying so.
#: The one list to extend when such a route is added.
NEEDS_SERVER = ("sparql.", "site.search", "reconcile.")
#: URL paths whose files keep their own names (release files, static assets), whatever their type
KEEP_NAMES = re.compile(r"^(/releases/[^/]+)?/(downloads|static)/")
#: extension of each media type the site answers with (the formats table first, then the platform's)
EXTENSIONS = {"text/html": "html", **{f.media_type: f.extension for f in GRAPH_FORMATS},
              "application/json": "json", "application/atom+xml": "atom", "text/plain": "txt"}


@dataclass(frozen=True)
class Written:
    """One exported file: the URL path it answers (with the Accept it was fetched with), where it is."""

    url: str
    file: str
    media_type: str
    bytes: int
    sha256: str


@dataclass
class Export:
    written: dict[str, Written] = field(default_factory=dict)  # file -> what was written there
    not_exported: list[tuple[str, int]] = field(default_factory=list)  # (url, status) of answers that were not 200


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def extension_of(media_type: str) -> str:
    bare = media_type.split(";")[0].strip()
    return EXTENSIONS.get(bare) or (mimetypes.guess_extension(bare) or ".bin").lstrip(".")


def type_of_suffix(suffix: str) -> str | None:
    """The media type a file name's extension stands for (the site's table, then the platform's)."""
    for media_type, ext in EXTENSIONS.items():
        if ext == suffix:
            return media_type
    return mimetypes.types_map.get("." + suffix)


def file_for(path: str, media_type: str, *, keep_name: bool = False, negotiated: bool = False) -> str:
    """The file answering URL path ``path`` in ``media_type``: a negotiated answer always under the path
    with the type's extension (``id/x`` -> ``id/x.html``, ``id/x.ttl``: an IRI may end in ``.jsonld`` and have
    IRIs below it); otherwise the path itself when its extension already says the type (``id/x.ttl``,
    ``static/site.css``) or ``keep_name`` (release files such as ``SHA256SUMS``); ``index.EXT`` for ``.../``."""
    ext = extension_of(media_type)
    bare = media_type.split(";")[0].strip()
    if path.endswith("/"):
        return path.lstrip("/") + "index." + ext
    name = PurePosixPath(path).name
    if not negotiated and (keep_name or ("." in name and type_of_suffix(name.rsplit(".", 1)[1]) == bare)):
        return path.lstrip("/")
    return path.lstrip("/") + "." + ext


def rewrite_endpoint_links(body: bytes, root: str, endpoint: str) -> bytes:
    """Links and forms that go to this site's ``/sparql`` go to ``endpoint`` instead (query strings kept)."""
    if not endpoint:
        return body
    pattern = re.compile(rb'((?:href|action)=")' + re.escape(f"{root}/sparql".encode()) + rb'(?=[?"])')
    return pattern.sub(lambda m: m.group(1) + endpoint.encode(), body)


class Crawler:
    """Fetch every page and representation of the site through ``app`` and write them under ``out``."""

    def __init__(self, app: Flask, out: Path, base_url: str, endpoint: str) -> None:
        self.app = app
        self.client = app.test_client()
        self.out = out
        self.base_url = base_url.rstrip("/") + "/"
        split = urlsplit(self.base_url)
        self.origin = f"{split.scheme}://{split.netloc}"
        self.root = split.path.rstrip("/")
        self.endpoint = endpoint
        self.export = Export()
        self._adapter = app.url_map.bind(split.netloc, script_name=self.root or None, url_scheme=split.scheme)

    def seeds(self) -> list[str]:
        paths = ["/"]
        for rule in self.app.url_map.iter_rules():
            if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static":
                paths.append(rule.rule)
        state = state_of(self.app)
        base = state.release.base_iri
        with self.app.test_request_context("/", base_url=self.base_url):
            entities = sorted(subjects(state))
        for iri in entities:
            local = "/" + iri[len(base):]
            paths += [local, f"/releases/{state.release.version}{local}"]
        return paths

    def run(self) -> Export:
        queue = deque(self.seeds())
        seen: set[str] = set()
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            for link in self._visit(path):
                if link not in seen:
                    queue.append(link)
        return self.export

    def _visit(self, path: str) -> list[str]:
        if self._needs_server(path):
            self._write(path, self._needs_server_page(path), "text/html; charset=utf-8")
            return []
        response = self.client.get(path, base_url=self.base_url)
        if response.status_code != 200:
            self.export.not_exported.append((path, response.status_code))
            return []
        media_type = response.headers["Content-Type"]
        body = response.get_data()
        html = media_type.startswith("text/html")
        if html:
            body = rewrite_endpoint_links(body, self.root, self.endpoint)
        negotiated = "accept" in {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
        self._write(path, body, media_type, keep_name=bool(KEEP_NAMES.match(path)), negotiated=negotiated)
        if negotiated:
            for fmt in RESOURCE_FORMATS:
                other = self.client.get(path, base_url=self.base_url, headers={"Accept": fmt.media_type})
                if other.status_code == 200 and other.headers["Content-Type"] != media_type:
                    self._write(path, other.get_data(), other.headers["Content-Type"], negotiated=True)
        return self._links(path, response.get_data(as_text=True)) if html else []

    def _links(self, path: str, text: str) -> list[str]:
        parser = _Links()
        parser.feed(text)
        found = []
        for href in parser.found:
            url, _ = urldefrag(urljoin(self.origin + self.root + path, href))
            split = urlsplit(url)
            if f"{split.scheme}://{split.netloc}" != self.origin or split.query or not split.path.startswith(self.root + "/"):
                continue
            found.append(split.path[len(self.root):])
        return found

    def _needs_server(self, path: str) -> bool:
        versioned = split_versioned(path)
        for candidate in (path, versioned[1] if versioned else None):
            if candidate is None:
                continue
            try:
                endpoint, _ = self._adapter.match(candidate, method="GET")
            except HTTPException:
                continue
            return str(endpoint).startswith(NEEDS_SERVER)
        return False

    def _needs_server_page(self, path: str) -> bytes:
        with self.app.test_request_context(path, base_url=self.base_url):
            return render_template("needs_server.html", path=path, endpoint=self.endpoint).encode()

    def _write(self, path: str, body: bytes, media_type: str, keep_name: bool = False,
               negotiated: bool = False) -> None:
        name = file_for(self.root + path, media_type, keep_name=keep_name, negotiated=negotiated)
        target = self.out / name
        if name in self.export.written:
            if self.export.written[name].sha256 != hashlib.sha256(body).hexdigest():
                raise RuntimeError(f"{path} and {self.export.written[name].url} give different bytes for {name}")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.export.written[name] = Written(path, name, media_type, len(body), hashlib.sha256(body).hexdigest())
