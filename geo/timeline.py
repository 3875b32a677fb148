"""Dated semantics of the facts: what *stood* on a day, and what changed on it.

The rules (written out with examples in ``layers/README.md``, "How the timeline is read"):

* Every interval is half-open, ``[date, end)``; an empty end means ongoing.
* **Presence.** A presence row is a change of status for (actor, zone). A withdrawal with no
  earlier row means the actor was there from the data's start (``implied_by``). Presence in a
  zone is presence in every zone that contains it (``derived_from``). A zone's own row stands
  until a later presence row of the same actor in a zone within it: then (a pullback ends
  "expanded") the presence is derived from the zones within. An actor that was present and is
  no longer is a :class:`Departure`, with the day it left.
* **Positions.** A position stands until it is *overtaken*: by a later statement of a named
  position (not ``other``) by the same actor on the same zone or on a zone that contains it, or
  by an agreement covering the zone that the actor (or a group it belongs to) signed, brokered
  or endorsed, from that day. A position not restated for ``POSITION_MAX_AGE_DAYS`` is *aged*,
  counted up to the last dated fact at most: past it nobody has looked for a restatement, so a
  day after the data shows the last documented situation.
  A ``withdraw`` position is *met* once the Israeli forces it asked to leave have left.
* **Agreements** are in force over their dated periods; their terms are their agreement rows.
* Nothing dated after the day is ever part of the day's answer.

Nothing here reads files, the clock or a UI: "today" is always an argument.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType

from geo.model import Agreement, AgreementPeriod, AgreementRole, Fact
from geo.settings import ABSENT_STATUSES, ISRAELI_FORCES, OPEN_POSITION, POSITION_MAX_AGE_DAYS

Key = tuple[str, str]  # (actor, zone)


@dataclass(frozen=True, slots=True)
class Presence:
    """An actor present in a zone on a day.

    ``status``, ``since`` and ``fact`` are its latest change of status; ``present_since`` is
    when the continuous presence began. ``derived_from`` names the zones within this one that
    the presence comes from (empty for the zone's own rows); ``implied_by`` names the withdrawal
    that implies a presence before the data's first row.
    """

    actor: str
    zone: str
    status: str
    since: date
    fact: str
    confidence: str
    present_since: date
    derived_from: tuple[str, ...] = ()
    implied_by: str = ""


@dataclass(frozen=True, slots=True)
class Departure:
    """An actor that had been present in a zone and left it on ``on``.

    ``how`` is ``withdrawn`` (a withdrawal row) or ``ended`` (a row's end date was reached).
    """

    actor: str
    zone: str
    on: date
    fact: str
    how: str
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Overtaker:
    """What overtook a position: a later ``statement`` or an ``agreement``, on ``on``."""

    kind: str
    on: date
    fact: str
    zone: str
    agreement: str = ""


@dataclass(frozen=True, slots=True)
class Met:
    """The withdrawal a ``withdraw`` position asked for happened on ``on`` (``fact``)."""

    on: date
    fact: str


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's position on a zone, set by ``fact`` on ``since``.

    ``statements`` lists every statement behind it, first to latest, including restatements
    and ``other`` statements that did not change it; ``last_stated`` is the latest statement of
    this same position. ``overtaken``, ``age_days`` and ``met`` describe it on the day asked.
    """

    actor: str
    zone: str
    position: str
    since: date
    fact: str
    confidence: str
    statements: tuple[str, ...]
    end: date | None = None
    last_stated: date | None = None
    overtaken: Overtaker | None = None
    age_days: int = 0
    met: Met | None = None
    gist: str = ""
    """What was asked, in brief: the latest gist among the statements of this position."""

    @property
    def standing(self) -> str:
        """``in_force``, ``aged`` or ``overtaken``."""
        if self.overtaken is not None:
            return "overtaken"
        return "aged" if self.age_days >= POSITION_MAX_AGE_DAYS else "in_force"


@dataclass(frozen=True, slots=True)
class InForce:
    """An agreement in force on a day: its period, the roles taken by then, its terms by zone."""

    agreement: Agreement
    period: AgreementPeriod
    roles: tuple[AgreementRole, ...]
    terms: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that changed on a day: ``type`` is one of :data:`CHANGE_TYPES`."""

    type: str
    zone: str | None
    actor: str | None
    fact: str | None
    detail: str | None = None


CHANGE_TYPES = (
    "presence_began",
    "presence_ended",
    "status_changed",
    "position_stated",
    "position_overtaken",
    "position_aged",
    "agreement_in_force",
    "agreement_ended",
    "event",
)


@dataclass(frozen=True, slots=True)
class State:
    """The situation on one day. ``demands`` holds only the positions in force."""

    on: date
    presence: tuple[Presence, ...]
    demands: tuple[Position, ...]
    events: tuple[Fact, ...]
    left: tuple[Departure, ...] = ()
    aged: tuple[Position, ...] = ()
    overtaken: tuple[Position, ...] = ()
    agreements: tuple[InForce, ...] = ()

    def presence_in(self, zone: str) -> tuple[Presence, ...]:
        return tuple(p for p in self.presence if p.zone == zone)

    def demands_on(self, zone: str) -> tuple[Position, ...]:
        return tuple(p for p in self.demands if p.zone == zone)

    def left_from(self, zone: str) -> tuple[Departure, ...]:
        return tuple(p for p in self.left if p.zone == zone)

    def aged_on(self, zone: str) -> tuple[Position, ...]:
        return tuple(p for p in self.aged if p.zone == zone)

    def overtaken_on(self, zone: str) -> tuple[Position, ...]:
        return tuple(p for p in self.overtaken if p.zone == zone)


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


def is_present(status: str) -> bool:
    """Tell whether a presence status means the actor is there.

    >>> is_present("expanded"), is_present("withdrawn")
    (True, False)
    """
    return status not in ABSENT_STATUSES


def _apply_demand(current: Position | None, fact: Fact, actor: str) -> Position:
    """The position after ``fact``: a restatement, an ``other`` kept beside it, or a new one."""
    if current is not None and current.end is not None and fact.date >= current.end:
        current = None  # the standing position had expired before this statement
    if current is not None and current.overtaken is None:
        if fact.status == current.position and fact.status != OPEN_POSITION:
            return replace(
                current,
                statements=(*current.statements, fact.id),
                end=fact.end,
                last_stated=fact.date,
                gist=fact.gist or current.gist,
            )
        if fact.status == OPEN_POSITION and current.position != OPEN_POSITION:
            return replace(current, statements=(*current.statements, fact.id))
    return Position(
        actor=actor,
        zone=fact.zone,
        position=fact.status,
        since=fact.date,
        fact=fact.id,
        confidence=fact.confidence,
        statements=(fact.id,),
        end=fact.end,
        last_stated=fact.date,
        gist=fact.gist,
    )


_Own = Presence | Departure | None


class Timeline:
    """An index of facts, built once, that answers :meth:`state_at` by binary search.

    Parameters
    ----------
    facts
        The rows of ``timeline.csv``.
    within
        Zone id -> the zone that contains it (``netzarim`` -> ``gaza_strip``).
    agreements
        The agreements, with their periods and roles.
    members
        Group actor id -> member ids (``mediators`` -> Egypt, Qatar, United States).
    """

    def __init__(
        self,
        facts: Iterable[Fact],
        *,
        within: Mapping[str, str] | None = None,
        agreements: Iterable[Agreement] = (),
        members: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.facts: tuple[Fact, ...] = tuple(sorted(facts, key=lambda f: (f.date, f.id)))
        self.by_id: Mapping[str, Fact] = MappingProxyType({f.id: f for f in self.facts})
        self.within: Mapping[str, str] = MappingProxyType(dict(within or {}))
        self.agreements: tuple[Agreement, ...] = tuple(sorted(agreements, key=lambda a: (a.concluded, a.id)))
        self.members: Mapping[str, tuple[str, ...]] = MappingProxyType(dict(members or {}))
        self._descendants: dict[str, tuple[str, ...]] = {}
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
        self.demand_rows: Mapping[Key, tuple[Fact, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in demands.items()}
        )
        self.events: tuple[Fact, ...] = tuple(events)
        terms: dict[str, list[Fact]] = defaultdict(list)
        for f in events:
            if f.kind == "agreement" and f.agreement:
                terms[f.agreement].append(f)
        self.terms: Mapping[str, tuple[Fact, ...]] = MappingProxyType({g: tuple(v) for g, v in terms.items()})
        days = {f.date for f in self.facts} | {f.end for f in self.facts if f.end}
        for g in self.agreements:
            days |= {p.start for p in g.periods} | {p.end for p in g.periods if p.end}
            days |= {r.since for r in g.roles}
        self.change_dates: tuple[date, ...] = tuple(sorted(days))
        self._own_days = {k: [r.date for r in rows] for k, rows in self.presence_rows.items()}
        self._moments = {
            k: sorted({r.date for r in rows} | {r.end for r in rows if r.end})
            for k, rows in self.presence_rows.items()
        }
        self._build_presence()
        self._build_positions()
        # Point events are looked up by day; only the (few) interval events are scanned.
        points: dict[date, list[Fact]] = defaultdict(list)
        for f in events:
            if f.end is None:
                points[f.date].append(f)
        self._point_events: Mapping[date, tuple[Fact, ...]] = {d: tuple(v) for d, v in points.items()}
        self._interval_events: tuple[Fact, ...] = tuple(f for f in events if f.end is not None)
        self._fact_dates = [f.date for f in self.facts]
        self._change_index: dict[date, tuple[Change, ...]] | None = None

    # ---- zones ------------------------------------------------------------------------------
    def ancestors(self, zone: str) -> tuple[str, ...]:
        """The zones that contain ``zone``, nearest first."""
        out: list[str] = []
        z = self.within.get(zone)
        while z and z not in out and z != zone:
            out.append(z)
            z = self.within.get(z)
        return tuple(out)

    def descendants(self, zone: str) -> tuple[str, ...]:
        """The zones within ``zone``, at any depth."""
        found = self._descendants.get(zone)
        if found is None:
            found = self._descendants[zone] = tuple(
                sorted(z for z in self.within if zone in self.ancestors(z))
            )
        return found

    def _covers(self, zone: str) -> tuple[str, ...]:
        return (zone, *self.ancestors(zone))

    @property
    def first_date(self) -> date:
        return self.change_dates[0] if self.change_dates else date.min

    @property
    def last_date(self) -> date:
        return self.change_dates[-1] if self.change_dates else date.min

    # ---- presence ---------------------------------------------------------------------------
    def own_on(self, key: Key, on: date) -> Presence | Departure | None:
        """The state from the zone's own rows alone (no containment), for validation."""
        return self._own_at(key, on)

    def _own_at(self, key: Key, on: date) -> _Own:
        """A zone's own rows alone, on a day (without ``present_since``, set later)."""
        rows = self.presence_rows[key]
        i = bisect.bisect_right(self._own_days[key], on) - 1
        if i < 0:
            first = rows[0]
            if not is_present(first.status) and self.first_date <= on:
                return Presence(
                    key[0],
                    key[1],
                    "established",
                    self.first_date,
                    first.id,
                    first.confidence,
                    self.first_date,
                    (),
                    first.id,
                )
            return None
        row = rows[i]
        if not is_present(row.status):
            return Departure(key[0], key[1], row.date, row.id, "withdrawn")
        if row.end is not None and on >= row.end:
            return Departure(key[0], key[1], row.end, row.id, "ended")
        return Presence(key[0], key[1], row.status, row.date, row.id, row.confidence, row.date)

    def _last_moment(self, key: Key, on: date) -> date | None:
        """The latest day on or before ``on`` when a row of ``key`` began or ended."""
        moments = self._moments.get(key)
        if not moments:
            return None
        i = bisect.bisect_right(moments, on) - 1
        if i >= 0:
            return moments[i]
        first = self.presence_rows[key][0]
        implied = not is_present(first.status) and self.first_date <= on
        return self.first_date if implied else None

    def _raw(self, key: Key, on: date) -> _Own:
        actor, zone = key
        own = self._own_at(key, on) if key in self.presence_rows else None
        subs = [(z, (actor, z)) for z in self.descendants(zone) if (actor, z) in self.presence_rows]
        if not subs:
            return own
        own_moment = self._last_moment(key, on) if key in self.presence_rows else None
        sub_moments = [m for _, k in subs if (m := self._last_moment(k, on)) is not None]
        latest_sub = max(sub_moments) if sub_moments else None
        if own is not None and (latest_sub is None or (own_moment is not None and own_moment >= latest_sub)):
            return own
        states = [(z, self._own_at(k, on)) for z, k in subs]
        present = [(z, s) for z, s in states if isinstance(s, Presence)]
        if present:
            _z0, s0 = max(present, key=lambda x: (x[1].since, x[0]))
            return Presence(
                actor,
                zone,
                s0.status,
                s0.since,
                s0.fact,
                s0.confidence,
                on,
                tuple(sorted(z for z, _ in present)),
                s0.implied_by,
            )
        if isinstance(own, Presence):
            return own  # leaving a part is not leaving the whole
        gone = [(z, s) for z, s in states if isinstance(s, Departure)]
        if isinstance(own, Departure):
            gone.append((zone, own))
        if not gone:
            return None
        z1, s1 = max(gone, key=lambda x: (x[1].on, x[0] == zone))
        return Departure(actor, zone, s1.on, s1.fact, s1.how, () if z1 == zone else (z1,))

    def _build_presence(self) -> None:
        keys = set(self.presence_rows)
        keys |= {(a, up) for a, z in self.presence_rows for up in self.ancestors(z)}
        self.presence_keys: tuple[Key, ...] = tuple(sorted(keys, key=lambda k: (k[1], k[0])))
        self._presence: dict[Key, tuple[list[date], list[_Own]]] = {}
        for key in self.presence_keys:
            actor, zone = key
            points: set[date] = set()
            for z in (zone, *self.descendants(zone)):
                if (actor, z) in self.presence_rows:
                    points |= set(self._moments[(actor, z)])
                    first = self.presence_rows[(actor, z)][0]
                    if not is_present(first.status) and self.change_dates:
                        points.add(self.first_date)
            days = sorted(points)
            states: list[_Own] = []
            for d in days:
                s = self._raw(key, d)
                prev = states[-1] if states else None
                if isinstance(s, Presence):
                    run = prev.present_since if isinstance(prev, Presence) else d
                    if s.implied_by and not s.derived_from:
                        run = s.present_since
                    s = replace(s, present_since=min(run, s.since) if s.derived_from else run)
                states.append(s)
            self._presence[key] = (days, states)

    def _presence_state(self, key: Key, on: date) -> _Own:
        entry = self._presence.get(key)
        if entry is None:
            return None
        days, states = entry
        i = bisect.bisect_right(days, on) - 1
        return states[i] if i >= 0 else None

    def presence_on(self, key: Key, on: date) -> Presence | None:
        """The presence of one (actor, zone) on a day, or ``None`` if absent."""
        s = self._presence_state(key, on)
        return s if isinstance(s, Presence) else None

    def departure_on(self, key: Key, on: date) -> Departure | None:
        """The departure of one (actor, zone) standing on a day: it had left and not come back."""
        s = self._presence_state(key, on)
        return s if isinstance(s, Departure) else None

    def presence_breakpoints(self, key: Key) -> list[date]:
        """The days on which the presence of ``key`` can change (for segments)."""
        return list(self._presence.get(key, ([], []))[0])

    # ---- positions --------------------------------------------------------------------------
    def _overtakers(self, key: Key) -> list[tuple[date, Overtaker]]:
        actor, zone = key
        out: list[tuple[date, Overtaker]] = []
        for up in self.ancestors(zone):
            for r in self.demand_rows.get((actor, up), ()):
                if r.status != OPEN_POSITION:
                    out.append((r.date, Overtaker("statement", r.date, r.id, up)))
        covering = set(self._covers(zone))
        for g in self.agreements:
            terms = [f for f in self.terms.get(g.id, ()) if f.zone in covering]
            if not terms:
                continue
            for role in g.roles:
                if role.actor == actor or actor in self.members.get(role.actor, ()):
                    term = min(terms, key=lambda f: (len(self._covers(f.zone)) * -1, f.date, f.id))
                    out.append((role.since, Overtaker("agreement", role.since, term.id, term.zone, g.id)))
        return out

    def _build_positions(self) -> None:
        self._demands: dict[Key, tuple[list[date], list[Position | None]]] = {}
        for key, rows in self.demand_rows.items():
            steps: list[tuple[date, int, str, Fact | Overtaker]] = [(r.date, 1, r.id, r) for r in rows]
            steps += [(d, 0, o.fact, o) for d, o in self._overtakers(key)]
            steps.sort(key=lambda s: (s[0], s[1], s[2]))
            days: list[date] = []
            chain: list[Position | None] = []
            current: Position | None = None
            for d, _, _, step in steps:
                if isinstance(step, Fact):
                    current = _apply_demand(current, step, key[0])
                elif current is not None and current.overtaken is None and current.since < d:
                    if current.end is not None and current.end <= d:
                        current = None  # it had ended before anything overtook it
                    else:
                        current = replace(current, overtaken=step)
                days.append(d)
                chain.append(current)
            self._demands[key] = (days, chain)

    def position_on(self, key: Key, on: date) -> Position | None:
        """The latest position of one (actor, zone) on a day: in force, aged or overtaken.

        ``None`` when the actor stated none by then, or when it ended by its end date.
        """
        entry = self._demands.get(key)
        if entry is None:
            return None
        days, chain = entry
        i = bisect.bisect_right(days, on) - 1
        if i < 0 or chain[i] is None:
            return None
        pos = chain[i]
        assert pos is not None
        if pos.overtaken is None and pos.end is not None and on >= pos.end:
            return None
        # Ageing stops where the data ends: past it nobody has looked for a restatement.
        age = (min(on, self.last_date) - (pos.last_stated or pos.since)).days
        met = None
        if pos.position == "withdraw":
            for force in ISRAELI_FORCES:
                gone = self.departure_on((force, pos.zone), on)
                if gone is not None and gone.on >= pos.since:
                    met = Met(gone.on, gone.fact)
        return replace(pos, age_days=age, met=met)

    def position_breakpoints(self, key: Key) -> list[date]:
        """The days on which what is shown of ``key``'s position can change (for segments)."""
        days, chain = self._demands.get(key, ([], []))
        points = set(days)
        for p in chain:
            if p is not None:
                ages = (p.last_stated or p.since) + timedelta(days=POSITION_MAX_AGE_DAYS)
                if ages <= self.last_date:
                    points.add(ages)
                if p.end:
                    points.add(p.end)
        for force in ISRAELI_FORCES:
            points |= set(self.presence_breakpoints((force, key[1])))
        return sorted(points)

    # ---- agreements -------------------------------------------------------------------------
    def agreements_on(self, on: date) -> tuple[InForce, ...]:
        """The agreements in force on ``on``, with the roles and terms dated by then."""
        out = []
        for g in self.agreements:
            period = next((p for p in g.periods if p.start <= on and (p.end is None or on < p.end)), None)
            if period is None:
                continue
            terms: dict[str, list[str]] = defaultdict(list)
            for f in self.terms.get(g.id, ()):
                if f.date <= on:
                    terms[f.zone].append(f.id)
            out.append(
                InForce(
                    g,
                    period,
                    tuple(r for r in g.roles if r.since <= on),
                    MappingProxyType({z: tuple(v) for z, v in terms.items()}),
                )
            )
        return tuple(out)

    def agreements_covering(self, zone: str, on: date) -> tuple[InForce, ...]:
        """Agreements in force on ``on`` with terms for ``zone`` or a zone that contains it."""
        covering = set(self._covers(zone))
        return tuple(a for a in self.agreements_on(on) if covering & set(a.terms))

    # ---- the day ----------------------------------------------------------------------------
    def state_at(self, on: date) -> State:
        """The situation on ``on``: presence, positions (in force, aged, overtaken), agreements."""
        presence, left = [], []
        for k in self.presence_keys:
            s = self._presence_state(k, on)
            if isinstance(s, Presence):
                presence.append(s)
            elif isinstance(s, Departure):
                left.append(s)
        standing: dict[str, list[Position]] = defaultdict(list)
        for k in self._demands:
            p = self.position_on(k, on)
            if p is not None:
                standing[p.standing].append(p)
        during = [f for f in self._interval_events if f.date <= on < (f.end or on)]
        events = tuple(sorted((*self._point_events.get(on, ()), *during), key=lambda f: (f.date, f.id)))
        order = lambda x: (x.zone, x.actor)  # noqa: E731
        return State(
            on,
            tuple(sorted(presence, key=order)),
            tuple(sorted(standing["in_force"], key=order)),
            events,
            tuple(sorted(left, key=order)),
            tuple(sorted(standing["aged"], key=order)),
            tuple(sorted(standing["overtaken"], key=order)),
            self.agreements_on(on),
        )

    def changes_on(self, on: date) -> tuple[Change, ...]:
        """Everything that changed on ``on`` against the day before, including withdrawals.

        Looked up in an index built once: a (actor, zone) can only change on one of its own
        breakpoints, so each is compared there rather than every key on every day (the page
        needs the changes of every day; scanning made that quadratic in the facts).
        """
        if self._change_index is None:
            self._change_index = self._index_changes()
        return self._change_index.get(on, ())

    def _index_changes(self) -> dict[date, tuple[Change, ...]]:
        parts: list[dict[date, list[Change]]] = [defaultdict(list) for _ in range(5)]
        for k in self.presence_keys:
            for on in self.presence_breakpoints(k):
                parts[0][on].extend(self._presence_change(k, on))
        for k in self._demands:
            for on in self.position_breakpoints(k):
                parts[1][on].extend(self._position_change(k, on))
        for f in self.events:
            parts[2][f.date].append(Change("event", f.zone, f.actor, f.id, f.kind))
        for f in self.facts:
            if f.kind == "demand":
                for actor in f.actors:
                    parts[3][f.date].append(Change("position_stated", f.zone, actor, f.id, f.status))
        for g in self.agreements:
            for p in g.periods:
                for edge in (p.start, p.end):
                    if edge is not None:
                        parts[4][edge].extend(self._agreement_change(g, p, edge))
        days = sorted(set().union(*(part.keys() for part in parts)))
        index = {d: tuple(c for part in parts for c in part.get(d, ())) for d in days}
        return {d: cs for d, cs in index.items() if cs}

    def _changes_scan(self, on: date) -> tuple[Change, ...]:
        """The definition of :meth:`changes_on`, every key compared on ``on`` (tests use it)."""
        out: list[Change] = []
        for k in self.presence_keys:
            out.extend(self._presence_change(k, on))
        for k in self._demands:
            out.extend(self._position_change(k, on))
        for f in self._point_events.get(on, ()) + tuple(f for f in self._interval_events if f.date == on):
            out.append(Change("event", f.zone, f.actor, f.id, f.kind))
        for f in self.facts:
            if f.kind == "demand" and f.date == on:
                for actor in f.actors:
                    out.append(Change("position_stated", f.zone, actor, f.id, f.status))
        for g in self.agreements:
            for p in g.periods:
                out.extend(self._agreement_change(g, p, on))
        return tuple(out)

    def _presence_change(self, k: Key, on: date) -> list[Change]:
        before = on - timedelta(days=1)
        out: list[Change] = []
        a, b = self.presence_on(k, before), self.presence_on(k, on)
        if b is not None and a is None:
            out.append(Change("presence_began", k[1], k[0], b.fact, b.status))
        elif a is not None and b is None:
            gone = self.departure_on(k, on)
            out.append(
                Change(
                    "presence_ended",
                    k[1],
                    k[0],
                    gone.fact if gone else a.fact,
                    gone.how if gone else None,
                )
            )
        elif a is not None and b is not None and a.fact != b.fact and not (a.derived_from and b.derived_from):
            # Between two derived presences the zones within report their own changes.
            out.append(Change("status_changed", k[1], k[0], b.fact, f"{a.status}>{b.status}"))
        return out

    def _position_change(self, k: Key, on: date) -> list[Change]:
        old, new = self.position_on(k, on - timedelta(days=1)), self.position_on(k, on)
        if new is None:
            return []
        if new.overtaken is not None and new.overtaken.on == on:
            o = new.overtaken
            return [Change("position_overtaken", k[1], k[0], o.fact, o.agreement or None)]
        if new.standing == "aged" and (old is None or old.standing != "aged"):
            return [Change("position_aged", k[1], k[0], new.fact, new.position)]
        return []

    def _agreement_change(self, g: Agreement, p: AgreementPeriod, on: date) -> list[Change]:
        known = [f for f in p.fact_ids if f in self.by_id and self.by_id[f].date <= on]
        out = []
        if p.start == on:
            out.append(Change("agreement_in_force", None, None, known[0] if known else None, g.id))
        if p.end == on:
            out.append(
                Change("agreement_ended", None, None, known[-1] if known else None, f"{g.id}:{p.ended_by}")
            )
        return out

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
