"""Content negotiation: the tables a view negotiates over, and the one function that picks a format.

The rows come from the kernel's one format table (:mod:`heg_core.formats`). Two query tables, as the
SPARQL 1.1 Protocol splits them (results of SELECT/ASK, graphs of CONSTRUCT/DESCRIBE), and the
representations of a dereferenced IRI (HTML first). The first row of a table is its default, chosen for
``*/*`` or a missing ``Accept``. Negotiation goes through Werkzeug's ``best_match``; no Accept parsing here.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from heg_core.formats import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, Format, by_name, graph_format

from ..errors import NotAcceptable

__all__ = ["GRAPH_FORMATS", "HTML", "RESOURCE_FORMATS", "SOLUTION_FORMATS", "SUFFIXES", "TABLES", "Format",
           "negotiate"]

#: The representations of a dereferenced IRI: HTML first (no Accept, */*, browsers), then RDF.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML, *(graph_format(k) for k in ("turtle", "jsonld", "ntriples", "rdfxml")))
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
    """The format to answer in: ``?format=`` first (a key, an extension or a media type), then ``Accept``,
    else 406."""
    if format_param:
        fmt = by_name(table, format_param)
        if fmt is None:
            raise NotAcceptable(f"format={format_param} is not available for this query.",
                                hint=f"Use one of: {_listing(table)}.")
        return fmt
    if not accept:
        return table[0]
    candidates = [media for fmt in table for media in fmt.accepted]
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(f"None of the media types in Accept ({accept.to_header()}) is available for this query.",
                            hint=f"Accept one of: {_listing(table)}; or add ?format=.")
    return next(fmt for fmt in table if best in fmt.accepted)
