"""How to cite a release and a record in it: the citation files the builder wrote into the release folder
(``citation.txt``, ``citation.json``, ``citation.bib``), read once per release; "cite this record" is the
kernel's :func:`heg_core.citation.record_citation` over the release's CSL-JSON item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from heg_core import citation
from heg_core.errors import ReleaseError
from heg_core.formats import CITATION_FORMATS, Format
from heg_core.namespaces import IRISpace
from heg_core.release import Release

from ..errors import ResourceNotFound
from ..state import get_state


@dataclass(frozen=True)
class RecordCitation:
    label: str
    version: str
    versioned_iri: str
    text: str


def citation_files(release: Release) -> dict[str, bytes]:
    """Format key (``text``, ``csl-json``, ``bibtex``) -> the release's citation file, or a 404 saying the
    release was built before releases carried citations."""
    def load() -> dict[str, bytes] | None:
        paths = {fmt.key: release.path / name for fmt, name in zip(CITATION_FORMATS, citation.CITATION_FILES)}
        if not all(path.is_file() for path in paths.values()):
            return None
        return {key: path.read_bytes() for key, path in paths.items()}

    files = get_state().once(f"history citation {release.path} {release.digest}", load)
    if files is None:
        raise ResourceNotFound(f"Release {release.version} was built without citation files.",
                               hint="Rebuild it with this version of `heg build`, or cite a newer release.")
    return files


def csl_item(release: Release) -> dict[str, Any]:
    try:
        return json.loads(citation_files(release)["csl-json"])[0]
    except (ValueError, IndexError, KeyError) as exc:
        raise ReleaseError(f"the citation.json of release {release.version} is not CSL-JSON ({exc}); rebuild it") from None


def creator_of(release: Release) -> str | None:
    """The creator the release's citation names (the feed's author), or None without citation files."""
    try:
        return "; ".join(str(a.get("literal", "")) for a in csl_item(release).get("author", [])) or None
    except ResourceNotFound:
        return None


def cite_record(release: Release, iri: str, label: str) -> RecordCitation | None:
    """"Cite this record" for ``iri`` in ``release``: its versioned IRI, its title and the release; None for
    an IRI outside the release's ``id/`` space or a release without citation files."""
    versioned = IRISpace(release.base_iri).versioned(iri, release.version)
    if versioned is None:
        return None
    try:
        item = csl_item(release)
    except ResourceNotFound:
        return None
    return RecordCitation(label, release.version, versioned, citation.record_citation(item, label, versioned))


def format_of(key: str) -> Format:
    return next(f for f in CITATION_FORMATS if f.key == key)
