"""GeoJSON geometry against RFC 7946 and the map's region, read without recursion.

Shapely is lenient where a contributor's mistake should be named: it closes an open ring
without a word and takes ``[latitude, longitude]`` as readily as ``[longitude, latitude]``.
These checks run on the parsed JSON first, so that shapely only ever sees what they passed.
"""

from __future__ import annotations

import math
from typing import Any

from geo import settings

# How deep in ``coordinates`` each geometry type keeps its lines or rings, and how many
# positions each needs at least (RFC 7946, section 3.1).
RINGS_AT: dict[str, int] = {
    "Point": 0,
    "MultiPoint": 0,
    "LineString": 0,
    "MultiLineString": 1,
    "Polygon": 1,
    "MultiPolygon": 2,
}
_MIN_POSITIONS = {"Point": 1, "MultiPoint": 0, "LineString": 2, "MultiLineString": 2}
_RING_MIN = 4

Finding = tuple[str, str, str]  # (field, value, message)


def check_geometry(geometry: Any) -> tuple[int, list[Finding]]:
    """The number of positions of a GeoJSON geometry, and what is wrong with it (RFC 7946).

    Positions are ``[longitude, latitude]`` (an altitude may follow) inside the region
    (:data:`~geo.settings.REGION_LON`, :data:`~geo.settings.REGION_LAT`); lines have two
    positions or more; polygon rings four or more, the first repeated as the last. Read without
    recursion, before shapely (which closes an open ring without a word).

    >>> check_geometry({"type": "Point", "coordinates": [31.5, 34.4]})[1][0][2]
    'latitude and longitude look swapped: a position is [longitude, latitude] (RFC 7946)'
    >>> ring = [[34.3, 31.3], [34.4, 31.3], [34.4, 31.4], [34.3, 31.4]]
    >>> check_geometry({"type": "Polygon", "coordinates": [ring]})[1][0][2]
    'ring 1 is not closed: its last position must repeat its first (RFC 7946)'
    """
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or not isinstance(kind, str) or kind not in RINGS_AT:
        return 0, [("geometry", "", "cannot be read (a GeoJSON geometry with a known type is needed)")]
    coords = geometry.get("coordinates")
    parts: list[tuple[str, Any]] = [("", coords if kind != "Point" else [coords])]
    for level in range(RINGS_AT[kind]):
        deeper: list[tuple[str, Any]] = []
        for label, part in parts:
            if not isinstance(part, list):
                return 0, [("geometry", "", "cannot be read (coordinates must be nested lists of positions)")]
            if kind == "MultiPolygon" and level == 0:
                noun = "polygon"
            else:
                noun = "ring" if kind.endswith("Polygon") else "line"
            deeper += [(f"{label} {noun} {k}".strip(), p) for k, p in enumerate(part, start=1)]
        parts = deeper
    if not all(isinstance(p, list) for _, p in parts):
        return 0, [("geometry", "", "cannot be read (coordinates must be nested lists of positions)")]
    count = sum(len(p) for _, p in parts)
    if count > settings.MAX_VERTICES_PER_FEATURE:
        return count, [
            (
                "geometry",
                f"{count}",
                f"has more vertices than the limit of {settings.MAX_VERTICES_PER_FEATURE:,} for one feature",
            )
        ]
    if count == 0:
        return 0, [("geometry", "", "is empty")]
    for _, positions in parts:
        for p in positions:
            if not _is_position(p):
                return count, [
                    (
                        "geometry.coordinates",
                        str(p)[:80],
                        "cannot be read: a position is [longitude, latitude], finite numbers (RFC 7946)",
                    )
                ]
    for label, positions in parts:
        need = _MIN_POSITIONS.get(kind, _RING_MIN)
        if len(positions) < need:
            what = label or ("the line" if kind == "LineString" else "the geometry")
            return count, [
                (
                    "geometry.coordinates",
                    "",
                    f"{what} has {len(positions)} position(s); it needs {need} or more",
                )
            ]
        if need == _RING_MIN and positions[0] != positions[-1]:
            return count, [
                (
                    "geometry.coordinates",
                    f"first {positions[0]}, last {positions[-1]}",
                    f"{label} is not closed: its last position must repeat its first (RFC 7946)",
                )
            ]
    return count, _region_findings(parts)


def _is_position(p: Any) -> bool:
    return (
        isinstance(p, list)
        and len(p) in (2, 3)
        and all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in p)
    )


def _region_findings(parts: list[tuple[str, Any]]) -> list[Finding]:
    """The first position outside the region, said in the words that fit it best."""
    (west, east), (south, north) = settings.REGION_LON, settings.REGION_LAT
    for _, positions in parts:
        for x, y, *_ in positions:
            if west <= x <= east and south <= y <= north:
                continue
            value = f"{x}, {y}"
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                return [
                    ("geometry.coordinates", value, "are not longitude/latitude: store EPSG:4326 (RFC 7946)")
                ]
            if west <= y <= east and south <= x <= north:
                return [
                    (
                        "geometry.coordinates",
                        value,
                        "latitude and longitude look swapped: a position is [longitude, latitude] (RFC 7946)",
                    )
                ]
            return [
                (
                    "geometry.coordinates",
                    value,
                    f"lies outside the region of the map (longitude {west:g} to {east:g}, "
                    f"latitude {south:g} to {north:g})",
                )
            ]
    return []


def longest_string(key: Any, value: Any) -> int:
    """The length of the longest text in a property, its name included; walked without recursion."""
    longest = len(key) if isinstance(key, str) else 0
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            longest = max(longest, len(v))
        elif isinstance(v, dict):
            stack += [*v.keys(), *v.values()]
        elif isinstance(v, list):
            stack += v
    return longest
