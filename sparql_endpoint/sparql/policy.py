"""What a query may do here, decided by reading its tokens before any engine sees it.

pyoxigraph 0.5 exposes no parsed algebra (there is no ``pyoxigraph.Query`` class) and would open network
connections itself for ``SERVICE`` and ``LOAD``. So this module tokenizes the request with the SPARQL 1.1
grammar's terminals (IRIs, prefixed names, variables, the four string forms, comments), in the way
pyoxigraph's parser does (no ``\\u`` pre-unescaping outside strings and IRIs), and then applies the rules:

- an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ...) is refused as read-only (403);
- ``SERVICE`` is refused unless its IRI, resolved through ``PREFIX``/``BASE``, is on the allow-list; a
  variable service IRI is refused;
- ``FROM`` / ``FROM NAMED`` are recorded (resolved like every IRI, against the query's ``BASE`` or else the
  endpoint's URL): a graph the release does not hold is an empty graph, and is never fetched;
- nesting deeper than the configured limit is refused (pyoxigraph's parser overflows its stack on very
  deep nesting).

A keyword inside a string, an IRI or a comment is never mistaken for the keyword itself. Syntax errors are
left to pyoxigraph, which reports them with line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ..errors import QueryTooComplex, ReadOnly, ServiceNotAllowed
from .tokens import Resolver, Token, is_relative, position, tokenize

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = frozenset(_OPEN.values())


@dataclass
class QueryInfo:
    """What the checks learned about a query."""

    form: str = ""
    services: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)
    max_depth: int = 0
    relative_iris: bool = False  # it has an IRI that resolves against the endpoint's URL (no BASE of its own)
    limit: int | None = None  # the query's own LIMIT (the outer query's; a subquery's does not bound the answer)


@dataclass
class Scan:
    """One query being checked: its tokens, what the prologue declared, the rules' settings."""

    text: str
    tokens: list[Token]
    service_allowlist: Collection[str]
    max_nesting: int
    info: QueryInfo = field(default_factory=QueryInfo)
    resolver: Resolver = field(default_factory=Resolver)
    depth: int = 0

    def token(self, i: int) -> Token | None:
        return self.tokens[i] if i < len(self.tokens) else None

    def where(self, token: Token) -> str:
        return position(self.text, token.offset)


#: A rule: given the scan and the index of the token that triggered it, check, record, and return the
#: index of the last token it consumed.
Rule = Callable[[Scan, int], int]


def open_bracket(scan: Scan, i: int) -> int:
    """Nesting deeper than the limit is refused (pyoxigraph's parser overflows its stack on it)."""
    scan.depth += 1
    scan.info.max_depth = max(scan.info.max_depth, scan.depth)
    if scan.depth > scan.max_nesting:
        raise QueryTooComplex(
            f"The query nests brackets more than {scan.max_nesting} deep (at {scan.where(scan.tokens[i])}).",
            hint="Flatten the query: join patterns in one group instead of nesting groups.")
    return i


def close_bracket(scan: Scan, i: int) -> int:
    scan.depth = max(scan.depth - 1, 0)
    return i


def base(scan: Scan, i: int) -> int:
    """``BASE <iri>``: later relative IRIs resolve against it."""
    target = scan.token(i + 1)
    if target is None:
        return i
    scan.resolver.base = scan.resolver.iri(target) or scan.resolver.base
    return i + 1


def prefix(scan: Scan, i: int) -> int:
    """``PREFIX p: <iri>``: later prefixed names expand with it."""
    name, target = scan.token(i + 1), scan.token(i + 2)
    if name is None or target is None or name.kind != "pname":
        return i
    resolved = scan.resolver.iri(target)
    if resolved is not None:
        scan.resolver.prefixes[name.text.rstrip(":")] = resolved
    return i + 2


def update(scan: Scan, i: int) -> int:
    """An update (``INSERT``, ``DELETE``, ``LOAD``, ...) is refused: the endpoint is read-only."""
    token = scan.tokens[i]
    raise ReadOnly(f"This endpoint is read-only: the request is a SPARQL update ({token.keyword}, at "
                   f"{scan.where(token)}), and updates are refused.")


def query_form(scan: Scan, i: int) -> int:
    scan.info.form = scan.tokens[i].keyword
    return i


def service(scan: Scan, i: int) -> int:
    """``SERVICE [SILENT] <iri>`` only for an IRI on the allow-list; a variable service is refused."""
    j = i + 1
    silent = scan.token(j)
    if silent is not None and silent.keyword == "SILENT":
        j += 1
    target = scan.token(j)
    iri = scan.resolver.iri(target) if target else None
    where = scan.where(scan.tokens[i])
    if iri is None:
        raise ServiceNotAllowed(
            f"SERVICE at {where} does not name a fixed IRI, and this endpoint sends no request to "
            "a service it cannot check against its allow-list.",
            hint="Name the service with a full IRI on the allow-list (see the service description), "
                 "or run the federated query from your own SPARQL client.")
    if iri not in scan.service_allowlist:
        allowed = ", ".join(f"<{s}>" for s in scan.service_allowlist) or "none"
        raise ServiceNotAllowed(
            f"SERVICE <{iri}> (at {where}) is not on this endpoint's allow-list (allowed: {allowed}).",
            hint="Remove the SERVICE clause and query that service directly, or ask the operator to "
                 "add it to SERVICE_ALLOWLIST.", service=iri)
    scan.info.services.append(iri)
    return j


def from_clause(scan: Scan, i: int) -> int:
    """``FROM [NAMED] <iri>``: recorded, so the dataset is given to the store explicitly (a graph the release
    does not hold is an empty graph; nothing is ever fetched). An IRI that does not resolve is left to the
    parser, which reports it."""
    j = i + 1
    named_token = scan.token(j)
    named = named_token is not None and named_token.keyword == "NAMED"
    if named:
        j += 1
    target = scan.token(j)
    iri = scan.resolver.iri(target) if target else None
    if iri is not None:
        (scan.info.from_named_graphs if named else scan.info.from_graphs).append(iri)
    return j


def limit(scan: Scan, i: int) -> int:
    """``LIMIT n`` outside every bracket: the outer query's, so the answer has at most n solutions."""
    count = scan.token(i + 1)
    if scan.depth == 0 and count is not None and count.kind == "number" and count.text.isdigit():
        scan.info.limit = int(count.text)
        return i + 1
    return i


#: keyword -> rule, for keywords that mean the same wherever they appear
KEYWORD_RULES: dict[str, Rule] = {"SERVICE": service, "FROM": from_clause, "LIMIT": limit}
#: keywords of the prologue, before the query form
PROLOGUE_RULES: dict[str, Rule] = {"BASE": base, "PREFIX": prefix}


def rule_for(scan: Scan, token: Token) -> Rule | None:
    """The rule a token triggers, in order of precedence (brackets, prologue, update, form, keywords)."""
    if token.text in _OPEN:
        return open_bracket
    if token.text in _CLOSE:
        return close_bracket
    keyword = token.keyword
    in_prologue = not scan.info.form
    if in_prologue and keyword in PROLOGUE_RULES:
        return PROLOGUE_RULES[keyword]
    if keyword in UPDATE_KEYWORDS and (in_prologue or keyword == "LOAD"):
        return update
    if in_prologue and keyword in QUERY_FORMS:
        return query_form
    return KEYWORD_RULES.get(keyword)


def check_query(text: str, *, service_allowlist: Collection[str], max_nesting: int, base: str = "") -> QueryInfo:
    """Raise the matching error if ``text`` is an update or would reach outside the release; else describe
    it. ``base``: what relative IRIs resolve against before the query's own ``BASE`` (the endpoint's URL)."""
    scan = Scan(text, list(tokenize(text)), service_allowlist, max_nesting)
    scan.resolver.base = base or None
    i = 0
    while i < len(scan.tokens):
        token = scan.tokens[i]
        if token.kind == "iri" and scan.resolver.base == (base or None) and is_relative(token):
            scan.info.relative_iris = True
        rule = rule_for(scan, token)
        if rule is not None:
            i = rule(scan, i)
        i += 1
    return scan.info


def graphs_not_in(release_graphs: Collection[str], *graph_lists: list[str]) -> list[str]:
    """The graph IRIs of a dataset description that the release does not hold (each read as an empty
    graph; the answer names them in ``X-Graphs-Not-In-Dataset``)."""
    return sorted({g for graphs in graph_lists for g in graphs if g not in release_graphs})
