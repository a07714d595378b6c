"""Past releases: the list at ``/releases/`` (HTML, or a DCAT catalog by negotiation and at
``/releases.<ext>``), and what every request carries about the release that answered it.

Versioned paths (``/releases/<version>/...``) are the ordinary views answered from that release
(:mod:`sparql_endpoint.http.release_paths`, :mod:`sparql_endpoint.registry`): here a request for a version
that is not answered is refused before any view runs (404 naming the versions, 501 over a remote store,
503 when its store cannot be opened), every response names its release in ``X-Release``, and HTML pages of
a versioned path show a banner saying which release is shown, linking to the latest.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from ..history import catalog
from ..http.conditional import etag_of, finish, not_modified
from ..http.negotiation import HTML, RESOURCE_FORMATS
from ..http.release_paths import VERSION_KEY, unversioned_root
from ..linked_data import rdf
from ..registry import answering_version, get_releases
from ..state import get_state
from .linked_data import negotiated, representation_headers, suffix_format

bp = Blueprint("releases", __name__)
#: the header naming the release that answered
RELEASE_HEADER = "X-Release"


@bp.route("/releases/", defaults={"ext": None}, methods=["GET"])
@bp.route("/releases.<ext>", methods=["GET"])
def index(ext: str | None) -> Response:
    """Every kept release, newest first: version, date, triples, what changed, links."""
    fmt = negotiated(suffixed := suffix_format("/releases", ext, ", or /releases/"))
    headers = representation_headers("/releases", fmt, suffixed is not None)
    if fmt is HTML:
        headers["Content-Location"] = f"{request.script_root}/releases/"
    served = get_releases()
    kept = served.kept()
    state = get_state()
    etag = etag_of(state.validator, "releases", fmt.key, request.url_root, served.queryable(),
                   [(r.version, r.digest) for r in kept.releases])
    cached = not_modified(etag, None, headers)
    if cached is not None:
        return cached
    if fmt is HTML:
        body: str | bytes = render_template("releases.html", releases=catalog.rows(), skipped=catalog.skipped(),
                                            formats=RESOURCE_FORMATS[1:], changes_route=_changes_route())
    else:
        body = rdf.write(catalog.catalog_triples(request.url_root), fmt)
    return finish(Response(body, headers=headers, content_type=fmt.content_type), etag, max_age=60)


def _changes_route() -> bool:
    """Whether this server has a page of what changed in a release (``/releases/<v>/changes``)."""
    try:
        current_app.url_map.bind("localhost").match("/releases/0/changes", method="GET")
    except HTTPException:  # no such route (or only a redirect): no page to link
        return False
    return True


@bp.before_app_request
def refuse_unserved_release() -> None:
    """A versioned request for a release not answered here stops now, with the reason (the error's own)."""
    if request.environ.get(VERSION_KEY):
        get_state()


@bp.after_app_request
def name_release(response: Response) -> Response:
    version = answering_version()
    if version is not None:
        response.headers.setdefault(RELEASE_HEADER, version)
        if request.environ.get(VERSION_KEY):
            keep_links_in_release(response)
    return response


def keep_links_in_release(response: Response) -> None:
    """On an HTML page of a versioned path, the site's own links (``href="/id/x"``, written from IRIs without
    the script root) lead into the same release: ``/releases/<version>/id/x``; links to the history of all
    releases (``/releases/``, ``/releases.atom``, ``/releases/<other>/...``) lead to the site's own."""
    if response.is_streamed or response.direct_passthrough or response.mimetype != HTML.media_type:
        return
    root = request.script_root.encode()
    site = unversioned_root(request.environ).encode()
    body = response.get_data()
    into = re.compile(rb'((?:href|src|action)=")' + re.escape(site) + rb"/(?!/)(?!releases[/.])(?!"
                      + re.escape(root[len(site) + 1:] + b"/") + rb")")
    out = re.compile(rb'((?:href|src|action)=")' + re.escape(root) + rb"(/releases[/.])")
    rewritten = out.sub(lambda m: m.group(1) + site + m.group(2),
                        into.sub(lambda m: m.group(1) + root + b"/", body))
    if rewritten != body:
        response.set_data(rewritten)


@bp.app_context_processor
def release_banner() -> dict[str, Any]:
    """``served_release`` for base.html: on versioned pages, which release is shown and where the latest is."""
    version = request.environ.get(VERSION_KEY)
    if not version or answering_version() is None:
        return {"served_release": None}
    latest = get_releases().latest.release.version
    site = request.host_url.rstrip("/") + unversioned_root(request.environ)  # absolute: leads out of the release
    return {"served_release": {"version": version, "latest": latest, "is_latest": version == latest,
                               "latest_href": site + request.path, "releases_href": site + "/releases/"}}
