"""Run one SPARQL query against a release on pyoxigraph (the ``heg query`` command).

The default graph is the union of the release's named graphs, as on the endpoint. Output formats are the
rows of the kernel's format table (:mod:`heg_core.formats`).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from heg_core.errors import ConfigError, HegError
from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format, by_name
from heg_core.namespaces import IRISpace
from heg_core.release import load_release, open_store


class QueryError(HegError):
    """The query is malformed or cannot be answered (exit code 1)."""


def _names(table: tuple[Format, ...]) -> str:
    return ", ".join(name for f in table for name in (f.key, *f.names))


def _format(table: tuple[Format, ...], name: str, kind: str) -> Format:
    fmt = by_name(table, name)
    if fmt is None:
        raise ConfigError(f"--format {name!r} does not fit a {kind} result; use one of {_names(table)}")
    return fmt


def graph_output(name: str | None) -> Format:
    """The row of GRAPH_FORMATS that ``--format name`` names (default Turtle); exit 2 when none does."""
    return _format(GRAPH_FORMATS, name or "turtle", "graph")


def solution_output(name: str | None) -> Format:
    """The row of SOLUTION_FORMATS that ``--format name`` names (default TSV); exit 2 when none does."""
    return _format(SOLUTION_FORMATS, name or "tsv", "SELECT/ASK")


def write_graph(triples: list[ox.Triple], chosen: Format, base_iri: str) -> bytes:
    """A CONSTRUCT/DESCRIBE answer in ``chosen``: a dataset format puts the triples in its default graph;
    Turtle uses the prefixes of the IRI space of ``base_iri``."""
    if chosen.is_dataset:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=chosen.engine)
    prefixes = IRISpace(base_iri).turtle_prefixes if chosen.engine == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=chosen.engine, prefixes=prefixes)


def run_query(release_dir: Path, sparql: str, fmt: str | None = None) -> bytes:
    """Answer ``sparql`` and serialize the result in ``fmt`` (see the CLI help for the names)."""
    release = load_release(release_dir, verify=False)
    store = open_store(release)
    try:
        results = store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"the query could not be evaluated: {exc}") from exc
    if isinstance(results, ox.QueryTriples):
        return write_graph(list(results), graph_output(fmt), release.base_iri)
    return results.serialize(format=solution_output(fmt).engine)
