"""Rows that cannot all be true: reported by validation, never resolved in code."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import timedelta

from geo.model import Fact
from geo.timeline import Presence, Timeline, is_present


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Rows of one (actor, zone) that cannot all be true; ``field`` is the column to look at."""

    facts: tuple[Fact, ...]
    field: str
    message: str


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
                if k > 0 and not isinstance(
                    timeline.own_on((actor, zone), a.date - timedelta(days=1)), Presence
                ):
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
        for a in rows:
            if is_present(a.status):
                continue
            for inner in timeline.descendants(zone):
                held = (
                    timeline.own_on((actor, inner), a.date)
                    if (actor, inner) in timeline.presence_rows
                    else None
                )
                if isinstance(held, Presence):
                    found.append(
                        Contradiction(
                            (a, timeline.by_id[held.fact]),
                            "status",
                            (
                                f"{a.id} records {who} withdrawing on {a.date}, but {held.fact} has {actor} "
                                f"present in {inner}, which lies within {zone}"
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
