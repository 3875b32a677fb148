"""Grid counts of a dated point layer: hand-countable cases."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.aggregate import grid_counts
from geo.measure import to_lonlat

X0, Y0 = 620_000.0, 3_480_000.0  # metres in EPSG:32636, inside the strip


def layer(rows: list[tuple[float, float, str, str | None]]) -> gpd.GeoDataFrame:
    pts = [to_lonlat(Point(X0 + dx, Y0 + dy)) for dx, dy, _, _ in rows]
    return gpd.GeoDataFrame(
        {"start": [r[2] for r in rows], "end": [r[3] for r in rows]}, geometry=pts, crs="EPSG:4326"
    )


def test_points_in_one_cell_are_counted_per_month() -> None:
    g = grid_counts(
        layer(
            [
                (100, 100, "2024-01-05", None),
                (900, 900, "2024-03-01", "2024-05-01"),
                (500, 500, "2024-03-20", None),
            ]
        ),
        cell_m=1000,
    )
    assert len(g.centres) == 1
    assert g.counts_at("2023-12") == {}
    assert g.counts_at("2024-01") == {0: 1}
    assert g.counts_at("2024-03") == {0: 3}
    assert g.counts_at("2024-04") == {0: 3}  # ends 1 May (exclusive): still held in April
    assert g.counts_at("2024-05") == {0: 2}
    assert g.counts_at("2030-01") == {0: 2}


def test_points_in_different_cells_stay_apart() -> None:
    g = grid_counts(layer([(100, 100, "2024-01-01", None), (2500, 100, "2024-01-01", None)]), cell_m=1000)
    assert len(g.centres) == 2 and g.counts_at("2024-01") == {0: 1, 1: 1}


def test_payload_is_bounded_by_cells_and_months_not_features() -> None:
    rows = [(300 + float(i % 7) * 10, 300 + float(i % 5) * 10, "2024-02-01", None) for i in range(500)]
    g = grid_counts(layer(rows), cell_m=1000)
    assert len(g.deltas) == 1 and g.counts_at("2024-02") == {0: 500}


def test_projected_input_is_refused() -> None:
    gdf = gpd.GeoDataFrame(
        {"start": ["2024-01-01"], "end": [None]}, geometry=[Point(X0, Y0)], crs="EPSG:32636"
    )
    with pytest.raises(ValueError, match="EPSG:4326"):
        grid_counts(gdf)


def test_empty_layer() -> None:
    gdf = gpd.GeoDataFrame({"start": pd.Series([], dtype=str), "end": []}, geometry=[], crs="EPSG:4326")
    assert grid_counts(gdf).deltas == ()
