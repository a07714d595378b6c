"""The TopoJSON decoder (sparql_endpoint/site/topojson.py) on hand-made topologies whose answers are known,
and the vendored us-atlas read through it (sparql_endpoint/site/atlas.py): the states and counties of the
Census by their FIPS and GEOID codes."""

from __future__ import annotations

import json

import pytest

from sparql_endpoint.site import topojson
from sparql_endpoint.site.atlas import ATLAS_FILE, atlas, read_atlas

#: Two unit squares side by side, sharing the arc x=1: quantized (scale 1, translate 10,20), delta-encoded.
SQUARES = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [10, 20]},
           "arcs": [[[1, 0], [0, 1]],            # the shared edge: (11,20) -> (11,21)
                    [[1, 1], [-1, 0], [0, -1], [1, 0]],  # left square's other sides: (11,21)->(10,21)->(10,20)->(11,20)
                    [[1, 0], [1, 0], [0, 1], [-1, 0]]],  # right square's: (11,20)->(12,20)->(12,21)->(11,21)
           "objects": {}}


def test_arcs_undo_quantization_and_delta_encoding() -> None:
    arcs = topojson.arcs(SQUARES)
    assert arcs[0] == [(11, 20), (11, 21)]
    assert arcs[1] == [(11, 21), (10, 21), (10, 20), (11, 20)]
    scaled = topojson.arcs({**SQUARES, "transform": {"scale": [0.5, 2], "translate": [0, 0]}})
    assert scaled[0] == [(0.5, 0), (0.5, 2)]


def test_a_negative_index_reverses_the_arc_and_shared_points_are_kept_once() -> None:
    arcs = topojson.arcs(SQUARES)
    left = topojson.ring([0, 1], arcs)
    assert left == [(11, 20), (11, 21), (10, 21), (10, 20), (11, 20)]
    right = topojson.ring([2, ~0], arcs)  # up the shared edge the other way
    assert right == [(11, 20), (12, 20), (12, 21), (11, 21), (11, 20)]


def test_polygons_path_data_centre_and_bounds() -> None:
    arcs = topojson.arcs(SQUARES)
    both = topojson.polygons({"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, ~0]]]}, arcs)
    assert len(both) == 2
    assert topojson.path_data(both) == "M11 20l0 1 -1 0 0 -1 1 0zM11 20l1 0 0 1 -1 0 0 -1z"
    assert topojson.polygons({"type": "Polygon", "arcs": [[2, ~0]]}, arcs) == both[1:]
    assert topojson.polygons({"type": "Point", "coordinates": [0, 0]}, arcs) == []
    assert topojson.label_point(both[1:]) == pytest.approx((11.5, 20.5))
    assert abs(topojson.area(both[0][0])) == 1
    assert topojson.bounds(both) == (10, 20, 12, 21)


def test_the_largest_polygon_carries_the_mark() -> None:
    big = [[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]]
    island = [[(50.0, 50.0), (51.0, 50.0), (51.0, 51.0)]]
    assert topojson.label_point([island, big]) == pytest.approx((5, 5))


@pytest.mark.parametrize(("topology", "words"), [
    ({"type": "FeatureCollection"}, "not a TopoJSON Topology"),
    ({**SQUARES, "objects": {"states": {}}}, "lacks the object(s) counties"),
])
def test_what_is_not_a_usable_topology_says_so(topology: dict, words: str) -> None:
    with pytest.raises(topojson.TopologyError, match=words.replace("(", r"\(").replace(")", r"\)")):
        read_atlas(topology)


def test_a_missing_arc_is_named() -> None:
    with pytest.raises(topojson.TopologyError, match="arc 7 does not exist"):
        topojson.ring([7], topojson.arcs(SQUARES))


def test_the_vendored_atlas_holds_the_states_and_counties_by_census_code() -> None:
    shapes = atlas()
    raw = json.loads(ATLAS_FILE.read_text(encoding="utf-8"))
    assert len(shapes.states) == len(raw["objects"]["states"]["geometries"]) == 51  # 50 states and DC
    assert shapes.county_count == len(raw["objects"]["counties"]["geometries"]) > 3000
    assert shapes.states["06"].name == "California" and shapes.states["25"].name == "Massachusetts"
    assert shapes.states["11"].name == "District of Columbia"
    alameda = shapes.shape("06001")
    assert alameda is not None and alameda.name == "Alameda" and alameda.d.startswith("M")
    # a county lies inside its state, and its mark inside its own box
    ca = shapes.states["06"].box
    x, y = alameda.point
    assert ca[0] <= alameda.box[0] <= x <= alameda.box[2] <= ca[2] and ca[1] <= y <= ca[3]
    assert shapes.shape("0667000") is None and shapes.shape("99") is None and shapes.shape("99999") is None
    for shape in shapes.states.values():
        assert shape.d.count("M") >= 1 and shape.d.endswith("z"), shape.geoid
        left, top, right, bottom = shape.box
        assert -60 <= left < right <= 975 and 0 <= top < bottom <= 610, shape.geoid
