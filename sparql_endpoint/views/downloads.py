"""Download views: release files, ``latest`` aliases, the JSON-LD context and the validation reports.

Only files a release's manifest lists are served (:mod:`sparql_endpoint.downloads.files`), through
``send_from_directory`` (Werkzeug's ``safe_join``): no other path under or outside the releases directory
can be reached. Versioned paths are immutable (a year of caching); ``latest`` aliases are cached briefly and
name their versioned URL in ``Content-Location``. A client that accepts gzip gets the release's ``.gz``
copy with ``Content-Encoding: gzip``.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, render_template, request, send_from_directory

from heg_core.release import load_release

from ..downloads.files import is_release, latest_version, release_files, releases, releases_root
from ..errors import ResourceNotFound
from ..http.conditional import etag_of, finish, not_modified
from ..http.negotiation import HTML
from ..state import get_state

bp = Blueprint("downloads", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
ALIAS = "public, max-age=300"


@bp.route("/downloads", methods=["GET"])
def index() -> Response:
    state = get_state()
    all_releases = releases()
    etag = etag_of(state.validator, "downloads", [(r["version"], r["manifest"].get("digest")) for r in all_releases])
    cached = not_modified(etag, state.modified)
    if cached is not None:
        return cached
    body = render_template("downloads.html", releases=all_releases, latest=latest_version(),
                           served=state.release.version)
    return finish(Response(body, content_type=HTML.content_type), etag, state.modified, max_age=300)


@bp.route("/downloads/<version>/<path:filename>", methods=["GET"])
def download(version: str, filename: str) -> Response:
    alias = version == "latest"
    if alias:
        version = latest_version()
    root = releases_root()
    directory = root / version
    if not is_release(version, directory):
        raise ResourceNotFound(f"There is no release {version!r} here.", hint="See /downloads for the releases.")
    listed = {f["path"]: f for f in release_files(directory)}
    if filename not in listed:
        raise ResourceNotFound(f"Release {version} has no file {filename!r}.",
                               hint=f"See /downloads for its files: {', '.join(sorted(listed))}.")
    media_type = listed[filename]["media_type"]
    served, encoding = filename, None
    gz = filename + ".gz"
    if gz in listed and request.accept_encodings["gzip"] > 0:
        served, encoding = gz, "gzip"
    response = send_from_directory(root, f"{version}/{served}", mimetype=media_type.split(";")[0],
                                   conditional=True, etag=True, max_age=None)
    if media_type.startswith("text/"):
        response.headers["Content-Type"] = media_type if "charset" in media_type else media_type + "; charset=utf-8"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if gz in listed:
        response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = ALIAS if alias else IMMUTABLE
    if alias:
        response.headers["Content-Location"] = f"{request.script_root}/downloads/{version}/{filename}"
    sha = listed[served]["sha256"]
    response.headers["Repr-Digest"] = f"sha-256=:{_b64(sha)}:"
    return response


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


@bp.route("/context.jsonld", methods=["GET"])
def context() -> Response:
    """The JSON-LD context of the served release, at a stable URL."""
    state = get_state()
    etag = etag_of(state.validator, "context")
    cached = not_modified(etag, state.modified)
    if cached is not None:
        return cached
    body = state.once("context.jsonld", (state.release.path / "context.jsonld").read_bytes)
    return finish(Response(body, content_type="application/ld+json"), etag, state.modified)


@bp.route("/validation", defaults={"version": None}, methods=["GET"])
@bp.route("/validation/<version>", methods=["GET"])
def validation(version: str | None) -> Response:
    """The SHACL validation report of a release (counts, the text report, links to the RDF report)."""
    state = get_state()
    version = version or state.release.version
    directory = releases_root() / version
    if not is_release(version, directory):
        raise ResourceNotFound(f"There is no release {version!r} here.", hint="See /downloads for the releases.")
    manifest = load_release(directory, require_store=False).manifest
    etag = etag_of(state.validator, "validation", version, manifest.get("digest"))
    cached = not_modified(etag, state.modified)
    if cached is not None:
        return cached
    report = directory / "validation-report.txt"
    text = report.read_text(encoding="utf-8") if report.is_file() else ""
    body = render_template("validation.html", version=version, manifest=manifest, text=text)
    return finish(Response(body, content_type=HTML.content_type), etag, state.modified)
