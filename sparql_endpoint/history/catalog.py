"""The list of kept releases, newest first, for ``/releases/``: what each holds, what changed, where it is
served; and the same as a DCAT catalog (one ``dcat:Dataset`` per release, in the series ``id/dataset``).

Everything comes from the manifests (:func:`heg_core.release.list_releases`); the ``changes`` key a release
built with its diff carries is shown when present, and tolerated when absent (releases built before it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import request

from heg_core.namespaces import DCAT, STANDARD_PREFIXES
from heg_core.release import Release

from ..http.release_paths import unversioned_root, versioned_path
from ..registry import get_releases

RDF_TYPE = STANDARD_PREFIXES["rdf"] + "type"
DCTERMS = STANDARD_PREFIXES["dcterms"]
VOID = STANDARD_PREFIXES["void"]
XSD = STANDARD_PREFIXES["xsd"]
RDFS = STANDARD_PREFIXES["rdfs"]


@dataclass(frozen=True)
class ReleaseRow:
    """One kept release as the list shows it."""

    version: str
    built_at: str
    triples: dict[str, int]
    previous_version: str | None
    changes: dict[str, Any] | None  # the manifest's ``changes`` (None: a first release, or built before it)
    latest: bool
    queryable: bool
    unavailable: str  # why its store cannot be opened ("" when it can, or is not tried yet)
    home: str  # its versioned home page (when queryable)
    sparql: str  # its versioned endpoint (when queryable)
    downloads: str


def rows() -> list[ReleaseRow]:
    """Every kept release, newest first."""
    served = get_releases()
    queryable = set(served.queryable())
    latest = served.latest.release.version
    environ = request.environ
    found = []
    for release in served.kept().releases:
        changes = release.manifest.get("changes")
        found.append(ReleaseRow(
            version=release.version, built_at=release.built_at, triples=dict(release.triples),
            previous_version=release.previous_version, changes=changes if isinstance(changes, dict) else None,
            latest=release.version == latest, queryable=release.version in queryable,
            unavailable=served.why_not_queryable(release.version) or "",
            home=versioned_path(environ, release.version, "/"),
            sparql=versioned_path(environ, release.version, "/sparql"),
            downloads=f"{unversioned_root(environ)}/downloads"))
    return found


def skipped() -> list[tuple[str, str]]:
    """Folders of the releases directory that are not readable releases, with the reason."""
    return list(get_releases().kept().skipped)


def catalog_triples(base_url: str) -> list[ox.Triple]:
    """The DCAT catalog of the kept releases (``base_url``: this site's root, for the versioned endpoints)."""
    served = get_releases()
    queryable = set(served.queryable())
    releases: list[Release] = list(served.kept().releases)
    base = served.latest.release.base_iri
    catalog = ox.NamedNode(f"{base}releases/")
    series = ox.NamedNode(f"{base}id/dataset")
    out = [ox.Triple(catalog, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Catalog")),
           ox.Triple(catalog, ox.NamedNode(DCTERMS + "title"),
                     ox.Literal("Releases of the Health Equity Guide knowledge graph", language="en")),
           ox.Triple(catalog, ox.NamedNode(DCAT + "dataset"), series),
           ox.Triple(series, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "DatasetSeries"))]

    def add(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    for release in releases:
        node = ox.NamedNode(release.iri)
        add(catalog, DCAT + "dataset", node)
        add(node, RDF_TYPE, ox.NamedNode(DCAT + "Dataset"))
        add(node, DCAT + "inSeries", series)
        add(node, DCAT + "version", ox.Literal(release.version))
        if release.built_at:
            add(node, DCTERMS + "issued", ox.Literal(release.built_at, datatype=ox.NamedNode(XSD + "dateTime")))
        add(node, VOID + "triples", ox.Literal(str(release.triples.get("total", 0)),
                                                datatype=ox.NamedNode(XSD + "integer")))
        if release.previous_version:
            add(node, DCAT + "previousVersion", ox.NamedNode(f"{base}id/release/{release.previous_version}"))
        add(node, RDFS + "seeAlso", ox.NamedNode(f"{base}downloads/{release.version}/void.ttl"))
        if release.version in queryable:
            service = ox.NamedNode(f"{base_url}releases/{release.version}/sparql")
            add(node, DCAT + "accessService", service)
            add(service, RDF_TYPE, ox.NamedNode(DCAT + "DataService"))
            add(service, DCAT + "endpointURL", service)
            add(service, DCAT + "servesDataset", node)
            add(node, DCAT + "landingPage", ox.NamedNode(f"{base_url}releases/{release.version}/"))
    return out
