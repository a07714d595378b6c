"""The builder's ``heg`` commands (build, validate, stats, query, publish): thin wrappers over the library.

They join the one ``heg`` group of the kernel (:mod:`heg_core.cli`) by entry point (``pyproject.toml``).
Exit codes follow pySHACL's convention: 0 success, 1 data or shape violations, 2 usage or configuration
errors (a missing directory, a bad option, an unreadable release).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

import click

from heg_core.cli import fail
from heg_core.namespaces import DEFAULT_BASE
from heg_core.project import Project, find_project
from heg_core.release import read_manifest

from .errors import ConfigError, HegError, SourceErrors, ValidationFailed
from .pipeline import Pipeline, PipelineResult, run_pipeline
from .publish import LAYOUTS, Endpoints, publish_release


def _fail(error: HegError) -> None:
    if isinstance(error, SourceErrors):
        errors = [p for p in error.problems if p.severity == "error"]
        click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the sources:", err=True)
        for problem in errors:
            click.echo(f"  {problem}", err=True)
    elif isinstance(error, ValidationFailed):
        click.echo(f"{error}: see the list above; each message says how to fix the source file "
                   "(the full SHACL report: heg validate -v).", err=True)
        logging.getLogger(__name__).info("SHACL report:\n%s", error.report_text)
    else:
        fail(error)
    sys.exit(error.exit_code)


def _pipeline_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--base", default=DEFAULT_BASE, show_default=True,
                        help="Base IRI of the published identifiers (must end with '/').")(func)
    func = click.option("--shapes", "shapes_path", type=click.Path(path_type=Path), default=None,
                        help="SHACL shapes (Turtle) [default: shapes/heg-shapes.ttl of the project folder].")(func)
    func = click.option("--ontology", "ontology_path", type=click.Path(path_type=Path), default=None,
                        help="Ontology (Turtle) [default: ontology/heg.ttl of the project folder].")(func)
    func = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                        help="Folder of curated sources, holding dataset.yaml [default: data/ of the project "
                             "folder].")(func)
    return func


def _project() -> Project:
    """The project folder (the nearest one upward holding data/dataset.yaml), named on the first line."""
    project = find_project()
    click.echo(f"project folder: {project.root}", err=True)
    return project


def _sources(data_dir: Path | None, ontology_path: Path | None, shapes_path: Path | None) -> tuple[Path, Path, Path]:
    """The given inputs, the project folder's for those not given."""
    if data_dir and ontology_path and shapes_path:
        return data_dir, ontology_path, shapes_path
    project = _project()
    return data_dir or project.data, ontology_path or project.ontology, shapes_path or project.shapes


def _release_dir(release_dir: Path | None) -> Path:
    return release_dir or _project().latest_release


def _run(data_dir: Path | None, ontology_path: Path | None, shapes_path: Path | None, base: str,
         show_warnings: bool) -> PipelineResult:
    if not base.endswith("/"):
        raise ConfigError(f"--base must end with '/': {base!r}")
    data_dir, ontology_path, shapes_path = _sources(data_dir, ontology_path, shapes_path)
    result = run_pipeline(Pipeline(data_dir, ontology_path, shapes_path, base))
    for problem in [*result.warnings, *result.validation.results]:
        if problem.severity == "error" or show_warnings:
            click.echo(f"  {problem}", err=True)
    v = result.validation
    click.echo(f"SHACL: {v.violations} violation(s), {v.warnings} warning(s), {v.infos} info(s) "
               f"on {len(result.data)} triples", err=True)
    if not v.conforms:
        raise ValidationFailed(v.report_text, v.violations)
    if v.warnings and not show_warnings:
        click.echo("  (run `heg validate` to list the warnings: gaps worth filling, not errors)", err=True)
    return result


@click.command()
@_pipeline_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Output folder; releases go to OUT/releases/<version>/ [default: build/ of the project folder].")
@click.option("--version", "release_version", default=None,
              help="Release version (default: `version` in dataset.yaml).")
def build(data_dir: Path | None, ontology_path: Path | None, shapes_path: Path | None, base: str,
          out_dir: Path | None, release_version: str | None) -> None:
    """Load, check, build and validate the sources, then write an immutable release.

    The release goes to OUT/releases/<version>/ and OUT/releases/latest is switched to it only when
    everything is written. On any error the previous release stays in place. Each release also records
    what changed since the previous one (changes.rdfp, added.nt, removed.nt, changes.json) and how to
    cite it (citation.txt, citation.json, citation.bib); see docs/releases.md.
    """
    from .release import write_release

    try:
        if None in (data_dir, ontology_path, shapes_path, out_dir):
            project = _project()
            data_dir, ontology_path = data_dir or project.data, ontology_path or project.ontology
            shapes_path, out_dir = shapes_path or project.shapes, out_dir or project.build
        result = _run(data_dir, ontology_path, shapes_path, base, show_warnings=False)
        outcome = write_release(result, out_dir, version=release_version)
    except HegError as error:
        _fail(error)
        return
    state = "unchanged, already released as" if outcome.reused else "written:"
    click.echo(f"release {outcome.version} {state} {outcome.path}")
    click.echo(f"{outcome.manifest['triples']['total']} triples "
               f"({outcome.manifest['triples']['data']} in the data graph)")
    changes = outcome.manifest.get("changes")
    if changes:
        click.echo(f"since {changes['previous_version']}: {changes['entities_added']} entities added, "
                   f"{changes['entities_removed']} removed, {changes['entities_changed']} changed "
                   f"({changes['triples_added']} triples added, {changes['triples_removed']} removed)")


@click.command()
@_pipeline_options
@click.option("--quiet", "-q", is_flag=True, help="List errors only, not warnings and infos.")
def validate(data_dir: Path | None, ontology_path: Path | None, shapes_path: Path | None, base: str,
             quiet: bool) -> None:
    """Check the sources and validate the graph; list every problem with its file and line; write nothing."""
    try:
        result = _run(data_dir, ontology_path, shapes_path, base, show_warnings=not quiet)
        from .release import preview_examples

        broken = preview_examples(result)
        if broken:
            raise SourceErrors(broken)
    except HegError as error:
        _fail(error)
        return
    click.echo(f"valid: {len(result.data)} triples, {result.validation.warnings} warning(s)")


def _release_option(func):  # type: ignore[no-untyped-def]
    return click.option("--release", "release_dir", type=click.Path(path_type=Path), default=None,
                        help="Release folder to read [default: build/releases/latest of the project folder].")(func)


@click.command()
@_release_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(release_dir: Path | None, as_json: bool) -> None:
    """Counts per class and coverage against the guide's published counts."""
    from .stats import release_stats, render_stats

    try:
        figures = release_stats(_release_dir(release_dir))
    except HegError as error:
        _fail(error)
        return
    click.echo(render_stats(figures, as_json))


@click.command()
@click.argument("sparql")
@_release_option
@click.option("--endpoint", metavar="URL", default=None,
              help="Ask this SPARQL 1.1 endpoint (its query URL) instead of a release.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Seconds to wait for the endpoint's answer (with --endpoint) [default: 120].")
@click.option("--format", "fmt", default=None,
              help="Result format: json, csv, tsv, xml (SELECT/ASK); turtle, ntriples, jsonld, rdfxml, "
                   "nquads, trig (CONSTRUCT/DESCRIBE). Default: tsv for SELECT/ASK, turtle for graphs.")
def query(sparql: str, release_dir: Path | None, endpoint: str | None, timeout: float | None,
          fmt: str | None) -> None:
    """Run a SPARQL query against a release, or a SPARQL endpoint with --endpoint (use - to read the query
    from standard input).

    Exit codes: 0 answered; 1 the query is malformed (or rejected by the endpoint as malformed); 2 usage
    error, or an endpoint that cannot be reached, does not answer within --timeout, or fails.
    """
    from .query import run_query

    if sparql == "-":
        sparql = sys.stdin.read()
    try:
        if endpoint is not None:
            if release_dir is not None:
                raise ConfigError("give --endpoint or --release, not both")
            from .remote_query import DEFAULT_TIMEOUT, run_remote_query

            output = run_remote_query(endpoint, sparql, fmt, timeout or DEFAULT_TIMEOUT)
        elif timeout is not None:
            raise ConfigError("--timeout applies to --endpoint only: a release is queried on this machine")
        else:
            output = run_query(_release_dir(release_dir), sparql, fmt)
    except HegError as error:
        _fail(error)
        return
    sys.stdout.buffer.write(output)


def publish_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of ``heg publish``."""
    options = [
        click.option("--to", "to", required=True, metavar="URL",
                     help="Base URL of the store (Oxigraph: http://host:7878; Fuseki: http://host:3030/DATASET; "
                          "Virtuoso: http://host:8890)."),
        click.option("--graph", "graphs", multiple=True, metavar="NAME|IRI",
                     help="Publish only this graph of the release (repeatable; default: all of them)."),
        click.option("--release", "release_dir", type=click.Path(path_type=Path), default=None,
                     help="Release folder to publish [default: build/releases/latest of the project folder]."),
        click.option("--kind", type=click.Choice(sorted(LAYOUTS)), default="oxigraph", show_default=True,
                     help="Store layout: where its Graph Store, query and update services are under --to."),
        click.option("--gsp-url", default=None, metavar="URL", help="Graph Store Protocol service (overrides --kind)."),
        click.option("--query-url", default=None, metavar="URL", help="SPARQL query service (overrides --kind)."),
        click.option("--update-url", default=None, metavar="URL", help="SPARQL update service (overrides --kind)."),
        click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True,
                     help="Retries of a failed request (exponential backoff)."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
                     metavar="S", help="Seconds to wait for one answer of the store."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def publish_command(to: str, graphs: tuple[str, ...], release_dir: Path | None, kind: str, gsp_url: str | None,
                    query_url: str | None, update_url: str | None, retries: int, timeout: float) -> None:
    """Body of ``heg publish``: exit 0 when the live graphs hold the release, 2 otherwise."""
    try:
        release_dir = _release_dir(release_dir)
        manifest = read_manifest(release_dir)
        by_iri = {iri: name for name, iri in manifest["graphs"].items()}
        names = [by_iri.get(g, g) for g in graphs] or None
        endpoints = Endpoints.of(to, kind, gsp=gsp_url, query=query_url, update=update_url)
        click.echo(f"publishing release {manifest['version']} to {endpoints.gsp}", err=True)
        report = publish_release(release_dir, endpoints, graphs=names, retries=retries, timeout=timeout,
                                 echo=lambda line: click.echo(line, err=True))
    except HegError as error:
        fail(error)
    total = sum(report.triples.values())
    click.echo(f"published release {report.version}: {len(report.graphs)} graph(s), {total} triples, "
               f"live in {report.seconds:.1f} s")


@click.command()
@publish_options
def publish(**options: Any) -> None:
    """Load a release into a SPARQL store (Graph Store Protocol), staged and switched atomically.

    Credentials come from HEG_STORE_TOKEN, or HEG_STORE_USER and HEG_STORE_PASSWORD, never from options.
    Exit 0 when the live graphs hold the release; 2 when the store failed (the live graphs are unchanged).
    """
    publish_command(**options)
