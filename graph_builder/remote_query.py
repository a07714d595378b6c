"""Run one SPARQL query against any SPARQL 1.1 endpoint through SPARQLWrapper (``heg query --endpoint``).

The query form comes from SPARQLWrapper's ``queryType``: it picks the kind of answer and checks
``--format`` before anything is sent. The answer is asked for in formats every endpoint is likely to speak
(SPARQL results JSON, then XML or TSV, for SELECT/ASK; N-Triples, then Turtle, RDF/XML or JSON-LD, for
CONSTRUCT/DESCRIBE: rows of :mod:`heg_core.formats`), parsed with pyoxigraph and written by the local
command's own writers, so the output of an endpoint and of a release are the same for the same answer.

Exit codes as the local command: 1 when the endpoint rejects the query (400) or it is an update; 2 for a
usage error, an unreachable, slow or failing endpoint, or an answer that is not SPARQL.
"""

from __future__ import annotations

import ast
import http.client
import urllib.error
import warnings
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper import __version__ as sparqlwrapper_version
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from heg_core import __version__
from heg_core.errors import ConfigError
from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format, by_name, parsers
from heg_core.namespaces import DEFAULT_BASE

from .query import QueryError, graph_output, solution_output, write_graph

T = TypeVar("T")

DEFAULT_TIMEOUT = 120.0
GET_LIMIT = 2000  # a query longer than this, URL-encoded, is POSTed (form-encoded) instead of sent by GET

#: What is asked for, best first (``Accept`` with falling q-values): keys of the format table.
ASKED = {"solutions": ("json", "xml", "tsv"), "graph": ("ntriples", "turtle", "rdfxml", "jsonld")}


class EndpointUnavailable(ConfigError):
    """The endpoint cannot be reached, does not answer in time, fails, or answers something that is not
    SPARQL (exit code 2)."""

    hint = "Check the --endpoint URL (the query service, often ending in /sparql or /query) and that it is up."


def _accept(table: tuple[Format, ...], keys: tuple[str, ...]) -> str:
    rows = [by_name(table, key) for key in keys]
    return ", ".join(f"{row.media_type};q={1 - 0.1 * i:.1f}" for i, row in enumerate(rows) if row)


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--endpoint {url!r} is not an http(s) URL of a SPARQL endpoint")
    if parts.username or parts.password:
        raise ConfigError("--endpoint must not hold credentials (user:password@): heg query does not send them")
    return url


def _wrapper(url: str, sparql: str, timeout: float) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(url, agent=f"heg/{__version__} SPARQLWrapper/{sparqlwrapper_version}")
    with warnings.catch_warnings():  # an unknown form is reported as SELECT; the endpoint then says what is wrong
        warnings.simplefilter("ignore", RuntimeWarning)
        wrapper.setQuery(sparql)
    if wrapper.isSparqlUpdateRequest():
        raise QueryError(f"{wrapper.queryType} is an update: heg query runs SELECT, ASK, CONSTRUCT and DESCRIBE only",
                         hint="Nothing was sent to the endpoint.")
    if len(urlencode({"query": sparql})) > GET_LIMIT:
        wrapper.setMethod(POST)
    wrapper.timeout = timeout  # the attribute, not setTimeout(), which drops the fraction of a second
    return wrapper


def _endpoint_message(exc: Exception) -> str:
    """What the endpoint said: the body of its error answer, trimmed to its first lines."""
    if isinstance(exc, urllib.error.HTTPError):
        body = exc.read()
    else:  # SPARQLWrapper keeps the body only as the repr at the end of its message
        _, _, text = str(exc).partition("\n\nResponse:\n")
        try:
            body = ast.literal_eval(text) if text else b""
        except (ValueError, SyntaxError):
            body = text.encode()
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    return " / ".join(lines[:6])[:600]


def _status(exc: Exception) -> int | None:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code
    return getattr(exc.__context__, "code", None)  # SPARQLWrapper raises its own error while handling urllib's


def _too_slow(url: str, timeout: float) -> EndpointUnavailable:
    return EndpointUnavailable(f"{url} did not answer within the timeout of {timeout:g} s (--timeout)",
                               hint="Give it longer with --timeout S, or make the query cheaper.")


def _fetch(wrapper: SPARQLWrapper, url: str, timeout: float) -> tuple[str, bytes]:
    """The endpoint's answer: its media type and body."""
    try:
        response = wrapper.query().response
        return response.headers.get_content_type(), response.read()
    except QueryBadFormed as exc:
        said = _endpoint_message(exc)
        raise QueryError(f"the endpoint rejected the query (400){': ' + said if said else ''}",
                         hint="Fix the query as the endpoint's message says.") from exc
    except (SPARQLWrapperException, urllib.error.HTTPError) as exc:
        said, status = _endpoint_message(exc), _status(exc)
        raise EndpointUnavailable(f"{url} answered HTTP {status or 'error'}{': ' + said if said else ''}") from exc
    except TimeoutError as exc:
        raise _too_slow(url, timeout) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _too_slow(url, timeout) from exc
        raise EndpointUnavailable(f"cannot reach {url}: {exc.reason}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise EndpointUnavailable(f"the connection to {url} failed: {exc or type(exc).__name__}") from exc


def _engine(table: tuple[Format, ...], media_type: str, url: str, kind: str) -> object:
    engine = parsers(table).get(media_type)
    if engine is None:
        raise EndpointUnavailable(f"{url} answered {media_type}, not {kind}: is it a SPARQL endpoint?")
    return engine


def _parsed(parse: Callable[[], T], url: str, media_type: str) -> T:
    """What ``parse`` makes of an endpoint's answer, or why the answer is not what it claims to be."""
    try:
        return parse()
    except (SyntaxError, ValueError) as exc:
        raise EndpointUnavailable(f"the answer of {url} is not valid {media_type}: {exc}") from exc


def run_remote_query(url: str, sparql: str, fmt: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Answer ``sparql`` at the endpoint ``url`` and write the result in ``fmt``, as :func:`run_query` does."""
    wrapper = _wrapper(_check_url(url), sparql, timeout)
    if wrapper.queryType in ("CONSTRUCT", "DESCRIBE"):
        chosen = graph_output(fmt)
        wrapper.setReturnFormat(TURTLE)
        wrapper.addCustomHttpHeader("Accept", _accept(GRAPH_FORMATS, ASKED["graph"]))
        media_type, body = _fetch(wrapper, url, timeout)
        engine = _engine(GRAPH_FORMATS, media_type, url, "an RDF graph")
        triples = _parsed(lambda: [quad.triple for quad in ox.parse(body, format=engine, base_iri=url)],
                          url, media_type)
        return write_graph(triples, chosen, DEFAULT_BASE)
    chosen = solution_output(fmt)
    wrapper.setReturnFormat(JSON)
    wrapper.addCustomHttpHeader("Accept", _accept(SOLUTION_FORMATS, ASKED["solutions"]))
    media_type, body = _fetch(wrapper, url, timeout)
    engine = _engine(SOLUTION_FORMATS, media_type, url, "SPARQL results")
    results = _parsed(lambda: ox.parse_query_results(body, format=engine), url, media_type)
    return results.serialize(format=chosen.engine)
