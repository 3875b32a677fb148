"""Measurements in metres (EPSG:32636) on hand-computable shapes."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, box

from geo.measure import area_km2, length_km, share_of, to_lonlat, to_metric

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
