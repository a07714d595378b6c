"""What a query may do here, decided by reading its tokens before any engine sees it.

pyoxigraph 0.5 exposes no parsed algebra (there is no ``pyoxigraph.Query`` class) and would open network
connections itself for ``SERVICE`` and ``LOAD``. So this module tokenizes the request with the SPARQL 1.1
grammar's terminals (IRIs, prefixed names, variables, the four string forms, comments), in the way
pyoxigraph's parser does (no ``\\u`` pre-unescaping outside strings and IRIs), and then applies the rules:

- an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ...) is refused as read-only (403);
- ``SERVICE`` is refused unless its IRI, resolved through ``PREFIX``/``BASE``, is on the allow-list; a
  variable service IRI is refused;
- ``FROM`` / ``FROM NAMED`` may only name graphs of the release;
- nesting deeper than the configured limit is refused (pyoxigraph's parser overflows its stack on very
  deep nesting).

A keyword inside a string, an IRI or a comment is never mistaken for the keyword itself. Syntax errors are
left to pyoxigraph, which reports them with line and column.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .errors import GraphNotInRelease, QueryTooComplex, ReadOnly, ServiceNotAllowed

_PN_CHARS_BASE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00B7\u0300-\u036F\u203F-\u2040\\-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^"\\]|\\.))*\"\"\"
              | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][""" + _PN_CHARS + r"""]+)
  | (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""_](?:[""" + _PN_CHARS + r""".]*[""" + _PN_CHARS + r"""])?)?:
               (?:(?:[""" + _PN_CHARS + r""":]|""" + _PLX + r""")(?:[""" + _PN_CHARS + r""".:]|""" + _PLX + r""")*
                  (?<!\.))?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|&&|\|\||<=|>=|!=|.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_OPEN = {"{": "}", "(": ")", "[": "]"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    offset: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokenize(text: str) -> Iterator[Token]:
    """SPARQL tokens, whitespace and comments dropped."""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), position)
        position = match.end()


@dataclass
class QueryInfo:
    """What the checks learned about a query."""

    form: str = ""
    services: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)
    max_depth: int = 0


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


class _Resolver:
    """Expands IRIs and prefixed names as the query's prologue declares them."""

    def __init__(self) -> None:
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}

    def iri(self, token: Token) -> str | None:
        if token.kind == "iri":
            value = _unescape_iri(token.text[1:-1])
            if self.base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value):
                return urljoin(self.base, value)
            return value
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                return None
            return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None


def _unescape_iri(value: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), value)


def check_query(text: str, *, release_graphs: Collection[str], service_allowlist: Collection[str],
                max_nesting: int) -> QueryInfo:
    """Raise the matching error if ``text`` is an update or reaches outside the release; else describe it."""
    info = QueryInfo()
    resolver = _Resolver()
    tokens = list(tokenize(text))
    depth = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        keyword = token.keyword
        if token.text in _OPEN:
            depth += 1
            info.max_depth = max(info.max_depth, depth)
            if depth > max_nesting:
                raise QueryTooComplex(
                    f"The query nests brackets more than {max_nesting} deep (at {_position(text, token.offset)}).",
                    hint="Flatten the query: join patterns in one group instead of nesting groups.")
        elif token.text in _OPEN.values():
            depth = max(depth - 1, 0)
        elif not info.form and keyword in ("BASE", "PREFIX"):
            if keyword == "BASE" and i + 1 < len(tokens):
                resolved = resolver.iri(tokens[i + 1])
                resolver.base = resolved or resolver.base
                i += 1
            elif keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname":
                resolved = resolver.iri(tokens[i + 2])
                if resolved is not None:
                    resolver.prefixes[tokens[i + 1].text.rstrip(":")] = resolved
                i += 2
        elif keyword in UPDATE_KEYWORDS and (not info.form or keyword == "LOAD"):
            raise ReadOnly(f"This endpoint is read-only: the request is a SPARQL update ({keyword}, at "
                           f"{_position(text, token.offset)}), and updates are refused.")
        elif not info.form and keyword in QUERY_FORMS:
            info.form = keyword
        elif keyword == "SERVICE":
            j = i + 1
            if j < len(tokens) and tokens[j].keyword == "SILENT":
                j += 1
            target = tokens[j] if j < len(tokens) else None
            iri = resolver.iri(target) if target else None
            where = _position(text, token.offset)
            if iri is None:
                raise ServiceNotAllowed(
                    f"SERVICE at {where} does not name a fixed IRI, and this endpoint sends no request to "
                    "a service it cannot check against its allow-list.",
                    hint="Name the service with a full IRI on the allow-list (see the service description), "
                         "or run the federated query from your own SPARQL client.")
            if iri not in service_allowlist:
                allowed = ", ".join(f"<{s}>" for s in service_allowlist) or "none"
                raise ServiceNotAllowed(
                    f"SERVICE <{iri}> (at {where}) is not on this endpoint's allow-list (allowed: {allowed}).",
                    hint="Remove the SERVICE clause and query that service directly, or ask the operator to "
                         "add it to SERVICE_ALLOWLIST.", service=iri)
            info.services.append(iri)
            i = j
        elif keyword == "FROM":
            j = i + 1
            named = j < len(tokens) and tokens[j].keyword == "NAMED"
            if named:
                j += 1
            target = tokens[j] if j < len(tokens) else None
            iri = resolver.iri(target) if target else None
            clause = "FROM NAMED" if named else "FROM"
            if iri is None or iri not in release_graphs:
                shown = f"<{iri}>" if iri else (target.text if target else "nothing")
                raise GraphNotInRelease(
                    f"{clause} {shown} (at {_position(text, token.offset)}) is not a graph of this dataset; "
                    "this endpoint never fetches remote graphs.",
                    hint="Use one of the dataset's graphs: " + ", ".join(f"<{g}>" for g in sorted(release_graphs))
                         + "; or drop the clause to query their union.", graph=iri or "")
            (info.from_named_graphs if named else info.from_graphs).append(iri)
            i = j
        i += 1
    return info


def check_graph_parameters(default_graphs: list[str], named_graphs: list[str],
                           release_graphs: Collection[str]) -> None:
    """``default-graph-uri`` / ``named-graph-uri`` may only name graphs of the release."""
    for parameter, graphs in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for graph in graphs:
            if graph not in release_graphs:
                raise GraphNotInRelease(
                    f"{parameter}={graph} is not a graph of this dataset.",
                    hint="Use one of: " + ", ".join(sorted(release_graphs)) + "; or leave the parameter out "
                         "to query their union.", graph=graph)
