"""Dated semantics of the facts: state on a day, changes between days, contradictions.

Rules (see ``layers/README.md``):

* Every interval is half-open, ``[date, end)``; an empty end means ongoing.
* **Presence.** Each row is a change of status for (actor, zone). On a day an actor is present
  if its latest change on or before that day is not a withdrawal and that row's end date, if
  any, has not been reached.
* **Demands.** An actor's position on a zone stands until the same actor states a new position
  on that zone, or until its end date. A statement of the same position restates it (``since``
  stays at the first statement); a statement coded ``other`` does not erase a standing
  position of a named kind, it is kept with it.
* **Events and agreements** are dated points (shown on their day) or, with an end date,
  intervals.

Nothing here reads files, the clock or a UI: "today" is always an argument.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType

from geo.model import Fact
from geo.settings import ABSENT_STATUSES, OPEN_POSITION

Key = tuple[str, str]  # (actor, zone)


@dataclass(frozen=True, slots=True)
class Presence:
    """An actor present in a zone on a day; ``since`` is its latest change of status."""

    actor: str
    zone: str
    status: str
    since: date
    fact: str
    confidence: str
    present_since: date


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's standing position on a zone: set by ``fact`` on ``since``.

    ``statements`` lists every statement in force behind it, first to latest, including
    restatements and ``other`` statements that did not change it.
    """

    actor: str
    zone: str
    position: str
    since: date
    fact: str
    confidence: str
    statements: tuple[str, ...]
    end: date | None = None


@dataclass(frozen=True, slots=True)
class State:
    """The situation on one day."""

    on: date
    presence: tuple[Presence, ...]
    demands: tuple[Position, ...]
    events: tuple[Fact, ...]

    def presence_in(self, zone: str) -> tuple[Presence, ...]:
        return tuple(p for p in self.presence if p.zone == zone)

    def demands_on(self, zone: str) -> tuple[Position, ...]:
        return tuple(p for p in self.demands if p.zone == zone)


@dataclass(frozen=True, slots=True)
class Changes:
    """What differs between the states on ``start`` and ``end`` (``start <= end``)."""

    start: State
    end: State
    gained: tuple[Presence, ...]
    lost: tuple[Presence, ...]
    status_changed: tuple[tuple[Presence, Presence], ...]
    positions: tuple[tuple[Position | None, Position | None], ...]
    facts: tuple[Fact, ...]
    """Facts dated in ``(start, end]``: what happened in between."""

    @property
    def zones(self) -> tuple[str, ...]:
        """Zones where presence or a position changed."""
        touched = {p.zone for p in self.gained + self.lost}
        touched |= {new.zone for _, new in self.status_changed}
        touched |= {(old or new).zone for old, new in self.positions if old or new}  # type: ignore[union-attr]
        return tuple(sorted(touched))


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Rows of one (actor, zone) that cannot all be true; ``field`` is the column to look at."""

    facts: tuple[Fact, ...]
    field: str
    message: str


def is_present(status: str) -> bool:
    """Tell whether a presence status means the actor is there.

    >>> is_present("expanded"), is_present("withdrawn")
    (True, False)
    """
    return status not in ABSENT_STATUSES


def _apply_demand(current: Position | None, fact: Fact, actor: str) -> Position:
    if current is not None and current.end is not None and fact.date >= current.end:
        current = None  # the standing position had expired before this statement
    if current is not None and (
        fact.status == current.position
        or (fact.status == OPEN_POSITION and current.position != OPEN_POSITION)
    ):
        end = fact.end if fact.status == current.position else current.end
        return replace(current, statements=(*current.statements, fact.id), end=end)
    return Position(
        actor=actor,
        zone=fact.zone,
        position=fact.status,
        since=fact.date,
        fact=fact.id,
        confidence=fact.confidence,
        statements=(fact.id,),
        end=fact.end,
    )


class Timeline:
    """An index of facts, built once, that answers :meth:`state_at` by binary search.

    Each (actor, zone) keeps its rows sorted by (date, id) and, for every row, the state that
    row leaves behind; a day's answer is the state after the last row on or before it.
    """

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.facts: tuple[Fact, ...] = tuple(sorted(facts, key=lambda f: (f.date, f.id)))
        self.by_id: Mapping[str, Fact] = MappingProxyType({f.id: f for f in self.facts})
        presence: dict[Key, list[Fact]] = defaultdict(list)
        demands: dict[Key, list[Fact]] = defaultdict(list)
        events: list[Fact] = []
        for f in self.facts:
            if f.kind == "presence":
                for a in f.actors:
                    presence[(a, f.zone)].append(f)
            elif f.kind == "demand":
                for a in f.actors:
                    demands[(a, f.zone)].append(f)
            else:
                events.append(f)
        self.presence_rows: Mapping[Key, tuple[Fact, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in presence.items()}
        )
        self._presence: dict[Key, tuple[list[date], list[Presence | None]]] = {}
        for key, rows in self.presence_rows.items():
            states: list[Presence | None] = []
            run_start: date | None = None
            for r in rows:
                if not is_present(r.status):
                    run_start = None
                    states.append(None)
                    continue
                prev = states[-1] if states else None
                prev_row = rows[len(states) - 1] if states else None
                ended = prev_row is not None and prev_row.end is not None and prev_row.end < r.date
                if prev is None or ended or run_start is None:
                    run_start = r.date
                states.append(Presence(key[0], key[1], r.status, r.date, r.id, r.confidence, run_start))
            self._presence[key] = ([r.date for r in rows], states)
        self.demand_rows: Mapping[Key, tuple[Fact, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in demands.items()}
        )
        self._demands: dict[Key, tuple[list[date], list[Position]]] = {}
        for key, rows in self.demand_rows.items():
            positions: list[Position] = []
            for r in rows:
                positions.append(_apply_demand(positions[-1] if positions else None, r, key[0]))
            self._demands[key] = ([r.date for r in rows], positions)
        self.events: tuple[Fact, ...] = tuple(events)
        # Point events are looked up by day; only the (few) interval events are scanned.
        points: dict[date, list[Fact]] = defaultdict(list)
        for f in events:
            if f.end is None:
                points[f.date].append(f)
        self._point_events: Mapping[date, tuple[Fact, ...]] = {d: tuple(v) for d, v in points.items()}
        self._interval_events: tuple[Fact, ...] = tuple(f for f in events if f.end is not None)
        self._fact_dates = [f.date for f in self.facts]
        days = {f.date for f in self.facts} | {f.end for f in self.facts if f.end}
        self.change_dates: tuple[date, ...] = tuple(sorted(days))

    @property
    def first_date(self) -> date:
        return self.change_dates[0] if self.change_dates else date.min

    @property
    def last_date(self) -> date:
        return self.change_dates[-1] if self.change_dates else date.min

    def presence_on(self, key: Key, on: date) -> Presence | None:
        """The presence of one (actor, zone) on a day, or ``None`` if absent."""
        days, states = self._presence[key]
        i = bisect.bisect_right(days, on) - 1
        if i < 0:
            return None
        state = states[i]
        row = self.presence_rows[key][i]
        if state is None or (row.end is not None and on >= row.end):
            return None
        return state

    def position_on(self, key: Key, on: date) -> Position | None:
        """The standing position of one (actor, zone) on a day, or ``None``."""
        days, positions = self._demands[key]
        i = bisect.bisect_right(days, on) - 1
        if i < 0:
            return None
        pos = positions[i]
        if pos.end is not None and on >= pos.end:
            return None
        return pos

    def state_at(self, on: date) -> State:
        """The situation on ``on``: who is present, who demands what, which events hold."""
        presence = [p for k in self._presence if (p := self.presence_on(k, on)) is not None]
        demands = [d for k in self._demands if (d := self.position_on(k, on)) is not None]
        during = [f for f in self._interval_events if f.covers(on)]
        events = tuple(sorted((*self._point_events.get(on, ()), *during), key=lambda f: (f.date, f.id)))
        order = lambda x: (x.zone, x.actor)  # noqa: E731
        return State(on, tuple(sorted(presence, key=order)), tuple(sorted(demands, key=order)), events)

    def changes(self, start: date, end: date) -> Changes:
        """What changed between the states on ``start`` and ``end``."""
        if start > end:
            raise ValueError(f"start {start} is after end {end}")
        a, b = self.state_at(start), self.state_at(end)
        pa = {(p.actor, p.zone): p for p in a.presence}
        pb = {(p.actor, p.zone): p for p in b.presence}
        da = {(p.actor, p.zone): p for p in a.demands}
        db = {(p.actor, p.zone): p for p in b.demands}
        positions = tuple(
            (da.get(k), db.get(k))
            for k in sorted(da.keys() | db.keys(), key=lambda k: (k[1], k[0]))
            if _position_value(da.get(k)) != _position_value(db.get(k))
        )
        lo = bisect.bisect_right(self._fact_dates, start)
        hi = bisect.bisect_right(self._fact_dates, end)
        return Changes(
            start=a,
            end=b,
            gained=tuple(pb[k] for k in sorted(pb.keys() - pa.keys(), key=lambda k: (k[1], k[0]))),
            lost=tuple(pa[k] for k in sorted(pa.keys() - pb.keys(), key=lambda k: (k[1], k[0]))),
            status_changed=tuple(
                (pa[k], pb[k])
                for k in sorted(pa.keys() & pb.keys(), key=lambda k: (k[1], k[0]))
                if pa[k].status != pb[k].status
            ),
            positions=positions,
            facts=self.facts[lo:hi],
        )

    def neighbours(self, on: date) -> tuple[date | None, date | None]:
        """The change dates just before and just after ``on`` (for previous/next buttons)."""
        i = bisect.bisect_left(self.change_dates, on)
        j = bisect.bisect_right(self.change_dates, on)
        before = self.change_dates[i - 1] if i > 0 else None
        after = self.change_dates[j] if j < len(self.change_dates) else None
        return before, after


def _position_value(p: Position | None) -> tuple[str, date] | None:
    return None if p is None else (p.position, p.since)


def state_at(facts: Iterable[Fact], on: date) -> State:
    """The situation on ``on``, from any iterable of facts (builds a :class:`Timeline`)."""
    return Timeline(facts).state_at(on)


def contradictions(timeline: Timeline) -> list[Contradiction]:
    """Find rows of the same (actor, zone) that contradict one another.

    Reported, never resolved: the fix belongs in the data, with a note. Rows are sorted by
    date, so each rule looks only at neighbours or a binary-searched range: linear-logarithmic
    in the number of rows, not quadratic.
    """
    found: list[Contradiction] = []
    for (actor, zone), rows in timeline.presence_rows.items():
        who = f"{actor} at {zone}"
        days = [r.date for r in rows]
        found += _same_day(
            rows,
            "{a.id} and {b.id} both date a change for "
            + who
            + " on {a.date} but disagree ({a.status} vs {b.status})",
        )
        for i, a in enumerate(rows):
            if a.end is not None:
                inside = rows[bisect.bisect_right(days, a.date) : bisect.bisect_left(days, a.end)]
                for b in inside:
                    if is_present(a.status) != is_present(b.status):
                        found.append(
                            Contradiction(
                                (a, b),
                                "end_date",
                                (
                                    f"{b.id} ({b.status} from {b.date}) falls inside {a.id}'s period "
                                    f"[{a.date}, {a.end}) in which {who} is {a.status}"
                                ),
                            )
                        )
                upto = rows[i + 1 : bisect.bisect_right(days, a.end)]
                last = upto[-1] if upto else None
                if (
                    is_present(a.status)
                    and last is not None
                    and last.date < a.end
                    and is_present(last.status)
                    and (last.end is None or last.end > a.end)
                ):
                    found.append(
                        Contradiction(
                            (a, last),
                            "end_date",
                            (
                                f"{a.id} ends {who}'s presence on {a.end}, but the later row {last.id} "
                                f"({last.status}, {'open-ended' if last.end is None else f'to {last.end}'}) "
                                "keeps it present past that date"
                            ),
                        )
                    )
                j = bisect.bisect_left(days, a.end)
                if not is_present(a.status) and not (j < len(rows) and days[j] == a.end):
                    found.append(
                        Contradiction(
                            (a,),
                            "end_date",
                            (
                                f"{a.id}'s withdrawal of {who} ends on {a.end}, but no row of {who} "
                                "starts that day to say what followed"
                            ),
                        )
                    )
            if i > 0 and not is_present(a.status):
                k = bisect.bisect_left(days, a.date)
                if k > 0 and timeline.presence_on((actor, zone), a.date - timedelta(days=1)) is None:
                    prev = rows[k - 1]
                    found.append(
                        Contradiction(
                            (prev, a),
                            "status",
                            (
                                f"{a.id} records {who} withdrawing on {a.date}, but it was already "
                                f"absent after {prev.id} ({prev.status}, {prev.date}"
                                f"{f' to {prev.end}' if prev.end else ''})"
                            ),
                        )
                    )
    for (actor, zone), rows in timeline.demand_rows.items():
        found += _same_day(
            rows,
            "{a.id} and {b.id} give "
            + actor
            + " two positions on "
            + zone
            + " on {a.date} ({a.status} vs {b.status})",
        )
    return found


def _same_day(rows: tuple[Fact, ...], template: str) -> list[Contradiction]:
    """Pairs of rows on the same day with different statuses (rows are sorted by date).

    ``template`` is formatted with the two rows as ``a`` and ``b``; ids never hold braces.
    """
    found = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].date != rows[start].date:
            group = rows[start:i]
            for x, a in enumerate(group):
                for b in group[x + 1 :]:
                    if a.status != b.status:
                        found.append(Contradiction((a, b), "status", template.format(a=a, b=b)))
            start = i
    return found
