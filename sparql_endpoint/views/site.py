"""Site views: home, browse (practices, case studies, resources, organizations, places, vocabularies),
search, and the 404 page for browsers.

Thin: read the request, call :mod:`sparql_endpoint.site`, render one template. Every page carries an ETag
and Last-Modified (the release's build time) and answers 304 when fresh. A page built from a cut answer
(its context's ``cuts``) shows a notice and carries ``X-Result-Capped``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, render_template, request
from werkzeug.exceptions import NotFound

from ..errors import error_response, http_hint
from ..http.conditional import etag_of, finish, not_modified
from ..http.negotiation import HTML
from ..reads import Cut
from ..site import browse, pages
from ..state import get_state

bp = Blueprint("site", __name__)


def capped_header(cuts: list[Cut]) -> dict[str, str]:
    """``X-Result-Capped: N`` (the smallest limit a cut answer stopped at) when a representation is cut."""
    return {"X-Result-Capped": str(min(cut.limit for cut in cuts))} if cuts else {}


def _page(template: str, context: Callable[[], dict[str, Any]]) -> Response:
    """A page of the served release: 304 when the client holds it, else ``template`` rendered with ``context()``."""
    state = get_state()
    etag = etag_of(state.validator, "page", request.path, sorted(request.args.items(multi=True)))
    cached = not_modified(etag, state.modified)
    if cached is not None:
        return cached
    values = context()
    body = render_template(template, **values)
    return finish(Response(body, headers=capped_header(values.get("cuts", [])), content_type=HTML.content_type),
                  etag, state.modified)


@bp.route("/", methods=["GET"])
def home() -> Response:
    return _page("home.html", lambda: pages.home_context(request.url_root.rstrip("/")))


@bp.route("/practices", methods=["GET"])
def practices() -> Response:
    return _page("practices.html", pages.practices_context)


@bp.route("/case-studies", defaults={"key": "case-studies"}, methods=["GET"])
@bp.route("/resources", defaults={"key": "resources"}, methods=["GET"])
def listing(key: str) -> Response:
    view = browse.listing(key, request.args)
    return _page("listing.html", lambda: {"view": view, "cuts": view.cuts})


@bp.route("/search", methods=["GET"])
def search() -> Response:
    text = (request.args.get("q") or "").strip()
    hits = browse.search(text) if text else browse.Hits([], [])
    return _page("search.html", lambda: {"q": text, "hits": hits, "cuts": hits.cuts})


@bp.route("/organizations", methods=["GET"])
def organizations() -> Response:
    return _page("organizations.html", pages.organizations_context)


@bp.route("/places", methods=["GET"])
def places() -> Response:
    return _page("places.html", pages.places_context)


@bp.route("/vocabularies", methods=["GET"])
def vocabularies() -> Response:
    return _page("vocabularies.html", pages.vocabularies_context)


def register_page_errors(app: Flask) -> None:
    """A 404 a person can use (search, browse) for browsers; the plain or JSON body otherwise."""

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Response:
        best = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"],
                                                   default="text/plain")
        if best == "text/html":
            body = render_template("not_found.html", iri=None, path=request.path)
            return Response(body, status=404, headers={"Vary": "Accept", "Cache-Control": "no-store"},
                            content_type=HTML.content_type)
        return error_response(404, exc.name, exc.description or exc.name, http_hint(exc))
