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
        chosen = _format(GRAPH_FORMATS, fmt or "turtle", "graph")
        triples = list(results)
        if chosen.is_dataset:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            return ox.serialize(quads, format=chosen.engine)
        prefixes = IRISpace(release.base_iri).turtle_prefixes if chosen.engine == ox.RdfFormat.TURTLE else None
        return ox.serialize(triples, format=chosen.engine, prefixes=prefixes)
    chosen = _format(SOLUTION_FORMATS, fmt or "tsv", "SELECT/ASK")
    return results.serialize(format=chosen.engine)
