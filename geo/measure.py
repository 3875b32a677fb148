"""Lengths, areas and shares, always measured in metres in EPSG:32636.

Geometries are stored in EPSG:4326 (degrees); every function here projects first. Passing a
geometry that is already projected is refused, because its "degrees" would be metres. Single
geometries are projected with pyproj; layers (GeoSeries, GeoDataFrames) with geopandas'
``to_crs``, which reads the CRS the layer declares.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
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
    _check_bounds(geom.bounds)


def _check_bounds(bounds: tuple[float, float, float, float]) -> None:
    minx, miny, maxx, maxy = bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(f"geometry bounds {bounds} are not longitude/latitude; pass EPSG:4326 geometries")


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


def layer_to_metric(layer: gpd.GeoSeries | gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A layer's geometries projected to EPSG:32636 with ``to_crs``; a layer with no CRS is refused."""
    geoms = layer.geometry if isinstance(layer, gpd.GeoDataFrame) else layer
    if geoms.crs is None:
        raise ValueError("the layer has no CRS; declare EPSG:4326 (longitude/latitude) before measuring")
    if geoms.crs.is_geographic and not geoms.is_empty.all():
        minx, miny, maxx, maxy = (float(b) for b in geoms.total_bounds)
        _check_bounds((minx, miny, maxx, maxy))
    return geoms.to_crs(CRS_METRIC)


def lengths_km(layer: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series[float]:
    """Length of each geometry of a layer in kilometres, index kept."""
    km: pd.Series[float] = layer_to_metric(layer).length / 1000.0
    return km


def areas_km2(layer: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series[float]:
    """Area of each geometry of a layer in square kilometres, index kept."""
    km2: pd.Series[float] = layer_to_metric(layer).area / 1e6
    return km2
