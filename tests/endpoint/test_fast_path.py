"""The fast path (sparql_endpoint/fastpath.py): a response replayed in front of Flask is the response the
full stack gives, byte for byte (status, every header in order, body), for SPARQL answers, 304s, HEADs,
pages, dereferenced RDF, downloads and static files; the rate limit and the log line still apply to each
replay; what may not be kept (POSTs, errors, 429s) never is."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from werkzeug.test import Client

from graph_builder.release import ReleaseOutcome
from sparql_endpoint.app import FAST_PATH

PREFIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
LABELS = PREFIX + "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label"
PRACTICE = "/id/practice/2017/allocate-resources"


def _requests(version: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, URL, headers) of every kind of answer the fast path replays."""
    def sparql(query: str, **params: str) -> str:
        return "/sparql?" + urllib.parse.urlencode({"query": query, **params})

    return [
        ("GET", sparql(LABELS + " LIMIT 7"), {"Accept": "application/sparql-results+json"}),
        ("GET", sparql(LABELS), {"Accept": "text/csv"}),  # cut at MAX_ROWS: X-Result-Capped
        ("GET", sparql("ASK { ?s ?p ?o }", format="xml"), {}),  # Content-Location
        ("GET", sparql(PREFIX + "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l } LIMIT 5"),
         {"Accept": "text/turtle"}),
        ("HEAD", sparql(LABELS + " LIMIT 3"), {"Accept": "text/tab-separated-values"}),
        ("GET", "/sparql", {"Accept": "text/html"}),  # the query page
        ("GET", "/sparql", {"Accept": "text/turtle"}),  # the Service Description
        ("GET", "/", {"Accept": "text/html"}),
        ("GET", PRACTICE, {"Accept": "text/html"}),  # an entity page
        ("GET", PRACTICE, {"Accept": "text/turtle"}),  # dereferenced RDF
        ("GET", PRACTICE, {"Accept": "application/ld+json", "Origin": "https://example.org"}),
        ("GET", f"/downloads/{version}/heg.ttl", {}),
        ("GET", "/static/site.css", {}),
    ]


def _exchange(client: Any, method: str, url: str, headers: dict[str, str]) -> tuple[str, list[tuple[str, str]], bytes]:
    response = client.open(url, method=method, headers=headers)
    return response.status, response.headers.to_wsgi_list(), response.get_data()


def test_replayed_answers_are_byte_identical_to_the_full_stack(make_app, release: ReleaseOutcome) -> None:
    app = make_app(release.path, MAX_ROWS=20)
    fast = app.test_client()
    memo = app.extensions[FAST_PATH].memo
    # the same app without the fast path in front: Flask's own WSGI callable, as the fast path calls it
    slow = Client(app.extensions[FAST_PATH].app, app.response_class)
    for method, url, headers in _requests(release.version):
        first = _exchange(fast, method, url, headers)
        assert first[0].startswith(("200", "304")), (url, first[0])
        hits = memo.hits
        replayed = _exchange(fast, method, url, headers)
        assert memo.hits == hits + 1, f"{method} {url} was not replayed"
        assert replayed == first == _exchange(slow, method, url, headers), url
        etag = dict(first[1]).get("ETag")
        if etag and method == "GET":  # the revalidation: a 304 through either path, identical
            conditional = {**headers, "If-None-Match": etag}
            first_304 = _exchange(fast, method, url, conditional)
            assert first_304[0].startswith("304") and first_304[2] == b"", url
            assert _exchange(fast, method, url, conditional) == first_304 == _exchange(slow, method, url, conditional)
    assert dict(_exchange(fast, *_requests(release.version)[1])[1])["X-Result-Capped"] == "20"


def test_what_may_not_be_kept_never_is(make_app, release: ReleaseOutcome) -> None:
    app = make_app(release.path)
    client, memo = app.test_client(), app.extensions[FAST_PATH].memo
    for _ in range(2):
        assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200
        assert client.get("/sparql", query_string={"query": "SELECT"}).status_code == 400
        assert client.get("/id/practice/no-such-practice").status_code == 404
        assert client.get(f"/downloads/{release.version}/heg.nt", headers={"Range": "bytes=0-9"}).status_code == 206
    assert len(memo) == 0 and memo.hits == 0
    # a user agent, cookies or the connection's headers do not make a request new
    client.get(PRACTICE, headers={"User-Agent": "a", "Accept": "text/turtle"})
    client.get(PRACTICE, headers={"User-Agent": "b", "Cookie": "x=1", "Accept": "text/turtle"})
    assert (len(memo), memo.hits) == (1, 1)
    # a header a view could read does
    client.get(PRACTICE, headers={"Accept": "text/turtle", "Accept-Language": "fr"})
    assert len(memo) == 2


def test_a_replay_is_rate_limited_and_logged_like_the_full_stack(make_app, release: ReleaseOutcome, caplog) -> None:
    app = make_app(release.path, RATE_LIMIT=0.01, RATE_LIMIT_BURST=3, RATE_LIMIT_LOOPBACK=True)
    client = app.test_client()
    caplog.set_level(logging.INFO, logger="sparql_endpoint.query")
    url = "/sparql?" + urllib.parse.urlencode({"query": LABELS + " LIMIT 2"})
    statuses = [client.get(url).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]  # one token per request, the replays' too
    refused = client.get(url)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1 and b"Too Many Requests" in refused.data
    lines = [r.getMessage() for r in caplog.records if r.name == "sparql_endpoint.query"]
    assert [line.rsplit("cache=", 1)[1] for line in lines[:3]] == ["miss", "fast", "fast"]
    assert all("rows=2" in line and "status=200" in line for line in lines[:3])
    assert len({line.split()[1] for line in lines}) == 1  # the same query hash on both paths
    other_client = client.get(url, environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other_client.status_code == 200  # the limit is per client, replays included
