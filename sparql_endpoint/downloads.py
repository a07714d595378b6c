"""Downloads and dataset metadata blueprint: release files, ``latest`` aliases, the JSON-LD context, VoID,
the DCAT catalog and the validation reports.

Only files a release's ``manifest.json`` lists (plus the manifest and ``SHA256SUMS``) are ever served,
from a version directory found in ``RELEASES_DIR``, through ``send_from_directory`` (Werkzeug's
``safe_join``): no other path under or outside the releases directory can be reached. Versioned paths are
immutable (a year of caching); ``latest`` aliases are cached briefly and name their versioned URL in
``Content-Location``. A client that accepts gzip gets the release's ``.gz`` copy with
``Content-Encoding: gzip``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from . import linked_data as ld
from .conditional import finish, not_modified
from .errors import ConfigError, ResourceNotFound
from .negotiation import HTML, RESOURCE_FORMATS, SUFFIXES, negotiate
from .state import get_state

bp = Blueprint("downloads", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
ALIAS = "public, max-age=300"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")  # bounded: a longer name is not a path the OS takes
EXTRA_FILES = {"manifest.json": "application/json", "SHA256SUMS": "text/plain; charset=utf-8"}


def releases_dir(config: dict[str, Any], release_path: Path) -> Path:
    """``RELEASES_DIR`` (default: the parent of the served release), checked at start-up."""
    raw = config.get("RELEASES_DIR") or ""
    directory = Path(raw).resolve() if raw else release_path.parent
    if not directory.is_dir():
        raise ConfigError(f"setting RELEASES_DIR ({directory}) is not a directory",
                          hint="Point RELEASES_DIR at the directory holding the release directories "
                               "(build/releases), or leave it empty to use the served release's parent.")
    if release_path.parent != directory:
        raise ConfigError(f"the served release {release_path} is not inside RELEASES_DIR {directory}",
                          hint="Serve a release from RELEASES_DIR, or leave RELEASES_DIR empty.")
    return directory


def _releases_root() -> Path:
    return Path(current_app.config["HEG_RELEASES_ROOT"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def release_files(directory: Path) -> list[dict[str, Any]]:
    """Every downloadable file of one release: the manifest's list, plus the manifest and SHA256SUMS."""
    state = get_state()
    manifest_path = directory / "manifest.json"
    stat = manifest_path.stat()
    key = ("release-files", str(manifest_path), stat.st_mtime_ns, stat.st_size)
    files = state.cache.get(key)
    if files is None:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = [dict(f) for f in manifest.get("files", [])]
        for name, media_type in EXTRA_FILES.items():
            path = directory / name
            if path.is_file() and not any(f["path"] == name for f in files):
                files.append({"path": name, "media_type": media_type, "bytes": path.stat().st_size,
                              "sha256": _sha256(path)})
        files.sort(key=lambda f: f["path"])
        state.cache.put(key, files, 4096)
    return files


def _manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def _license(directory: Path, manifest: dict[str, Any]) -> str:
    """The license the release's own metadata states (``void.ttl``), read once per app."""
    state = get_state()
    key = ("release-license", str(directory), manifest.get("digest"))
    found = state.cache.get(key)
    if found is None:
        found = ""
        release_iri = f"{manifest.get('base_iri', '')}id/release/{manifest.get('version', '')}"
        void = directory / "void.ttl"
        if void.is_file():
            for triple in ox.parse(path=str(void), format=ox.RdfFormat.TURTLE):
                if (triple.predicate.value == ld.DCTERMS + "license" and isinstance(triple.subject, ox.NamedNode)
                        and triple.subject.value == release_iri):
                    found = triple.object.value
                    break
        state.cache.put(key, found, len(found) + 64)
    return found


def latest_version() -> str:
    root = _releases_root()
    link = root / "latest"
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        if target.parent == root and (target / "manifest.json").is_file():
            return target.name
    return get_state().store.release.version


def releases() -> list[dict[str, Any]]:
    """Every release in the releases directory, newest build first."""
    root = _releases_root()
    found = []
    for directory in root.iterdir():
        if directory.name.startswith(".") or directory.is_symlink() or not (directory / "manifest.json").is_file():
            continue
        manifest = _manifest(directory)
        found.append({"version": directory.name, "built_at": manifest.get("built_at", ""),
                      "manifest": manifest, "files": release_files(directory),
                      "license": _license(directory, manifest)})
    found.sort(key=lambda r: (r["built_at"], r["version"]), reverse=True)
    return found


@bp.route("/downloads", methods=["GET"])
def index() -> Response:
    state = get_state()
    all_releases = releases()
    etag = ld.etag_for("downloads", [(r["version"], r["manifest"].get("digest")) for r in all_releases])
    cached = not_modified(etag)
    if cached is not None:
        return cached
    body = render_template("downloads.html", releases=all_releases, latest=latest_version(),
                           served=state.store.release.version)
    return finish(Response(body, content_type="text/html; charset=utf-8"), etag, max_age=300)


@bp.route("/downloads/<version>/<path:filename>", methods=["GET"])
def download(version: str, filename: str) -> Response:
    alias = version == "latest"
    if alias:
        version = latest_version()
    root = _releases_root()
    directory = root / version
    if not _is_release(version, directory):
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


def _is_release(version: str, directory: Path) -> bool:
    """A release directory of RELEASES_DIR by that name (no error for a name the OS refuses)."""
    if not _VERSION.match(version):
        return False
    try:
        return (directory / "manifest.json").is_file() and not directory.is_symlink()
    except OSError:  # ENAMETOOLONG and the like: not a release
        return False


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


@bp.route("/context.jsonld", methods=["GET"])
def context() -> Response:
    """The JSON-LD context of the served release, at a stable URL."""
    release = get_state().store.release
    etag = ld.etag_for("context")
    cached = not_modified(etag)
    if cached is not None:
        return cached
    body = (release.path / "context.jsonld").read_bytes()
    return finish(Response(body, content_type="application/ld+json"), etag)


@bp.route("/.well-known/void", defaults={"ext": None}, methods=["GET"])
@bp.route("/.well-known/void.<ext>", methods=["GET"])
def void(ext: str | None) -> Response:
    """VoID (with DCAT) of the served release: the metadata graph, negotiated like every IRI."""
    from .dereference import _graph_document

    return _graph_document("metadata", "/.well-known/void", ext)


# --------------------------------------------------------------------------- DCAT catalog

DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = ld.RDF + "type"


def catalog_triples() -> list[ox.Triple]:
    """A DCAT catalog: the dataset series with its releases and distributions (the metadata graph), and
    the SPARQL endpoint as a ``dcat:DataService`` serving the current release."""
    release = get_state().store.release
    base = release.base_iri
    n, lit = ox.NamedNode, ox.Literal
    catalog, service = n(base + "catalog"), n(base + "sparql")
    dataset, current = n(base + "id/dataset"), n(f"{base}id/release/{release.version}")
    triples = list(ld.graph_triples(release.graphs["metadata"]))
    triples += [
        ox.Triple(catalog, n(RDF_TYPE), n(DCAT + "Catalog")),
        ox.Triple(catalog, n(ld.DCTERMS + "title"), lit("Health Equity Guide knowledge graph: catalog", language="en")),
        ox.Triple(catalog, n(ld.DCTERMS + "description"), lit(
            "The dataset series, each release with its downloadable files, and the SPARQL endpoint.", language="en")),
        ox.Triple(catalog, n(DCAT + "dataset"), dataset),
        ox.Triple(catalog, n(DCAT + "dataset"), current),
        ox.Triple(catalog, n(DCAT + "service"), service),
        ox.Triple(service, n(RDF_TYPE), n(DCAT + "DataService")),
        ox.Triple(service, n(ld.DCTERMS + "title"), lit("SPARQL 1.1 endpoint", language="en")),
        ox.Triple(service, n(DCAT + "endpointURL"), service),
        ox.Triple(service, n(DCAT + "endpointDescription"), service),
        ox.Triple(service, n(DCAT + "servesDataset"), current),
        ox.Triple(service, n(ld.DCTERMS + "conformsTo"), n("https://www.w3.org/TR/sparql11-protocol/")),
    ]
    return triples


@bp.route("/catalog", defaults={"ext": None}, methods=["GET"])
@bp.route("/catalog.<ext>", methods=["GET"])
def catalog(ext: str | None) -> Response:
    fmt = SUFFIXES.get("." + ext) if ext else None
    if ext and fmt is None:
        raise ResourceNotFound(f"/catalog.{ext} does not exist.", hint="Use " + ", ".join(SUFFIXES) + ".")
    fmt = fmt or negotiate(RESOURCE_FORMATS, request.accept_mimetypes, request.args.get("format"))
    headers = {"Content-Location": f"{request.script_root}/catalog.{fmt.extension}"}
    if not ext:
        headers["Vary"] = "Accept"
    etag = ld.etag_for("catalog", fmt.key)
    cached = not_modified(etag, headers)
    if cached is not None:
        return cached
    triples = catalog_triples()
    if fmt is HTML:
        resource = ld.arrange(get_state().store.release.base_iri + "catalog", triples)
        body: Any = render_template("catalog.html", r=resource, releases=releases(), formats=RESOURCE_FORMATS[1:])
        content_type = "text/html; charset=utf-8"
    else:
        body = ld.write(triples, fmt)
        content_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return finish(Response(body, headers=headers, content_type=content_type), etag)


# --------------------------------------------------------------------------- validation reports


@bp.route("/validation", defaults={"version": None}, methods=["GET"])
@bp.route("/validation/<version>", methods=["GET"])
def validation(version: str | None) -> Response:
    """The SHACL validation report of a release (counts, the text report, links to the RDF report)."""
    version = version or get_state().store.release.version
    directory = _releases_root() / version
    if not _is_release(version, directory):
        raise ResourceNotFound(f"There is no release {version!r} here.", hint="See /downloads for the releases.")
    manifest = _manifest(directory)
    etag = ld.etag_for("validation", version, manifest.get("digest"))
    cached = not_modified(etag)
    if cached is not None:
        return cached
    report = directory / "validation-report.txt"
    text = report.read_text(encoding="utf-8") if report.is_file() else ""
    body = render_template("validation.html", version=version, manifest=manifest, text=text)
    return finish(Response(body, content_type="text/html; charset=utf-8"), etag)
