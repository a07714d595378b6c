"""Shared fixtures: releases made by the real pipeline once per session, and the one way to make apps.

- ``release``: the real sources of data/, built once (tests must not modify it);
- ``fixture_release``: the tiny tests/fixtures/data/, built once (its ``latest`` path);
- ``make_app(release_dir=None, **settings)``: an app on a release (default ``app_release``, which a
  suite's conftest may override) with the test settings; every app it made is closed (its query workers
  stopped) when the test ends. Fixtures that share one app across a module or session use
  :func:`support.apps.app_factory`, the same mechanism.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, PipelineResult, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release
from support.apps import TEST_SETTINGS, app_factory
from support.releases import build_release


@pytest.fixture(scope="session")
def pipeline_result() -> PipelineResult:
    """The real sources, loaded, built and validated once."""
    return run_pipeline(Pipeline())


@pytest.fixture(scope="session")
def release(pipeline_result: PipelineResult, tmp_path_factory: pytest.TempPathFactory) -> ReleaseOutcome:
    """A release of the real sources, written once per session; tests must not modify it."""
    out = tmp_path_factory.mktemp("build")
    return write_release(pipeline_result, out)


@pytest.fixture(scope="session")
def fixture_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture sources (tests/fixtures/data) built by the real pipeline: ``releases/latest``."""
    return build_release(tmp_path_factory.mktemp("fixture-build"))


@pytest.fixture(scope="session")
def app_release(release: ReleaseOutcome) -> Path:
    """The release ``make_app`` serves when a test names none: the real one (the endpoint suite's conftest
    overrides it with the tiny fixture release)."""
    return release.path


@pytest.fixture
def make_app(app_release: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(release_dir=None, **settings)``: an app on that release (default ``app_release``) with the
    test settings and ``settings``; every app made is closed (query workers stopped) when the test ends."""
    with app_factory(TEST_SETTINGS) as make:
        yield lambda release_dir=None, **settings: make(RELEASE_DIR=str(release_dir or app_release), **settings)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, target)
    return target
