"""``heg export-site OUT``: the whole site of a release as static files (joins the ``heg`` group by entry
point, see pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import click

from heg_core.cli import fail
from heg_core.errors import ConfigError, HegError
from heg_core.project import find_project
from heg_core.release import LATEST

from .site import MANIFEST, export_site


@click.command("export-site")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--release", "version", default=None, metavar="V",
              help="Version to export [default: the one `latest` names].")
@click.option("--releases-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Folder of the releases [default: build/releases of the project folder].")
@click.option("--base-url", default="http://localhost/", show_default=True,
              help="URL the copy will be served at (absolute links in pages use it).")
@click.option("--endpoint", default="", metavar="URL",
              help="SPARQL endpoint that pages needing a server (SPARQL, search) link to [default: none].")
def export_site_command(out: Path, version: str | None, releases_dir: Path | None, base_url: str,
                        endpoint: str) -> None:
    """Write every page and every representation of every IRI of a release into OUT, with nginx and Apache
    configuration for content negotiation and a list of the files with their SHA-256 (files.json)."""
    try:
        releases = releases_dir or find_project().build / "releases"
        release = releases / (version or LATEST)
        if not release.is_dir():
            raise ConfigError(f"there is no release {version or LATEST!r} in {releases}",
                              hint="Name a version kept there (--release), or point --releases-dir at the folder.")
        export = export_site(release, out, base_url=base_url, endpoint=endpoint)
    except HegError as exc:
        fail(exc)
    click.echo(f"wrote {len(export.written)} files into {out} (listed in {out / MANIFEST}); "
               f"{len(export.not_exported)} links not exported (not 200): see {MANIFEST}", err=True)
