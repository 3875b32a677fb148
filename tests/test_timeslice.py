"""The browser's segments must give exactly the timeline's state, on every change day."""

from __future__ import annotations

from datetime import timedelta

from geo.bundle import Bundle
from geo.timeline import Timeline
from geo.timeslice import active, demand_segments, departure_segments, presence_segments, shown
from tests.conftest import FactMaker


def test_segments_agree_with_state_at_on_every_change_day(bundle: Bundle) -> None:
    tl = bundle.timeline
    pres, dem, left = presence_segments(tl), demand_segments(tl), departure_segments(tl)
    days = set(tl.change_dates) | {d - timedelta(days=1) for d in tl.change_dates}
    for day in sorted(days):
        state = tl.state_at(day)
        assert {(s.actor, s.zone): s.value for s in active(pres, day)} == {
            (p.actor, p.zone): p for p in state.presence
        }, day
        assert {(s.actor, s.zone): s.value for s in active(left, day)} == {
            (p.actor, p.zone): p for p in state.left
        }, day
        assert {(s.actor, s.zone): s.value for s in active(dem, day)} == {
            (p.actor, p.zone): shown(p) for p in state.demands + state.aged
        }, day


def test_equal_neighbouring_states_are_merged(fact: FactMaker) -> None:
    later = fact("E1", "2025-06-01", "event", actor="V")  # the data runs past the age
    demand = fact("D1", "2024-01-15", "demand", "remain")
    tl = Timeline([fact("F1", "2024-01-01", end="2024-02-01"), demand, later])
    [seg] = presence_segments(tl)
    assert (seg.start.isoformat(), seg.end.isoformat()) == ("2024-01-01", "2024-02-01")  # type: ignore[union-attr]
    fresh, aged = demand_segments(tl)  # a position that is not restated ages after a year
    assert fresh.end == aged.start == fresh.start + timedelta(days=365)
    assert (fresh.value.standing, aged.value.standing, aged.end) == ("in_force", "aged", None)


def test_absence_makes_no_segment(fact: FactMaker) -> None:
    tl = Timeline(
        [fact("F1", "2024-01-01"), fact("F2", "2024-03-01", status="withdrawn"), fact("F3", "2024-05-01")]
    )
    segs = presence_segments(tl)
    assert [(s.start.isoformat(), s.end and s.end.isoformat()) for s in segs] == [
        ("2024-01-01", "2024-03-01"),
        ("2024-05-01", None),
    ]
