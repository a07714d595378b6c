"""The reconciliation preview card may be framed (OpenRefine shows it in an iframe on its own origin, issue
14); every other response keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from support.reconciliation import ID

PREVIEW = "/reconcile/preview?id=" + ID + "place/boston-ma"


def _ancestors(policy: str) -> str:
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors"))


def test_the_preview_card_alone_may_be_framed_by_default(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    card = client.get(PREVIEW)
    assert card.status_code == 200 and "Boston" in card.get_data(as_text=True)
    assert _ancestors(card.headers["Content-Security-Policy"]) == "frame-ancestors *"
    assert "X-Frame-Options" not in card.headers
    assert "script-src 'self'" in card.headers["Content-Security-Policy"]  # the rest of the policy is kept
    for path in ("/", "/reconcile", "/places", "/reconcile/view?id=" + ID + "place/boston-ma"):
        response = client.get(path)
        assert _ancestors(response.headers["Content-Security-Policy"]) == "frame-ancestors 'none'", path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_a_deployment_names_its_openrefine_origin_or_forbids_framing(make_app: Callable[..., Flask]) -> None:
    one = make_app(PREVIEW_FRAME_ANCESTORS="http://localhost:3333").test_client().get(PREVIEW)
    assert _ancestors(one.headers["Content-Security-Policy"]) == "frame-ancestors http://localhost:3333"
    strict = make_app(PREVIEW_FRAME_ANCESTORS="'none'").test_client().get(PREVIEW)
    assert _ancestors(strict.headers["Content-Security-Policy"]) == "frame-ancestors 'none'"
    assert strict.headers["X-Frame-Options"] == "DENY"
