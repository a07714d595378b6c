"""Export the site of one release into a folder: the crawl (:mod:`.crawl`) through an application made for
it, then ``files.json`` (every file with its URL, media type, size and SHA-256), ``nginx.conf`` and
``.htaccess`` (:mod:`.webconfig`)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from heg_core.errors import ConfigError

from ..app import close_app, create_app
from ..state import state_of
from . import webconfig
from .crawl import Crawler, Export

MANIFEST = "files.json"
#: settings of the application the export renders through (no rate limit: it asks for every page)
EXPORT_SETTINGS: dict[str, Any] = {"QUERYABLE_RELEASES": 1, "RATE_LIMIT": 0, "QUERY_WORKERS": 2}


def export_site(release_dir: Path, out: Path, *, base_url: str = "http://localhost/", endpoint: str = "",
                settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Export:
    """Write the site of the release at ``release_dir`` into ``out`` (which must be empty or new)."""
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"--base-url {base_url!r} is not an http(s) URL",
                          hint="Pass the URL the copy will be served at, e.g. https://example.org/")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"--endpoint {endpoint!r} is not an http(s) URL",
                          hint="Pass the URL of a SPARQL endpoint serving this release, or leave it out.")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} exists and is not an empty folder: the export would mix with what is there",
                          hint="Export into a new or empty folder.")
    out.mkdir(parents=True, exist_ok=True)
    app = create_app({**EXPORT_SETTINGS, **(settings or {}), "RELEASE_DIR": str(release_dir)},
                     environ=os.environ if environ is None else environ)
    try:
        version = state_of(app).release.version
        export = Crawler(app, out, base_url, endpoint).run()
    finally:
        close_app(app)
    configs = {"nginx.conf": webconfig.nginx(export.written.values(), str(out.resolve()), version),
               ".htaccess": webconfig.htaccess(export.written.values(), version)}
    for name, text in configs.items():
        (out / name).write_text(text, encoding="utf-8")
    listing = {
        "release": version, "base_url": base_url, "endpoint": endpoint,
        "files": [asdict(w) for w in sorted(export.written.values(), key=lambda w: w.file)],
        "configuration": [{"file": name, "sha256": hashlib.sha256(text.encode()).hexdigest()}
                          for name, text in configs.items()],
        "not_exported": [{"url": url, "status": status} for url, status in sorted(export.not_exported)],
    }
    (out / MANIFEST).write_text(json.dumps(listing, indent=1) + "\n", encoding="utf-8")
    return export
