"""Hypothesis strategies for hostile HTTP requests, shared by tests/hardening/test_fuzz_app.py (a few
hundred, in CI) and benchmarks/fuzz.py (ten thousand and more): generated and mutated SPARQL, headers,
form bodies, IRIs and paths; and the one judgement of an answer (never a 500, never past the timeout,
always a body that parses as its declared media type)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from hypothesis import strategies as st

from .hardening import check_body

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/health-equity-guide/"


def _examples() -> list[str]:
    entries = yaml.safe_load((ROOT / "data" / "queries.yaml").read_text(encoding="utf-8"))
    return [e["query"] for e in entries if isinstance(e, dict) and e.get("query")]


SEED_QUERIES = _examples() + [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s a ?c }",
    "CONSTRUCT WHERE { ?s a <" + BASE + "ontology#CaseStudy> }",
    "DESCRIBE <" + BASE + "id/practice/2017/allocate-resources>",
    "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    'SELECT ?s { ?s ?p ?o FILTER(CONTAINS(STR(?o), "équité\\u0000")) } LIMIT 3',
]

#: pieces spliced into queries: keywords a policy must catch, delimiters, escapes, odd characters
FRAGMENTS = [
    "SERVICE <http://127.0.0.1:9/>", "SERVICE SILENT <http://[::1]:9/>", "FROM <http://127.0.0.1:9/g>",
    "FROM NAMED <file:///etc/passwd>", "LOAD <http://127.0.0.1:9/x>", "INSERT DATA { <a:a> <a:b> <a:c> }",
    "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "BASE <http://127.0.0.1:9/>", "PREFIX x: <http://127.0.0.1:9/>",
    "{", "}", "(", ")", "[", "]", "<", ">", '"', "'", '"""', "'''", "#", "\\", "\\u0053", "\\U00000041",
    "\x00", "\r\n", "\u2028", "\ufeff", "\udcff", "é", "𝔘", "?", "$", ".", ";", ",", "*", "a", "^^", "@en",
    "FILTER(", "OPTIONAL {", "UNION", "VALUES ?x { 1 2 }", "LIMIT 99999999999999999999", "OFFSET -1",
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "GRAPH ?g", "BIND(", "REGEX(?o, \"(a+)+$\")",
    "<" + BASE + "id/case-study/x>", "<javascript:alert(1)>", "</script><script>alert(1)</script>",
]

MEDIA_TYPES = [
    "*/*", "text/html", "application/xhtml+xml", "application/json", "application/sparql-results+json",
    "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "text/turtle",
    "application/n-triples", "application/ld+json", "application/rdf+xml", "application/n-quads",
    "application/trig", "text/plain", "image/png", "application/xml", "text/*", "application/*", "",
]

PATHS = [
    "/", "/sparql", "/practices", "/case-studies", "/resources", "/organizations", "/places", "/vocabularies",
    "/search", "/ontology", "/ontology.ttl", "/shapes", "/graph/data", "/graph/metadata.nt", "/downloads",
    "/downloads/latest/heg.ttl", "/downloads/latest/manifest.json", "/catalog", "/context.jsonld",
    "/.well-known/void", "/validation", "/id/practice/2017/allocate-resources", "/id/dataset",
    "/id/case-study/alameda-county-advances-equitable-housing-policies", "/static/site.css", "/favicon.ico",
]

HOSTILE_SEGMENTS = [
    "..", "%2e%2e", "%252e%252e", "..%2f", "..%5c", "..\\", "%00", "%0d%0a", "%ff%fe", "etc/passwd",
    "%2F", "~root", ".git", "latest", "heg.ttl%00.html", "%c0%ae%c0%ae", "\u202e", "%e2%80%ae", "a" * 300,
    "<script>", "%3Cscript%3E", "'\"", "id", "practice", "2017", "x.ttl", "x.html", "x.jsonld", "%",
]

ORIGINS = ["https://example.org", "null", "http://127.0.0.1", "javascript:alert(1)", "", "\u00e9"]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                 "multipart/form-data; boundary=x", "text/plain", "application/json", "",
                 "application/x-www-form-urlencoded; charset=latin-1", "application/sparql-query; charset=utf-16"]


@st.composite
def mutated_query(draw: Any) -> str:
    """A real query with fragments spliced in, characters dropped, or both; sometimes pure noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    text = draw(st.sampled_from(SEED_QUERIES))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 2))
        if action == 0:
            text = text[:position] + " " + draw(st.sampled_from(FRAGMENTS)) + " " + text[position:]
        elif action == 1:
            text = text[:position] + text[position + draw(st.integers(1, 20)):]
        else:
            text = text[:position] + draw(st.text(max_size=8)) + text[position:]
    return text


def _accept(draw: Any) -> str:
    parts = draw(st.lists(st.sampled_from(MEDIA_TYPES), max_size=4))
    out = []
    for part in parts:
        q = draw(st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=abc", ";q=-1", ";level=1", ";q=1.0000001"]))
        out.append(part + q)
    return ", ".join(out) if out else draw(st.sampled_from(["", "*/*", ",,,", ";;", "\x7f"]))


def _path(draw: Any) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(PATHS))
    head = draw(st.sampled_from(["/id/", "/downloads/", "/downloads/latest/", "/graph/", "/validation/",
                                 "/ontology/", "/static/", "/id/case-study/", "/"]))
    segments = draw(st.lists(st.sampled_from(HOSTILE_SEGMENTS) | st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), max_size=12), min_size=1, max_size=4))
    return head + "/".join(quote(s, safe="%\\.:~<>'\"") for s in segments)


@dataclass
class FuzzRequest:
    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@st.composite
def fuzz_request(draw: Any) -> FuzzRequest:
    kind = draw(st.sampled_from(["query-get", "query-form", "query-direct", "page", "page", "odd-method"]))
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["Accept"] = _accept(draw)
    if draw(st.integers(0, 3)) == 0:
        headers["If-None-Match"] = draw(st.sampled_from(['"x"', "*", 'W/"1"', '"' + "a" * 32 + '"', "", ',,"']))
    if draw(st.integers(0, 3)) == 0:
        headers["Origin"] = draw(st.sampled_from(ORIGINS))
    if draw(st.integers(0, 4)) == 0:
        headers["Accept-Encoding"] = draw(st.sampled_from(["gzip", "br;q=1, gzip;q=0", "*", "identity;q=0"]))
    params: list[tuple[str, str]] = []
    if draw(st.integers(0, 3)) == 0:
        params.append(("format", draw(st.sampled_from(["json", "csv", "xml", "turtle", "html", "jsonld", "x",
                                                       "text/csv", "application/xml", "", "../../etc"]))))
    if kind.startswith("query"):
        query = draw(mutated_query())
        if kind == "query-get":
            params.insert(0, ("query", query))
            if draw(st.integers(0, 5)) == 0:
                params.append(("default-graph-uri", draw(st.sampled_from([BASE + "graph/data", "http://127.0.0.1:9/",
                                                                           "", "\x00"]))))
            return FuzzRequest("GET", "/sparql", params, headers)
        if kind == "query-form":
            headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES[:1] * 4 + CONTENT_TYPES))
            from urllib.parse import urlencode

            fields = [("query", query)] + ([("update", query)] if draw(st.integers(0, 6)) == 0 else [])
            body = urlencode(fields, errors="surrogatepass").encode()
            if draw(st.integers(0, 4)) == 0:
                body = body + draw(st.binary(max_size=16))  # broken percent-encoding, stray bytes
            return FuzzRequest("POST", "/sparql", params, headers, body)
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES[1:2] * 4 + CONTENT_TYPES))
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
        body = query.encode(encoding, errors="replace") if encoding != "utf-8" else query.encode("utf-8", "surrogatepass")
        return FuzzRequest("POST", "/sparql", params, headers, body)
    path = _path(draw)
    if path == "/search" or draw(st.integers(0, 5)) == 0:
        params.append(("q", draw(st.text(max_size=60) | st.sampled_from(FRAGMENTS))))
    if path in ("/case-studies", "/resources"):
        for name in draw(st.lists(st.sampled_from(["practice", "topic", "level", "type", "page", "sort", "x"]),
                                  max_size=3)):
            params.append((name, draw(st.text(max_size=20) | st.sampled_from(HOSTILE_SEGMENTS))))
    if path == "/sparql" and draw(st.booleans()):
        params.append(("example", draw(st.sampled_from(["key-actions-of-a-practice", "nope", "<b>", ""]))))
    method = "GET" if kind == "page" else draw(st.sampled_from(["HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]))
    return FuzzRequest(method, path, params, headers)


@dataclass
class Verdict:
    status: int
    seconds: float
    problems: list[str]


def send(client: Any, request: FuzzRequest, timeout: float) -> Verdict:
    """Send through Flask's test client and judge the answer."""
    started = time.monotonic()
    # the path goes in as a WSGI server puts it (percent-decoded bytes as latin-1), not through the test
    # client's URL parser, which would read "//host:port" out of a hostile path
    from urllib.parse import unquote_to_bytes

    raw = request.path
    from urllib.parse import urlencode

    query_string = urlencode(request.params, errors="surrogatepass")  # a lone surrogate: bytes that are not UTF-8
    response = client.open("/", method=request.method, query_string=query_string, headers=request.headers,
                           data=request.body, environ_overrides={
                               "PATH_INFO": unquote_to_bytes(raw).decode("latin-1"), "RAW_URI": raw,
                               "REQUEST_URI": raw})
    body = response.get_data()
    seconds = time.monotonic() - started
    problems = []
    if response.status_code >= 500 and response.status_code not in (503, 504):
        problems.append(f"status {response.status_code}: {body[:300]!r}")
    if seconds > timeout + 5:
        problems.append(f"took {seconds:.1f} s (timeout {timeout} s)")
    if request.method != "HEAD" and response.status_code not in (204, 304):
        try:
            if response.headers.get("Content-Encoding") == "gzip":
                import gzip

                body = gzip.decompress(body)
            check_body(response.headers.get("Content-Type", ""), body)
        except Exception as exc:  # noqa: BLE001  any parse failure is the finding
            problems.append(f"body is not {response.headers.get('Content-Type')}: {type(exc).__name__}: {exc}")
    for name in ("X-Content-Type-Options", "Content-Security-Policy"):
        if name not in response.headers:
            problems.append(f"no {name} header")
    response.close()
    return Verdict(response.status_code, seconds, problems)
