"""Check the CSV tables row by row and turn the good rows into model records."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from datetime import date
from urllib.parse import urlsplit

from geo._errors import Problem
from geo.io import DATE_RE, Row
from geo.model import (
    Actor,
    Agreement,
    AgreementPeriod,
    AgreementRole,
    Extent,
    Fact,
    Feature,
    Figure,
    Source,
    Zone,
)
from geo.settings import (
    ACTOR_KINDS,
    AGREEMENT_ENDINGS,
    AGREEMENT_ROLES,
    CONFIDENCES,
    EXTENT_QUALITIES,
    EXTENT_SHAPES,
    GIST_MAX_CHARS,
    KINDS,
    PRECISIONS,
    STATUSES_BY_KIND,
    ZONE_GEOMETRIES,
)

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
EARLIEST = date(1900, 1, 1)
ZONE_FEATURE_TYPES = {
    "outline": ("Polygon", "MultiPolygon"),
    "band": ("LineString",),
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
}
UNITS = ("percent", "km2", "km")


class _Rows:
    """Collects problems for one file, naming line, id and field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def where(self, line: int, row: Mapping[str, str], key: str = "id") -> str:
        ident = row.get(key, "")
        return f"line {line} ({ident})" if ident else f"line {line}"

    def add(self, where: str, field: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, field, value, message))

    def required(self, where: str, row: Mapping[str, str], *fields: str) -> bool:
        ok = True
        for f in fields:
            if not row[f]:
                self.add(where, f, "", "is required")
                ok = False
        return ok

    def choice(self, where: str, row: Mapping[str, str], field: str, allowed: tuple[str, ...]) -> bool:
        if row[field] not in allowed:
            shown = ", ".join(a or "(empty)" for a in allowed)
            self.add(where, field, row[field], f"must be one of: {shown}")
            return False
        return True

    def ident(self, where: str, row: Mapping[str, str], field: str, seen: set[str]) -> bool:
        value = row[field]
        if not ID_RE.match(value):
            self.add(where, field, value, "must be 1-64 letters, digits, '_', '.' or '-'")
            return False
        if value in seen:
            self.add(where, field, value, "duplicate id")
            return False
        seen.add(value)
        return True

    def day(
        self,
        where: str,
        row: Mapping[str, str],
        field: str,
        *,
        precision: str = "day",
        optional: bool = False,
        today: date | None = None,
    ) -> date | None:
        value = row[field]
        if not value:
            if not optional:
                self.add(where, field, value, "is required (YYYY-MM-DD)")
            return None
        if precision == "month" and MONTH_RE.match(value):
            value += "-01"
        if not DATE_RE.match(value):
            self.add(where, field, row[field], "is not a date in the form YYYY-MM-DD")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.add(where, field, row[field], "is not a real calendar date")
            return None
        if precision == "month" and parsed.day != 1:
            self.add(
                where, field, row[field], "has month precision, so write the month (YYYY-MM) or its first day"
            )
            return None
        if parsed < EARLIEST:
            self.add(where, field, row[field], f"is before {EARLIEST}: probably a typo")
            return None
        if today is not None and parsed > today:
            self.add(
                where,
                field,
                row[field],
                f"is after {today}, the latest date allowed: nothing may be dated after the "
                "research (manifest.json's 'researched'), nor more than a day after today",
            )
            return None
        return parsed


def read_zones(rows: list[Row], features: Mapping[str, Feature]) -> tuple[dict[str, Zone], list[Problem]]:
    c = _Rows("zones.csv")
    zones: dict[str, Zone] = {}
    seen: set[str] = set()
    for line, row in rows:
        w = c.where(line, row)
        ok = c.ident(w, row, "id", seen) & c.required(w, row, "name")
        ok &= c.choice(w, row, "geometry", ZONE_GEOMETRIES)
        if ok and row["geometry"] != "none":
            f = features.get(row["feature"])
            if f is None:
                c.add(w, "feature", row["feature"], "names no feature in the GeoJSON layers")
                ok = False
            elif f.geometry.geom_type not in ZONE_FEATURE_TYPES[row["geometry"]]:
                c.add(
                    w,
                    "feature",
                    row["feature"],
                    f"is a {f.geometry.geom_type}; geometry {row['geometry']} needs "
                    + " or ".join(ZONE_FEATURE_TYPES[row["geometry"]]),
                )
                ok = False
        if ok:
            zones[row["id"]] = Zone(
                row["id"],
                row["name"],
                row["name_ar"],
                row["name_he"],
                row["geometry"],
                row["feature"],
                row["note"],
                row["within"],
            )
    ids = {row["id"] for _, row in rows}
    for line, row in rows:
        w = c.where(line, row)
        if row["within"] and (row["within"] not in ids or row["within"] == row["id"]):
            c.add(w, "within", row["within"], "must name another zone id in zones.csv, or be empty")
            zones.pop(row["id"], None)
    for zone_id in list(zones):
        seen_chain, z = {zone_id}, zones.get(zone_id)
        while z is not None and z.within:
            if z.within in seen_chain:
                c.add(f"zone {zone_id}", "within", z.within, "zones contain each other in a circle")
                zones.pop(zone_id, None)
                break
            seen_chain.add(z.within)
            z = zones.get(z.within)
    return zones, c.problems


def read_actors(rows: list[Row]) -> tuple[dict[str, Actor], list[Problem]]:
    c = _Rows("actors.csv")
    actors: dict[str, Actor] = {}
    seen: set[str] = set()
    ids = {row["id"] for _, row in rows}
    for line, row in rows:
        w = c.where(line, row)
        ok = c.ident(w, row, "id", seen) & c.required(w, row, "name", "short")
        ok &= c.choice(w, row, "kind", ACTOR_KINDS)
        if "+" in row["id"]:
            c.add(w, "id", row["id"], "'+' joins actors in timeline.csv and cannot be part of an id")
            ok = False
        members = tuple(row["members"].split())
        for m in members:
            if m not in ids:
                c.add(w, "members", m, "is not an actor id in this file")
                ok = False
        if ok:
            actors[row["id"]] = Actor(row["id"], row["name"], row["short"], row["kind"], members, row["note"])
    return actors, c.problems


def read_sources(rows: list[Row], *, today: date | None = None) -> tuple[dict[str, Source], list[Problem]]:
    c = _Rows("sources.csv")
    sources: dict[str, Source] = {}
    seen: set[str] = set()
    for line, row in rows:
        w = c.where(line, row)
        ok = c.ident(w, row, "id", seen) & c.required(w, row, "title", "publisher")
        url = row["url"]
        if url:
            parts = urlsplit(url)
            if (
                parts.scheme not in ("http", "https")
                or not parts.netloc
                or any(ch.isspace() or not ch.isprintable() for ch in url)
            ):
                c.add(w, "url", url, "must be an http:// or https:// address without spaces")
                ok = False
        elif not row["note"]:
            c.add(w, "url", "", "is required; if it was not recorded, say so in the note column")
            ok = False
        published = c.day(w, row, "published", optional=True, today=today)
        checked = c.day(w, row, "checked", optional=True, today=today)
        ok &= not (row["published"] and published is None) and not (row["checked"] and checked is None)
        if ok:
            sources[row["id"]] = Source(
                row["id"], row["title"], row["publisher"], url, published, checked, row["note"]
            )
    return sources, c.problems


def read_facts(
    rows: list[Row],
    *,
    zones: Mapping[str, Zone],
    actors: Mapping[str, Actor],
    sources: Mapping[str, Source],
    today: date | None,
    agreement_ids: frozenset[str] = frozenset(),
) -> tuple[list[Fact], list[Problem]]:
    c = _Rows("timeline.csv")
    facts: list[Fact] = []
    seen: set[str] = set()
    for line, row in rows:
        w = c.where(line, row)
        ok = c.ident(w, row, "id", seen)
        ok &= c.required(w, row, "summary", "source_id")
        ok &= c.choice(w, row, "date_precision", PRECISIONS)
        precision = row["date_precision"] if row["date_precision"] in PRECISIONS else "day"
        start = c.day(w, row, "date", precision=precision, today=today)
        end = c.day(w, row, "end_date", optional=True, today=today)
        ok &= start is not None and not (row["end_date"] and end is None)
        if start is not None and end is not None and end <= start:
            c.add(w, "end_date", row["end_date"], f"must be after date {row['date']} (end is exclusive)")
            ok = False
        if c.choice(w, row, "kind", KINDS):
            ok &= c.choice(w, row, "status", STATUSES_BY_KIND[row["kind"]])
        else:
            ok = False
        if row["zone"] not in zones:
            c.add(w, "zone", row["zone"], "is not a zone id in zones.csv")
            ok = False
        names = tuple(row["actor"].split("+"))
        if not row["actor"] or len(set(names)) != len(names):
            c.add(w, "actor", row["actor"], "must be one actor id, or several joined by '+', each once")
            ok = False
        for a in names:
            if row["actor"] and a not in actors:
                c.add(w, "actor", a, "is not an actor id in actors.csv")
                ok = False
        ok &= c.choice(w, row, "confidence", CONFIDENCES)
        if row["kind"] == "agreement" and not row["agreement"]:
            c.add(w, "agreement", "", "an agreement row must name its agreement (an id in agreements.csv)")
            ok = False
        elif row["agreement"] and row["agreement"] not in agreement_ids:
            c.add(w, "agreement", row["agreement"], "is not an agreement id in agreements.csv")
            ok = False
        if row["gist"] and row["kind"] != "demand":
            c.add(w, "gist", row["gist"], "only a demand row has a gist (what the actor asked, in brief)")
            ok = False
        elif len(row["gist"]) > GIST_MAX_CHARS or any(ch in row["gist"] for ch in "\r\n"):
            c.add(w, "gist", row["gist"][:80], f"must be one line of at most {GIST_MAX_CHARS} characters")
            ok = False
        source = sources.get(row["source_id"])
        if row["source_id"] and source is None:
            c.add(w, "source_id", row["source_id"], "is not a source id in sources.csv")
            ok = False
        if source and source.published and start and source.published < start:
            c.add(
                w, "date", row["date"], f"is after its source {source.id} was published ({source.published})"
            )
            ok = False
        if ok and start is not None:
            facts.append(
                Fact(
                    row["id"],
                    start,
                    precision,
                    end,
                    row["kind"],
                    row["zone"],
                    names,
                    row["status"],
                    row["summary"],
                    row["source_id"],
                    row["confidence"],
                    row["note"],
                    line,
                    row["agreement"],
                    row["gist"],
                )
            )
    return facts, c.problems


def read_extents(
    rows: list[Row],
    *,
    zones: Mapping[str, Zone],
    features: Mapping[str, Feature],
    facts: Mapping[str, Fact],
    sources: Mapping[str, Source],
    today: date | None,
) -> tuple[list[Extent], list[Problem]]:
    c = _Rows("zone_extents.csv")
    extents: list[Extent] = []
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        w = c.where(line, row, "zone")
        ok = True
        zone = zones.get(row["zone"])
        if zone is None or zone.geometry != "band":
            c.add(w, "zone", row["zone"], "is not a zone drawn as a band in zones.csv")
            ok = False
        ok &= c.choice(w, row, "date_precision", PRECISIONS)
        precision = row["date_precision"] if row["date_precision"] in PRECISIONS else "day"
        start = c.day(w, row, "valid_from", precision=precision, today=today)
        ok &= start is not None
        if (row["zone"], str(start)) in seen:
            c.add(w, "valid_from", row["valid_from"], "a row of this zone already starts that day")
            ok = False
        seen.add((row["zone"], str(start)))
        width = _number(row["width_m"])
        if width is None or not 0 < width <= 50_000:
            c.add(w, "width_m", row["width_m"], "must be a number of metres, above 0 and at most 50000")
            ok = False
        ok &= c.choice(w, row, "shape", EXTENT_SHAPES) & c.choice(w, row, "quality", EXTENT_QUALITIES)
        f = features.get(row["line"])
        if f is None or f.geometry.geom_type != "LineString":
            c.add(w, "line", row["line"], "must name a LineString feature of the GeoJSON layers")
            ok = False
        fact_ids = tuple(row["fact_ids"].split())
        for fid in fact_ids:
            if fid not in facts:
                c.add(w, "fact_ids", fid, "is not a fact id in timeline.csv")
                ok = False
        if row["source_id"] and row["source_id"] not in sources:
            c.add(w, "source_id", row["source_id"], "is not a source id in sources.csv")
            ok = False
        if not fact_ids and not row["source_id"]:
            c.add(w, "source_id", "", "a width needs a source: give fact_ids or a source_id")
            ok = False
        if ok and start is not None and width is not None:
            extents.append(
                Extent(
                    row["zone"],
                    start,
                    precision,
                    width,
                    row["shape"],
                    row["line"],
                    fact_ids,
                    row["source_id"],
                    row["basis"],
                    row["quality"],
                    row["note"],
                )
            )
    return extents, c.problems


def read_figures(
    rows: list[Row], *, zones: Mapping[str, Zone], facts: Mapping[str, Fact]
) -> tuple[list[Figure], list[Problem]]:
    c = _Rows("reported_figures.csv")
    figures: list[Figure] = []
    for line, row in rows:
        w = c.where(line, row, "fact_id")
        ok = c.required(w, row, "measure", "wording", "counted_by")
        ok &= c.choice(w, row, "unit", UNITS)
        if row["zone"] not in zones:
            c.add(w, "zone", row["zone"], "is not a zone id in zones.csv")
            ok = False
        fact = facts.get(row["fact_id"])
        if fact is None:
            c.add(w, "fact_id", row["fact_id"], "is not a fact id in timeline.csv")
            ok = False
        elif row["wording"] and row["wording"] not in fact.summary:
            c.add(w, "wording", row["wording"], f"must be quoted word for word from the summary of {fact.id}")
            ok = False
        low, high = _number(row["value_low"]), _number(row["value_high"])
        if (row["value_low"] and low is None) or (row["value_high"] and high is None):
            c.add(w, "value_low", row["value_low"] + " / " + row["value_high"], "must be numbers or empty")
            ok = False
        elif low is not None and high is not None and low > high:
            c.add(w, "value_low", row["value_low"], f"is above value_high {row['value_high']}")
            ok = False
        if ok:
            figures.append(
                Figure(
                    row["zone"],
                    row["fact_id"],
                    row["measure"],
                    low,
                    high,
                    row["unit"],
                    row["wording"],
                    row["counted_by"],
                )
            )
    return figures, c.problems


def _evidence(
    c: _Rows, w: str, row: Mapping[str, str], facts: Mapping[str, Fact], sources: Mapping[str, Source]
) -> tuple[tuple[str, ...], bool]:
    """The ``fact_ids`` of a row, checked, and whether the row names some evidence at all."""
    ok = True
    fact_ids = tuple(row["fact_ids"].split())
    for fid in fact_ids:
        if fid not in facts:
            c.add(w, "fact_ids", fid, "is not a fact id in timeline.csv")
            ok = False
    if "source_id" in row:
        if row["source_id"] and row["source_id"] not in sources:
            c.add(w, "source_id", row["source_id"], "is not a source id in sources.csv")
            ok = False
        if not fact_ids and not row["source_id"]:
            c.add(w, "source_id", "", "needs a source: give fact_ids or a source_id")
            ok = False
    elif not fact_ids:
        c.add(w, "fact_ids", "", "needs at least one fact id from timeline.csv")
        ok = False
    return fact_ids, ok


def read_agreements(
    rows: list[Row],
    periods: list[Row],
    roles: list[Row],
    *,
    actors: Mapping[str, Actor],
    facts: Mapping[str, Fact],
    sources: Mapping[str, Source],
    today: date | None,
) -> tuple[dict[str, Agreement], list[Problem]]:
    """Agreements with their periods in force and their parties, brokers and endorsers.

    Every date is sourced (fact ids or a source id); every agreement needs at least one party.
    """
    problems: list[Problem] = []
    c = _Rows("agreements.csv")
    heads: dict[str, tuple[int, Mapping[str, str], date, tuple[str, ...]]] = {}
    seen: set[str] = set()
    for line, row in rows:
        w = c.where(line, row)
        ok = c.ident(w, row, "id", seen) & c.required(w, row, "name")
        concluded = c.day(w, row, "concluded", today=today)
        fact_ids, good = _evidence(c, w, row, facts, sources)
        if ok and good and concluded is not None:
            heads[row["id"]] = (line, row, concluded, fact_ids)
    problems += c.problems

    c = _Rows("agreement_periods.csv")
    by_agreement: dict[str, list[AgreementPeriod]] = {}
    for line, row in periods:
        w = c.where(line, row, "agreement")
        ok = True
        if row["agreement"] not in heads:
            c.add(w, "agreement", row["agreement"], "is not an agreement id in agreements.csv")
            ok = False
        start = c.day(w, row, "from", today=today)
        end = c.day(w, row, "to", optional=True, today=today)
        ok &= start is not None and not (row["to"] and end is None)
        if start is not None and end is not None and end <= start:
            c.add(w, "to", row["to"], f"must be after from {row['from']} (to is exclusive)")
            ok = False
        if row["to"] and not row["ended_by"]:
            c.add(
                w, "ended_by", "", "a period with an end says how it ended: " + ", ".join(AGREEMENT_ENDINGS)
            )
            ok = False
        elif row["ended_by"] and not c.choice(w, row, "ended_by", AGREEMENT_ENDINGS):
            ok = False
        elif row["ended_by"] and not row["to"]:
            c.add(w, "to", "", f"ended_by is {row['ended_by']!r}, so the period needs its end date")
            ok = False
        fact_ids, good = _evidence(c, w, row, facts, sources)
        if ok and good and start is not None:
            by_agreement.setdefault(row["agreement"], []).append(
                AgreementPeriod(
                    row["agreement"], start, end, row["ended_by"], fact_ids, row["source_id"], row["note"]
                )
            )
    for agreement_id, items in by_agreement.items():
        items.sort(key=lambda p: p.start)
        for a, b in itertools.pairwise(items):
            if a.end is None or a.end > b.start:
                c.add(
                    f"agreement {agreement_id}",
                    "from",
                    b.start.isoformat(),
                    f"overlaps the period from {a.start} ({'no end' if a.end is None else f'to {a.end}'})",
                )
    problems += c.problems

    c = _Rows("agreement_roles.csv")
    role_rows: dict[str, list[AgreementRole]] = {}
    for line, row in roles:
        w = c.where(line, row, "agreement")
        ok = True
        if row["agreement"] not in heads:
            c.add(w, "agreement", row["agreement"], "is not an agreement id in agreements.csv")
            ok = False
        if row["actor"] not in actors:
            c.add(w, "actor", row["actor"], "is not an actor id in actors.csv")
            ok = False
        ok &= c.choice(w, row, "role", AGREEMENT_ROLES)
        since = c.day(w, row, "since", today=today)
        fact_ids, good = _evidence(c, w, row, facts, sources)
        if ok and good and since is not None:
            role_rows.setdefault(row["agreement"], []).append(
                AgreementRole(
                    row["agreement"],
                    row["actor"],
                    row["role"],
                    since,
                    fact_ids,
                    row["source_id"],
                    row["note"],
                )
            )
    problems += c.problems

    c = _Rows("agreements.csv")
    agreements: dict[str, Agreement] = {}
    for agreement_id, (line, head, concluded, fact_ids) in heads.items():
        w = c.where(line, head)
        these = tuple(sorted(role_rows.get(agreement_id, []), key=lambda r: (r.since, r.actor)))
        if not any(r.role == "party" for r in these):
            c.add(w, "id", agreement_id, "an agreement needs at least one party in agreement_roles.csv")
            continue
        agreements[agreement_id] = Agreement(
            agreement_id,
            head["name"],
            concluded,
            fact_ids,
            tuple(by_agreement.get(agreement_id, [])),
            these,
            head["note"],
        )
    problems += c.problems
    return agreements, problems


def _number(value: str) -> float | None:
    try:
        n = float(value)
    except ValueError:
        return None
    return n if math.isfinite(n) else None
