"""``heg publish``: a failure at any step leaves the live graphs as they were; network errors are retried,
then reported with the URL and what to check; credentials never appear in the output."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner

from heg_core.cli import main
from graph_builder.publish import Endpoints, PublishError, publish_release
from graph_builder.release import ReleaseOutcome
from support.remote_servers import OxigraphServer, ScriptedServer, answer, forward, free_port, read_body


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, release: ReleaseOutcome) -> Iterator[OxigraphServer]:
    """A store of its own, already holding the release (so a failed publish has live graphs to spare)."""
    server = OxigraphServer(tmp_path_factory.mktemp("publish") / "db").start()
    publish_release(release.path, Endpoints.of(server.base), environ={})
    yield server
    server.stop()


def failing_proxy(target: str, fail_on: str, nth: int, how: str):
    """Forward to ``target``, except the ``nth`` request of method ``fail_on``: answer 500, drop the
    connection, or forward only half of the uploaded triples."""
    seen = {"count": 0}

    def handle(handler: BaseHTTPRequestHandler) -> None:
        if handler.command == fail_on:
            seen["count"] += 1
            if seen["count"] >= nth:
                body = read_body(handler)
                if how == "500":
                    answer(handler, 500, b"disk full", "text/plain")
                    return
                if how == "drop":
                    handler.close_connection = True
                    handler.wfile.close()
                    return
                if how == "truncate" and seen["count"] == nth:
                    lines = body.splitlines(keepends=True)
                    forward(handler, target, b"".join(lines[: len(lines) // 2]))
                    return
                forward(handler, target, body)
                return
        forward(handler, target)

    return handle


@pytest.mark.parametrize("fail_on,nth,how", [
    ("PUT", 3, "500"),        # the store fails mid-upload
    ("PUT", 2, "drop"),       # the connection drops mid-upload (retried, then given up)
    ("PUT", 2, "truncate"),   # a graph arrives incomplete: the count check catches it
    ("POST", 1, "drop"),      # the switch request gets no answer (never replayed)
], ids=["500 mid-upload", "dropped mid-upload", "incomplete graph", "switch unanswered"])
def test_a_failed_publish_leaves_the_live_graphs_as_they_were(store: OxigraphServer, release: ReleaseOutcome,
                                                              fail_on: str, nth: int, how: str) -> None:
    before = store.graph_counts()
    assert before and not [g for g in before if "/staging/" in g]
    with ScriptedServer(failing_proxy(store.base, fail_on, nth, how)) as proxy:
        with pytest.raises(PublishError) as err:
            publish_release(release.path, Endpoints.of(proxy.url), retries=1, backoff=0, environ={})
    assert proxy.url in str(err.value) or "staging copy" in str(err.value)
    after = store.graph_counts()
    if how == "drop" and fail_on == "POST":
        # the MOVE never reached the store; its staging graphs could not be dropped through the dead proxy
        after = {g: n for g, n in after.items() if "/staging/" not in g}
    assert after == before


def test_republishing_is_safe_and_complete(store: OxigraphServer, release: ReleaseOutcome) -> None:
    report = publish_release(release.path, Endpoints.of(store.base), environ={})
    counts = store.graph_counts()
    live = {g: n for g, n in counts.items() if "/staging/" not in g}
    assert live == {release.manifest["graphs"][k]: release.manifest["triples"][k] for k in release.manifest["graphs"]}
    assert report.triples == {k: release.manifest["triples"][k] for k in release.manifest["graphs"]}


def test_one_graph_only(store: OxigraphServer, release: ReleaseOutcome) -> None:
    report = publish_release(release.path, Endpoints.of(store.base), graphs=["queries"], environ={})
    assert list(report.triples) == ["queries"]


def test_unreachable_store_exits_2_with_the_url_and_what_to_check(release: ReleaseOutcome) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(main, ["publish", "--to", url, "--release", str(release.path), "--retries", "1"],
                                env={"HEG_STORE_USER": "loader", "HEG_STORE_PASSWORD": "pa55-w0rd-xyz"})
    assert result.exit_code == 2
    assert url in result.output and "check that the store is running" in result.output
    assert "pa55-w0rd-xyz" not in result.output


def test_credentials_in_the_url_are_refused(release: ReleaseOutcome) -> None:
    result = CliRunner().invoke(main, ["publish", "--to", "http://loader:secret@127.0.0.1:9",
                                       "--release", str(release.path)])
    assert result.exit_code == 2 and "HEG_STORE_USER" in result.output and "secret" not in result.output


def test_credentials_come_from_the_environment(store: OxigraphServer, release: ReleaseOutcome) -> None:
    seen: list[str] = []

    def handle(handler: BaseHTTPRequestHandler) -> None:
        seen.append(handler.headers.get("Authorization", ""))
        forward(handler, store.base)

    with ScriptedServer(handle) as proxy:
        result = CliRunner().invoke(main, ["publish", "--to", proxy.url, "--release", str(release.path)],
                                    env={"HEG_STORE_TOKEN": "t0ken-abc"})
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {"Bearer t0ken-abc"}
    assert "t0ken-abc" not in result.output


def test_unknown_graph_is_a_usage_error(release: ReleaseOutcome) -> None:
    result = CliRunner().invoke(main, ["publish", "--to", "http://127.0.0.1:9", "--release", str(release.path),
                                       "--graph", "nope"])
    assert result.exit_code == 2 and "not a graph of this release" in result.output
