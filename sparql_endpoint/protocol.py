"""The SPARQL 1.1 Protocol blueprint: ``/sparql`` by GET, POST (form or direct), HEAD and OPTIONS.

Views stay thin: read the protocol parameters, check the query against the policy, negotiate the format,
answer from the ETag / cache or run the query on the store, write one log line.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


from flask import Blueprint, Response, g, render_template, request

from . import service_description
from .errors import BadRequest, ReadOnly, RequestTooLarge, UnsupportedMediaType
from .executor import Job
from .negotiation import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, TABLES, Format, negotiate
from .page import page_context, page_data
from .policy import check_graph_parameters, check_query
from .state import get_state

log = logging.getLogger("sparql_endpoint.query")
bp = Blueprint("sparql", __name__)

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


def read_params(max_bytes: int) -> Params:
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


def _etag(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _media_type(fmt: Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    state = get_state()
    config = state.config
    if request.method == "OPTIONS":
        return Response(status=204, headers={
            "Allow": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
            "Access-Control-Max-Age": "86400"})
    params = read_params(config["MAX_REQUEST_BYTES"])
    if params.has_update:
        raise ReadOnly("This endpoint is read-only: SPARQL updates are refused.")
    if params.query is None:
        if request.method == "POST":
            raise BadRequest("The POST request has no query.", hint=HOW_TO_POST)
        return describe_service(params.format)
    return answer_query(params)


def answer_query(params: Params) -> Response:
    state = get_state()
    config = state.config
    release = state.store.release
    query = params.query or ""
    g.query_hash = hashlib.sha256(query.encode()).hexdigest()[:16]
    g.query_started = time.perf_counter()
    info = state.checked.get(query)  # the policy's verdict depends on the text only: memoized per app
    if info is None:
        info = check_query(query, release_graphs=release.graph_iris,
                           service_allowlist=config["SERVICE_ALLOWLIST"], max_nesting=config["MAX_NESTING"])
        state.checked.put(query, info, len(query))
    check_graph_parameters(params.default_graphs, params.named_graphs, release.graph_iris)
    fmt = negotiate(TABLES[info.form], request.accept_mimetypes, params.format)
    key = (release.digest, query, tuple(params.default_graphs), tuple(params.named_graphs), fmt.key)
    etag = _etag(*key)
    headers = {"Vary": "Accept", "Link": f'<{release.base_iri}id/dataset>; rel="describedby"'}
    cacheable = request.method in ("GET", "HEAD")
    if cacheable:
        headers["ETag"] = f'"{etag}"'
        headers["Cache-Control"] = "public, max-age=3600"
        if etag in request.if_none_match:
            g.query_cache = "etag"
            return Response(status=304, headers=headers)
    outcome = state.cache.get(key)
    g.query_cache = "hit" if outcome is not None else "miss"
    if outcome is None:
        union = not (info.from_graphs or info.from_named_graphs or params.default_graphs or params.named_graphs)
        job = Job(query=query, format_key=fmt.key, max_rows=config["MAX_ROWS"],
                  default_graphs=tuple(params.default_graphs), named_graphs=tuple(params.named_graphs),
                  union_default_graph=union, prefixes=state.prefixes)
        outcome = state.store.execute(job, config["QUERY_TIMEOUT"])
        state.cache.put(key, outcome, len(outcome.body) + len(query))
    g.query_rows = outcome.rows
    headers["X-Result-Rows"] = str(outcome.rows)
    if outcome.capped:
        headers["X-Result-Capped"] = str(config["MAX_ROWS"])
    if params.format:
        headers["Content-Location"] = request.full_path
    return Response(outcome.body, headers=headers, content_type=_media_type(fmt))


def describe_service(format_param: str | None) -> Response:
    """A bare GET: the HTML query page for browsers, the Service Description for RDF clients."""
    state = get_state()
    release = state.store.release
    fmt = negotiate((HTML, *GRAPH_FORMATS), request.accept_mimetypes, format_param)
    example = request.args.get("example") if fmt is HTML else None
    etag = _etag(release.digest, "service", fmt.key, request.base_url, example)
    headers = {"Vary": "Accept", "ETag": f'"{etag}"', "Cache-Control": "public, max-age=3600"}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    if fmt is HTML:  # the query page (YASGUI, with a plain form for browsers without JavaScript)
        body = render_template("sparql_query.html", config=state.config, formats=SOLUTION_FORMATS,
                               **page_context(state, request.path, example))
        return Response(body, headers=headers, content_type="text/html; charset=utf-8")
    endpoint_url = state.config["PUBLIC_URL"] or request.base_url
    cache_key = ("service-description", endpoint_url, fmt.key)
    body = state.cache.get(cache_key)
    if body is None:
        triples = service_description.describe(state.config, release, endpoint_url, page_data(state).examples)
        from .results import write_graph

        body = write_graph(triples, fmt.key, service_description.prefixes(release))
        state.cache.put(cache_key, body, len(body))
    return Response(body, headers=headers, content_type=_media_type(fmt))


@bp.after_request
def log_query(response: Response) -> Response:
    """One line per query: hash, duration, rows, status, cache; nothing about the client."""
    if "query_hash" in g:
        duration = (time.perf_counter() - g.query_started) * 1000
        log.info("query hash=%s status=%d rows=%s duration_ms=%.1f cache=%s", g.query_hash, response.status_code,
                 g.get("query_rows", "-"), duration, g.get("query_cache", "-"))
    return response


