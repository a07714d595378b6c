"""The one table of formats: every RDF serialization and SPARQL result format the project reads or writes.

Each row names a format once: its key (``?format=``, ``heg query --format``, the worker's serializer), the
media type sent, the media types accepted for it, its file extension, its pyoxigraph format and its W3C
``formats`` IRI (for the Service Description). Everything else is derived from this table: the
negotiation tables of the server, the dump writer of the builder, the parsers of remote answers, the media
type of each file of a release. To add a format, add one row here (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    aliases: tuple[str, ...] = ()
    extension: str = ""
    engine: Any = None  # pyoxigraph RdfFormat / QueryResultsFormat; None: not written by pyoxigraph (HTML)
    formats_iri: str = ""  # the W3C "formats" IRI, for the service description
    names: tuple[str, ...] = ()  # other names ``heg query --format`` takes (``ttl``, ``nt``)

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def is_dataset(self) -> bool:
        """Holds named graphs (N-Quads, TriG)."""
        return isinstance(self.engine, ox.RdfFormat) and self.engine.supports_datasets

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats say their charset."""
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


#: SELECT and ASK results; the first row is the default.
SOLUTION_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json",), "srj", ox.QueryResultsFormat.JSON,
           W3C_FORMATS + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx",
           ox.QueryResultsFormat.XML, W3C_FORMATS + "SPARQL_Results_XML"),
    Format("csv", "text/csv", (), "csv", ox.QueryResultsFormat.CSV, W3C_FORMATS + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", (), "tsv", ox.QueryResultsFormat.TSV,
           W3C_FORMATS + "SPARQL_Results_TSV"),
)

#: RDF graphs and datasets (CONSTRUCT and DESCRIBE answers, dumps, dereferenced IRIs); the first is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"), "ttl", ox.RdfFormat.TURTLE,
           W3C_FORMATS + "Turtle", ("ttl",)),
    Format("ntriples", "application/n-triples", ("text/plain",), "nt", ox.RdfFormat.N_TRIPLES,
           W3C_FORMATS + "N-Triples", ("nt",)),
    Format("jsonld", "application/ld+json", ("application/json",), "jsonld", ox.RdfFormat.JSON_LD,
           W3C_FORMATS + "JSON-LD"),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "rdf", ox.RdfFormat.RDF_XML,
           W3C_FORMATS + "RDF_XML", ("xml",)),
    Format("nquads", "application/n-quads", (), "nq", ox.RdfFormat.N_QUADS, W3C_FORMATS + "N-Quads"),
    Format("trig", "application/trig", (), "trig", ox.RdfFormat.TRIG, W3C_FORMATS + "TriG"),
)

HTML = Format("html", "text/html", ("application/xhtml+xml",), "html")

#: What changed between two releases, as RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html).
RDF_PATCH = Format("rdf-patch", "application/rdf-patch", ("text/rdf-patch",), "rdfp")

#: How a release is cited (the files citation.txt, citation.json and citation.bib of every release).
CITATION_FORMATS: tuple[Format, ...] = (
    Format("text", "text/plain", (), "txt"),
    Format("csl-json", "application/vnd.citationstyles.csl+json", ("application/json",), "json", names=("csl",)),
    Format("bibtex", "application/x-bibtex", ("text/x-bibtex",), "bib", names=("bib",)),
)

#: Files of a release that are not RDF: extension -> media type.
OTHER_FILES = {"txt": "text/plain; charset=utf-8", "json": "application/json", "gz": "application/gzip",
               RDF_PATCH.extension: RDF_PATCH.media_type, "bib": CITATION_FORMATS[2].media_type}


def graph_format(key: str) -> Format:
    """The RDF format named ``key`` (``turtle``, ``ntriples``, ...)."""
    return next(f for f in GRAPH_FORMATS if f.key == key)


def by_name(table: tuple[Format, ...], name: str) -> Format | None:
    """The row of ``table`` that ``name`` names: its key, another name, its extension or a media type."""
    wanted = name.strip().lower()
    for fmt in table:
        if wanted in (fmt.key, fmt.extension, *fmt.names, *fmt.accepted):
            return fmt
    return None


def media_type_of(file_name: str) -> str:
    """The media type of a release file, by its extension."""
    extension = file_name.rsplit(".", 1)[-1]
    for fmt in GRAPH_FORMATS:
        if fmt.extension == extension:
            return fmt.media_type
    return OTHER_FILES[extension]


def parsers(table: tuple[Format, ...]) -> dict[str, Any]:
    """Media type -> pyoxigraph format, for reading answers of another store (formats pyoxigraph parses,
    graphs only: a dataset format would bring quads where triples are expected)."""
    readable = [f for f in table if f.engine is not None and f.engine != ox.QueryResultsFormat.CSV
                and not f.is_dataset]
    return {media: f.engine for f in readable for media in f.accepted}
