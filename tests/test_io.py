"""Reading files: GeoJSON features into a GeoDataFrame."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point

from geo.io import layer_frame


def _point(fid: str, x: float, y: float, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {"id": fid, **props},
    }


def test_layer_frame_has_one_column_per_property_and_geometry_last() -> None:
    frame = layer_frame([_point("a", 34.4, 31.5, note="n"), _point("b", 34.3, 31.4)])
    assert frame.crs == "EPSG:4326"
    assert list(frame.columns) == ["id", "note", "geometry"]
    assert frame.geometry.iloc[1].equals(Point(34.3, 31.4))
    assert frame["note"].isna().tolist() == [False, True]  # a property a feature lacks


def test_an_empty_layer_is_an_empty_frame_with_a_crs() -> None:
    frame = layer_frame([])
    assert len(frame) == 0 and list(frame.columns) == ["geometry"] and frame.crs == "EPSG:4326"
