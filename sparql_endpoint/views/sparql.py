"""The SPARQL 1.1 Protocol view: ``/sparql`` by GET, POST (form or direct), HEAD and OPTIONS.

Thin: read the protocol parameters, ask the policy, negotiate the format, answer 304 from the ETag or
the answer from :mod:`sparql_endpoint.sparql.answer`, write one log line. A bare GET is the query page for
browsers and the Service Description for RDF clients.
"""

from __future__ import annotations

import hashlib
import time

from flask import Blueprint, Response, g, render_template, request

from ..errors import BadRequest, ReadOnly
from ..http.conditional import etag_of, not_modified
from ..http import querylog
from ..http.negotiation import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, TABLES, negotiate
from ..sparql import service_description
from ..sparql.answer import answer, cache_key, checked, dataset_of
from ..sparql.params import HOW_TO_POST, Params, read_params
from ..sparql.query_page import page_context
from ..state import get_state

bp = Blueprint("sparql", __name__)

MAX_AGE = "public, max-age=3600"
#: names the graphs of a dataset description that the release does not hold (read as empty graphs)
NOT_IN_DATASET = "X-Graphs-Not-In-Dataset"
#: what a bare GET answers: the Service Description first (no Accept, */*), the query page for browsers
DESCRIPTION_FORMATS = (*GRAPH_FORMATS, HTML)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={
            "Allow": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
            "Access-Control-Max-Age": "86400"})
    params = read_params(request, get_state().config["MAX_REQUEST_BYTES"])
    if params.has_update:
        raise ReadOnly("This endpoint is read-only: SPARQL updates are refused.")
    if params.query is None:
        if request.method == "POST":
            raise BadRequest("The POST request has no query.", hint=HOW_TO_POST)
        return describe_service(params.format)
    if request.method == "GET" and not params.format and browser_wants_page():
        return describe_service(None, linked_query=params.query)  # a link followed in a browser: the page
    return answer_query(params)


def browser_wants_page() -> bool:
    """A browser following a ``/sparql?query=`` link: it asks for HTML more than for any answer format (a
    SPARQL client, curl's ``*/*`` or a ``?format=`` always gets the answer itself)."""
    accept = request.accept_mimetypes
    if not accept:
        return False
    answers = [m for table in (SOLUTION_FORMATS, GRAPH_FORMATS) for f in table for m in f.accepted]
    return accept.quality(HTML.media_type) > max(accept.quality(m) for m in answers)


def answer_query(params: Params) -> Response:
    state = get_state()
    g.query_hash = hashlib.sha256((params.query or "").encode()).hexdigest()[:16]
    g.query_started = time.perf_counter()
    base = endpoint_url()
    info = checked(params, base)
    dataset = dataset_of(params, info)
    fmt = negotiate(TABLES[info.form], request.accept_mimetypes, params.format)
    headers = {"Vary": "Accept", "Link": f'<{state.release.base_iri}id/dataset>; rel="describedby"'}
    if dataset.unknown:  # each read as an empty graph, nothing fetched: say so
        headers[NOT_IN_DATASET] = " ".join(f"<{g}>" for g in dataset.unknown)
    if request.method in ("GET", "HEAD"):  # POST answers are not cacheable
        etag = etag_of(*cache_key(params, base, fmt.key))
        headers["Cache-Control"] = MAX_AGE
        cached = not_modified(etag, headers=headers)
        if cached is not None:
            g.query_cache = "etag"
            return cached
        headers["ETag"] = f'"{etag}"'
    answered = answer(params, info, dataset, base, fmt.key)
    g.query_cache = answered.cache
    g.query_rows = answered.outcome.rows
    headers["X-Result-Rows"] = str(answered.outcome.rows)
    if answered.outcome.capped:
        headers["X-Result-Capped"] = str(state.config["MAX_ROWS"])
    if params.format:
        headers["Content-Location"] = request.full_path
    return Response(answered.outcome.body, headers=headers, content_type=fmt.content_type)


def describe_service(format_param: str | None, linked_query: str | None = None) -> Response:
    """A bare GET: the HTML query page for browsers, the Service Description for RDF clients."""
    state = get_state()
    fmt = HTML if linked_query else negotiate(DESCRIPTION_FORMATS, request.accept_mimetypes, format_param)
    example = request.args.get("example") if fmt is HTML else None
    etag = etag_of(state.validator, "service", fmt.key, request.base_url, example, linked_query)
    headers = {"Vary": "Accept", "ETag": f'"{etag}"', "Cache-Control": MAX_AGE}
    cached = not_modified(etag, headers=headers)
    if cached is not None:
        return cached
    if fmt is HTML:  # the query page (YASGUI, with a plain form for browsers without JavaScript)
        body = render_template("sparql_query.html", config=state.config, formats=SOLUTION_FORMATS,
                               **page_context(request.path, example, linked_query))
        return Response(body, headers=headers, content_type=HTML.content_type)
    return Response(service_description.document(endpoint_url(), fmt), headers=headers, content_type=fmt.content_type)


def endpoint_url() -> str:
    """This endpoint's URL: the service's IRI in its description, and the base of relative IRIs."""
    return get_state().config["PUBLIC_URL"] or request.base_url


@bp.after_request
def log_query(response: Response) -> Response:
    """One line per query: hash, duration, rows, status, cache; nothing about the client."""
    if "query_hash" in g:
        duration = (time.perf_counter() - g.query_started) * 1000
        rows = g.get("query_rows", "-")
        querylog.log_query(g.query_hash, response.status_code, rows, duration, g.get("query_cache", "-"))
        request.environ[querylog.ENVIRON_KEY] = (g.query_hash, rows)  # for the fast path's replays of this answer
    return response
