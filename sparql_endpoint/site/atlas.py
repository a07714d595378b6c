"""The vendored US Census boundaries (us-atlas ``counties-albers-10m.json``, see ``us-atlas/README.md``):
states and counties by GEOID, as SVG path data in the atlas's 975 x 610 frame.

The file does not change while the server runs, so it is read and its arcs decoded once per process
(:func:`atlas`); a county's path is written only when a page asks for it (the map draws only the
counties our places name). Decoding is :mod:`.topojson`'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import topojson

ATLAS_FILE = Path(__file__).resolve().parent / "us-atlas" / "counties-albers-10m.json"
WIDTH, HEIGHT = 975, 610  # the frame us-atlas projects into (d3.geoAlbersUsa, scale 1300)
VERSION = "3.0.1"


@dataclass(frozen=True)
class Shape:
    """A state (two-digit FIPS) or a county (five-digit GEOID) of the atlas."""

    geoid: str
    name: str
    d: str  # SVG path data
    point: topojson.Point  # where a mark for it goes: the centre of its largest polygon
    box: tuple[float, float, float, float]


@dataclass
class Atlas:
    states: dict[str, Shape]
    _counties: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    _arcs: list[list[topojson.Point]] = field(repr=False, default_factory=list)
    _drawn: dict[str, Shape] = field(repr=False, default_factory=dict)

    def county(self, geoid: str) -> Shape | None:
        """The county with that five-digit GEOID, or None when the atlas has none."""
        if geoid not in self._drawn:
            geometry = self._counties.get(geoid)
            if geometry is None:
                return None
            self._drawn[geoid] = _shape(geometry, self._arcs)
        return self._drawn[geoid]

    def shape(self, geoid: str) -> Shape | None:
        """A state (2 digits) or a county (5 digits); None for any other code (Census places are not here)."""
        if len(geoid) == 2:
            return self.states.get(geoid)
        if len(geoid) == 5:
            return self.county(geoid)
        return None

    @property
    def county_count(self) -> int:
        return len(self._counties)


def _shape(geometry: dict[str, Any], arcs: list[list[topojson.Point]]) -> Shape:
    polygons = topojson.polygons(geometry, arcs)
    return Shape(str(geometry["id"]), geometry.get("properties", {}).get("name", ""), topojson.path_data(polygons),
                 topojson.label_point(polygons), topojson.bounds(polygons))


def read_atlas(topology: dict[str, Any]) -> Atlas:
    """An :class:`Atlas` from a us-atlas counties topology (objects ``states`` and ``counties``)."""
    arcs = topojson.arcs(topology)
    objects = topology.get("objects", {})
    missing = [name for name in ("states", "counties") if name not in objects]
    if missing:
        raise topojson.TopologyError(f"the topology lacks the object(s) {', '.join(missing)}")
    states = {str(g["id"]): _shape(g, arcs) for g in objects["states"]["geometries"]}
    counties = {str(g["id"]): g for g in objects["counties"]["geometries"]}
    return Atlas(states, counties, arcs)


@cache
def atlas() -> Atlas:
    """The vendored atlas, read once per process."""
    return read_atlas(json.loads(ATLAS_FILE.read_text(encoding="utf-8")))
