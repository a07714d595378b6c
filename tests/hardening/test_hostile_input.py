"""Hostile input through Flask's test client: traversal, bad encodings, control characters, obfuscated
SERVICE/FROM/LOAD aimed at a loopback listener, oversized bodies; security headers; the rate limit; and
damaged releases at start-up."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from support.hardening import Listener, check_body

from graph_builder.release import ReleaseOutcome
from sparql_endpoint import create_app
from sparql_endpoint.http.hardening import RateLimiter, bucket_key, client_address


def _raw(client: Any, path: str, **kwargs: Any) -> Any:
    """A request whose path reaches the app as a WSGI server would pass it (percent-decoded, latin-1)."""
    return client.get("/", environ_overrides={"PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
                                              "RAW_URI": path}, **kwargs)


TRAVERSALS = [
    "/downloads/latest/../../../../etc/passwd", "/downloads/latest/..%2f..%2f..%2fetc%2fpasswd",
    "/downloads/latest/%2e%2e/%2e%2e/etc/passwd", "/downloads/latest/%252e%252e%252fetc%252fpasswd",
    "/downloads/..%5c..%5cetc%5cpasswd/heg.ttl", "/downloads/latest/..\\..\\manifest.json",
    "/downloads/latest/heg.ttl%00.html", "/downloads/%2e%2e/manifest.json", "/downloads/latest/store/CURRENT",
    "/downloads/latest//etc/passwd", "/downloads/latest/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/id/../../../etc/passwd", "/id/practice/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/id/%00", "/id/a%0d%0aX-Injected:%201",
    "/id/practice/2017/allocate-resources%3E%20%3Chttp://127.0.0.1/%3E", "/id/practice\\..\\..\\x",
    "/static/../../sparql_endpoint/config.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/validation/..%2f..",
    "/graph/..%2fdata", "/ontology/..%2f..%2fetc", "/id/%e2%80%ae/x", "/id/x%7F%01%1b[31m",
]

MERGED_SLASHES = {"/downloads/latest//etc/passwd": "/downloads/latest/etc/passwd"}


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_and_control_characters_in_paths_reach_nothing(hard_client: Any, path: str) -> None:
    for accept in ("text/html", "text/turtle", "application/json"):
        response = _raw(hard_client, path, headers={"Accept": accept})
        assert response.status_code == (308 if path in MERGED_SLASHES else 404), (path, response.status_code)
        if path in MERGED_SLASHES:  # Werkzeug redirects to the path with the slashes merged, itself a 404
            assert response.headers["Location"] == "http://localhost" + MERGED_SLASHES[path]
        body = response.get_data()
        assert b"root:" not in body and b"[project]" not in body and b"SETTINGS" not in body
        check_body(response.headers["Content-Type"], body)
        for name, value in response.headers.items():
            assert "\r" not in value and "\n" not in value and "X-Injected" not in name


BAD_ENCODINGS = [  # (method, path, request arguments, the status expected)
    pytest.param("GET", "/sparql", {"environ_overrides": {"QUERY_STRING": "query=%FF%FE"}}, 400, id="sparql-get"),
    pytest.param("POST", "/sparql", {"data": b"query=%C3%28", "content_type": "application/x-www-form-urlencoded"},
                 400, id="sparql-form"),
    pytest.param("POST", "/sparql", {"data": b"\xff\xfeS\x00E\x00", "content_type": "application/sparql-query"},
                 400, id="sparql-direct-bytes"),
    pytest.param("POST", "/sparql", {"data": "SELECT * {}".encode("utf-16"), "content_type": "application/sparql-query"},
                 400, id="sparql-direct-utf16"),
    # Werkzeug keeps an undecodable byte of a page's query string percent-encoded: a search for the text "%FF"
    pytest.param("GET", "/search", {"environ_overrides": {"QUERY_STRING": "q=%FF"}}, 200, id="search"),
    # likewise "%C0%80", which is then not a valid topic filter
    pytest.param("GET", "/case-studies", {"environ_overrides": {"QUERY_STRING": "topic=%C0%80"}}, 400, id="listing"),
    pytest.param("GET", "/sparql", {"environ_overrides": {"QUERY_STRING": "query=ASK%7B%7D&format=%FF"}}, 400,
                 id="sparql-format"),
]


@pytest.mark.parametrize("method, path, arguments, status", BAD_ENCODINGS)
def test_bad_encodings_are_400_not_500(hard_client: Any, method: str, path: str, arguments: dict[str, Any],
                                       status: int) -> None:
    response = hard_client.open(path, method=method, **arguments)
    assert response.status_code == status, (response.status_code, response.get_data()[:200])
    check_body(response.headers["Content-Type"], response.get_data())


def test_oversized_bodies_and_query_strings_are_413(hard_app: Any, hard_client: Any) -> None:
    limit = hard_app.config["MAX_REQUEST_BYTES"]
    big = "SELECT * { ?s ?p ?o } #" + "x" * limit
    assert hard_client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    assert hard_client.post("/sparql", data={"query": big}).status_code == 413
    assert hard_client.get("/sparql", query_string={"query": big}).status_code == 413


OBFUSCATED = [
    "SeRvIcE <{url}>", "SERVICE#comment\n<{url}>", "SERVICE SILENT\t<{url}>", "service <{v6}>",
    "SERVICE <http://127.1:{port}/>", "SERVICE <http://2130706433:{port}/>", "SERVICE <http://localhost:{port}/>",
    "SERVICE <http://\\u0031\\u0032\\u0037.0.0.1:{port}/>", "SERVICE <http://0x7f.0.0.1:{port}/>",
]


def test_obfuscated_service_from_and_load_never_connect(make_app) -> None:
    """Extends tests/endpoint/test_ssrf.py: spellings that a naive check misses, with the worker's network
    sandbox off so that the policy alone must refuse them."""
    listener = Listener()
    app = make_app(QUERY_TIMEOUT=5, WORKER_SANDBOX=False)
    try:
        client = app.test_client()
        url, port = f"http://127.0.0.1:{listener.port}/", listener.port
        v6 = f"http://[::1]:{port}/"
        queries = [(f"SELECT * {{ {form.format(url=url, v6=v6, port=port)} {{ ?s ?p ?o }} }}", 400)
                   for form in OBFUSCATED]  # each: SERVICE not allowed
        queries += [  # (query, the status expected)
            (f"BASE <{url}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}", 400),
            (f"PREFIX : <{url}> SELECT * {{ SERVICE :x {{ ?s ?p ?o }} }}", 400),
            (f"PREFIX : <{url}> PREFIX : <http://example.org/> SELECT * {{ SERVICE :x {{ ?s ?p ?o }} }}", 400),
            (f"SELECT * FROM <{url}g> FROM <{url}h> {{ ?s ?p ?o }}", 200),  # not graphs here: empty, never fetched
            (f"SELECT * FROM NAMED <{url}g> {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),  # likewise
            (f"SELECT * WHERE {{ GRAPH <{url}g> {{ ?s ?p ?o }} }} # FROM is not needed to name a graph", 200),
            (f"SELECT * {{ ?s ?p ?o }} VALUES ?x {{ <{url}> }} ; LOAD <{url}x>", 403),  # an update: read-only
            (f"DESCRIBE <{url}>", 200),  # an IRI that names nothing here, not a request
            (f"CONSTRUCT {{ ?s ?p ?o }} FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}", 200),  # empty, never fetched
        ]
        for query, status in queries:
            for response in (client.get("/sparql", query_string={"query": query}),
                             client.post("/sparql", data=query, content_type="application/sparql-query")):
                assert response.status_code == status, (query, response.status_code)
        listener.settle(1.0)
        assert listener.connections == 0
    finally:
        listener.close()


PAGES = ["/", "/sparql", "/practices", "/case-studies", "/id/dataset", "/downloads", "/ontology", "/nope"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_pages_and_errors(hard_client: Any, path: str) -> None:
    response = hard_client.get(path, headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0]  # never for scripts
    if path != "/sparql":
        assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_that_the_policy_would_block(hard_client: Any) -> None:
    for path in PAGES:
        response = hard_client.get(path, headers={"Accept": "text/html"})
        check_body(response.headers["Content-Type"], response.get_data())  # no inline executable script


# --------------------------------------------------------------------------- rate limit


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    limiter = RateLimiter(rate=2, burst=3, max_clients=2)
    assert [limiter.take("a", now=0) for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a", now=0) == pytest.approx(0.5)
    assert limiter.take("a", now=0.5) == 0
    limiter.take("b", now=1)
    limiter.take("c", now=1)
    assert len(limiter) == 2  # bounded: the longest-idle client is forgotten


def test_client_address_believes_the_proxy_header_only_when_configured_and_from_a_trusted_peer() -> None:
    off = {"TRUSTED_PROXY_HEADER": "", "TRUSTED_PROXIES": ("127.0.0.1",)}
    on = {"TRUSTED_PROXY_HEADER": "X-Forwarded-For", "TRUSTED_PROXIES": ("127.0.0.1", "10.0.0.0/8")}
    spoof = {"X-Forwarded-For": "203.0.113.9"}
    assert client_address(off, "127.0.0.1", spoof) == "127.0.0.1"
    assert client_address(on, "198.51.100.7", spoof) == "198.51.100.7"  # not a trusted proxy
    assert client_address(on, "10.1.2.3", {"X-Forwarded-For": "1.1.1.1, 203.0.113.9"}) == "203.0.113.9"
    assert client_address(on, "127.0.0.1", {"X-Forwarded-For": "garbage"}) == "127.0.0.1"
    assert client_address(on, "127.0.0.1", {"X-Forwarded-For": "[2001:db8::1]:443"}) == "2001:db8::1"
    assert bucket_key("2001:db8::1") == bucket_key("2001:db8::ffff") == "2001:db8::/64"
    assert bucket_key("::ffff:192.0.2.1") == "192.0.2.1"


def test_429_with_retry_after_beyond_the_limit_and_loopback_exempt_by_default(make_app) -> None:
    app = make_app(RATE_LIMIT=1, RATE_LIMIT_BURST=3)
    client = app.test_client()
    remote = {"REMOTE_ADDR": "198.51.100.7"}
    statuses = [client.get("/sparql", query_string={"query": "ASK {}"}, environ_overrides=remote).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/", environ_overrides=remote, headers={"Accept": "application/json"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert json.loads(refused.get_data())["error"]["title"] == "Too Many Requests"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get("/", environ_overrides={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 200  # per client
    assert all(client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200 for _ in range(10))


@pytest.mark.parametrize("setting, value", [("RATE_LIMIT", "-1"), ("RATE_LIMIT_BURST", "0"),
                                            ("TRUSTED_PROXY_HEADER", "X Forwarded"), ("TRUSTED_PROXIES", "nope"),
                                            ("CONTENT_SECURITY_POLICY", "a\r\nb"), ("LIMIT_REQUEST_LINE", "99999"),
                                            ("CLIENT_HEADER_TIMEOUT", "0"), ("KEEPALIVE", "x")])
def test_bad_hardening_settings_stop_start_up_naming_the_setting(release: ReleaseOutcome, setting: str,
                                                                  value: str) -> None:
    from sparql_endpoint.errors import ConfigError

    with pytest.raises(ConfigError, match=setting):
        create_app({"RELEASE_DIR": str(release.path)}, environ={"HEG_" + setting: value})


# --------------------------------------------------------------------------- damaged releases at start-up


def _damage(release: Path, target: Path, how: str) -> str:
    shutil.copytree(release, target, symlinks=True)
    manifest = target / "manifest.json"
    store = target / "store"
    if how == "manifest-missing":
        manifest.unlink()
        return "manifest.json"
    if how == "manifest-garbage":
        manifest.write_bytes(b"\x00{not json")
        return "manifest.json"
    if how == "manifest-list":
        manifest.write_text("[]")
        return "manifest.json"
    if how == "manifest-bad-triples":
        data = json.loads(manifest.read_text())
        data["triples"] = "many"
        manifest.write_text(json.dumps(data))
        return "manifest.json"
    if how == "manifest-store-escape":
        data = json.loads(manifest.read_text())
        data["store"] = "../../elsewhere"
        manifest.write_text(json.dumps(data))
        return "manifest.json"
    if how == "store-missing":
        shutil.rmtree(store)
        return "store"
    if how == "store-current-missing":
        (store / "CURRENT").unlink()
        return "CURRENT"
    if how == "store-sst-truncated":
        sst = max(store.glob("*.sst"))
        sst.write_bytes(sst.read_bytes()[:100])
        return sst.name
    raise AssertionError(how)


DAMAGES = ["manifest-missing", "manifest-garbage", "manifest-list", "manifest-bad-triples", "manifest-store-escape",
           "store-missing", "store-current-missing", "store-sst-truncated"]


def test_a_damaged_release_stops_heg_serve_with_exit_2_naming_the_file(release: ReleaseOutcome,
                                                                        tmp_path: Path) -> None:
    for how in DAMAGES:
        named = _damage(release.path, tmp_path / how, how)
        result = subprocess.run([sys.executable, "-m", "sparql_endpoint", "--release", str(tmp_path / how),
                                 "--port", "9"], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 2, (how, result.stderr[-500:])
        assert named in result.stderr and "Traceback" not in result.stderr, (how, result.stderr)


def test_a_release_name_longer_than_the_filesystem_allows_is_404_not_500(hard_client: Any) -> None:
    """Found by benchmarks/fuzz.py: /downloads/<300 characters>/x raised ENAMETOOLONG (500)."""
    for path in ("/downloads/" + "a" * 300 + "/heg.ttl", "/validation/" + "b" * 300,
                 "/downloads/" + "c" * 99 + "/heg.ttl"):
        response = hard_client.get(path)
        assert response.status_code == 404, path
