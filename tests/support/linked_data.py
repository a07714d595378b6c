"""Helpers of the linked-data tests: settings, the retired IRI the fixtures add, a crawler of the site."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from flask import Flask


#: The linked-data suite shares one app across the session: two query workers, a longer timeout.
SETTINGS: dict[str, Any] = {"TESTING": True, "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 20.0}
BASE = "https://w3id.org/health-equity-guide/"
RETIRED = "id/practice/2017/old-allocate-resources"
SUCCESSOR = "id/practice/2017/allocate-resources"
HOST = "http://localhost"


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
