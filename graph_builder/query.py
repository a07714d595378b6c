"""Run one SPARQL query against a release on pyoxigraph (the ``heg query`` command).

The default graph is the union of the release's named graphs, as on the endpoint.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import ConfigError, HegError
from .reader import open_release

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
}


class QueryError(HegError):
    """The query is malformed or cannot be answered (exit code 1)."""


def run_query(release_dir: Path, sparql: str, fmt: str | None = None) -> bytes:
    """Answer ``sparql`` and serialize the result in ``fmt`` (see the CLI help for the names)."""
    release = open_release(release_dir)
    try:
        results = release.store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"the query could not be evaluated: {exc}") from exc
    if isinstance(results, ox.QueryTriples):
        name = fmt or "turtle"
        if name not in GRAPH_FORMATS:
            raise ConfigError(f"--format {name!r} does not fit a graph result; use one of {', '.join(GRAPH_FORMATS)}")
        rdf_format = GRAPH_FORMATS[name]
        triples = list(results)
        if rdf_format in {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            return ox.serialize(quads, format=rdf_format)
        return ox.serialize(triples, format=rdf_format, prefixes=_prefixes(release.manifest) if rdf_format in {
            ox.RdfFormat.TURTLE} else None)
    name = fmt or "tsv"
    if name not in RESULT_FORMATS:
        raise ConfigError(f"--format {name!r} does not fit a SELECT/ASK result; use one of {', '.join(RESULT_FORMATS)}")
    return results.serialize(format=RESULT_FORMATS[name])


def _prefixes(manifest: dict) -> dict[str, str]:
    from .namespaces import IRISpace

    return IRISpace(manifest["base_iri"]).turtle_prefixes
