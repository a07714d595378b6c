"""History views: what changed in a release (``/releases/<v>/changes``, HTML or its RDF Patch), the Atom feed
of releases (``/releases.atom``) and how to cite a release (``/releases/<v>/cite``: HTML, text, CSL-JSON,
BibTeX), all read from the files of the kept releases (:mod:`sparql_endpoint.history`). Entity pages get
"cite this record" through the template global ``cite_record``.

Every answer is immutable per release: ETag from the release's digest, Last-Modified its build time; the
feed's ETag follows the list of kept releases, so a new release shows up without a restart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request, url_for

from heg_core.formats import CITATION_FORMATS, HTML, RDF_PATCH, Format
from heg_core.release import Release

from ..errors import ResourceNotFound
from ..history import changes as history
from ..history.citing import RecordCitation, cite_record, citation_files, creator_of
from ..history.feed import MEDIA_TYPE as ATOM, change_summary, feed
from ..history.kept import kept, release_named
from ..http.conditional import etag_of, finish, not_modified
from ..http.negotiation import negotiate
from ..state import get_state

bp = Blueprint("history", __name__)

CHANGES_FORMATS = (HTML, RDF_PATCH)
CITE_FORMATS = (HTML, *CITATION_FORMATS)
FEED_MAX_AGE = 300  # a new release should reach subscribers soon


def _modified(release: Release) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(release.built_at).replace(microsecond=0)
    except ValueError:
        return None


@dataclass(frozen=True)
class Asked:
    """One release's representation asked for: the release, the format, the validators and the headers."""

    release: Release
    fmt: Format
    etag: str
    modified: dt.datetime | None
    headers: dict[str, str]

    def respond(self, body: bytes) -> Response:
        return finish(Response(body, headers=self.headers, content_type=self.fmt.content_type), self.etag,
                      self.modified)


def _asked(kind: str, version: str, formats: tuple[Format, ...]) -> Asked | Response:
    """The release and format asked for (a 404 naming the kept versions, a 406), or the 304 when the client
    holds it already."""
    release = release_named(version)
    fmt = negotiate(formats, request.accept_mimetypes, request.args.get("format"))
    asked = Asked(release, fmt, etag_of(get_state().validator, kind, version, release.digest, fmt.key),
                  _modified(release), {"Vary": "Accept"})
    return not_modified(asked.etag, asked.modified, asked.headers) or asked


@bp.route("/releases/<version>/changes", methods=["GET"])
def changes(version: str) -> Response:
    """What changed in release ``version`` since the one before: a page, or the RDF Patch by negotiation."""
    asked = _asked("changes", version, CHANGES_FORMATS)
    if isinstance(asked, Response):
        return asked
    release = asked.release
    found = history.changes_of(release)
    if asked.fmt is RDF_PATCH:
        if history.PATCH not in found.files:
            raise ResourceNotFound(f"Release {version} has no RDF Patch: {change_summary(release)}",
                                   hint=f"See /releases/{version}/changes for what is known about it.")
        asked.headers["Content-Location"] = url_for("downloads.download", version=version, filename=history.PATCH)
        return asked.respond((release.path / history.PATCH).read_bytes())
    return asked.respond(render_template("changes.html", changes=found, release=release,
                                         summary=change_summary(release), kinds=history.KINDS).encode())


@bp.route("/releases.atom", methods=["GET"])
def releases_feed() -> Response:
    """The Atom feed of the kept releases, newest first."""
    found = kept()
    etag = etag_of(get_state().validator, "feed", [(r.version, r.digest) for r in found.releases])
    newest = _modified(found.releases[0]) if found.releases else None
    cached = not_modified(etag, newest)
    if cached is not None:
        return cached
    author = next(filter(None, (creator_of(r) for r in found.releases)), "Health Equity Guide knowledge graph")
    body = feed(found, self_url=url_for("history.releases_feed", _external=True),
                home_url=url_for("site.home", _external=True),
                url=lambda endpoint, version: url_for(endpoint, version=version, _external=True),
                author=author)
    return finish(Response(body, content_type=ATOM), etag, newest, max_age=FEED_MAX_AGE)


@bp.route("/releases/<version>/cite", methods=["GET"])
def cite(version: str) -> Response:
    """How to cite release ``version``: a page with every format, or one format by ``?format=`` or Accept."""
    asked = _asked("cite", version, CITE_FORMATS)
    if isinstance(asked, Response):
        return asked
    files = citation_files(asked.release)
    if asked.fmt is HTML:
        return asked.respond(render_template("cite.html", release=asked.release, formats=CITATION_FORMATS,
                                             files={key: data.decode("utf-8") for key, data in files.items()}).encode())
    asked.headers["Content-Disposition"] = f'inline; filename="citation-{version}.{asked.fmt.extension}"'
    return asked.respond(files[asked.fmt.key])


@bp.app_template_global("cite_record")
def cite_record_here(iri: str, label: str) -> RecordCitation | None:
    """"Cite this record" for an entity page: in the release the page shows (a versioned path's release, else
    the release this server answers from)."""
    release = get_state().release
    version = (request.view_args or {}).get("version")
    if request.path.startswith("/releases/") and isinstance(version, str):
        release = kept().get(version) or release
    return cite_record(release, iri, label)
