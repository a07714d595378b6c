"""Flask apps for tests: made with ``create_app`` and closed (query workers stopped) afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from sparql_endpoint import close_app, create_app

#: What every test app runs with unless a test says otherwise: one query worker, a 10 s timeout.
TEST_SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 10.0}


@contextmanager
def app_factory(defaults: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """``with app_factory(defaults) as make:`` ``make(**settings)`` gives an app on ``defaults`` + settings
    (no environment variables read); every app made is closed when the block ends."""
    apps: list[Flask] = []

    def make(**settings: Any) -> Flask:
        app = create_app({**defaults, **settings}, environ={})
        apps.append(app)
        return app

    try:
        yield make
    finally:
        for app in apps:
            close_app(app)
