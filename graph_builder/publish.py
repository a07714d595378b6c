"""Publish a release into an existing SPARQL store, so that readers never see a half-loaded graph.

``heg publish --to URL`` talks only standard protocols: the SPARQL 1.1 Graph Store HTTP Protocol to upload,
the SPARQL 1.1 Protocol to count, and one SPARQL 1.1 Update request to switch. For each named graph of the
release (all five, or those chosen with ``--graph``):

1. its triples (read from the release's ``heg.trig``) are uploaded with a GSP ``PUT`` into a fresh staging
   graph ``{base}graph/staging/{run}/{name}``, which no reader queries;
2. the staging graph's triple count is checked against ``manifest.json``;
3. only when every staging graph is complete, one update request ``MOVE <staging> TO <live> ; ...`` moves
   them all into place. A store runs one update request as one transaction (Oxigraph, Jena TDB2/Fuseki;
   see docs/deploy.md for Virtuoso), so readers see the old release or the new one, never a mix;
4. the live graphs are counted again.

Any failure before step 3 leaves the live graphs exactly as they were (the staging graphs are dropped,
best effort). Network errors are retried with exponential backoff (urllib3 ``Retry``); the switch itself
is retried only when the request could not be sent (a lost answer to a ``MOVE`` must not be replayed).

Credentials come from the environment only: ``HEG_STORE_TOKEN`` (bearer), or ``HEG_STORE_USER`` and
``HEG_STORE_PASSWORD`` (basic, or digest with ``HEG_STORE_AUTH=digest``). A URL with credentials in it is
refused, and nothing here logs a header (:mod:`heg_core.store_client`, which the server uses too).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from heg_core.errors import ConfigError, HegError, ReleaseError
from heg_core.release import read_manifest
from heg_core.store_client import check_url, http_session, store_auth

log = logging.getLogger(__name__)

NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"


class PublishError(HegError):
    """The store could not be reached or refused the release; the live graphs are unchanged (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Layout:
    """Where a store kind puts its Graph Store, query and update services, relative to its base URL."""

    gsp: str
    query: str
    update: str


#: ``--kind`` -> service paths under ``--to`` (see docs/deploy.md for each store's configuration).
LAYOUTS: dict[str, Layout] = {
    "oxigraph": Layout(gsp="store", query="query", update="update"),
    "fuseki": Layout(gsp="data", query="query", update="update"),  # --to http://host:3030/DATASET
    "virtuoso": Layout(gsp="sparql-graph-crud-auth", query="sparql", update="sparql-auth"),
}


@dataclass(frozen=True)
class Endpoints:
    gsp: str
    query: str
    update: str

    @classmethod
    def of(cls, base: str, kind: str = "oxigraph", *, gsp: str | None = None, query: str | None = None,
           update: str | None = None) -> Endpoints:
        """The three services of a store at ``base`` laid out as ``kind``; explicit URLs win."""
        for url in (base, gsp, query, update):
            if url is not None:
                check_url(url)
        layout = LAYOUTS[kind]
        root = base.rstrip("/") + "/"
        return cls(gsp=gsp or root + layout.gsp, query=query or root + layout.query,
                   update=update or root + layout.update)


# --------------------------------------------------------------------------- publishing


@dataclass
class PublishReport:
    version: str
    graphs: dict[str, str]  # name -> live graph IRI
    triples: dict[str, int]  # name -> triples now in the live graph
    seconds: float = 0.0
    steps: list[str] = field(default_factory=list)


def release_graphs(release_dir: Path, manifest: Mapping[str, Any], names: Iterable[str]) -> dict[str, bytes]:
    """name -> the graph's triples as N-Triples, read from the release's ``heg.trig``."""
    import pyoxigraph as ox

    wanted = {manifest["graphs"][name]: name for name in names}
    lines: dict[str, list[str]] = {name: [] for name in wanted.values()}
    path = Path(release_dir) / "heg.trig"
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            graph = quad.graph_name
            name = wanted.get(graph.value) if isinstance(graph, ox.NamedNode) else None
            if name is not None:
                lines[name].append(f"{quad.subject} {quad.predicate} {quad.object} .\n")
    except (OSError, SyntaxError) as exc:
        raise ReleaseError(f"cannot read {path}: {exc}; rebuild the release with `heg build`") from None
    return {name: "".join(rows).encode("utf-8") for name, rows in lines.items()}


class Publisher:
    """One publish run against one store (see the module docstring for the steps)."""

    def __init__(self, endpoints: Endpoints, session: Any, *, timeout: float = 120.0,
                 switch_session: Any = None) -> None:
        self.endpoints = endpoints
        self.session = session
        self.switch_session = switch_session or session
        self.timeout = timeout

    # -- HTTP with clear failures
    def _call(self, session: Any, method: str, url: str, what: str, **kwargs: Any) -> Any:
        import requests

        try:
            response = session.request(method, url, timeout=(10, self.timeout), **kwargs)
        except requests.exceptions.RetryError as exc:
            raise PublishError(f"{what}: the store at {url} kept answering with an error status after "
                               f"retries ({_reason(exc)}); check the store's log and that it is not "
                               "overloaded, then run `heg publish` again") from None
        except requests.exceptions.RequestException as exc:
            raise PublishError(f"{what}: cannot reach the store at {url} ({_reason(exc)}), even after "
                               "retrying with backoff; check that the store is running and reachable from "
                               "here, and the URL given to --to") from None
        if response.status_code in (401, 403):
            raise PublishError(f"{what}: the store at {url} refused the request ({response.status_code}); "
                               "check HEG_STORE_USER/HEG_STORE_PASSWORD or HEG_STORE_TOKEN, and that this "
                               "account may write to the store")
        if response.status_code >= 300:
            raise PublishError(f"{what}: the store at {url} answered {response.status_code} "
                               f"{response.reason}: {_excerpt(response.text)}; check the store's log, and "
                               "the service URLs (--kind, --gsp-url, --query-url, --update-url)")
        return response

    def upload(self, graph_iri: str, body: bytes) -> None:
        self._call(self.session, "PUT", self.endpoints.gsp, f"uploading <{graph_iri}>",
                   params={"graph": graph_iri}, data=body, headers={"Content-Type": NTRIPLES})

    def count(self, graph_iri: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
        response = self._call(self.session, "GET", self.endpoints.query, f"counting <{graph_iri}>",
                              params={"query": query}, headers={"Accept": RESULTS_JSON})
        try:
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise PublishError(f"counting <{graph_iri}>: the store at {self.endpoints.query} did not answer "
                               f"with SPARQL JSON results ({_excerpt(response.text)}); check --query-url") from None

    def update(self, text: str, what: str, session: Any = None) -> None:
        self._call(session or self.session, "POST", self.endpoints.update, what, data=text.encode("utf-8"),
                   headers={"Content-Type": "application/sparql-update"})

    def drop(self, graph_iris: Iterable[str]) -> None:
        """Best effort: remove staging graphs after a failure (never the live ones)."""
        iris = list(graph_iris)
        if not iris:
            return
        try:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{iri}>" for iri in iris), "dropping staging graphs")
        except PublishError as exc:
            log.warning("could not drop the staging graphs %s: %s", ", ".join(iris), exc)

    # -- the run
    def publish(self, release_dir: Path, names: Iterable[str] | None = None,
                echo: Callable[[str], None] = log.info) -> PublishReport:
        started = time.monotonic()
        manifest = read_manifest(release_dir)
        names = list(names or manifest["graphs"])
        bodies = release_graphs(release_dir, manifest, names)
        run = secrets.token_hex(6)
        base = manifest["base_iri"]
        staging = {name: f"{base}graph/staging/{run}/{name}" for name in names}
        live = {name: manifest["graphs"][name] for name in names}
        report = PublishReport(version=manifest["version"], graphs=live, triples={})
        uploaded: list[str] = []
        switched = False
        try:
            for name in names:
                expected = int(manifest["triples"][name])
                uploaded.append(staging[name])
                self.upload(staging[name], bodies[name])
                found = self.count(staging[name])
                if found != expected:
                    raise PublishError(f"the store holds {found} triples in the staging copy of graph {name!r} "
                                       f"but the release has {expected}; the live graph was not touched. "
                                       "Check the store's log (a size limit, a parse problem) and retry")
                echo(f"  staged {name}: {found} triples in <{staging[name]}>")
            switch = " ;\n".join(f"MOVE <{staging[n]}> TO <{live[n]}>" for n in names)
            self.update(switch, "switching the live graphs", session=self.switch_session)
            switched = True
        finally:
            if not switched:
                self.drop(uploaded)
        for name in names:
            report.triples[name] = self.count(live[name])
            if report.triples[name] != int(manifest["triples"][name]):
                raise PublishError(f"after the switch the live graph {name!r} holds {report.triples[name]} "
                                   f"triples, not {manifest['triples'][name]}: something else wrote to it; "
                                   "run `heg publish` again")
        report.seconds = time.monotonic() - started
        return report


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, without URLs' query strings or headers."""
    inner: BaseException = exc
    while True:
        reason = getattr(inner, "reason", None)
        if isinstance(reason, BaseException) and reason is not inner:
            inner = reason
            continue
        if inner.args and isinstance(inner.args[0], BaseException) and inner.args[0] is not inner:
            inner = inner.args[0]
            continue
        break
    return f"{type(inner).__name__}: {inner}"


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def publish_release(release_dir: Path, endpoints: Endpoints, *, graphs: Iterable[str] | None = None,
                    retries: int = 5, backoff: float = 0.5, timeout: float = 120.0,
                    environ: Mapping[str, str] | None = None,
                    echo: Callable[[str], None] = log.info) -> PublishReport:
    """Load a release into the store at ``endpoints`` (see the module docstring)."""
    manifest = read_manifest(release_dir)
    unknown = [g for g in graphs or () if g not in manifest["graphs"]]
    if unknown:
        raise ConfigError(f"--graph {', '.join(unknown)}: not a graph of this release; its graphs are "
                          f"{', '.join(manifest['graphs'])} (names or IRIs)")
    auth = store_auth(environ)
    session = http_session(retries=retries, backoff=backoff, auth=auth)
    switch_session = http_session(retries=retries, backoff=backoff, auth=auth, retry_statuses=())
    try:
        return Publisher(endpoints, session, timeout=timeout, switch_session=switch_session).publish(
            Path(release_dir), graphs, echo)
    finally:
        session.close()
        switch_session.close()
