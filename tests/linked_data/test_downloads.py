"""Downloads and dataset metadata: every file of every release listed and served byte for byte, dumps
that parse back to the release's graph (rdflib, pyoxigraph, pyld), latest aliases, immutable caching,
gzip, 304, CORS, and no path outside the releases directory."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from support.linked_data import BASE
from pyld import jsonld
from rdflib.compare import isomorphic

from sparql_endpoint.errors import ConfigError


def manifest(release) -> dict:
    return json.loads((release.path / "manifest.json").read_text())


def test_downloads_lists_every_file_with_size_checksum_media_type_and_license(client, release) -> None:
    page = client.get("/downloads").get_data(as_text=True)
    files = manifest(release)["files"]
    assert len(files) >= 10
    for f in files + [{"path": "manifest.json"}, {"path": "SHA256SUMS"}]:
        assert f'/downloads/{release.version}/{f["path"]}"' in page, f["path"]
        if "sha256" in f:
            assert f["sha256"] in page and f">{f['bytes']}<" in page and f["media_type"] in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page


def test_every_listed_file_is_served_byte_for_byte(client, release) -> None:
    for f in manifest(release)["files"] + [{"path": "manifest.json"}, {"path": "SHA256SUMS"}]:
        response = client.get(f"/downloads/{release.version}/{f['path']}", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, f["path"]
        assert response.data == (release.path / f["path"]).read_bytes()
        if "sha256" in f:
            assert hashlib.sha256(response.data).hexdigest() == f["sha256"]
            assert response.mimetype == f["media_type"].split(";")[0]
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Encoding" not in response.headers


def test_latest_aliases_the_newest_release(client, release) -> None:
    alias = client.get("/downloads/latest/heg.ttl", headers={"Accept-Encoding": "identity"})
    assert alias.status_code == 200 and alias.data == (release.path / "heg.ttl").read_bytes()
    assert alias.headers["Content-Location"] == f"/downloads/{release.version}/heg.ttl"
    assert "immutable" not in alias.headers["Cache-Control"]


def test_gzip_for_clients_that_accept_it(client, release) -> None:
    response = client.get(f"/downloads/{release.version}/heg.nt", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip" and response.mimetype == "application/n-triples"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < (release.path / "heg.nt").stat().st_size / 4
    assert gzip.decompress(response.data) == (release.path / "heg.nt").read_bytes()
    direct = client.get(f"/downloads/{release.version}/heg.nt.gz")
    assert direct.mimetype == "application/gzip" and "Content-Encoding" not in direct.headers


def test_downloads_answer_304(client, release) -> None:
    url = f"/downloads/{release.version}/heg.ttl"
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(url, headers={"Accept-Encoding": "identity",
                                    "If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"Accept-Encoding": "identity",
                                    "If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    listing = client.get("/downloads")
    assert client.get("/downloads", headers={"If-None-Match": listing.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", [
    "/downloads/{v}/../../../../etc/passwd", "/downloads/{v}/..%2f..%2f..%2fetc%2fpasswd",
    "/downloads/..%2f..%2f/etc/passwd", "/downloads/{v}/store/CURRENT", "/downloads/{v}/%2e%2e/{v}/heg.ttl",
    "/downloads/..%2F{v}/heg.ttl", "/downloads/{v}/%2Fetc%2Fpasswd", "/downloads/{v}//etc/passwd",
    "/downloads/latest/../../manifest.json", "/downloads/{v}/heg.ttl%00.txt", "/downloads/.staging-x/heg.ttl",
    "/downloads/{v}/.lock", "/downloads/nope/heg.ttl", "/downloads/{v}/nope.ttl", "/downloads/latest/store",
])
def test_no_path_outside_the_listed_files_is_ever_served(client, release, path: str) -> None:
    response = client.get(path.format(v=release.version), follow_redirects=True)  # // is merged by a 308
    assert response.status_code == 404, (path, response.status_code)
    assert all(urlsplit(r.headers["Location"]).path.startswith("/downloads/") for r in response.history)
    assert b"root:" not in response.data


def test_releases_dir_is_checked_at_start_up(make_app, release, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="RELEASES_DIR"):
        make_app(release.path, RELEASES_DIR=str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="not inside"):
        make_app(release.path, RELEASES_DIR=str(tmp_path))


def test_downloads_list_every_release_of_the_directory(make_app, pipeline_result, tmp_path: Path) -> None:
    from graph_builder.release import write_release

    first = write_release(pipeline_result, tmp_path, version="2099.1.0")
    second = write_release(pipeline_result, tmp_path, version="2099.2.0")
    app = make_app(first.path)
    client = app.test_client()
    page = client.get("/downloads").get_data(as_text=True)
    assert "Release 2099.1.0" in page and "Release 2099.2.0 (latest)" in page
    assert client.get("/downloads/2099.2.0/heg.ttl").status_code == 200
    assert client.get("/downloads/latest/manifest.json").headers["Content-Location"] \
        == "/downloads/2099.2.0/manifest.json"
    assert second.path.parent == first.path.parent


# --------------------------------------------------------------------------- dumps parse back

def _served(client, release, name: str) -> bytes:
    return client.get(f"/downloads/{release.version}/{name}", headers={"Accept-Encoding": "identity"}).data


def _quads(data: bytes, fmt: ox.RdfFormat) -> set:
    return {(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)}


def test_data_dumps_are_isomorphic_to_the_release_in_rdflib_and_pyoxigraph(client, release, pipeline_result) -> None:
    expected = pipeline_result.data
    store = ox.Store.read_only(str(release.path / "store"))
    in_store = {(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, ox.NamedNode(BASE + "graph/data"))}
    assert len(in_store) == len(expected)
    for name, rdflib_format, ox_format in [("heg.ttl", "turtle", ox.RdfFormat.TURTLE),
                                           ("heg.nt", "nt", ox.RdfFormat.N_TRIPLES),
                                           ("heg.jsonld", "json-ld", ox.RdfFormat.JSON_LD)]:
        body = _served(client, release, name)
        assert isomorphic(rdflib.Graph().parse(data=body, format=rdflib_format), expected), name
        assert _quads(body, ox_format) == in_store, name
        assert gzip.decompress(_served(client, release, name + ".gz")) == body


def test_jsonld_dump_expands_with_pyld_to_the_same_graph(client, release) -> None:
    document = json.loads(_served(client, release, "heg.jsonld"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld = {(q.subject, q.predicate, q.object) for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    assert from_pyld == _quads(_served(client, release, "heg.nt"), ox.RdfFormat.N_TRIPLES)


def test_trig_dump_holds_every_graph_of_the_release(client, release, pipeline_result) -> None:
    body = _served(client, release, "heg.trig")
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="trig")
    graphs = manifest(release)["graphs"]
    expected = {"data": pipeline_result.data, "ontology": pipeline_result.ontology, "shapes": pipeline_result.shapes,
                "metadata": rdflib.Graph().parse(data=_served(client, release, "void.ttl"), format="turtle")}
    for name, graph in expected.items():
        served = dataset.graph(rdflib.URIRef(graphs[name]))
        assert len(served) == manifest(release)["triples"][name], name
        assert isomorphic(served, graph), name
    parsed = list(ox.parse(body, format=ox.RdfFormat.TRIG))  # pyoxigraph reads the same quads
    assert len(parsed) == manifest(release)["triples"]["total"]


@pytest.mark.parametrize("name", ["ontology", "shapes", "metadata"])
def test_other_graphs_served_by_their_iris_match_the_store(client, release, name: str) -> None:
    path = "/.well-known/void" if name == "metadata" else f"/{name}"
    body = client.get(path, headers={"Accept": "application/n-triples"}).data
    served = rdflib.Graph().parse(data=body, format="nt")
    store = ox.Store.read_only(str(release.path / "store"))
    quads = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in
                          store.quads_for_pattern(None, None, None, ox.NamedNode(BASE + "graph/" + name))),
                         format=ox.RdfFormat.N_TRIPLES)
    assert isomorphic(served, rdflib.Graph().parse(data=quads, format="nt"))


# --------------------------------------------------------------------------- metadata

def test_context_is_published_at_a_stable_url(client, release) -> None:
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json" and response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.data == (release.path / "context.jsonld").read_bytes()
    assert client.get("/context.jsonld", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_void_at_well_known(client, release) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    release_iri = rdflib.URIRef(f"{BASE}id/release/{release.version}")
    assert graph.value(release_iri, void.triples) is not None
    assert client.get("/.well-known/void", headers={"Accept": "text/html"}).mimetype == "text/html"


def test_dcat_catalog_names_dataset_distributions_and_service(client, release) -> None:
    graph = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    catalog = rdflib.URIRef(BASE + "catalog")
    assert (catalog, rdflib.RDF.type, dcat.Catalog) in graph
    assert (catalog, dcat.dataset, rdflib.URIRef(BASE + "id/dataset")) in graph
    service = graph.value(catalog, dcat.service)
    assert (service, rdflib.RDF.type, dcat.DataService) in graph and graph.value(service, dcat.endpointURL)
    release_iri = rdflib.URIRef(f"{BASE}id/release/{release.version}")
    distributions = set(graph.objects(release_iri, dcat.distribution))
    assert len(distributions) >= 10
    for dist in distributions:
        assert graph.value(dist, dcat.downloadURL) is not None
    html = client.get("/catalog", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and html.headers["Vary"] == "Accept"


def test_validation_report_of_each_release(client, release) -> None:
    page = client.get(f"/validation/{release.version}").get_data(as_text=True)
    counts = manifest(release)["validation"]
    assert f"{counts['warnings']} warnings" in page and "validation-report.ttl" in page
    assert client.get("/validation/no-such-version").status_code == 404


def test_cors_preflight_head_and_ranges(client, release) -> None:
    for path in ("/id/practice/2017/allocate-resources", f"/downloads/{release.version}/heg.ttl", "/context.jsonld"):
        preflight = client.options(path, headers={"Origin": "https://example.org",
                                                  "Access-Control-Request-Method": "GET",
                                                  "Access-Control-Request-Headers": "if-none-match"})
        assert preflight.status_code == 200, path
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
        head = client.head(path, headers={"Accept-Encoding": "identity"})
        assert head.status_code == 200 and head.data == b"" and head.headers["ETag"], path
    part = client.get(f"/downloads/{release.version}/heg.nt", headers={"Range": "bytes=0-99",
                                                                         "Accept-Encoding": "identity"})
    assert part.status_code == 206 and part.data == (release.path / "heg.nt").read_bytes()[:100]
