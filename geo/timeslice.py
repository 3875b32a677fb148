"""Every date's state at once, as half-open segments, for a map that changes date in the browser.

Segments are derived from :class:`~geo.timeline.Timeline` (never recomputed by other rules), so
the browser, the panels and ``python -m geo state`` agree on every day: between two consecutive
change points of an (actor, zone) the state is constant, so it is sampled once per interval and
equal neighbours are merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from geo.settings import POSITION_MAX_AGE_DAYS
from geo.timeline import Departure, Key, Position, Presence, Timeline

V = TypeVar("V", Presence, Position, Departure)


@dataclass(frozen=True, slots=True)
class Segment(Generic[V]):
    """``value`` holds for (actor, zone) on ``[start, end)``; ``end`` None means ongoing."""

    actor: str
    zone: str
    start: date
    end: date | None
    value: V


def _segments(key: Key, points: list[date], at: Callable[[Key, date], V | None]) -> list[Segment[V]]:
    out: list[Segment[V]] = []
    for i, start in enumerate(points):
        value = at(key, start)
        end = points[i + 1] if i + 1 < len(points) else None
        if value is None:
            continue
        if out and out[-1].value == value and out[-1].end == start:
            out[-1] = Segment(key[0], key[1], out[-1].start, end, out[-1].value)
        else:
            out.append(Segment(key[0], key[1], start, end, value))
    return out


def presence_segments(timeline: Timeline) -> list[Segment[Presence]]:
    """Who is present where (own, derived or implied), as segments, in (zone, actor, start) order."""
    out = [
        s
        for k in timeline.presence_keys
        for s in _segments(k, timeline.presence_breakpoints(k), timeline.presence_on)
    ]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def departure_segments(timeline: Timeline) -> list[Segment[Departure]]:
    """Who had left where (and not come back), as segments."""
    out = [
        s
        for k in timeline.presence_keys
        for s in _segments(k, timeline.presence_breakpoints(k), timeline.departure_on)
    ]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def shown(p: Position) -> Position:
    """A position as the map shows it: in force or aged (its exact age is counted in the browser)."""
    return replace(p, age_days=0 if p.standing == "in_force" else POSITION_MAX_AGE_DAYS)


def demand_segments(timeline: Timeline) -> list[Segment[Position]]:
    """Positions in force or aged on each zone, as segments; overtaken ones are left out."""

    def at(key: Key, on: date) -> Position | None:
        p = timeline.position_on(key, on)
        return None if p is None or p.standing == "overtaken" else shown(p)

    out = [s for k in timeline.demand_rows for s in _segments(k, timeline.position_breakpoints(k), at)]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def overtaken_segments(timeline: Timeline) -> list[Segment[Position]]:
    """Positions overtaken (by a later statement or an agreement), as segments, for the panels."""

    def at(key: Key, on: date) -> Position | None:
        p = timeline.position_on(key, on)
        return p if p is not None and p.standing == "overtaken" else None

    out = [s for k in timeline.demand_rows for s in _segments(k, timeline.position_breakpoints(k), at)]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def active(segments: Iterable[Segment[V]], on: date) -> list[Segment[V]]:
    """The segments that hold on ``on`` (the rule the browser applies, in Python for tests)."""
    return [s for s in segments if s.start <= on and (s.end is None or on < s.end)]
