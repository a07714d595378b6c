"""The SPARQL 1.1 Protocol's request parameters: ``query``, ``default-graph-uri``, ``named-graph-uri``
(and ``format``), from the query string, a form body or a direct ``application/sparql-query`` body,
checked for size, encoding and shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ..errors import BadRequest, RequestTooLarge, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
HOW_TO_POST = (f"POST the query as {FORM} (field `query`) or as an {DIRECT} body; "
               "or use GET with ?query=.")


@dataclass
class Params:
    query: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None
    has_update: bool = False


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The {where} is not valid UTF-8 (byte {exc.start}).",
                         hint="Encode the query as UTF-8 (and percent-encode it in URLs and forms).") from None


def _pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    text = _decode(raw, where)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(f"The {where} percent-decodes to bytes that are not UTF-8.",
                         hint="Percent-encode the UTF-8 bytes of the query.") from None


def _collect(params: Params, pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        if name == "query":
            if params.query is not None:
                raise BadRequest("The request has more than one query.",
                                 hint="Send exactly one `query` parameter (or one application/sparql-query body).")
            params.query = value
        elif name == "update":
            params.has_update = True
        elif name == "default-graph-uri":
            params.default_graphs.append(value)
        elif name == "named-graph-uri":
            params.named_graphs.append(value)
        elif name == "format":
            params.format = value


def read_params(request: Any, max_bytes: int) -> Params:
    """The protocol parameters of this request, checked for size, encoding and shape."""
    params = Params()
    if len(request.query_string) > max_bytes:
        raise RequestTooLarge(f"The query string is longer than the limit of {max_bytes} bytes.",
                              hint="Shorten the query, or POST it.")
    _collect(params, _pairs(request.query_string, "query string"))
    if request.method != "POST":
        return params
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestTooLarge(f"The request body ({request.content_length} bytes) is larger than the limit of "
                              f"{max_bytes} bytes.", hint="Send a shorter query.")
    mimetype = request.mimetype
    body = request.get_data(cache=True)
    if mimetype == FORM:
        _collect(params, _pairs(body, "form body"))
    elif mimetype == DIRECT:
        if params.query is not None:
            raise BadRequest("The request has a query in the URL and another in the body.",
                             hint="Send the query once: in the application/sparql-query body.")
        params.query = _decode(body, "request body")
    elif mimetype == UPDATE:
        params.has_update = True
    elif not mimetype:
        raise UnsupportedMediaType("The POST request has no Content-Type.", hint=HOW_TO_POST)
    else:
        raise UnsupportedMediaType(f"Content-Type {mimetype} is not a SPARQL query.", hint=HOW_TO_POST)
    return params
