"""Zone geometry for a date: axes or lines plus the reported width in force that day.

A band is computed in metres (EPSG:32636) and clipped to the strip, then stored in EPSG:4326.
It is a *schematic* band built from a reported width, never a surveyed outline; the shape
says so in ``quality`` and in ``note`` so that the map can draw it differently.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shapely.geometry.base import BaseGeometry

from geo.measure import area_km2, length_km, to_lonlat, to_metric
from geo.model import Extent, Feature, Zone

SCHEMATIC = "schematic"


@dataclass(frozen=True, slots=True)
class ZoneShape:
    """A zone's geometry on a day, with how much it can be trusted.

    ``quality`` is ``schematic`` for bands; for drawn features it is the feature's own quality
    (``published``, ``derived`` or ``approximate``). ``area_km2`` is ``None`` for points and
    lines.
    """

    zone: str
    geometry: BaseGeometry
    quality: str
    line_quality: str
    width_m: float | None
    extent: Extent | None
    area_km2: float | None
    length_km: float | None


def band(line: BaseGeometry, clip: BaseGeometry, *, width_m: float, shape: str) -> BaseGeometry:
    """A band along ``line`` of ``width_m`` metres, clipped to ``clip`` (both lon/lat).

    ``centred_on_axis`` puts half the width on each side of the line; ``inward_from_line``
    puts the whole width on each side and keeps what falls inside ``clip``, which for a border
    line is the width on the Gaza side. Ends are cut square, not rounded.
    """
    if width_m <= 0:
        raise ValueError(f"width_m must be positive, got {width_m}")
    if shape == "centred_on_axis":
        distance = width_m / 2
    elif shape == "inward_from_line":
        distance = width_m
    else:
        raise ValueError(f"unknown band shape {shape!r}")
    metric = to_metric(line).buffer(distance, cap_style="flat", join_style="mitre", mitre_limit=2.0)
    return to_lonlat(metric.intersection(to_metric(clip)))


def build_shapes(
    zones: Mapping[str, Zone], features: Mapping[str, Feature], extents: Iterable[Extent]
) -> dict[tuple[str, date], ZoneShape]:
    """Compute every zone geometry once, at load.

    Bands get one shape per extent row, keyed by (zone, valid_from); zones drawn from a fixed
    feature get one shape keyed by (zone, ``date.min``).
    """
    strip = features["gaza_strip"].geometry
    shapes: dict[tuple[str, date], ZoneShape] = {}
    for zone in zones.values():
        if zone.geometry in ("band", "none"):
            continue
        f = features[zone.feature]
        geom = f.geometry
        polygonal = geom.geom_type in ("Polygon", "MultiPolygon")
        linear = geom.geom_type in ("LineString", "MultiLineString")
        shapes[(zone.id, date.min)] = ZoneShape(
            zone=zone.id,
            geometry=geom,
            quality=f.quality,
            line_quality=f.quality,
            width_m=None,
            extent=None,
            area_km2=area_km2(geom) if polygonal else None,
            length_km=length_km(geom) if linear else None,
        )
    for e in extents:
        if e.zone not in zones:
            continue
        line = features[e.line]
        geom = band(line.geometry, strip, width_m=e.width_m, shape=e.shape)
        shapes[(e.zone, e.valid_from)] = ZoneShape(
            zone=e.zone,
            geometry=geom,
            quality=SCHEMATIC,
            line_quality=line.quality,
            width_m=e.width_m,
            extent=e,
            area_km2=area_km2(geom),
            length_km=None,
        )
    return shapes


def extent_at(extents: Iterable[Extent], zone: str, on: date) -> Extent | None:
    """The extent row of ``zone`` in force on ``on``: the latest with ``valid_from <= on``."""
    rows = sorted((e for e in extents if e.zone == zone), key=lambda e: e.valid_from)
    i = bisect.bisect_right([e.valid_from for e in rows], on) - 1
    return rows[i] if i >= 0 else None


def zone_shape(
    zone: Zone,
    on: date,
    *,
    extents: Iterable[Extent],
    shapes: Mapping[tuple[str, date], ZoneShape],
) -> ZoneShape | None:
    """The zone's geometry on ``on``; ``None`` if unmapped or no width is reported yet."""
    if zone.geometry == "none":
        return None
    if zone.geometry == "band":
        extent = extent_at(extents, zone.id, on)
        return None if extent is None else shapes[(zone.id, extent.valid_from)]
    return shapes[(zone.id, date.min)]
