"""TopoJSON to SVG path data: a pure decoder of the parts of the format the vendored us-atlas uses.

A topology (https://github.com/topojson/topojson-specification) stores each shared boundary once, as an
*arc*: with a ``transform``, the arcs are quantized (integers) and delta-encoded (each point is the change
from the one before), and a point is ``(x * scale_x + translate_x, y * scale_y + translate_y)``. A polygon
is a list of rings, each a list of arc indexes; an index ``~i`` (negative) means arc ``i`` reversed. The
us-atlas ``*-albers-10m.json`` files are already projected (Albers USA, to fit 975 x 610), so the decoded
points are SVG coordinates as they are: no projection code is needed.

Nothing here reads a file or a request: :func:`arcs` decodes a topology's arcs, :func:`polygons` gives a
geometry's rings, :func:`path_data` writes them as an SVG ``d`` attribute (rounded to whole units, repeated
points dropped, relative moves) and :func:`label_point` the centre of the largest polygon's outer ring,
where a mark for the shape goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the outer ring, then its holes


class TopologyError(ValueError):
    """The topology is not what this decoder reads (says which part is wrong)."""


def arcs(topology: Mapping[str, Any]) -> list[list[Point]]:
    """Every arc of ``topology`` as absolute points, quantization and delta encoding undone."""
    if topology.get("type") != "Topology":
        raise TopologyError("not a TopoJSON Topology (its \"type\" is not \"Topology\")")
    transform = topology.get("transform")
    decoded = []
    for arc in topology.get("arcs", []):
        if transform is None:  # unquantized: absolute positions already
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring(indexes: Sequence[int], decoded: Sequence[list[Point]]) -> Ring:
    """One ring: its arcs joined (``~i`` reversed), the point each arc shares with the one before kept once."""
    points: Ring = []
    for index in indexes:
        try:
            arc = decoded[index] if index >= 0 else decoded[~index][::-1]
        except IndexError:
            raise TopologyError(f"arc {index} does not exist (the topology has {len(decoded)})") from None
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: Mapping[str, Any], decoded: Sequence[list[Point]]) -> list[Polygon]:
    """The polygons of a ``Polygon`` or ``MultiPolygon`` geometry (other types have none)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[ring(r, decoded) for r in geometry["arcs"]]]
    if kind == "MultiPolygon":
        return [[ring(r, decoded) for r in polygon] for polygon in geometry["arcs"]]
    return []


def path_data(shapes: Sequence[Polygon]) -> str:
    """SVG path data for the polygons: ``M`` to each ring's start, relative ``l`` steps, ``z``; whole units."""
    out = []
    for polygon in shapes:
        for points in polygon:
            rounded = [(round(x), round(y)) for x, y in points]
            kept = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
            if len(kept) < 3:
                continue  # a ring smaller than a unit draws nothing
            (x0, y0), steps = kept[0], []
            px, py = x0, y0
            for x, y in kept[1:]:
                steps.append(f"{x - px} {y - py}")
                px, py = x, y
            out.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(out)


def area(points: Ring) -> float:
    """The signed area of a ring (shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)) / 2


def label_point(shapes: Sequence[Polygon]) -> Point:
    """The area centroid of the outer ring of the largest polygon (a state's mainland, not its islands)."""
    outers = [polygon[0] for polygon in shapes if polygon and len(polygon[0]) >= 3]
    if not outers:
        raise TopologyError("the geometry has no polygon to place a mark on")
    largest = max(outers, key=lambda r: abs(area(r)))
    signed = area(largest)
    if signed == 0:
        xs, ys = [p[0] for p in largest], [p[1] for p in largest]
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(largest, largest[1:] + largest[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return (cx / (6 * signed), cy / (6 * signed))


def bounds(shapes: Sequence[Polygon]) -> tuple[float, float, float, float]:
    """``(min_x, min_y, max_x, max_y)`` of every point of the polygons."""
    points = [p for polygon in shapes for r in polygon for p in r]
    if not points:
        raise TopologyError("the geometry has no points")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))
