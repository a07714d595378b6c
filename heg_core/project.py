"""The project folder a command works on: the nearest folder, from the current directory upward, holding
``data/dataset.yaml``. Its ``data/``, ``ontology/heg.ttl`` and ``shapes/heg-shapes.ttl`` are the sources and
its ``build/`` the releases, so a command run in a second clone (or any folder inside one) works on that
clone, never on the tree the package happens to be installed from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

MARKER = Path("data") / "dataset.yaml"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "heg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes" / "heg-shapes.ttl"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def latest_release(self) -> Path:
        return self.build / "releases" / "latest"


def find_project(start: Path | None = None) -> Project:
    """The project holding ``start`` (default: the current directory), or a :class:`ConfigError` (exit 2)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    raise ConfigError(f"no project folder found: neither {here} nor any folder above it holds {MARKER}",
                      hint="Run heg inside a clone of the project (the folder holding data/, ontology/ and "
                           "shapes/, or any folder inside it), or name the inputs with --data, --ontology, "
                           "--shapes and --out (or --release).")
