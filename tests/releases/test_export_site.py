"""``heg export-site``: the site of a release as static files, served by a plain static file server that
follows the generated nginx rules (support.static_site reads them from nginx.conf), crawled, and compared
with what the application serves for the same release: the same bytes and Content-Type for every page and
every representation, apart from the links to the SPARQL endpoint, which point at the configured one."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import requests
from support.series import ADDED, KEPT, SECOND, THIRD

from sparql_endpoint.export.site import EXPORT_SETTINGS, export_site
from sparql_endpoint.http.negotiation import RESOURCE_FORMATS
from support.apps import TEST_SETTINGS, app_factory
from support.serving import free_port
from support.static_site import static_site

ENDPOINT = "https://query.example.org/sparql"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def exported(series: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The third release exported for http://127.0.0.1:PORT/, served there, and the app to compare with."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("export") / "site"
    export_site(series / "latest", out, base_url=base, endpoint=ENDPOINT, environ={})
    with app_factory(TEST_SETTINGS) as make, static_site(out / "nginx.conf", port) as served:
        app = make(RELEASE_DIR=str(series / "latest"), **EXPORT_SETTINGS)
        yield {"out": out, "base": base, "static": served, "live": app.test_client(),
               "files": json.loads((out / "files.json").read_text(encoding="utf-8"))}


def live(exported: dict, path: str, accept: str | None = None):
    return exported["live"].get(path, base_url=exported["base"], headers={"Accept": accept} if accept else {})


def endpoint_links(body: bytes) -> bytes:
    """The live page as the export should have it: links and forms to /sparql go to the endpoint."""
    return re.sub(rb'((?:href|action)=")/sparql(?=[?"])', lambda m: m.group(1) + ENDPOINT.encode(), body)


def same(exported: dict, path: str, accept: str | None = None) -> None:
    headers = {"Accept": accept} if accept else {}
    static = requests.get(exported["static"] + path, headers=headers, timeout=10)
    answer = live(exported, path, accept)
    assert static.status_code == answer.status_code == 200, path
    assert static.headers["Content-Type"] == answer.headers["Content-Type"], (path, accept)
    expected = endpoint_links(answer.data) if answer.headers["Content-Type"].startswith("text/html") else answer.data
    assert static.content == expected, (path, accept)


def test_every_exported_file_is_what_the_server_answers(exported: dict) -> None:
    files = exported["files"]["files"]
    assert len(files) > 100
    for item in files:
        on_disk = (exported["out"] / item["file"]).read_bytes()
        assert hashlib.sha256(on_disk).hexdigest() == item["sha256"] and len(on_disk) == item["bytes"]
        if item["url"] in ("/sparql", "/search") or item["url"].endswith("/sparql") or "reconcile" in item["url"]:
            continue
        accept = item["media_type"].split(";")[0]
        same(exported, item["url"], accept)


def test_every_iri_in_every_format_by_negotiation_and_suffix(exported: dict) -> None:
    iris = [p for p in (KEPT, "/id/dataset", f"/id/release/{THIRD}", "/ontology", "/catalog", "/releases/",
                        f"/releases/{THIRD}{KEPT}")]
    for path in iris:
        same(exported, path)
        same(exported, path, BROWSER)
        for fmt in RESOURCE_FORMATS:
            for accepted in fmt.accepted:
                same(exported, path, accepted)
    for fmt in RESOURCE_FORMATS:
        same(exported, f"{KEPT}.{fmt.extension}")


def test_a_crawl_of_the_static_copy_matches_the_server(exported: dict) -> None:
    """Follow every link of the static copy from its home page: each answers as the server does."""
    static = exported["static"]
    queue, seen, pages = deque(["/"]), set(), 0
    not_exported = {item["url"] for item in exported["files"]["not_exported"]}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = requests.get(static + path, timeout=10)
        if path in not_exported:
            assert response.status_code == 404
            continue
        assert response.status_code == 200, path
        if path.rstrip("/").endswith(("/sparql", "/search")):
            assert b"This page needs a server" in response.content and ENDPOINT.encode() in response.content
            continue
        same(exported, path)
        if not response.headers["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        for href in re.findall(r'(?:href|src)="([^"]+)"', response.text):
            url, _ = urldefrag(urljoin(static + path, href.replace("&amp;", "&")))
            split = urlsplit(url)
            if url.startswith(static) and not split.query:
                queue.append(split.path)
    assert pages > 20 and f"/releases/{THIRD}/" in seen and KEPT in seen


def test_endpoint_links_point_at_the_configured_endpoint(exported: dict) -> None:
    home = requests.get(exported["static"] + "/", timeout=10).text
    assert f'href="{ENDPOINT}"' in home and 'href="/sparql' not in home
    assert 'href="/sparql"' in live(exported, "/").get_data(as_text=True)


def test_the_configuration_and_the_list(exported: dict) -> None:
    out = exported["out"]
    nginx = (out / "nginx.conf").read_text(encoding="utf-8")
    assert f"root {out.resolve()};" in nginx and "try_files" in nginx
    htaccess = (out / ".htaccess").read_text(encoding="utf-8")
    for fmt in RESOURCE_FORMATS:
        assert f"AddType {fmt.media_type} .{fmt.extension}" in htaccess
        assert f"RewriteRule ^ %{{REQUEST_URI}}.{fmt.extension} [L]" in htaccess
    listing = exported["files"]
    assert listing["release"] == THIRD and listing["endpoint"] == ENDPOINT
    assert {c["file"] for c in listing["configuration"]} == {"nginx.conf", ".htaccess"}
    for config in listing["configuration"]:
        assert hashlib.sha256((out / config["file"]).read_bytes()).hexdigest() == config["sha256"]
    names = {item["file"] for item in listing["files"]}
    for expected in ("index.html", "releases/index.html", "releases/index.ttl", "releases.ttl",
                     f"id{KEPT[3:]}.html", f"id{KEPT[3:]}.jsonld", f"releases/{THIRD}{KEPT}.nt",
                     "context.jsonld", ".well-known/void.ttl", f"downloads/{THIRD}/heg.trig", "sparql.html"):
        assert expected in names, expected
    assert f"id{ADDED[3:]}.html" not in names  # not in the exported release


def test_the_command(series: Path, tmp_path: Path) -> None:
    heg = [str(Path(sys.executable).with_name("heg")), "export-site"]
    out = tmp_path / "copy"
    done = subprocess.run([*heg, str(out), "--releases-dir", str(series), "--release", "1999.1.0"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "no release '1999.1.0'" in done.stderr
    (out / "keep.txt").parent.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    refused = subprocess.run([*heg, str(out), "--releases-dir", str(series)], capture_output=True, text=True,
                             check=False)
    assert refused.returncode == 2 and "not an empty folder" in refused.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    older = tmp_path / "older"
    done = subprocess.run([*heg, str(older), "--releases-dir", str(series), "--release", SECOND],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    listing = json.loads((older / "files.json").read_text(encoding="utf-8"))
    names = {item["file"] for item in listing["files"]}
    assert listing["release"] == SECOND and listing["endpoint"] == ""
    assert f"id{ADDED[3:]}.ttl" in names and f"releases/{SECOND}{ADDED}.ttl" in names  # this release's record
    assert 'href="/sparql"' in (older / "index.html").read_text(encoding="utf-8")  # no endpoint: the page saying so
    assert "No endpoint is configured" in (older / "sparql.html").read_text(encoding="utf-8")
