"""The W3C Reconciliation API 0.2 at ``/reconcile`` (what OpenRefine speaks; see docs/reconciliation.md).

- ``GET /reconcile``: the service manifest (JSON; JSONP with ``callback=``, a plain identifier);
- ``GET|POST /reconcile`` with ``queries=`` (form field or parameter): a batch of reconciliation queries;
  with ``extend=``: data extension; or ``POST`` a JSON body (``Content-Type: application/json``) holding
  ``{"queries": {...}}`` or ``{"extend": {...}}``, the same values as JSON instead of form text;
- ``GET /reconcile/suggest/{entity,type,property}?prefix=``, ``GET /reconcile/propose_properties?type=``;
- ``GET /reconcile/preview?id=``: a small HTML card; ``GET /reconcile/view?id=``: to the entity's page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from ..errors import ResourceNotFound
from ..http.negotiation import HTML
from ..linked_data.iris import is_safe, local_path
from ..reconcile import extend as extension
from ..reconcile import suggest
from ..reconcile.requests import (
    DEFAULT_LIMIT,
    ReconcileBadRequest,
    check_extension,
    check_queries,
    json_body,
    parse_extension,
    parse_queries,
    positive,
)
from ..reconcile.service import manifest, reconcile
from ..state import get_state

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

#: A JSONP callback: a JavaScript identifier, or a few joined by dots (``jQuery123.cb``), nothing else.
CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]{0,63}(\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}$")


def answer(data: Any) -> Response:
    """JSON, or JSONP when a valid ``callback=`` is given (any other callback is a 400)."""
    body = json.dumps(data, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback is None:
        return Response(body, content_type="application/json; charset=utf-8")
    if not CALLBACK.match(callback):
        raise ReconcileBadRequest("The callback parameter must be a JavaScript identifier (letters, digits, "
                                  "'_' and '$', optionally joined by '.').")
    return Response(f"/**/{callback}({body});", content_type="application/javascript; charset=utf-8")


@bp.route("", methods=["GET", "POST"])
def service() -> Response:
    prefixes = get_state().prefixes
    if request.method == "POST" and request.mimetype == "application/json":
        kind, value = json_body(request.get_data(cache=False))
        if kind == "queries":
            return answer(reconcile(check_queries(value, prefixes)))
        return answer(extension.extend(check_extension(value, prefixes)))
    if "queries" in request.values:
        return answer(reconcile(parse_queries(request.values.get("queries"), prefixes)))
    if "extend" in request.values:
        return answer(extension.extend(parse_extension(request.values.get("extend"), prefixes)))
    return answer(manifest(request.url_root))


def _paging() -> tuple[int, int]:
    return (positive(request.args.get("cursor"), 0, "cursor", most=10_000),
            max(1, positive(request.args.get("limit"), 10, "limit")))


@bp.route("/suggest/entity", methods=["GET"])
def suggest_entity() -> Response:
    cursor, limit = _paging()
    return answer(suggest.suggest_entities(request.args.get("prefix"), request.args.get("type"), cursor, limit))


@bp.route("/suggest/type", methods=["GET"])
def suggest_type() -> Response:
    cursor, limit = _paging()
    return answer(suggest.suggest_types(request.args.get("prefix"), cursor, limit, get_state().prefixes))


@bp.route("/suggest/property", methods=["GET"])
def suggest_property() -> Response:
    cursor, limit = _paging()
    return answer(suggest.suggest_properties(request.args.get("prefix"), request.args.get("type"), cursor, limit,
                                             get_state().prefixes))


@bp.route("/propose_properties", methods=["GET"])
def propose_properties() -> Response:
    limit = max(1, positive(request.args.get("limit"), DEFAULT_LIMIT * 4, "limit"))
    return answer(suggest.propose_properties(request.args.get("type"), limit, get_state().prefixes))


def _our_iri() -> str:
    iri = request.args.get("id", "")
    if not is_safe(iri, get_state().release.base_iri):
        raise ResourceNotFound(f"{iri[:200]!r} is not an entity of this dataset.", iri=iri[:200])
    return iri


@bp.route("/preview", methods=["GET"])
def preview() -> Response:
    card = extension.preview(_our_iri())
    if card is None:
        raise ResourceNotFound(f"The reconciliation service has no entity {request.args.get('id')!r}.")
    return Response(render_template("reconcile_preview.html", card=card), content_type=HTML.content_type)


@bp.route("/view", methods=["GET"])
def view() -> Response:
    """The entity's page on this server (the manifest's view template)."""
    iri = _our_iri()
    return redirect(request.script_root + (local_path(iri, get_state().release.base_iri) or "/"), code=302)
