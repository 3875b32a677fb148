"""Frozen records of the data: sources, facts, features, zones, actors, extents, figures, files.

Records hold data only; this module imports nothing else from ``geo`` but its settings, so
that every other module can import it (see ``tests/test_architecture.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: title, publisher, URL and publication date."""

    id: str
    title: str
    publisher: str
    url: str
    published: dt.date | None
    checked: dt.date | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    """One dated, sourced row of ``timeline.csv``.

    ``end`` is exclusive: the fact holds on ``[date, end)``; ``None`` means ongoing.
    """

    id: str
    date: dt.date
    precision: str
    end: dt.date | None
    kind: str
    zone: str
    actors: tuple[str, ...]
    status: str
    summary: str
    source_id: str
    confidence: str
    note: str = ""
    line: int = 0
    agreement: str = ""
    """For ``agreement`` rows: the agreement whose terms for ``zone`` the row gives."""
    gist: str = ""
    """For ``demand`` rows: what the actor asked, in a few plain words for a chip ("only
    Palestinian authorities should run the crossing"); the project's paraphrase of ``summary``."""

    @property
    def actor(self) -> str:
        """The actor column as written, e.g. ``Israel_government+Hamas``."""
        return "+".join(self.actors)

    def covers(self, on: dt.date) -> bool:
        """Tell whether ``on`` falls in ``[date, end)``; a fact with no end covers one day.

        >>> from datetime import date as d
        >>> f = Fact("T1", d(2025, 2, 2), "day", d(2025, 2, 28), "event", "z", ("A",), "", "", "S", "high")
        >>> f.covers(d(2025, 2, 27)), f.covers(d(2025, 2, 28))
        (True, False)
        """
        if self.end is None:
            return on == self.date
        return self.date <= on < self.end


@dataclass(frozen=True, slots=True)
class Feature:
    """One GeoJSON feature, geometry in EPSG:4326."""

    id: str
    layer: str
    geometry: BaseGeometry
    properties: Mapping[str, Any]

    @property
    def quality(self) -> str:
        return str(self.properties.get("quality", ""))


@dataclass(frozen=True, slots=True)
class Zone:
    """A zone the facts speak of, and how it is drawn."""

    id: str
    name: str
    name_ar: str
    name_he: str
    geometry: str
    feature: str
    note: str = ""
    within: str = ""
    """The zone that contains this one (``gaza_strip`` for the corridors), or empty."""

    @property
    def mapped(self) -> bool:
        return self.geometry != "none"


@dataclass(frozen=True, slots=True)
class Actor:
    """A party named by the facts."""

    id: str
    name: str
    short: str
    kind: str
    members: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Extent:
    """A zone's reported width from ``valid_from`` until the zone's next row."""

    zone: str
    valid_from: dt.date
    precision: str
    width_m: float
    shape: str
    line: str
    fact_ids: tuple[str, ...]
    source_id: str
    basis: str
    quality: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a named party reported about a zone, e.g. a share of the strip."""

    zone: str
    fact_id: str
    measure: str
    value_low: float | None
    value_high: float | None
    unit: str
    wording: str
    counted_by: str


@dataclass(frozen=True, slots=True)
class LayerFile:
    """One entry of ``manifest.json``."""

    file: str
    title: str
    kind: str
    geometry_type: str | None
    count: int
    licence: str
    attribution: str
    source: str
    sha256: str


@dataclass(frozen=True, slots=True)
class AgreementPeriod:
    """A period in which an agreement was in force: ``[start, end)``; ``end`` None: no end found."""

    agreement: str
    start: dt.date
    end: dt.date | None
    ended_by: str
    fact_ids: tuple[str, ...]
    source_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class AgreementRole:
    """An actor's role in an agreement (party, broker, endorser) from ``since``."""

    agreement: str
    actor: str
    role: str
    since: dt.date
    fact_ids: tuple[str, ...]
    source_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement, with the periods it was in force and who signed, brokered or endorsed it."""

    id: str
    name: str
    concluded: dt.date
    fact_ids: tuple[str, ...]
    periods: tuple[AgreementPeriod, ...]
    roles: tuple[AgreementRole, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a lesson: what the map shows (day, overlays, parties, view) and its caption.

    The view is ``zone`` (fit that zone), or ``center`` (latitude, longitude) with ``zoom``, or
    neither (the map keeps its view). ``actors`` None means every party; ``facts`` are the
    timeline rows the caption rests on, none dated after ``date``.
    """

    title: str
    date: dt.date
    overlays: tuple[str, ...]
    actors: tuple[str, ...] | None
    zone: str | None
    center: tuple[float, float] | None
    zoom: float | None
    caption: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lesson:
    """A guided lesson: ordered steps through the data, from ``lessons/<id>.json``."""

    id: str
    file: str
    """Path inside the layers folder, e.g. ``lessons/corridors.json``."""
    title: str
    summary: str
    language: str
    steps: tuple[Step, ...]
