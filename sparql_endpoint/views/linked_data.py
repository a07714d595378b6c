"""Dereferencing views: every IRI of the release's IRI space answers on this server.

``{base}id/...`` -> ``/id/...``, ``{base}ontology#Term`` -> ``/ontology``, ``{base}shapes#Shape`` ->
``/shapes``, ``{base}graph/data`` -> ``/graph/data``. One pattern everywhere: ``200`` with the
representation chosen by ``Accept`` (HTML first), ``Vary: Accept`` and ``Content-Location`` naming the
format-specific URL (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``); a suffix or ``?format=``
overrides ``Accept``. An IRI the graph says nothing about is 404; a retired one (``heg:RetiredResource``)
is 410 with a pointer to its successor. A description or graph document cut by the row cap says so: the
HTML in a notice (with the SPARQL that gets the rest), every representation in ``X-Result-Capped: N``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request

from ..errors import ResourceGone, ResourceNotFound
from ..http.conditional import etag_of, finish, not_modified
from ..http.negotiation import HTML, RESOURCE_FORMATS, SUFFIXES, Format, negotiate
from ..history.versions import version_links
from ..linked_data import describe as ld
from ..linked_data import rdf
from ..linked_data.iris import DCTERMS, iri_of_path, is_safe, iri_ref, split_suffix
from ..linked_data.neighbourhood import neighbourhood
from ..linked_data.schema_org import entity_jsonld
from ..reads import cuts, select
from ..site import figures, pages
from ..state import get_state
from .site import capped_header

bp = Blueprint("dereference", __name__)


def negotiated(suffix_format: Format | None) -> Format:
    """The suffix's format, else ``?format=`` or ``Accept`` over the representations of an IRI."""
    if suffix_format is not None:
        return suffix_format
    return negotiate(RESOURCE_FORMATS, request.accept_mimetypes, request.args.get("format"))


def suffix_format(local: str, ext: str | None, otherwise: str = "") -> Format | None:
    """The format a document's suffix names (``/catalog.ttl``: Turtle), None without one, or a 404 saying
    which suffixes exist (and ``otherwise``, the unsuffixed alternative, when there is one)."""
    if ext is None:
        return None
    fmt = SUFFIXES.get("." + ext)
    if fmt is None:
        raise ResourceNotFound(f"{local}.{ext} does not exist.",
                               hint="Use one of the suffixes " + ", ".join(SUFFIXES) + otherwise + ".")
    return fmt


def representation_headers(path: str, fmt: Format, suffixed: bool) -> dict[str, str]:
    """Vary, Content-Location and the alternates of one resource's representations."""
    root = request.script_root
    alternates = ", ".join(f'<{root}{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
                           for f in RESOURCE_FORMATS)
    headers = {"Content-Location": f"{root}{path}.{fmt.extension}", "Link": alternates}
    if not suffixed:
        headers["Vary"] = "Accept"
    return headers


@bp.route("/id/<path:path>", methods=["GET"])
def entity(path: str) -> Response:
    state = get_state()
    base = state.release.base_iri
    local = "/id/" + path
    iri = iri_of_path(local, base)
    stripped, suffix_format = split_suffix(local)
    triples = ld.describe(iri) if is_safe(iri, base) else []
    if not triples and suffix_format is not None and is_safe(iri_of_path(stripped, base), base):
        local, iri = stripped, iri_of_path(stripped, base)
        triples = ld.describe(iri)
    else:
        suffix_format = None
    fmt = negotiated(suffix_format)
    headers = representation_headers(local, fmt, suffix_format is not None)
    etag = etag_of(state.validator, "resource", local, fmt.key)
    versions = ", ".join(version_links(iri, local))  # RFC 5829, between the releases holding it
    if not triples:
        missing = {"Vary": "Accept", **({"Link": versions} if versions else {})}
        if fmt is HTML:
            return Response(render_template("not_found.html", iri=iri, path=local), status=404,
                            headers=missing, content_type=HTML.content_type)
        raise ResourceNotFound(f"The graph says nothing about {iri}.", iri=iri, headers=missing)
    cached = not_modified(etag, state.modified, headers)
    if cached is not None:
        return cached
    resource = ld.describe_resource(iri, triples)
    status = 200
    if resource.has_type(resource.heg + "RetiredResource"):
        status = 410
        successors = [v.link for v in resource.values(DCTERMS + "isReplacedBy") if v.link]
        if successors:
            headers["Link"] = ", ".join(f'<{s.href}>; rel="successor-version"' for s in successors)
        if fmt is not HTML and not successors:
            raise ResourceGone(f"{iri} was retired.", iri=iri)
    if versions:
        headers["Link"] = f"{headers['Link']}, {versions}"
    cut = cuts(("The description of this record", triples))
    charts: list[figures.Chart] = []
    if fmt is HTML and status == 200 and resource.has_type(resource.heg + "StrategicPractice"):
        charts, chart_rows = figures.one_practice_charts(iri)
        cut += cuts(("The case studies per jurisdiction level", chart_rows[0]),
                    ("The inferred links per confidence", chart_rows[1]))
    headers.update(capped_header(cut))
    if fmt is HTML:
        template = "gone.html" if status == 410 else "entity.html"
        body = render_template(template, r=resource, path=local, formats=RESOURCE_FORMATS[1:],
                               jsonld=entity_jsonld(resource), cuts=cut, neighbours=neighbourhood(resource),
                               charts=charts)
    else:
        body = rdf.write(triples, fmt)
    response = Response(body, status=status, headers=headers, content_type=fmt.content_type)
    return finish(response, etag, state.modified) if status == 200 else response


@bp.route("/ontology", defaults={"name": "ontology", "ext": None}, methods=["GET"])
@bp.route("/shapes", defaults={"name": "shapes", "ext": None}, methods=["GET"])
@bp.route("/ontology.<ext>", defaults={"name": "ontology"}, methods=["GET"])
@bp.route("/shapes.<ext>", defaults={"name": "shapes"}, methods=["GET"])
def document(name: str, ext: str | None) -> Response:
    """The ontology and the shapes: hash-IRI documents (``ontology#Term``), served whole."""
    return graph_document(name, "/" + name, ext)


@bp.route("/ontology/<version>", methods=["GET"])
def ontology_version(version: str) -> Response:
    """The ontology's ``owl:versionIRI`` (``{base}ontology/{version}``): the same document, when it is the
    version this release holds."""
    base = get_state().release.base_iri
    stripped, suffix_format = split_suffix(version)
    ext = suffix_format.extension if suffix_format else None
    for candidate, candidate_ext in ((version, None), (stripped, ext)):
        iri = f"{base}ontology/{candidate}"
        if is_safe(iri, base) and select(f"SELECT ?o WHERE {{ <{base}ontology> owl:versionIRI {iri_ref(iri, base)} }}"):
            return graph_document("ontology", f"/ontology/{candidate}", candidate_ext)
    raise ResourceNotFound(f"{base}ontology/{version} is not a version of the ontology in this release.",
                           hint="The current ontology is at /ontology.")


@bp.route("/graph/<name>", defaults={"ext": None}, methods=["GET"])
@bp.route("/graph/<name>.<ext>", methods=["GET"])
def named_graph(name: str, ext: str | None) -> Response:
    return graph_document(name, f"/graph/{name}", ext)


@bp.route("/.well-known/void", defaults={"ext": None}, methods=["GET"])
@bp.route("/.well-known/void.<ext>", methods=["GET"])
def void(ext: str | None) -> Response:
    """VoID (with DCAT) of the served release: the metadata graph, negotiated like every IRI."""
    return graph_document("metadata", "/.well-known/void", ext)


@bp.route("/catalog", defaults={"ext": None}, methods=["GET"])
@bp.route("/catalog.<ext>", methods=["GET"])
def catalog(ext: str | None) -> Response:
    """The DCAT catalog the release carries (in its metadata graph): the series, its releases, the service."""
    return graph_document("metadata", "/catalog", ext, page=pages.catalog_page)


def graph_document(name: str, local: str, ext: str | None,
                   page: Callable[[str, str], tuple[str, dict[str, Any]]] | None = None) -> Response:
    """A named graph of the release as one document: HTML (``page``, default the graph's listing) or RDF."""
    state = get_state()
    release = state.release
    if name not in release.graphs:
        raise ResourceNotFound(f"{local} is not a graph of this release.",
                               hint=f"The graphs are: {', '.join('/graph/' + g for g in release.graphs)}.")
    fmt = negotiated(suffixed := suffix_format(local, ext))
    headers = representation_headers(local, fmt, suffixed is not None)
    etag = etag_of(state.validator, "graph", local, fmt.key)
    cached = not_modified(etag, state.modified, headers)
    if cached is not None:
        return cached
    if fmt is HTML:
        template, context = (page or pages.graph_page)(name, local)
        body = render_template(template, **context)
        headers.update(capped_header(context.get("cuts", [])))
    else:
        body, capped = state.once(f"graph-body {name} {fmt.key}", lambda: _graph_body(release.graphs[name], fmt))
        headers.update(capped)
    response = Response(body, headers=headers, content_type=fmt.content_type)
    return finish(response, etag, state.modified)


def _graph_body(graph_iri: str, fmt: Format) -> tuple[bytes, dict[str, str]]:
    """One named graph written in ``fmt``, with ``X-Result-Capped`` when the read of it was cut."""
    triples = ld.graph_triples(graph_iri)
    return rdf.write(triples, fmt), capped_header(cuts(("The graph", triples)))
