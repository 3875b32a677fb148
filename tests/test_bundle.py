"""The bundle: its layers as GeoDataFrames, the records derived from them, and delegation."""

from __future__ import annotations

from datetime import date

import geopandas as gpd

from geo import settings
from geo.bundle import Bundle


def test_every_geojson_file_is_a_geodataframe_in_lonlat(bundle: Bundle) -> None:
    assert set(bundle.layers) == {n.removesuffix(".geojson") for n in settings.GEOJSON_FILES}
    counts = {f.file.removesuffix(".geojson"): f.count for f in bundle.files}
    for name, frame in bundle.layers.items():
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert frame.crs == settings.CRS_LONLAT, name
        assert len(frame) == counts[name], name
        assert frame.columns[-1] == "geometry", name


def test_the_records_are_the_frames_rows(bundle: Bundle) -> None:
    for name, frame in bundle.layers.items():
        features = bundle.layer(name)
        assert [f.id for f in features] == frame["id"].tolist()
        for f, geom in zip(features, frame.geometry, strict=True):
            assert f.geometry is geom  # shared, not copied


def test_to_geodataframe_is_a_copy(bundle: Bundle) -> None:
    gdf = bundle.to_geodataframe("places")
    assert gdf.equals(bundle.layers["places"])
    gdf.loc[0, "name"] = "changed"
    assert bundle.layers["places"].loc[0, "name"] != "changed"


def test_questions_delegate_to_the_timeline(bundle: Bundle) -> None:
    day = date(2024, 8, 22)
    assert bundle.state_at(day) == bundle.timeline.state_at(day)
    assert bundle.changes(day, date(2025, 2, 9)) == bundle.timeline.changes(day, date(2025, 2, 9))


def test_reported_figures_come_in_the_order_of_their_days(bundle: Bundle) -> None:
    days = [(bundle.fact(f.fact_id).date, f.fact_id) for f in bundle.figures]
    assert days == sorted(days)
