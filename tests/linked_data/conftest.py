"""Fixtures of the linked-data tests: one app over the session's real release, one crawl of the site,
and a release with a retired IRI built from a copy of data/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from graph_builder.pipeline import DEFAULT_DATA, Pipeline, run_pipeline
from graph_builder.release import ReleaseOutcome, write_release
from sparql_endpoint import create_app

SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 20.0}
BASE = "https://w3id.org/health-equity-guide/"
RETIRED = "id/practice/2017/old-allocate-resources"
SUCCESSOR = "id/practice/2017/allocate-resources"
HOST = "http://localhost"


def make_app(release_dir: Path, **settings: Any) -> Flask:
    return create_app({**SETTINGS, "RELEASE_DIR": str(release_dir), **settings}, environ={})


def close(app: Flask) -> None:
    app.extensions["heg_endpoint"].store.close()


@pytest.fixture(scope="session")
def ld_app(release: ReleaseOutcome) -> Iterator[Flask]:
    app = make_app(release.path)
    yield app
    close(app)


@pytest.fixture
def client(ld_app: Flask) -> Any:
    return ld_app.test_client()


@pytest.fixture(scope="session")
def retired_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of a copy of data/ whose retired.csv retires one IRI in favour of a practice."""
    root = tmp_path_factory.mktemp("retired")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA, data)
    with (data / "retired.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{RETIRED},{SUCCESSOR},2026-01-15,Renamed when the slug was fixed\n")
    result = run_pipeline(Pipeline(data_dir=data))
    return write_release(result, root / "build").path


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and tag in ("a", "link", "script", "img"):
                self.hrefs.append(value)


def crawl(app: Flask) -> dict[str, Any]:
    client = app.test_client()
    seen: dict[str, int] = {}
    pages: dict[str, str] = {}
    referrers: dict[str, str] = {}
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        seen[path] = response.status_code
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        text = response.get_data(as_text=True)
        pages[path] = text
        parser = Links()
        parser.feed(text)
        for href in parser.hrefs:
            url, _ = urldefrag(urljoin(HOST + path, href))
            parts = urlsplit(url)
            if parts.scheme + "://" + parts.netloc != HOST:
                continue  # external: not ours to check
            target = parts.path + ("?" + parts.query if parts.query else "")
            if target not in seen:
                referrers.setdefault(target, path)
                queue.append(target)
    return {"status": seen, "pages": pages, "referrers": referrers}


@pytest.fixture(scope="session")
def site(ld_app: Flask) -> dict[str, Any]:
    return crawl(ld_app)
