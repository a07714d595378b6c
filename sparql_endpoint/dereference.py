"""Dereferencing blueprint: every IRI of the release's IRI space answers on this server.

The base IRI (from the release manifest) maps onto local paths: ``{base}id/...`` -> ``/id/...``,
``{base}ontology#Term`` -> ``/ontology``, ``{base}shapes#Shape`` -> ``/shapes``, ``{base}graph/data``
-> ``/graph/data``. One pattern everywhere: ``200`` with the representation chosen by ``Accept`` (HTML
first), ``Vary: Accept`` and ``Content-Location`` naming the format-specific URL (``.html``, ``.ttl``,
``.jsonld``, ``.nt``, ``.rdf``); a suffix or ``?format=`` overrides ``Accept``. An IRI the graph says
nothing about is 404; a retired one (``heg:RetiredResource``) is 410 with a pointer to its successor.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from . import linked_data as ld
from .conditional import finish, not_modified
from .errors import BadRequest, ResourceGone, ResourceNotFound
from .negotiation import HTML, RESOURCE_FORMATS, SUFFIXES, Format, negotiate
from .schema_org import entity_jsonld
from .state import get_state

bp = Blueprint("dereference", __name__)

DOCUMENTS = ("ontology", "shapes")


def _format(suffix_format: Format | None) -> Format:
    if suffix_format is not None:
        return suffix_format
    return negotiate(RESOURCE_FORMATS, request.accept_mimetypes, request.args.get("format"))


def _headers(path: str, fmt: Format, suffixed: bool) -> dict[str, str]:
    """Vary, Content-Location and the alternates of one resource's representations."""
    root = request.script_root
    alternates = ", ".join(f'<{root}{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
                           for f in RESOURCE_FORMATS)
    headers = {"Content-Location": f"{root}{path}.{fmt.extension}", "Link": alternates}
    if not suffixed:
        headers["Vary"] = "Accept"
    return headers


def _media_type(fmt: Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


@bp.route("/id/<path:path>", methods=["GET"])
def entity(path: str) -> Response:
    release = get_state().store.release
    base = release.base_iri
    local = "/id/" + path
    iri = ld.iri_of_path(local, base)
    stripped, suffix_format = ld.split_suffix(local)
    triples = ld.describe(iri) if _safe(iri, base) else []
    if not triples and suffix_format is not None and _safe(ld.iri_of_path(stripped, base), base):
        local, iri = stripped, ld.iri_of_path(stripped, base)
        triples = ld.describe(iri)
    else:
        suffix_format = None
    fmt = _format(suffix_format)
    headers = _headers(local, fmt, suffix_format is not None)
    etag = ld.etag_for("resource", local, fmt.key)
    if triples:
        cached = not_modified(etag, headers)
        if cached is not None:
            return cached
    if not triples:
        if fmt is HTML:
            return Response(render_template("not_found.html", iri=iri, path=local), status=404,
                            headers={"Vary": "Accept"}, content_type="text/html; charset=utf-8")
        raise ResourceNotFound(f"The graph says nothing about {iri}.", iri=iri, headers={"Vary": "Accept"})
    resource = ld.arrange(iri, triples)
    status = 200
    if resource.has_type(resource.heg + "RetiredResource"):
        status = 410
        successors = [v.link for v in resource.values(ld.DCTERMS + "isReplacedBy") if v.link]
        if successors:
            headers["Link"] = ", ".join(f'<{s.href}>; rel="successor-version"' for s in successors)
        if fmt is not HTML and not successors:
            raise ResourceGone(f"{iri} was retired.", iri=iri)
    if fmt is HTML:
        template = "gone.html" if status == 410 else "entity.html"
        body = render_template(template, r=resource, path=local, formats=RESOURCE_FORMATS[1:],
                               jsonld=entity_jsonld(resource))
    else:
        body = ld.write(triples, fmt)
    response = Response(body, status=status, headers=headers, content_type=_media_type(fmt))
    return finish(response, etag) if status == 200 else response


def _safe(iri: str, base: str) -> bool:
    try:
        ld.iri_ref(iri, base)
    except BadRequest:
        return False
    return True


@bp.route("/ontology", defaults={"name": "ontology", "ext": None}, methods=["GET"])
@bp.route("/shapes", defaults={"name": "shapes", "ext": None}, methods=["GET"])
@bp.route("/ontology.<ext>", defaults={"name": "ontology"}, methods=["GET"])
@bp.route("/shapes.<ext>", defaults={"name": "shapes"}, methods=["GET"])
def document(name: str, ext: str | None) -> Response:
    """The ontology and the shapes: hash-IRI documents (``ontology#Term``), served whole."""
    return _graph_document(name, "/" + name, ext)


@bp.route("/ontology/<version>", methods=["GET"])
def ontology_version(version: str) -> Response:
    """The ontology's ``owl:versionIRI`` (``{base}ontology/{version}``): the same document, when it is the
    version this release holds."""
    base = get_state().store.release.base_iri
    stripped, suffix_format = ld.split_suffix(version)
    ext = suffix_format.extension if suffix_format else None
    for candidate, candidate_ext in ((version, None), (stripped, ext)):
        iri = f"{base}ontology/{candidate}"
        if _safe(iri, base) and ld.select(f"SELECT ?o WHERE {{ <{base}ontology> owl:versionIRI {ld.iri_ref(iri, base)} }}"):
            return _graph_document("ontology", f"/ontology/{candidate}", candidate_ext)
    raise ResourceNotFound(f"{base}ontology/{version} is not a version of the ontology in this release.",
                           hint="The current ontology is at /ontology.")


@bp.route("/graph/<name>", defaults={"ext": None}, methods=["GET"])
@bp.route("/graph/<name>.<ext>", methods=["GET"])
def named_graph(name: str, ext: str | None) -> Response:
    return _graph_document(name, f"/graph/{name}", ext)


def _graph_document(name: str, local: str, ext: str | None) -> Response:
    release = get_state().store.release
    if name not in release.graphs:
        raise ResourceNotFound(f"{local} is not a graph of this release.",
                               hint=f"The graphs are: {', '.join('/graph/' + g for g in release.graphs)}.")
    suffix_format = None
    if ext is not None:
        suffix_format = SUFFIXES.get("." + ext)
        if suffix_format is None:
            raise ResourceNotFound(f"{local}.{ext} does not exist.",
                                   hint="Use one of the suffixes " + ", ".join(SUFFIXES) + ".")
    fmt = _format(suffix_format)
    headers = _headers(local, fmt, suffix_format is not None)
    etag = ld.etag_for("graph", local, fmt.key)
    cached = not_modified(etag, headers)
    if cached is not None:
        return cached
    if fmt is HTML:
        from .site import graph_page

        body = graph_page(name, local)
    else:
        body = _cached_graph_body(release.graphs[name], fmt)
    response = Response(body, headers=headers, content_type=_media_type(fmt))
    return finish(response, etag)


def _cached_graph_body(graph_iri: str, fmt: Format) -> bytes:
    state = get_state()
    key = (state.store.release.digest, "graph-body", graph_iri, fmt.key)
    body = state.cache.get(key)
    if body is None:
        body = ld.write(ld.graph_triples(graph_iri), fmt)
        state.cache.put(key, body, len(body))
    return body
