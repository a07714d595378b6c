"""The release's own pyoxigraph store, opened read-only by each query worker process (:mod:`.pool`), and
copied into memory there when the release has at most ``STORE_IN_MEMORY_QUADS`` quads."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from heg_core.release import Release, fits_in_memory, load_release

from .jobs import Job, Outcome
from .pool import WorkerPool, copy_refused

log = logging.getLogger(__name__)


class LocalStore:
    """The release's pyoxigraph store, opened read-only by each query worker process."""

    def __init__(self, release: Release, pool: WorkerPool) -> None:
        self.release = release
        self.pool = pool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LocalStore:
        release = load_release(config["RELEASE_DIR"], verify=False)  # the workers open the store
        in_memory = fits_in_memory(release, config["STORE_IN_MEMORY_QUADS"])
        refused = copy_refused(release.triples.get("total", 0), config["WORKER_MEMORY_MB"]) if in_memory else None
        if refused:
            log.warning("release %s is queried on disk: %s", release.version, refused)
        pool = WorkerPool(str(release.store_path), size=config["QUERY_WORKERS"], queue_size=config["QUEUE_SIZE"],
                          queue_wait=config["QUEUE_WAIT"], retry_after=config["RETRY_AFTER"],
                          memory_mb=config["WORKER_MEMORY_MB"],
                          sandbox=config["WORKER_SANDBOX"] and not config["SERVICE_ALLOWLIST"],
                          deprioritize_after=config["QUERY_DEPRIORITIZE_AFTER"],
                          in_memory=in_memory and not refused)
        return cls(release, pool)

    def execute(self, job: Job, timeout: float) -> Outcome:
        return self.pool.run(job, timeout)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()
