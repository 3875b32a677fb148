"""The validated contents of a layers folder, and the questions asked of it.

The records in :mod:`geo.model` hold data; the :class:`Bundle` holds them together with the
timeline and the zone shapes built at load, and its methods delegate to the modules that own
the behaviour (:mod:`geo.timeline`, :mod:`geo.zones`, :mod:`geo.measure`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from shapely.geometry.base import BaseGeometry

from geo.measure import area_km2
from geo.model import Actor, Agreement, Extent, Fact, Feature, Figure, LayerFile, Lesson, Source, Zone
from geo.timeline import Changes, State, Timeline
from geo.zones import ZoneShape

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class Bundle:
    """Everything in a validated layers folder; immutable once loaded.

    Build it with :func:`geo.load_bundle`, never by hand.
    """

    root: Path
    files: tuple[LayerFile, ...]
    features: Mapping[str, Feature]
    layers: Mapping[str, gpd.GeoDataFrame] = field(repr=False)  # read-only by convention
    zones: Mapping[str, Zone]
    actors: Mapping[str, Actor]
    sources: Mapping[str, Source]
    facts: tuple[Fact, ...]
    extents: tuple[Extent, ...]
    figures: tuple[Figure, ...]
    agreements: Mapping[str, Agreement]
    researched: dt.date | None
    timeline: Timeline = field(repr=False)
    shapes: Mapping[tuple[str, dt.date], ZoneShape] = field(repr=False)
    lessons: tuple[Lesson, ...] = ()
    """The guided lessons of ``lessons/``, checked against the data (:mod:`geo.lessons`)."""

    @property
    def strip(self) -> BaseGeometry:
        """The Gaza Strip outline (EPSG:4326)."""
        return self.features["gaza_strip"].geometry

    @cached_property
    def strip_area_km2(self) -> float:
        """Area of the strip outline, measured in EPSG:32636."""
        return area_km2(self.strip)

    @property
    def data_as_of(self) -> dt.date:
        """The latest date any fact speaks of: where the data ends."""
        return self.timeline.last_date

    @property
    def data_from(self) -> dt.date:
        return self.timeline.first_date

    def fact(self, fact_id: str) -> Fact:
        return self.timeline.by_id[fact_id]

    def source_of(self, fact: Fact) -> Source:
        return self.sources[fact.source_id]

    def layer(self, name: str) -> tuple[Feature, ...]:
        """Features of one GeoJSON file, by file stem (``places``, ``borders``...)."""
        return tuple(f for f in self.features.values() if f.layer == name)

    def state_at(self, on: dt.date) -> State:
        """Presence, demands and events on one day; see :mod:`geo.timeline`."""
        return self.timeline.state_at(on)

    def changes(self, start: dt.date, end: dt.date) -> Changes:
        return self.timeline.changes(start, end)

    def to_geodataframe(self, name: str) -> gpd.GeoDataFrame:
        """A copy of one layer's GeoDataFrame (EPSG:4326), by file stem, for analysis outside the app."""
        return self.layers[name].copy()
