"""VoID and DCAT metadata of a release: statistics, partitions, distributions, checksums, coverage.

The dataset ``id/dataset`` is a series (``dcat:DatasetSeries``) whose current version is the release
``id/release/{version}``; the release carries the VoID statistics of the data graph, one distribution
per file with its size and SHA-256, the license, the creator, the version and the previous version.
Coverage compares what we hold with the counts the guide publishes, so gaps are stated, not hidden; it
counts the published and the inferred practice links of case studies separately.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from .changes import ADDED, PATCH, REMOVED
from .load import Sources
from heg_core.namespaces import DCAT, SCHEMA, IRISpace

SPDX = Namespace("http://spdx.org/rdf/terms#")
RDF_PATCH_SPEC = URIRef("https://afs.github.io/rdf-delta/rdf-patch.html")
#: What each file of the difference from the previous release holds (graph_builder/changes.py).
CHANGE_DESCRIPTIONS = {
    PATCH: "What changed since release {previous}, as RDF Patch: the data, ontology, shapes and queries graphs.",
    ADDED: "The triples of the data graph added since release {previous}.",
    REMOVED: "The triples of the data graph removed since release {previous}.",
}

#: What a ``published_counts`` entry counts: name -> (source kind, edition or "").
COUNTED = {
    "practices-2017": ("practice", "2017"),
    "practices-relaunch": ("practice", "relaunch"),
    "case-studies": ("case-study", ""),
    "resources": ("resource", ""),
    "organizations": ("organization", ""),
}


@dataclass(frozen=True)
class FileInfo:
    path: str  # relative to the release directory
    media_type: str
    bytes: int
    sha256: str


def coverage(sources: Sources) -> list[dict[str, object]]:
    """Published count vs. found count, one row per ``published_counts`` entry."""
    rows = []
    for entry in sources.of("published-count"):
        kind, edition = COUNTED.get(entry.key, ("", ""))
        found = sum(1 for r in sources.of(kind) if not edition or r.parent == edition)
        published = int(entry.get("count", 0))
        rows.append({
            "what": entry.key, "published": published, "qualifier": entry.get("qualifier", ""),
            "found": found, "ratio": round(found / published, 3) if published else None,
            "source": entry.get("source", []),
        })
    return rows + practice_link_coverage(sources)


def practice_link_coverage(sources: Sources) -> list[dict[str, object]]:
    """Case-study practice links, published tags and curators' inferences counted apart. The guide
    states no count of its tags, so these rows have a found count only."""
    published = [(cs.key, ref) for cs in sources.of("case-study") for ref in cs.get("practices", [])]
    inferred = [(link.parent, link.get("practice")) for link in sources.of("practice-link")]
    counts = {
        "practice-links-published": len(published),
        "practice-links-inferred": len(inferred),
        "case-studies-with-published-practice-links": len({cs for cs, _ in published}),
        "case-studies-with-inferred-practice-links": len({cs for cs, _ in inferred}),
    }
    return [{"what": what, "published": None, "qualifier": "", "found": found, "ratio": None, "source": []}
            for what, found in counts.items()]


def _slug_of(term: URIRef, space: IRISpace) -> str:
    text = str(term)
    for prefix, namespace in sorted(space.prefixes.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace):
            return f"{prefix}-{text[len(namespace):]}".replace("/", "-").replace("#", "-")
    return "iri-" + "".join(ch if ch.isalnum() else "-" for ch in text)[-60:]


def void_statistics(graph: Graph, release: URIRef, meta: Graph, space: IRISpace) -> None:
    """Triples, entities, class and property partitions of ``graph``, stated about ``release``."""
    classes: Counter = Counter()
    properties: Counter = Counter()
    subjects, objects, typed = set(), set(), set()
    for s, p, o in graph:  # one pass: each scan of a large rdflib graph costs seconds
        properties[p] += 1
        subjects.add(s)
        objects.add(o)
        if p == RDF.type:
            classes[o] += 1
            typed.add(s)
    meta.add((release, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    meta.add((release, VOID.entities, Literal(len(typed), datatype=XSD.integer)))
    meta.add((release, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    meta.add((release, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    meta.add((release, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    meta.add((release, VOID.distinctObjects, Literal(len(objects), datatype=XSD.integer)))
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{release}/class/{_slug_of(cls, space)}")
        meta.add((release, VOID.classPartition, part))
        meta.add((part, VOID["class"], cls))
        meta.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for prop, count in sorted(properties.items()):
        part = URIRef(f"{release}/property/{_slug_of(prop, space)}")
        meta.add((release, VOID.propertyPartition, part))
        meta.add((part, VOID.property, prop))
        meta.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))


def catalog_graph(meta: Graph, space: IRISpace, record: dict, dataset: URIRef, release: URIRef) -> None:
    """The DCAT catalog ``{base}catalog``: the dataset series, the current release, and the SPARQL endpoint
    as a ``dcat:DataService`` serving it. Titles come from ``data/dataset.yaml``."""
    catalog, service = URIRef(space.base + "catalog"), URIRef(space.base + "sparql")
    meta.add((catalog, RDF.type, DCAT.Catalog))
    for prop, key in ((DCTERMS.title, "catalog_title"), (DCTERMS.description, "catalog_description")):
        if record.get(key):
            meta.add((catalog, prop, Literal(record[key], lang="en")))
    meta.add((catalog, DCAT.dataset, dataset))
    meta.add((catalog, DCAT.dataset, release))
    meta.add((catalog, DCAT.service, service))
    meta.add((service, RDF.type, DCAT.DataService))
    if record.get("service_title"):
        meta.add((service, DCTERMS.title, Literal(record["service_title"], lang="en")))
    meta.add((service, DCAT.endpointURL, service))
    meta.add((service, DCAT.endpointDescription, service))
    meta.add((service, DCAT.servesDataset, release))
    meta.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))


def metadata_graph(
    *, space: IRISpace, sources: Sources, version: str, previous: str | None, built_at: str,
    data: Graph, files: list[FileInfo], undescribed: list[tuple[str, str]], graph_sizes: dict[str, int],
    citation: str = "",
) -> Graph:
    """The metadata graph of one release. ``undescribed`` lists files (path, media type) whose checksum
    cannot be stated inside themselves (the TriG dump and the VoID file); manifest.json has them."""
    meta = space.new_graph()
    heg = space.heg
    dataset_record = sources.of("dataset")[0]
    dataset = URIRef(space.entity("dataset"))
    release = URIRef(space.entity("release", version))
    downloads = f"{space.base}downloads/{version}/"

    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, DCAT.DatasetSeries))
    meta.add((dataset, DCTERMS.title, Literal(dataset_record["title"], lang="en")))
    meta.add((dataset, DCTERMS.description, Literal(dataset_record["description"], lang="en")))
    meta.add((dataset, DCTERMS.license, URIRef(dataset_record["license"])))
    meta.add((dataset, DCAT.hasCurrentVersion, release))
    meta.add((dataset, VOID.uriSpace, Literal(space.entity(""))))
    meta.add((dataset, VOID.sparqlEndpoint, URIRef(space.base + "sparql")))
    meta.add((dataset, VOID.rootResource, URIRef(space.entity("edition", "2017"))))
    meta.add((dataset, DCAT.landingPage, URIRef(space.base)))  # the server's home page answers the base IRI
    if dataset_record.get("homepage"):  # the guide's own site: what this dataset describes
        meta.add((dataset, RDFS.seeAlso, URIRef(dataset_record["homepage"])))
    for gap in dataset_record.get("known_gaps", []):
        meta.add((dataset, heg.knownGap, Literal(gap, lang="en")))
    for keyword in dataset_record.get("keywords", []):
        meta.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    catalog_graph(meta, space, dataset_record, dataset, release)

    meta.add((release, RDF.type, DCAT.Dataset))
    meta.add((release, RDF.type, VOID.Dataset))
    meta.add((release, DCAT.inSeries, dataset))
    meta.add((release, DCTERMS.title, Literal(f"{dataset_record['title']}, release {version}", lang="en")))
    meta.add((release, DCAT.version, Literal(version)))
    meta.add((release, OWL.versionInfo, Literal(version)))
    meta.add((release, DCTERMS.issued, Literal(built_at, datatype=XSD.dateTime)))
    meta.add((release, DCTERMS.license, URIRef(dataset_record["license"])))
    if dataset_record.get("creator"):
        meta.add((release, DCTERMS.creator, Literal(dataset_record["creator"], lang="en")))
    if dataset_record.get("publisher"):
        publisher = URIRef(space.entity("dataset", "publisher"))
        for subject in (dataset, release):
            meta.add((subject, DCTERMS.publisher, publisher))
        meta.add((publisher, RDF.type, FOAF.Agent))
        meta.add((publisher, RDF.type, SCHEMA.Organization))
        meta.add((publisher, FOAF.name, Literal(dataset_record["publisher"], lang="en")))
    for url in dataset_record.get("source", []):
        meta.add((release, DCTERMS.source, URIRef(url)))
        meta.add((release, PROV.wasDerivedFrom, URIRef(url)))
    if previous:
        meta.add((release, DCAT.previousVersion, URIRef(space.entity("release", previous))))
        meta.add((release, PROV.wasRevisionOf, URIRef(space.entity("release", previous))))
    if citation:
        meta.add((release, DCTERMS.bibliographicCitation, Literal(citation, lang="en")))
    for vocabulary in ("skos", "dcterms", "schema", "org", "prov", "dcat", "void", "heg"):
        meta.add((release, VOID.vocabulary, URIRef(space.prefixes[vocabulary])))
    for name, size in sorted(graph_sizes.items()):
        graph_iri = URIRef(f"{space.base}graph/{name}")
        meta.add((release, VOID.subset, graph_iri))
        meta.add((graph_iri, RDF.type, VOID.Dataset))
        meta.add((graph_iri, RDFS.label, Literal(f"{name} graph", lang="en")))
        meta.add((graph_iri, VOID.triples, Literal(size, datatype=XSD.integer)))
    void_statistics(data, release, meta, space)

    for info in files:
        dist = URIRef(f"{release}/file/{info.path}")
        meta.add((release, DCAT.distribution, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCTERMS.title, Literal(info.path)))
        meta.add((dist, DCAT.downloadURL, URIRef(downloads + info.path)))
        meta.add((dist, DCAT.mediaType, Literal(info.media_type)))
        meta.add((dist, DCAT.byteSize, Literal(info.bytes, datatype=XSD.nonNegativeInteger)))
        meta.add((dist, DCTERMS.license, URIRef(dataset_record["license"])))
        checksum = URIRef(f"{dist}/sha256")
        meta.add((dist, SPDX.checksum, checksum))
        meta.add((checksum, RDF.type, SPDX.Checksum))
        meta.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        meta.add((checksum, SPDX.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
        if info.path.endswith(".ttl") and info.path.startswith("heg"):
            meta.add((release, VOID.dataDump, URIRef(downloads + info.path)))
        if info.path in CHANGE_DESCRIPTIONS and previous:  # the difference from the previous release
            meta.add((dist, DCTERMS.description, Literal(CHANGE_DESCRIPTIONS[info.path].format(previous=previous),
                                                         lang="en")))
            meta.add((release, RDFS.seeAlso, URIRef(f"{space.base}releases/{version}/changes")))
            if info.path == PATCH:
                meta.add((dist, DCTERMS.conformsTo, RDF_PATCH_SPEC))
    for path, media_type in undescribed:
        dist = URIRef(f"{release}/file/{path}")
        meta.add((release, DCAT.distribution, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCTERMS.title, Literal(path)))
        meta.add((dist, DCAT.downloadURL, URIRef(downloads + path)))
        meta.add((dist, DCAT.mediaType, Literal(media_type)))
        meta.add((dist, RDFS.comment, Literal("Its size and SHA-256 are in manifest.json and SHA256SUMS.", lang="en")))

    for row in coverage(sources):
        node = URIRef(f"{release}/coverage/{row['what']}")
        meta.add((release, heg.coverage, node))
        meta.add((node, RDF.type, heg.Coverage if row["published"] is not None else heg.PracticeLinkCoverage))
        meta.add((node, SKOS.notation, Literal(str(row["what"]))))
        if row["published"] is not None:  # practice-link rows: the guide states no count
            meta.add((node, heg.publishedCount, Literal(row["published"], datatype=XSD.integer)))
            meta.add((node, heg.countQualifier, Literal(str(row["qualifier"]))))
        meta.add((node, heg.foundCount, Literal(row["found"], datatype=XSD.integer)))
        for url in row["source"]:  # type: ignore[union-attr]
            meta.add((node, DCTERMS.source, URIRef(url)))
    return meta
