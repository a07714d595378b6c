"""The one ``heg`` command group. Its commands live with the code they drive and join it by entry point.

The builder's commands (``build``, ``validate``, ``stats``, ``query``, ``publish``) and the server's
(``serve``) are declared in ``pyproject.toml`` under ``[project.entry-points."heg.commands"]``; this group
loads a command only when it is run (or listed by ``--help``), so the kernel imports neither package.

Exit codes follow pySHACL's convention: 0 success, 1 data or shape violations (or a bad query), 2 usage
or configuration errors (a missing folder, a bad option, an unreadable release).
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points
from typing import NoReturn

import click

from . import __version__
from .errors import HegError

COMMANDS_GROUP = "heg.commands"


class EntryPointGroup(click.Group):
    """A click group whose commands are the entry points of :data:`COMMANDS_GROUP`."""

    def _entry_points(self) -> dict[str, object]:
        return {ep.name: ep for ep in entry_points(group=COMMANDS_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._entry_points()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        entry = self._entry_points().get(cmd_name)
        return entry.load() if entry is not None else None  # type: ignore[attr-defined]


@click.group(cls=EntryPointGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="heg")
@click.option("-v", "--verbose", is_flag=True, help="Log each pipeline stage.")
def main(verbose: bool) -> None:
    """Build, validate, query and serve the Health Equity Guide knowledge graph.

    Exit codes: 0 success; 1 data or SHACL violations; 2 usage or configuration error.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def fail(error: HegError) -> NoReturn:
    """Report ``error`` on standard error, as ``heg COMMAND: message`` and its hint, and exit with its code:
    the one way every command fails."""
    context = click.get_current_context(silent=True)
    name = f"heg {context.info_name}" if context is not None and context.info_name != "heg" else "heg"
    text = error.message or str(error)
    click.echo(f"{name}: {text}", err=True)
    if error.hint and error.hint != HegError.hint and error.hint not in text:
        click.echo(f"  {error.hint}", err=True)
    sys.exit(error.exit_code)
