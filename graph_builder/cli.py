"""The builder's ``heg`` commands (build, validate, stats, query, publish): thin wrappers over the library.

They join the one ``heg`` group of the kernel (:mod:`heg_core.cli`) by entry point (``pyproject.toml``).
Exit codes follow pySHACL's convention: 0 success, 1 data or shape violations, 2 usage or configuration
errors (a missing directory, a bad option, an unreadable release).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from .errors import ConfigError, HegError, SourceErrors, ValidationFailed
from heg_core.namespaces import DEFAULT_BASE
from .pipeline import DEFAULT_DATA, DEFAULT_ONTOLOGY, DEFAULT_SHAPES, Pipeline, PipelineResult, run_pipeline
from .publish import publish_command, publish_options

DEFAULT_OUT = Path("build")


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
        click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


def _pipeline_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--base", default=DEFAULT_BASE, show_default=True,
                        help="Base IRI of the published identifiers (must end with '/').")(func)
    func = click.option("--shapes", "shapes_path", type=click.Path(path_type=Path), default=DEFAULT_SHAPES,
                        show_default=True, help="SHACL shapes (Turtle).")(func)
    func = click.option("--ontology", "ontology_path", type=click.Path(path_type=Path), default=DEFAULT_ONTOLOGY,
                        show_default=True, help="Ontology (Turtle).")(func)
    func = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA,
                        show_default=True, help="Folder of curated sources (holds dataset.yaml).")(func)
    return func


def _run(data_dir: Path, ontology_path: Path, shapes_path: Path, base: str, show_warnings: bool) -> PipelineResult:
    if not base.endswith("/"):
        raise ConfigError(f"--base must end with '/': {base!r}")
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
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder; releases go to OUT/releases/<version>/.")
@click.option("--version", "release_version", default=None,
              help="Release version (default: `version` in dataset.yaml).")
def build(data_dir: Path, ontology_path: Path, shapes_path: Path, base: str, out_dir: Path,
          release_version: str | None) -> None:
    """Load, check, build and validate the sources, then write an immutable release.

    The release goes to OUT/releases/<version>/ and OUT/releases/latest is switched to it only when
    everything is written. On any error the previous release stays in place.
    """
    from .release import write_release

    try:
        result = _run(data_dir, ontology_path, shapes_path, base, show_warnings=False)
        outcome = write_release(result, out_dir, version=release_version)
    except HegError as error:
        _fail(error)
        return
    state = "unchanged, already released as" if outcome.reused else "written:"
    click.echo(f"release {outcome.version} {state} {outcome.path}")
    click.echo(f"{outcome.manifest['triples']['total']} triples "
               f"({outcome.manifest['triples']['data']} in the data graph)")


@click.command()
@_pipeline_options
@click.option("--quiet", "-q", is_flag=True, help="List errors only, not warnings and infos.")
def validate(data_dir: Path, ontology_path: Path, shapes_path: Path, base: str, quiet: bool) -> None:
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
    return click.option("--release", "release_dir", type=click.Path(path_type=Path),
                        default=DEFAULT_OUT / "releases" / "latest", show_default=True,
                        help="Release folder to read.")(func)


@click.command()
@_release_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(release_dir: Path, as_json: bool) -> None:
    """Counts per class and coverage against the guide's published counts."""
    from .stats import release_stats, render_stats

    try:
        figures = release_stats(release_dir)
    except HegError as error:
        _fail(error)
        return
    click.echo(render_stats(figures, as_json))


@click.command()
@click.argument("sparql")
@_release_option
@click.option("--format", "fmt", default=None,
              help="Result format: json, csv, tsv, xml (SELECT/ASK); turtle, ntriples, jsonld, rdfxml, "
                   "nquads, trig (CONSTRUCT/DESCRIBE). Default: tsv for SELECT/ASK, turtle for graphs.")
def query(sparql: str, release_dir: Path, fmt: str | None) -> None:
    """Run a SPARQL query against a release (use - to read the query from standard input)."""
    from .query import run_query

    if sparql == "-":
        sparql = sys.stdin.read()
    try:
        output = run_query(release_dir, sparql, fmt)
    except HegError as error:
        _fail(error)
        return
    sys.stdout.buffer.write(output)


@click.command()
@publish_options
def publish(**options: Any) -> None:
    """Load a release into a SPARQL store (Graph Store Protocol), staged and switched atomically.

    Credentials come from HEG_STORE_TOKEN, or HEG_STORE_USER and HEG_STORE_PASSWORD, never from options.
    Exit 0 when the live graphs hold the release; 2 when the store failed (the live graphs are unchanged).
    """
    publish_command(**options)
