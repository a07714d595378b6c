"""Build steps run in forked processes: results come back, errors are raised in the parent, and a failed
build stops what it started."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from graph_builder import forked
from graph_builder.forked import Forked, stop_unfinished

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="needs fork")


def _pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def _fail(path: Path) -> None:
    raise FileNotFoundError(f"no such file: {path}")


def _unpicklable() -> object:
    return lambda: None


def _write_later(path: Path) -> None:
    time.sleep(5)
    path.write_text("too late")


def test_the_result_comes_back_from_another_process() -> None:
    job = Forked(_pid_and_sum, list(range(1000)))
    pid, total = job.result()
    assert pid != os.getpid()
    assert total == 499500


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_type(tmp_path: Path) -> None:
    job = Forked(_fail, tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="missing"):
        job.result()


def test_a_result_that_cannot_be_sent_back_says_so() -> None:
    with pytest.raises(RuntimeError, match="cannot be sent back"):
        Forked(_unpicklable).result()


def test_stop_unfinished_ends_a_child_before_it_writes(tmp_path: Path) -> None:
    target = tmp_path / "late.txt"
    job = Forked(_write_later, target)
    started = time.perf_counter()
    stop_unfinished()
    assert time.perf_counter() - started < 4
    assert not job._process.is_alive()
    time.sleep(0.2)
    assert not target.exists()
    stop_unfinished()  # nothing left: a no-op


def test_without_fork_the_step_runs_in_place_and_its_error_waits_for_result(tmp_path: Path) -> None:
    pid, total = Forked(_pid_and_sum, [1, 2, 3], fork=False).result()
    assert (pid, total) == (os.getpid(), 6)
    job = Forked(_fail, tmp_path / "absent", fork=False)  # does not raise yet
    with pytest.raises(FileNotFoundError, match="absent"):
        job.result()


def test_a_release_written_with_forked_steps_is_the_same_release(pipeline_result, release, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The real release is under the forking threshold; forced over it, the JSON-LD dump and the example
    queries run in forked processes and every stable file comes out the same."""
    from graph_builder import release as release_module
    from graph_builder.release import write_release

    monkeypatch.setattr(release_module, "WORTH_FORKING", 0)
    forked_release = write_release(pipeline_result, tmp_path)
    for name in ["heg.ttl", "heg.nt", "heg.jsonld", "heg.jsonld.gz", "context.jsonld", "validation-report.ttl"]:
        assert (forked_release.path / name).read_bytes() == (release.path / name).read_bytes(), name
    assert forked_release.manifest["digest"] == release.manifest["digest"]
