"""A remote SPARQL 1.1 store behind the endpoint (``heg serve --store URL``, ``STORE_KIND=remote``).

:class:`RemoteStore` implements the :class:`~sparql_endpoint.stores.Store` protocol over HTTP: the views,
the policy (SERVICE / FROM / update refusal, nesting), the result cache, content negotiation and the error
mapping run exactly as for the local store, before anything is forwarded. What changes is only where a
checked query runs:

- the query goes to the store's SPARQL 1.1 Protocol endpoint (POST, form-encoded) asking for SPARQL JSON
  results (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE); the release's default dataset (the union of its
  named graphs) is stated with ``default-graph-uri`` and ``named-graph-uri``, so the answer does not depend
  on how the store's own default graph is configured;
- the answer is parsed as it streams in (pyoxigraph's parsers), cut at ``MAX_ROWS``, and written by the same
  serializers as local answers (:mod:`.results`): same formats, same headers, same cap;
- ``QUERY_TIMEOUT`` is the deadline of the whole exchange: it bounds the wait for the answer's headers (the
  request's read timeout) and its body (a timer closes the connection at the deadline). A deadline passed
  is a 504, a store that cannot be reached or says it is unavailable a 503 with ``Retry-After``, an answer
  that is not SPARQL results (garbage, a cut-off body, a 5xx) a 502. Never a hang;
- concurrency is capped as locally: ``QUERY_WORKERS`` requests to the store at once, ``QUEUE_SIZE`` waiting.

The release a remote-backed server describes comes from a release directory (``--release``, default
``build/releases/latest``: its ``manifest.json``, dumps and context; the ``store/`` folder is not needed).
At start-up the store is asked whether its metadata graph holds that release; a store holding another
release stops the server, an unreachable store is logged and answered with 503 until it comes back.
"""

from __future__ import annotations

import io
import itertools
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from heg_core.errors import ConfigError, ReleaseError
from heg_core.formats import GRAPH_FORMATS, SOLUTION_FORMATS, parsers
from heg_core.release import Release, load_release
from heg_core.store_client import check_url, http_session, store_auth

from ..errors import EndpointError, Overloaded, QueryTimeout
from .jobs import Job, Outcome, syntax_error
from .results import RDF_FORMATS, serialize, write_graph

log = logging.getLogger(__name__)

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

#: media type the store answered with -> how to parse it (anything else is a 502).
SOLUTION_PARSERS = parsers(SOLUTION_FORMATS)
GRAPH_PARSERS = parsers(GRAPH_FORMATS)
ASK_SOLUTIONS = f"{RESULTS_JSON}, application/sparql-results+xml;q=0.8"
ASK_GRAPH = f"{NTRIPLES}, text/turtle;q=0.8, text/plain;q=0.5"


class StoreUnavailable(EndpointError):
    """The remote store cannot be reached, or says it is unavailable."""

    status = 503
    title = "Service Unavailable: the triple store is unreachable"
    hint = "Retry in a few seconds; if it persists, tell the operator (the store behind this endpoint is down)."


class BadGateway(EndpointError):
    """The remote store answered with something that is not a SPARQL answer."""

    status = 502
    title = "Bad Gateway: the triple store gave an invalid answer"
    hint = "Retry; if it persists, tell the operator (the server log names the store's answer)."


class _DeadlineReader(io.RawIOBase):
    """The response body as a file for pyoxigraph's parsers, refusing to read past the deadline."""

    def __init__(self, response: Any, deadline: float) -> None:
        self._raw = response.raw
        self._deadline = deadline
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if time.monotonic() >= self._deadline:
            self.expired = True
            raise OSError("deadline passed while reading the store's answer")
        chunk = self._raw.read(min(len(buffer), 65536), decode_content=True)
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _abort(response: Any) -> None:
    """At the deadline: shut the connection down, which wakes a read blocked on it (close() alone may not)."""
    import socket

    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    response.close()


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint holding the release (published with ``heg publish``)."""

    def __init__(self, release: Release, url: str, session: Any, *, concurrency: int, queue_size: int,
                 queue_wait: float, retry_after: int, connect_timeout: float = 5.0) -> None:
        self.release = release
        self.url = url
        self.session = session
        self.queue_wait = queue_wait
        self.retry_after = retry_after
        self.connect_timeout = connect_timeout
        self._running = threading.BoundedSemaphore(concurrency)
        self._admission = threading.BoundedSemaphore(concurrency + queue_size)
        graphs = tuple(sorted(release.graph_iris))
        self._union = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        #: what a graph the release does not hold is sent as: a graph of our own space that no store holds,
        #: so the store reads an empty graph and never sees (or fetches) the IRI the client named
        self.absent_graph = release.base_iri + "graph/not-in-this-dataset"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RemoteStore:
        url = config["STORE_URL"]
        if not url:
            raise ConfigError("STORE_KIND is remote but STORE_URL is empty",
                              hint="Pass --store URL (the store's SPARQL query endpoint) or set HEG_STORE_URL.")
        try:
            check_url(url)
            auth = store_auth()
        except ConfigError as exc:
            raise ConfigError(exc.message, hint="See docs/deploy.md (credentials come from the environment).") from None
        release = load_release(config["RELEASE_DIR"], require_store=False)
        # one retry on a refused connection only (reads are never replayed past the deadline)
        session = http_session(retries=1, backoff=0.1, pool_size=config["QUERY_WORKERS"], auth=auth,
                               retry_statuses=())
        return cls(release, url, session, concurrency=config["QUERY_WORKERS"], queue_size=config["QUEUE_SIZE"],
                   queue_wait=config["QUEUE_WAIT"], retry_after=config["RETRY_AFTER"])

    # -- lifecycle
    def start(self) -> None:
        """Check that the store holds this release (its metadata graph names the version)."""
        release_iri = self.release.iri
        metadata = self.release.graphs.get("metadata")
        if metadata is None:
            return
        query = f"ASK {{ GRAPH <{metadata}> {{ <{release_iri}> ?p ?o }} }}"
        try:
            outcome = self.execute(Job(query=query, format_key="json", max_rows=1), timeout=10)
        except EndpointError as exc:
            log.warning("cannot check the store at %s for release %s yet: %s", self.url, self.release.version,
                        exc.message)
            return
        if b"true" not in outcome.body:
            raise ReleaseError(f"the store at {self.url} does not hold release {self.release.version} "
                               f"(no <{release_iri}> in graph <{metadata}>)",
                               hint="Publish it with `heg publish --to STORE`, or point --release at the "
                                    "release the store holds.")

    def close(self) -> None:
        self.session.close()

    # -- queries
    def execute(self, job: Job, timeout: float) -> Outcome:
        if not self._admission.acquire(blocking=False):
            raise self._busy()
        try:
            if not self._running.acquire(timeout=self.queue_wait):
                raise self._busy()
            try:
                return self._forward(job, timeout)
            finally:
                self._running.release()
        finally:
            self._admission.release()

    def _busy(self) -> Overloaded:
        return Overloaded.busy(self.retry_after)

    def _dataset(self, job: Job) -> list[tuple[str, str]]:
        """The protocol's dataset parameters that give the store the dataset the local store uses: the union
        of the release's graphs, or exactly the graphs given (by the client's parameters or the query's
        FROM clauses; the protocol's parameters override those clauses at the store too)."""
        if job.union_default_graph:
            return self._union
        known = self.release.graph_iris
        return ([("default-graph-uri", g if g in known else self.absent_graph) for g in job.default_graphs]
                + [("named-graph-uri", g if g in known else self.absent_graph) for g in job.named_graphs])

    def _timeout(self, timeout: float) -> QueryTimeout:
        return QueryTimeout(
            f"The query was stopped after the time limit of {timeout:g} s.",
            hint="Make it cheaper: add a LIMIT, bind more of the pattern to fixed IRIs, avoid cross products "
                 "between unconnected patterns; or download the release dumps and run it locally.",
            timeout_seconds=timeout)

    def _unavailable(self, detail: str) -> StoreUnavailable:
        log.warning("triple store %s unavailable: %s", self.url, detail)
        return StoreUnavailable("The triple store behind this endpoint cannot be reached right now.",
                                headers={"Retry-After": str(self.retry_after)})

    def _bad_answer(self, detail: str) -> BadGateway:
        log.warning("triple store %s gave an invalid answer: %s", self.url, detail)
        return BadGateway("The triple store behind this endpoint gave an answer that is not a SPARQL result.")

    def _forward(self, job: Job, timeout: float) -> Outcome:
        import requests

        deadline = time.monotonic() + timeout
        graph = job.format_key in RDF_FORMATS
        # relative IRIs resolve against the endpoint's URL, as locally (the query's own BASE, later, wins);
        # on the same line, so that the store's syntax errors keep their line numbers
        query = f"BASE <{job.base_iri}> {job.query}" if job.base_iri else job.query
        form = [("query", query), *self._dataset(job)]
        headers = {"Accept": ASK_GRAPH if graph else ASK_SOLUTIONS}
        try:
            response = self.session.post(self.url, data=form, headers=headers, stream=True,
                                         timeout=(min(self.connect_timeout, timeout), timeout))
        except requests.exceptions.ConnectTimeout as exc:
            raise self._unavailable(f"connect timeout: {exc}") from None
        except requests.exceptions.Timeout:
            raise self._timeout(timeout) from None
        except requests.exceptions.ConnectionError as exc:
            if time.monotonic() >= deadline:
                raise self._timeout(timeout) from None
            raise self._unavailable(str(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise self._bad_answer(str(exc)) from None
        with response:
            self._check_status(response, timeout)
            return self._read(response, job, deadline, timeout, graph)

    def _check_status(self, response: Any, timeout: float) -> None:
        status = response.status_code
        if status < 300:
            return
        text = response.text[:2000] if status == 400 else ""
        if status == 400:  # the store's parser refused the query: the client's error, in the client's terms
            raise syntax_error(" ".join(text.split()) or "the store refused the query")
        if status in (408, 504):
            raise self._timeout(timeout)
        if status in (429, 503):
            raise self._unavailable(f"answered {status}")
        if status in (401, 403):
            raise self._bad_answer(f"refused our credentials ({status}): check HEG_STORE_USER/HEG_STORE_PASSWORD "
                                   "or HEG_STORE_TOKEN")
        raise self._bad_answer(f"answered {status} {response.reason}")

    def _read(self, response: Any, job: Job, deadline: float, timeout: float, graph: bool) -> Outcome:
        from requests.exceptions import RequestException
        from urllib3.exceptions import HTTPError

        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        readers: Mapping[str, Any] = GRAPH_PARSERS if graph else SOLUTION_PARSERS
        if media_type not in readers:
            raise self._bad_answer(f"answered with Content-Type {media_type or '(none)'}")
        reader = _DeadlineReader(response, deadline)
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, args=(response,))
        timer.daemon = True
        timer.start()
        try:
            if graph:
                triples = ox.parse(io.BufferedReader(reader), format=readers[media_type])
                rows = list(itertools.islice(triples, job.max_rows + 1))
                capped = len(rows) > job.max_rows
                del rows[job.max_rows:]
                return Outcome(write_graph(rows, job.format_key, job.prefixes), len(rows), capped)
            results = ox.parse_query_results(io.BufferedReader(reader), format=readers[media_type])
            body, count, capped = serialize(results, job.format_key, job.max_rows, job.prefixes)
            return Outcome(body, count, capped)
        except (SyntaxError, ValueError, OSError, HTTPError, RequestException) as exc:
            if reader.expired or time.monotonic() >= deadline:
                raise self._timeout(timeout) from None
            raise self._bad_answer(f"{type(exc).__name__}: {exc}") from None
        finally:
            timer.cancel()
