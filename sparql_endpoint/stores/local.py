"""The release's own pyoxigraph store, opened read-only by each query worker process (:mod:`.pool`), and
copied into memory there when the release has at most ``STORE_IN_MEMORY_QUADS`` quads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heg_core.release import Release, load_release

from .jobs import Job, Outcome
from .pool import WorkerPool


class LocalStore:
    """The release's pyoxigraph store, opened read-only by each query worker process."""

    def __init__(self, release: Release, pool: WorkerPool) -> None:
        self.release = release
        self.pool = pool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LocalStore:
        release = load_release(config["RELEASE_DIR"], verify=False)  # the workers open the store
        pool = WorkerPool(str(release.store_path), size=config["QUERY_WORKERS"], queue_size=config["QUEUE_SIZE"],
                          queue_wait=config["QUEUE_WAIT"], retry_after=config["RETRY_AFTER"],
                          memory_mb=config["WORKER_MEMORY_MB"],
                          sandbox=config["WORKER_SANDBOX"] and not config["SERVICE_ALLOWLIST"],
                          deprioritize_after=config["QUERY_DEPRIORITIZE_AFTER"],
                          in_memory=release.triples.get("total", 0) <= config["STORE_IN_MEMORY_QUADS"])
        return cls(release, pool)

    def execute(self, job: Job, timeout: float) -> Outcome:
        return self.pool.run(job, timeout)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()
