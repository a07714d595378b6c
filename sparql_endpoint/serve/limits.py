"""Request limits that granian leaves to the application, as WSGI middleware in front of the endpoint.

granian (hyper underneath) cuts a client whose request line and headers do not arrive within
``CLIENT_HEADER_TIMEOUT`` and refuses a request head larger than its buffer, but it has no cap on the
request line, the number of header fields or the size of one, and no deadline for a body: the application
reads the body from a server thread, which a client trickling one byte at a time would hold for as long as
it likes. :class:`RequestLimits` gives the same answers gunicorn gave:
- a request line over ``LIMIT_REQUEST_LINE`` bytes: 414; over ``LIMIT_REQUEST_FIELDS`` header fields, or a
  field over ``LIMIT_REQUEST_FIELD_SIZE`` bytes: 431;
- a body is read, up to ``MAX_REQUEST_BYTES``, by a reader thread that must finish within
  ``CLIENT_BODY_TIMEOUT`` seconds of the headers: past it, 408 and the connection closed (the reader ends
  when the client goes). Readers are bounded (``READERS`` at once; beyond, 503), so slow bodies cost
  neither the server's threads nor unbounded memory. A body announced larger than ``MAX_REQUEST_BYTES`` is
  left unread for the app, which refuses it (413) from its Content-Length.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: body readers one server process runs at once
READERS = 64


def _refuse(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    body = (message + "\n").encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Connection", "close"), ("X-Content-Type-Options", "nosniff")])
    return [body]


class RequestLimits:
    def __init__(self, app: WSGIApp, config: Mapping[str, Any]) -> None:
        self.app = app
        self.line = config["LIMIT_REQUEST_LINE"]
        self.fields = config["LIMIT_REQUEST_FIELDS"]
        self.field_size = config["LIMIT_REQUEST_FIELD_SIZE"]
        self.body_timeout = float(config["CLIENT_BODY_TIMEOUT"])
        self.max_body = config["MAX_REQUEST_BYTES"]
        self.readers = threading.BoundedSemaphore(READERS)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
            environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""))
        if len(environ.get("REQUEST_METHOD", "")) + len(uri) + len(" HTTP/1.1") + 1 > self.line:
            return _refuse(start_response, "414 URI Too Long",
                           f"The request line is longer than {self.line} bytes: send a long query by POST.")
        headers = [v for k, v in environ.items() if k.startswith("HTTP_")]
        headers += [environ[k] for k in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(k)]
        if len(headers) > self.fields or any(len(v) > self.field_size for v in headers):
            return _refuse(start_response, "431 Request Header Fields Too Large",
                           f"The request has more than {self.fields} header fields or one longer than "
                           f"{self.field_size} bytes.")
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length.isdigit() and 0 < int(length) <= self.max_body) or (chunked and not length):
            refused = self._read_body(environ, start_response, int(length) if length.isdigit() else None)
            if refused is not None:
                return refused
        return self.app(environ, start_response)

    def _read_body(self, environ: dict[str, Any], start_response: Callable[..., Any],
                   length: int | None) -> list[bytes] | None:
        if not self.readers.acquire(blocking=False):
            return _refuse(start_response, "503 Service Unavailable", "Too many request bodies are arriving now; "
                           "retry in a few seconds.")
        box: list[bytes] = []
        stream = environ["wsgi.input"]

        def read() -> None:
            try:
                box.append(stream.read(length if length is not None else self.max_body + 1))
            except Exception:  # the client went away: nothing to answer
                box.append(b"")
            finally:
                self.readers.release()

        reader = threading.Thread(target=read, name="heg-body-reader", daemon=True)
        reader.start()
        reader.join(self.body_timeout)
        if reader.is_alive() or not box:
            return _refuse(start_response, "408 Request Timeout",
                           f"The request body did not arrive within {self.body_timeout:g} s of the headers.")
        body = box[0]
        if len(body) > self.max_body:
            return _refuse(start_response, "413 Request Entity Too Large",
                           f"The request body is larger than {self.max_body} bytes.")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None
