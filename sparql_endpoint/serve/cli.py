"""``heg serve``: run the endpoint under granian (the default, :mod:`.granian`) or gunicorn (``--server
gunicorn``, :mod:`.gunicorn`), threads and server processes configurable, or under Flask's development
server with ``--dev``. It joins the kernel's ``heg`` group by entry point.
"""

from __future__ import annotations

import os
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from heg_core.cli import fail
from heg_core.errors import ConfigError
from heg_core.project import find_project
from heg_core.release import load_release

from ..app import create_app
from ..downloads.files import releases_dir
from ..settings import load_config
from ..state import state_of
from ..stores import NEEDS_LOCAL_STORE
from .granian import granian_server
from .gunicorn import gunicorn_options
from .logs import configure_logging

SETTING_OPTIONS = {  # option name -> setting name
    "release_dir": "RELEASE_DIR",
    "releases_dir": "RELEASES_DIR",
    "query_timeout": "QUERY_TIMEOUT",
    "query_workers": "QUERY_WORKERS",
    "queue_size": "QUEUE_SIZE",
    "max_rows": "MAX_ROWS",
    "max_request_bytes": "MAX_REQUEST_BYTES",
    "public_url": "PUBLIC_URL",
    "cache_entries": "CACHE_ENTRIES",
    "queryable_releases": "QUERYABLE_RELEASES",
}


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    settings = {setting: options[name] for name, setting in SETTING_OPTIONS.items() if options.get(name) is not None}
    if options.get("store_url"):
        settings["STORE_KIND"], settings["STORE_URL"] = "remote", options["store_url"]
    if options.get("allow_service"):
        settings["SERVICE_ALLOWLIST"] = list(options["allow_service"])
    return settings


def gunicorn_application(settings: dict[str, Any], options: dict[str, Any]) -> Any:
    """A gunicorn application that builds one endpoint app per worker process (never in the master)."""
    class EndpointApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # newer gunicorn settings are skipped on older versions
                    self.cfg.set(key, value)

        def load(self) -> Any:
            configure_logging(options.get("loglevel", "info"))  # gunicorn resets the root logger
            app = create_app(settings)
            state_of(app).store.start()
            return app

    return EndpointApplication()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--release", "release_dir", default=None, metavar="DIR",
              help="Release directory to serve [default: HEG_RELEASE_DIR, else build/releases/latest of the "
                   "project folder].")
@click.option("--releases-dir", "releases_dir", default=None, metavar="DIR",
              help="Folder of all releases, listed on /downloads and /releases/ [default: the served release's parent].")
@click.option("--store", "store_url", default=None, metavar="URL",
              help="Answer from this remote SPARQL 1.1 query endpoint (loaded with `heg publish`) instead of the "
                   "release's embedded store; credentials from HEG_STORE_USER/HEG_STORE_PASSWORD or "
                   "HEG_STORE_TOKEN.")
@click.option("--query-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Stop a query after S seconds [default: 30].")
@click.option("--server", "server", default="granian", show_default=True, type=click.Choice(["granian", "gunicorn"]),
              help="The HTTP server (granian: measured fastest, docs/benchmarks.md; gunicorn: the gthread worker "
                   "with client deadlines).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Server processes (each has its own query workers and caches).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1),
              help="Threads per server process (requests handled at once).")
@click.option("--io-threads", default=2, show_default=True, type=click.IntRange(min=1),
              help="granian: threads per server process reading and writing connections (2: the repeated "
                   "mix's p99 latency at 4 connections 1.1-1.9 ms against 1.5-10 ms with 1, docs/benchmarks.md).")
@click.option("--query-workers", type=click.IntRange(min=1), default=None,
              help="Query processes per server process [default: 6].")
@click.option("--queue-size", type=click.IntRange(min=0), default=None,
              help="Queries that may wait for a query process before 503 [default: 16].")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, help="Result row cap [default: 10000].")
@click.option("--max-request-bytes", type=click.IntRange(min=1), default=None,
              help="Request size cap in bytes [default: 1048576].")
@click.option("--cache-entries", type=click.IntRange(min=0), default=None,
              help="Result cache entries per server process, 0 to disable [default: 512].")
@click.option("--queryable-releases", type=click.IntRange(min=1), default=None, metavar="N",
              help="Releases of the releases folder answered at /releases/<version>/..., the latest included; "
                   "older ones are downloads only [default: 3].")
@click.option("--allow-service", multiple=True, metavar="IRI",
              help="A SERVICE IRI queries may call (repeatable; none by default).")
@click.option("--public-url", default=None, help="The endpoint's public URL, for the service description.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--dev", is_flag=True, help="Run Flask's development server instead of granian or gunicorn.")
def serve(host: str, port: int, server: str, workers: int, threads: int, io_threads: int, log_level: str,
          dev: bool, **options: Any) -> None:
    """Serve the SPARQL endpoint over a release (read-only)."""
    configure_logging(log_level)
    settings = _settings(options)
    try:  # fail before forking anything, with the reason
        if "RELEASE_DIR" not in settings and "HEG_RELEASE_DIR" not in os.environ:
            project = find_project()
            click.echo(f"project folder: {project.root}", err=True)
            settings["RELEASE_DIR"] = str(project.latest_release)
        checked = load_config(settings)
        release = load_release(checked["RELEASE_DIR"], require_store=NEEDS_LOCAL_STORE[checked["STORE_KIND"]])
        releases_dir(checked, release.path)
    except ConfigError as exc:
        fail(exc)
    source = f" from the store {checked['STORE_URL']}" if checked["STORE_KIND"] == "remote" else ""
    click.echo(f"Serving release {release.version} ({release.path}){source} at http://{host}:{port}/sparql",
               err=True)
    if dev:
        create_app(settings).run(host=host, port=port, threaded=True)
        return
    if server == "granian":  # hardening: header deadline, request limits, body deadline (docs/operations.md)
        granian_server(settings, checked, host=host, port=port, workers=workers, threads=threads,
                       io_threads=io_threads, log_level=log_level).serve()
        return
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # gunicorn hardening: client deadlines, request limits, keep-alive (docs/operations.md)
    gunicorn_application(settings, {
        "bind": bind, "workers": workers, "threads": threads, **gunicorn_options(checked),
        "loglevel": log_level, "accesslog": None, "control_socket_disable": True,
    }).run()
