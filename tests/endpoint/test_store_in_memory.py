"""Query processes copy a small release into memory and answer from there (``STORE_IN_MEMORY_QUADS``):
the same answers as from the on-disk store, for every example query of the real release."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from heg_core.release import load_release
from sparql_endpoint.state import state_of
from support.answers import group_concats, sorted_parts

SH = "http://www.w3.org/ns/shacl#"
EXAMPLES = (f"SELECT ?q ?text WHERE {{ ?q <{SH}select>|<{SH}construct>|<{SH}ask> ?text }} ORDER BY ?q")


@pytest.fixture(scope="module")
def real(release) -> Path:  # the real release (the endpoint suite's app_release is the tiny fixture)
    return release.path


def _examples(release_dir: Path) -> list[tuple[str, str]]:
    store = ox.Store.read_only(str(load_release(release_dir).store_path))
    return [(row["q"].value, row["text"].value) for row in store.query(EXAMPLES, use_default_graph_as_union=True)]


def _locations(app) -> list[str]:
    pool = state_of(app).store.pool
    pool.wait_ready()
    return pool.store_locations()


def _order_free(binding: dict, concats: dict[str, str]) -> str:
    for name, separator in concats.items():
        if name in binding:
            binding[name]["value"] = sorted_parts(binding[name]["value"], separator)
    return json.dumps(binding, sort_keys=True)


def _answer(client, text: str) -> tuple[int, str, object]:
    """Status, row count and the answer in an order-free form (sorted rows, a graph, a boolean; the parts of
    a GROUP_CONCAT sorted, their order being the engine's)."""
    construct = "CONSTRUCT" in text.upper() and "SELECT" not in text.upper().split("CONSTRUCT")[0]
    accept = "application/n-triples" if construct else "application/sparql-results+json"
    response = client.get("/sparql?" + urllib.parse.urlencode({"query": text}), headers={"Accept": accept})
    rows = response.headers.get("X-Result-Rows", "")
    if construct:
        return response.status_code, rows, Graph().parse(data=response.get_data(as_text=True), format="nt")
    body = response.get_json()
    if "boolean" in body:
        return response.status_code, rows, body["boolean"]
    concats = group_concats(text)
    return response.status_code, rows, sorted(_order_free(b, concats) for b in body["results"]["bindings"])


def test_a_release_within_the_limit_is_queried_in_memory_and_a_larger_one_on_disk(make_app, real: Path) -> None:
    quads = load_release(real).triples["total"]
    assert _locations(make_app(real)) == ["memory"]  # the default limit holds the real release
    assert _locations(make_app(real, STORE_IN_MEMORY_QUADS=quads)) == ["memory"]  # the limit is inclusive
    assert _locations(make_app(real, STORE_IN_MEMORY_QUADS=quads - 1)) == ["disk"]
    assert _locations(make_app(real, STORE_IN_MEMORY_QUADS=0)) == ["disk"]


def test_every_example_query_answers_the_same_from_memory_and_from_disk(make_app, real: Path) -> None:
    examples = _examples(real)
    assert len(examples) >= 15
    memory, disk = make_app(real).test_client(), make_app(real, STORE_IN_MEMORY_QUADS=0).test_client()
    for iri, text in examples:
        status, rows, answer = _answer(memory, text)
        expected = _answer(disk, text)
        assert status == 200, iri
        assert (status, rows) == expected[:2], iri
        if isinstance(answer, Graph):
            assert isomorphic(answer, expected[2]), iri
        else:
            assert answer == expected[2], iri
            assert answer not in ([], None), iri  # every example has an answer on the real release


def test_a_negative_limit_is_refused_with_the_setting_named(make_app, real: Path) -> None:
    with pytest.raises(Exception, match="STORE_IN_MEMORY_QUADS"):
        make_app(real, STORE_IN_MEMORY_QUADS=-1)


def test_the_in_memory_copy_holds_the_stores_quads_and_two_copies_list_them_alike(real: Path) -> None:
    """One home for the copy (heg_core.release): `heg query` and the query processes list quads alike."""
    from heg_core.release import IN_MEMORY_QUADS, in_memory_copy, open_store

    release = load_release(real)
    disk = open_store(release, in_memory=False)
    quads = list(disk.quads_for_pattern(None, None, None, None))
    assert len(quads) == release.triples["total"] <= IN_MEMORY_QUADS
    copy = list(in_memory_copy(disk).quads_for_pattern(None, None, None, None))
    assert set(copy) == set(quads) and len(copy) == len(quads)
    assert list(open_store(release).quads_for_pattern(None, None, None, None)) == copy  # in memory by default


def test_a_copy_that_would_take_more_than_its_share_of_the_memory_limit_is_not_made(make_app, real: Path) -> None:
    """The copy is made before the address-space limit is set (past it Rust's allocator aborts the process
    instead of raising), and only when it would leave the queries 3/4 of ``WORKER_MEMORY_MB``."""
    from sparql_endpoint.stores.pool import copy_refused

    quads = load_release(real).triples["total"]
    assert copy_refused(quads, 2048) is None and copy_refused(quads, 0) is None  # 0: no limit
    refused = copy_refused(quads, 1)  # any copy takes more than 1/4 of 1 MB
    assert refused and refused.startswith("an in-memory copy would take") and "STORE_IN_MEMORY_QUADS" in refused
    assert copy_refused(200_000, 400) and not copy_refused(200_000, 500)  # about 114 MB: a quarter of 458 MB
    assert _locations(make_app(real, WORKER_MEMORY_MB=2048)) == ["memory"]
