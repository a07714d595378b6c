"""The Link headers between versions of a resource come from each release's TriG dump, not its store:
dereferencing an IRI of the latest release starts no query process for the older ones, and the set of
resources read from the dump is the one the store holds."""

from __future__ import annotations

import pyoxigraph as ox
from support.series import FIRST, KEPT, SECOND, THIRD

from heg_core.release import load_release
from sparql_endpoint.history.versions import subjects_in_files
from sparql_endpoint.state import EXTENSION
from support.apps import TEST_SETTINGS, app_factory


def _store_subjects(release_dir) -> frozenset[str]:
    release = load_release(release_dir)
    store = ox.Store.read_only(str(release.store_path))
    prefix = release.base_iri + "id/"
    rows = store.query(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}")) }}',
                       use_default_graph_as_union=True)
    return frozenset(row[0].value for row in rows)


def test_the_dump_names_the_resources_the_store_holds(series, release) -> None:
    for release_dir in (series / FIRST, series / THIRD, release.path):  # the series and the real release
        from_dump = subjects_in_files(load_release(release_dir))
        assert from_dump and len(from_dump) > 10
        assert from_dump == _store_subjects(release_dir), release_dir


def test_links_of_the_latest_open_no_older_release(series) -> None:
    with app_factory(TEST_SETTINGS) as make:
        app = make(RELEASE_DIR=str(series / "latest"), QUERYABLE_RELEASES=3)
        client = app.test_client()
        response = client.get(KEPT, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert f'</releases/{SECOND}{KEPT}>; rel="predecessor-version"' in response.headers["Link"]
        assert app.extensions[EXTENSION].opened() == []  # no older release's store or process was needed
        assert client.get(f"/releases/{FIRST}{KEPT}").status_code == 200  # one that is asked for opens
        assert app.extensions[EXTENSION].opened() == [FIRST]


def test_a_release_without_its_trig_is_asked_through_its_store(series_copy) -> None:
    (series_copy / SECOND / "heg.trig").unlink()
    with app_factory(TEST_SETTINGS) as make:
        app = make(RELEASE_DIR=str(series_copy / "latest"), QUERYABLE_RELEASES=3)
        response = app.test_client().get(KEPT, headers={"Accept": "text/turtle"})
        assert f'</releases/{SECOND}{KEPT}>; rel="predecessor-version"' in response.headers["Link"]
        assert app.extensions[EXTENSION].opened() == [SECOND]  # the one without a dump, and only it
