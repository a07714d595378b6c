"""A static file server for exported sites: Python's http.server on 127.0.0.1 in a thread, answering as the
nginx configuration ``heg export-site`` wrote would. The rules are read from that nginx.conf (its ``map`` of
Accept to an extension, ``root``, ``types``, ``charset_types``, ``default_type`` and ``try_files``), never
restated here, so a wrong rule in the generated configuration fails the tests that use this server."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class NginxRules:
    accept: list[tuple[str, str]]  # (regex, extension), first match wins
    default_ext: str
    root: Path
    types: dict[str, str]  # extension -> media type
    charset_types: set[str]
    default_type: str
    try_files: list[str]

    @classmethod
    def parse(cls, text: str) -> NginxRules:
        def one(pattern: str) -> str:
            found = re.search(pattern, text, re.M)
            if found is None:
                raise AssertionError(f"nginx.conf has no line matching {pattern!r}")
            return found.group(1)

        mapping = re.search(r"^map \$http_accept \$heg_ext \{\n(.*?)^\}", text, re.M | re.S).group(1)  # type: ignore[union-attr]
        accept = re.findall(r'^\s*"~\*(.+)" (\S+);$', mapping, re.M)
        types_block = re.search(r"^\s*types \{\n(.*?)^\s*\}", text, re.M | re.S).group(1)  # type: ignore[union-attr]
        types = {ext: media for media, exts in re.findall(r"^\s*(\S+) (.+);$", types_block, re.M)
                 for ext in exts.split()}
        return cls(accept=accept, default_ext=one(r"^\s*default (\S+);"), root=Path(one(r"^\s*root (.+);")),
                   types=types, charset_types=set(one(r"^\s*charset_types (.+);").split()),
                   default_type=one(r"^\s*default_type (\S+);"), try_files=one(r"^\s*try_files (.+);").split())

    def extension(self, accept: str) -> str:
        return next((ext for regex, ext in self.accept if re.search(regex, accept, re.I)), self.default_ext)

    def resolve(self, path: str, accept: str) -> Path | None:
        ext = self.extension(accept)
        for candidate in self.try_files:
            if candidate.startswith("="):
                return None
            name = candidate.replace("${uri}", path).replace("$uri", path).replace("$heg_ext", ext)
            file = self.root / name.lstrip("/")
            if file.is_file() and self.root.resolve() in file.resolve().parents:
                return file
        return None

    def content_type(self, file: Path) -> str:
        media = self.types.get(file.name.rsplit(".", 1)[1], self.default_type) if "." in file.name else self.default_type
        return f"{media}; charset=utf-8" if media in self.charset_types else media


@contextmanager
def static_site(nginx_conf: Path, port: int) -> Iterator[str]:
    """``with static_site(out / "nginx.conf", port) as base:`` the export served on 127.0.0.1:port."""
    rules = NginxRules.parse(nginx_conf.read_text(encoding="utf-8"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            file = rules.resolve(unquote(urlsplit(self.path).path), self.headers.get("Accept", ""))
            body = file.read_bytes() if file is not None else b"404 Not Found\n"
            self.send_response(200 if file is not None else 404)
            self.send_header("Content-Type", rules.content_type(file) if file is not None else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
