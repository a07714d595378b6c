"""Shared fixtures: the real sources built once per session into a temporary release."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, PipelineResult, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release


@pytest.fixture(scope="session")
def pipeline_result() -> PipelineResult:
    """The real sources, loaded, built and validated once."""
    return run_pipeline(Pipeline())


@pytest.fixture(scope="session")
def release(pipeline_result: PipelineResult, tmp_path_factory: pytest.TempPathFactory) -> ReleaseOutcome:
    """A release of the real sources, written once per session; tests must not modify it."""
    out = tmp_path_factory.mktemp("build")
    return write_release(pipeline_result, out)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, target)
    return target
