"""The endpoint's log lines (one per query) to stderr, whatever the HTTP server did to the root logger."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logger = logging.getLogger("sparql_endpoint")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
