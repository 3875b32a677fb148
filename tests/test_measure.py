"""Measurements in metres (EPSG:32636) on hand-computable shapes."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from geo.bundle import Bundle
from geo.measure import area_km2, areas_km2, length_km, lengths_km, share_of, to_lonlat, to_metric

# A point in the middle of the strip, in EPSG:32636 metres.
X0, Y0 = 620_000.0, 3_480_000.0


def lonlat_box(width_m: float, height_m: float):  # type: ignore[no-untyped-def]
    return to_lonlat(box(X0, Y0, X0 + width_m, Y0 + height_m))


def test_a_2_by_3_km_box_is_6_km2() -> None:
    assert area_km2(lonlat_box(2000, 3000)) == pytest.approx(6.0, rel=1e-6)


def test_a_5_km_line_is_5_km() -> None:
    line = to_lonlat(LineString([(X0, Y0), (X0 + 3000, Y0 + 4000)]))
    assert length_km(line) == pytest.approx(5.0, rel=1e-6)


def test_share_of_half_a_box() -> None:
    assert share_of(lonlat_box(1000, 1000), lonlat_box(2000, 1000)) == pytest.approx(0.5, rel=1e-4)


def test_share_counts_only_the_part_inside() -> None:
    outside = to_lonlat(box(X0 - 1000, Y0, X0 + 1000, Y0 + 1000))
    assert share_of(outside, lonlat_box(2000, 1000)) == pytest.approx(0.5, rel=1e-4)


def test_round_trip_keeps_coordinates() -> None:
    geom = lonlat_box(2000, 3000)
    assert to_lonlat(to_metric(geom)).equals_exact(geom, tolerance=1e-9)


def test_projected_geometry_is_refused() -> None:
    with pytest.raises(ValueError, match="not longitude/latitude"):
        area_km2(box(X0, Y0, X0 + 10, Y0 + 10))


def test_zero_area_whole_is_refused() -> None:
    with pytest.raises(ValueError, match="no area"):
        share_of(lonlat_box(1, 1), LineString([(34.3, 31.4), (34.4, 31.5)]))


def test_a_layer_is_measured_in_metres_with_to_crs() -> None:
    layer = gpd.GeoSeries([lonlat_box(2000, 3000), lonlat_box(1000, 1000)], crs="EPSG:4326")
    assert areas_km2(layer).tolist() == pytest.approx([6.0, 1.0], rel=1e-6)
    line = to_lonlat(LineString([(X0, Y0), (X0 + 3000, Y0 + 4000)]))
    frame = gpd.GeoDataFrame({"id": ["l"]}, geometry=[line], crs="EPSG:4326")
    assert lengths_km(frame).tolist() == pytest.approx([5.0], rel=1e-6)


def test_a_layer_without_a_crs_or_with_metres_as_degrees_is_refused() -> None:
    with pytest.raises(ValueError, match="no CRS"):
        areas_km2(gpd.GeoSeries([lonlat_box(10, 10)]))
    with pytest.raises(ValueError, match="not longitude/latitude"):
        areas_km2(gpd.GeoSeries([box(X0, Y0, X0 + 10, Y0 + 10)], crs="EPSG:4326"))


def test_a_layer_already_in_metres_is_measured_as_it_declares() -> None:
    layer = gpd.GeoSeries([box(X0, Y0, X0 + 2000, Y0 + 3000)], crs="EPSG:32636")
    assert areas_km2(layer).tolist() == pytest.approx([6.0], rel=1e-9)


def test_layers_and_single_geometries_agree_on_the_real_data(bundle: Bundle) -> None:
    borders = bundle.layers["borders"]
    assert lengths_km(borders).tolist() == pytest.approx([length_km(g) for g in borders.geometry], rel=1e-9)
    assert areas_km2(bundle.layers["gaza_strip"]).iloc[0] == pytest.approx(bundle.strip_area_km2, rel=1e-9)
