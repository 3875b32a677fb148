"""Every date's state at once, as half-open segments, for a map that changes date in the browser.

Segments are derived from :class:`~geo.timeline.Timeline` (never recomputed by other rules), so
the browser, the panels and ``python -m geo state`` agree on every day: between two consecutive
change points of an (actor, zone) the state is constant, so it is sampled once per interval and
equal neighbours are merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from geo.model import Fact
from geo.timeline import Key, Position, Presence, Timeline

V = TypeVar("V", Presence, Position)


@dataclass(frozen=True, slots=True)
class Segment(Generic[V]):
    """``value`` holds for (actor, zone) on ``[start, end)``; ``end`` None means ongoing."""

    actor: str
    zone: str
    start: date
    end: date | None
    value: V


def _breakpoints(rows: Iterable[Fact]) -> list[date]:
    points = set()
    for r in rows:
        points.add(r.date)
        if r.end:
            points.add(r.end)
    return sorted(points)


def _segments(key: Key, rows: tuple[Fact, ...], at: Callable[[Key, date], V | None]) -> list[Segment[V]]:
    points = _breakpoints(rows)
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
    """Who is present where, as segments, in (zone, actor, start) order."""
    out = [s for k, rows in timeline.presence_rows.items() for s in _segments(k, rows, timeline.presence_on)]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def demand_segments(timeline: Timeline) -> list[Segment[Position]]:
    """Who demands what about each zone, as segments, in (zone, actor, start) order."""
    out = [s for k, rows in timeline.demand_rows.items() for s in _segments(k, rows, timeline.position_on)]
    return sorted(out, key=lambda s: (s.zone, s.actor, s.start))


def active(segments: Iterable[Segment[V]], on: date) -> list[Segment[V]]:
    """The segments that hold on ``on`` (the rule the browser applies, in Python for tests)."""
    return [s for s in segments if s.start <= on and (s.end is None or on < s.end)]
