"""Lengths, areas and shares, always measured in metres in EPSG:32636.

Geometries are stored in EPSG:4326 (degrees); every function here projects first. Passing a
geometry that is already projected is refused, because its "degrees" would be metres.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.settings import CRS_LONLAT, CRS_METRIC


@cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _check_lonlat(geom: BaseGeometry) -> None:
    if geom.is_empty:
        return
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(
            f"geometry bounds {geom.bounds} are not longitude/latitude; pass EPSG:4326 geometries"
        )


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Project a lon/lat geometry to EPSG:32636 (metres)."""
    _check_lonlat(geom)
    t = _transformer(CRS_LONLAT, CRS_METRIC)
    return shapely.transform(geom, lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Project an EPSG:32636 geometry back to lon/lat."""
    t = _transformer(CRS_METRIC, CRS_LONLAT)
    return shapely.transform(geom, lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    return np.column_stack(xy)


def length_km(geom: BaseGeometry) -> float:
    """Length of a lon/lat geometry in kilometres."""
    return float(to_metric(geom).length) / 1000.0


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry in square kilometres."""
    return float(to_metric(geom).area) / 1e6


def share_of(part: BaseGeometry, whole: BaseGeometry) -> float:
    """Fraction (0-1) of ``whole``'s area that ``part`` covers, measured in metres."""
    whole_area = area_km2(whole)
    if whole_area == 0:
        raise ValueError("the whole has no area")
    return area_km2(part.intersection(whole)) / whole_area
