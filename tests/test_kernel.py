"""The shared kernel: the one format table, the one manifest reader, the error base, the project folder
and the command group, checked on their own (the suites check them in use)."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import click
import pyoxigraph as ox
import pytest

from heg_core import formats
from heg_core.cli import COMMANDS_GROUP, main
from heg_core.errors import ConfigError, HegError, ReleaseError
from heg_core.project import find_project
from heg_core.release import MANIFEST_KEYS, latest_version, load_release, read_manifest
from sparql_endpoint.errors import BadRequest, EndpointError

TABLES = {"solutions": formats.SOLUTION_FORMATS, "graphs": formats.GRAPH_FORMATS}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_format_is_named_once_and_complete(name: str) -> None:
    table = TABLES[name]
    assert table, "an empty table would pass every check below"
    for field in ("key", "media_type", "extension", "formats_iri"):
        values = [getattr(f, field) for f in table]
        assert all(values) and len(set(values)) == len(values), (field, values)
    for fmt in table:
        assert fmt.engine is not None
        assert formats.by_name(table, fmt.key) is fmt
        assert formats.by_name(table, fmt.extension) is fmt
        assert formats.by_name(table, fmt.media_type.upper()) is fmt  # names are case-insensitive
        assert fmt.content_type.startswith(fmt.media_type)
        assert ("charset=utf-8" in fmt.content_type) == fmt.media_type.startswith("text/")


def test_the_tables_agree_with_pyoxigraph() -> None:
    for fmt in formats.GRAPH_FORMATS:
        assert fmt.engine == ox.RdfFormat.from_media_type(fmt.media_type)
        assert fmt.is_dataset == fmt.engine.supports_datasets
    for fmt in formats.SOLUTION_FORMATS:
        assert fmt.engine == ox.QueryResultsFormat.from_media_type(fmt.media_type)


def test_derived_tables() -> None:
    graph_parsers = formats.parsers(formats.GRAPH_FORMATS)
    assert graph_parsers["text/plain"] == ox.RdfFormat.N_TRIPLES  # an alias is readable too
    assert "application/n-quads" not in graph_parsers  # datasets would bring quads where triples are expected
    assert "text/csv" not in formats.parsers(formats.SOLUTION_FORMATS)  # pyoxigraph cannot read CSV results back
    assert formats.media_type_of("heg.ttl") == "text/turtle"
    assert formats.media_type_of("heg.ttl.gz") == "application/gzip"
    assert formats.media_type_of("validation-report.txt").startswith("text/plain")
    with pytest.raises(KeyError):
        formats.media_type_of("notes.docx")


def test_manifest_reader_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="does not exist.*heg build"):
        read_manifest(tmp_path / "none")
    with pytest.raises(ReleaseError, match="is missing"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReleaseError, match="cannot be read as JSON"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"version": "1"}), encoding="utf-8")
    with pytest.raises(ReleaseError, match="lacks " + ", ".join(k for k in MANIFEST_KEYS if k != "version")):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"version": "1", "base_iri": "x/", "digest": "d", "graphs": {}, "triples": {}, "store": "../etc"}))
    with pytest.raises(ReleaseError, match="names its store"):
        load_release(tmp_path)


def test_a_real_release_reads_back(release) -> None:
    loaded = load_release(release.path, verify=False)
    assert loaded.version == release.version and loaded.iri.endswith("id/release/" + release.version)
    assert set(loaded.graphs) == {"data", "ontology", "shapes", "queries", "metadata"}
    assert {f["path"] for f in loaded.files} >= {"heg.ttl", "heg.trig", "void.ttl"}
    assert latest_version(release.path.parent) == release.version
    assert latest_version(release.path) is None  # no `latest` there


def test_one_error_base_carries_exit_codes_and_statuses() -> None:
    assert issubclass(EndpointError, HegError) and issubclass(ReleaseError, ConfigError)
    assert (ConfigError.exit_code, ReleaseError.exit_code, HegError.exit_code) == (2, 2, 1)
    error = BadRequest("no query", hint="send one", line=3)
    assert (error.status, error.message, error.hint, error.context) == (400, "no query", "send one", {"line": 3})


def test_the_project_folder_is_found_upward_or_refused(tmp_path: Path) -> None:
    (tmp_path / "data" / "case-studies").mkdir(parents=True)
    (tmp_path / "data" / "dataset.yaml").write_text("version: '1.0'\n", encoding="utf-8")
    project = find_project(tmp_path / "data" / "case-studies")
    assert project.root == tmp_path.resolve()
    assert project.latest_release == tmp_path.resolve() / "build" / "releases" / "latest"
    with pytest.raises(ConfigError, match="no project folder found") as err:
        find_project(tmp_path.parent)
    assert err.value.exit_code == 2


def test_every_command_joins_the_one_group_by_entry_point() -> None:
    declared = {ep.name: ep for ep in entry_points(group=COMMANDS_GROUP)}
    assert set(declared) == {"build", "validate", "stats", "query", "publish", "serve", "export-site"}
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(declared)
    for name in declared:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.help, name
    assert main.get_command(ctx, "no-such-command") is None


def test_versioned_iri_of_an_entity_and_none_outside_the_id_space():
    from heg_core.namespaces import IRISpace
    space = IRISpace("https://example.org/heg/")
    assert space.versioned("https://example.org/heg/id/practice/x", "2026.12.0") == \
        "https://example.org/heg/releases/2026.12.0/id/practice/x"
    assert space.versioned("https://example.org/heg/ontology#Practice", "2026.12.0") is None
    assert space.versioned("https://other.org/id/x", "1") is None
