"""The format tables and the one content-negotiation function.

Two tables, as the SPARQL 1.1 Protocol splits them: results of SELECT/ASK and graphs of
CONSTRUCT/DESCRIBE. Each row: key (used by ``?format=`` and by the worker to pick a serializer), the
media type sent, the media types accepted for it. The first row of a table is its default, chosen for
``*/*`` or a missing ``Accept``. Negotiation goes through Werkzeug's ``best_match``; no Accept parsing
here.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept

from .errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    aliases: tuple[str, ...] = ()
    extension: str = ""
    formats_iri: str = ""  # the W3C "formats" IRI, for the service description

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


_W3C = "http://www.w3.org/ns/formats/"

SOLUTION_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json",), "srj", _W3C + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx", _W3C + "SPARQL_Results_XML"),
    Format("csv", "text/csv", (), "csv", _W3C + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", (), "tsv", _W3C + "SPARQL_Results_TSV"),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"), "ttl", _W3C + "Turtle"),
    Format("ntriples", "application/n-triples", ("text/plain",), "nt", _W3C + "N-Triples"),
    Format("jsonld", "application/ld+json", ("application/json",), "jsonld", _W3C + "JSON-LD"),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "rdf", _W3C + "RDF_XML"),
    Format("nquads", "application/n-quads", (), "nq", _W3C + "N-Quads"),
    Format("trig", "application/trig", (), "trig", _W3C + "TriG"),
)

HTML = Format("html", "text/html", ("application/xhtml+xml",), "html")

_GRAPH = {f.key: f for f in GRAPH_FORMATS}
#: The representations of a dereferenced IRI: HTML first (no Accept, */*, browsers), then RDF.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML, _GRAPH["turtle"], _GRAPH["jsonld"], _GRAPH["ntriples"], _GRAPH["rdfxml"])
#: file suffix of a document URL -> its format (``/id/x.ttl``)
SUFFIXES: dict[str, Format] = {"." + f.extension: f for f in RESOURCE_FORMATS}

#: query form -> the table of its formats
TABLES: dict[str, tuple[Format, ...]] = {
    "SELECT": SOLUTION_FORMATS,
    "ASK": SOLUTION_FORMATS,
    "CONSTRUCT": GRAPH_FORMATS,
    "DESCRIBE": GRAPH_FORMATS,
    "": SOLUTION_FORMATS,  # unknown form: the query will fail to parse; errors are negotiated apart
}


def _listing(table: tuple[Format, ...]) -> str:
    return ", ".join(f"{f.media_type} (format={f.key})" for f in table)


def negotiate(table: tuple[Format, ...], accept: MIMEAccept, format_param: str | None = None) -> Format:
    """The format to answer in: ``?format=`` first (a key or a media type), then ``Accept``, else 406."""
    if format_param:
        wanted = format_param.strip().lower()
        for fmt in table:
            if wanted == fmt.key or wanted in fmt.accepted or wanted == fmt.extension:
                return fmt
        raise NotAcceptable(f"format={format_param} is not available for this query.",
                            hint=f"Use one of: {_listing(table)}.")
    if not accept:
        return table[0]
    candidates = [media for fmt in table for media in fmt.accepted]
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(f"None of the media types in Accept ({accept.to_header()}) is available for this query.",
                            hint=f"Accept one of: {_listing(table)}; or add ?format=.")
    return next(fmt for fmt in table if best in fmt.accepted)
