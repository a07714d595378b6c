"""Serialize query results with a row cap (runs inside a query worker process).

pyoxigraph's own result serializers write every row; to cap rows, solutions are taken one by one up to
the cap and written here in the four SPARQL result formats. Graphs (CONSTRUCT/DESCRIBE) are capped the
same way and written by pyoxigraph's RDF serializers. A SELECT the cap cannot cut (its own LIMIT is within
it) is written whole by pyoxigraph's native result serializers instead (:func:`serialize_whole`): no
Python object per term, and the row count still exact.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: key -> pyoxigraph format of every graph format and every solution format (from the kernel's one table)
RDF_FORMATS = {f.key: f.engine for f in GRAPH_FORMATS}
NATIVE_SOLUTIONS = {f.key: f.engine for f in SOLUTION_FORMATS}


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"unexpected term {term!r}")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = "_:" + term.value
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_value(term: Any) -> str:
    return "" if term is None else str(term)  # pyoxigraph's str() is the N-Triples/Turtle form


def write_solutions(variables: list[str], rows: list[list[Any]], key: str) -> bytes:
    if key == "json":
        memo: dict[Any, dict[str, Any]] = {}  # terms repeat across rows: convert each once

        def term(t: Any) -> dict[str, Any]:
            out = memo.get(t)
            if out is None:
                out = memo[t] = _json_term(t)
            return out

        bindings = [{v: term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    if key == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                      for v, t in zip(variables, row) if t is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode()
    if key == "csv":
        lines = [",".join(variables)] + [",".join(_csv_value(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if key == "tsv":
        lines = ["\t".join("?" + v for v in variables)] + ["\t".join(_tsv_value(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown result format {key!r}")


def write_boolean(value: bool, key: str) -> bytes:
    if key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if key == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    if key == "csv":
        return ("_askResult\r\n" + ("true" if value else "false") + "\r\n").encode()
    if key == "tsv":
        return ("?_askResult\n" + ("true" if value else "false") + "\n").encode()
    raise ValueError(f"unknown result format {key!r}")


def write_graph(triples: Iterable[ox.Triple], key: str, prefixes: dict[str, str]) -> bytes:
    fmt = RDF_FORMATS[key]
    if fmt.supports_datasets:
        # N-Quads / TriG: the answer is a graph, written as the default graph of a dataset
        items: Iterable[Any] = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    else:
        items = triples
    kwargs: dict[str, Any] = {}
    if key in ("turtle", "trig", "rdfxml"):
        kwargs["prefixes"] = prefixes
    return ox.serialize(items, format=fmt, **kwargs) or b""


#: bytes per row a native attempt may write before it gives up on an answer the cap may cut (JSON rows of
#: three terms take about 220; rows of long literals go the capped writer's way)
NATIVE_BYTES_PER_ROW = 512


class AnswerTooLarge(Exception):
    """A native attempt wrote more than its budget: the answer goes to the capped writer."""


class _Bounded(io.RawIOBase):
    """Where pyoxigraph writes a native attempt: kept in memory, refused past ``budget`` bytes."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.data = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        if self.data.tell() + len(chunk) > self.budget:
            raise AnswerTooLarge
        return self.data.write(chunk)


#: in pyoxigraph's JSON: the start of the first solution, and the boundary between two solutions. Inside a
#: string every ``"`` is escaped, so neither can match there; a string that merely ends in ``},{`` is followed
#: by ``}`` or ``,"datatype"``, never by a variable name and ``":{"type":``.
_JSON_FIRST = re.compile(rb'"bindings":\[\{"[^"\\]*":\{"type":')
_JSON_NEXT = re.compile(rb'\},\{"[^"\\]*":\{"type":')


def _json_rows(body: bytes) -> int:
    if b'"bindings":[]' in body:
        return 0
    if b"{}" in body or not _JSON_FIRST.search(body):  # an empty solution, or a writer we do not know: read it
        return len(json.loads(body)["results"]["bindings"])
    return 1 + sum(1 for _ in _JSON_NEXT.finditer(body))


def count_rows(body: bytes, key: str) -> int:
    """The solutions in an answer pyoxigraph wrote, exactly: TSV and XML escape line breaks and ``<`` inside
    terms, so lines and ``<result>`` elements count them; JSON by the solutions' boundaries (read back when
    it holds an empty solution), CSV read back."""
    if key == "tsv":
        return body.count(b"\n") - 1
    if key == "xml":
        return body.count(b"<result>")
    if key == "json":
        return _json_rows(body)
    return sum(1 for _ in csv.reader(io.StringIO(body.decode()))) - 1


def serialize_whole(solutions: ox.QuerySolutions, key: str) -> tuple[bytes, int, bool]:
    """(body, rows, False) for solutions the row cap cannot cut (a SELECT whose own LIMIT is within it),
    written by pyoxigraph's native serializer, the rows counted in what it wrote."""
    body = solutions.serialize(format=NATIVE_SOLUTIONS[key]) or b""
    return body, count_rows(body, key), False


def serialize_within(solutions: ox.QuerySolutions, key: str, max_rows: int) -> tuple[bytes, int, bool] | None:
    """Solutions the cap may cut, written natively all the same while they stay small: pyoxigraph writes
    up to ``NATIVE_BYTES_PER_ROW * max_rows`` bytes, then the rows are counted. None when the answer went
    past that budget or past the cap: the caller runs the query again through the capped writer (so only an
    answer that big pays twice, and a cut answer is cut exactly as before)."""
    sink = _Bounded(NATIVE_BYTES_PER_ROW * max_rows)
    try:
        solutions.serialize(sink, format=NATIVE_SOLUTIONS[key])
    except (AnswerTooLarge, OSError):
        return None
    body = sink.data.getvalue()
    rows = count_rows(body, key)
    return (body, rows, False) if rows <= max_rows else None


def serialize(results: Any, key: str, max_rows: int, prefixes: dict[str, str]) -> tuple[bytes, int, bool]:
    """(body, rows written, capped?) for whatever ``Store.query`` returned."""
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = [list(solution) for solution in itertools.islice(results, max_rows + 1)]
        capped = len(rows) > max_rows
        del rows[max_rows:]
        return write_solutions(variables, rows, key), len(rows), capped
    if isinstance(results, ox.QueryTriples):
        triples = list(itertools.islice(results, max_rows + 1))
        capped = len(triples) > max_rows
        del triples[max_rows:]
        return write_graph(triples, key, prefixes), len(triples), capped
    return write_boolean(bool(results), key), 1, False
