"""Zone bands from axes and reported widths, keyed to dates."""

from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import LineString, box

from geo.bundle import Bundle
from geo.measure import area_km2, to_lonlat
from geo.model import Extent
from geo.report import shape_of
from geo.zones import SCHEMATIC, band, extent_at

X0, Y0 = 620_000.0, 3_480_000.0
SQUARE = to_lonlat(box(X0, Y0, X0 + 10_000, Y0 + 10_000))


def test_centred_band_is_width_times_length() -> None:
    axis = to_lonlat(LineString([(X0 + 3000, Y0 + 5000), (X0 + 7000, Y0 + 5000)]))
    assert area_km2(band(axis, SQUARE, width_m=2000, shape="centred_on_axis")) == pytest.approx(8.0, rel=1e-4)


def test_inward_band_keeps_only_the_inside_of_an_edge() -> None:
    edge = to_lonlat(LineString([(X0, Y0), (X0 + 10_000, Y0)]))
    got = band(edge, SQUARE, width_m=1000, shape="inward_from_line")
    assert area_km2(got) == pytest.approx(10.0, rel=1e-3)  # 10 km x 1 km, none outside


def test_band_is_clipped_to_the_area() -> None:
    axis = to_lonlat(LineString([(X0 - 5000, Y0 + 5000), (X0 + 15_000, Y0 + 5000)]))
    assert area_km2(band(axis, SQUARE, width_m=2000, shape="centred_on_axis")) == pytest.approx(
        20.0, rel=1e-4
    )


@pytest.mark.parametrize(
    ("width", "shape"), [(0, "centred_on_axis"), (-5, "inward_from_line"), (10, "round")]
)
def test_bad_band_parameters_are_refused(width: float, shape: str) -> None:
    with pytest.raises(ValueError, match=r"width_m|shape"):
        band(to_lonlat(LineString([(X0, Y0), (X0 + 1, Y0)])), SQUARE, width_m=width, shape=shape)


def _extent(zone: str, day: str, width: float) -> Extent:
    return Extent(
        zone, date.fromisoformat(day), "day", width, "centred_on_axis", "axis", (), "S1", "", "reported"
    )


def test_an_extent_holds_until_the_next_row_of_its_zone() -> None:
    rows = [_extent("z", "2023-11-05", 2000), _extent("z", "2024-07-01", 4000), _extent("y", "2024-01-01", 9)]
    assert extent_at(rows, "z", date(2023, 11, 4)) is None
    assert extent_at(rows, "z", date(2023, 11, 5)).width_m == 2000  # type: ignore[union-attr]
    assert extent_at(rows, "z", date(2024, 6, 30)).width_m == 2000  # type: ignore[union-attr]
    assert extent_at(rows, "z", date(2024, 7, 1)).width_m == 4000  # type: ignore[union-attr]
    assert extent_at(rows, "z", date(2030, 1, 1)).width_m == 4000  # type: ignore[union-attr]


# -- the real layers ------------------------------------------------------------------------


def test_netzarim_band_follows_the_reported_widths(bundle: Bundle) -> None:
    assert shape_of(bundle, "netzarim", date(2023, 11, 4)) is None
    early = shape_of(bundle, "netzarim", date(2023, 11, 5))
    wide = shape_of(bundle, "netzarim", date(2024, 7, 1))
    widest = shape_of(bundle, "netzarim", date(2024, 12, 2))
    assert early and wide and widest
    assert (early.width_m, wide.width_m, widest.width_m) == (2000, 4000, 7000)
    assert early.quality == SCHEMATIC and early.line_quality == "approximate"
    # ~6.6 km axis: the bands grow with the width; 7 km is about the reported 47 km2.
    assert 11 < early.area_km2 < 14 < wide.area_km2 < 27 < widest.area_km2  # type: ignore[operator]
    assert widest.area_km2 == pytest.approx(47, rel=0.1)


def test_philadelphi_band_is_a_narrow_strip_along_the_border(bundle: Bundle) -> None:
    s = shape_of(bundle, "philadelphi", date(2024, 8, 22))
    assert s is not None and s.width_m == 100
    assert s.area_km2 == pytest.approx(12.68 * 0.1, rel=0.05)
    assert bundle.strip.buffer(1e-9).contains(s.geometry)


def test_unmapped_and_fixed_zones(bundle: Bundle) -> None:
    assert shape_of(bundle, "yellow_line", date(2025, 11, 1)) is None
    crossing = shape_of(bundle, "rafah_crossing", date(2024, 8, 22))
    assert crossing is not None and crossing.area_km2 is None and crossing.quality == "published"
    border = shape_of(bundle, "egypt_border", date(2000, 1, 1))
    assert border is not None and border.length_km == pytest.approx(12.68, abs=0.05)
