"""Turn states and changes into the public JSON shape and into readable text.

The JSON of :func:`state_dict` and :func:`diff_dict` is a public interface, documented in
the README: keys may be added, never renamed or removed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from geo.bundle import Bundle
from geo.i18n import t
from geo.model import Fact
from geo.timeline import Change, Departure, InForce, Position, Presence, State
from geo.zones import SCHEMATIC, ZoneShape, zone_shape


def shape_of(bundle: Bundle, zone_id: str, on: date) -> ZoneShape | None:
    return zone_shape(bundle.zones[zone_id], on, extents=bundle.extents, shapes=bundle.shapes)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


SCHEMA_VERSION = "2.0"


def _presence(p: Presence) -> dict[str, Any]:
    return {
        "actor": p.actor,
        "status": p.status,
        "since": _iso(p.since),
        "fact": p.fact,
        "confidence": p.confidence,
        "present_since": _iso(p.present_since),
        "derived_from": list(p.derived_from),
        "implied_by": p.implied_by or None,
    }


def _departure(d: Departure) -> dict[str, Any]:
    return {"actor": d.actor, "on": _iso(d.on), "fact": d.fact, "how": d.how}


def _position(p: Position) -> dict[str, Any]:
    out: dict[str, Any] = {
        "actor": p.actor,
        "position": p.position,
        "since": _iso(p.since),
        "fact": p.fact,
        "confidence": p.confidence,
        "statements": list(p.statements),
        "last_stated": _iso(p.last_stated or p.since),
        "met": {"on": _iso(p.met.on), "fact": p.met.fact} if p.met else None,
    }
    if p.gist:
        out["gist"] = p.gist
    if p.standing == "aged":
        out["age_days"] = p.age_days
    if p.overtaken is not None:
        o = p.overtaken
        out["overtaken_on"] = _iso(o.on)
        out["overtaken_by"] = {
            "kind": o.kind,
            "fact": o.fact,
            "zone": o.zone,
            "agreement": o.agreement or None,
        }
    return out


def _agreement(a: InForce) -> dict[str, Any]:
    return {
        "id": a.agreement.id,
        "name": a.agreement.name,
        "concluded": _iso(a.agreement.concluded),
        "in_force_since": _iso(a.period.start),
        "period_fact_ids": [f for f in a.period.fact_ids],
        "note": a.agreement.note or None,
        "roles": [
            {"actor": r.actor, "role": r.role, "since": _iso(r.since), "facts": list(r.fact_ids)}
            for r in a.roles
        ],
        "terms": {z: list(ids) for z, ids in a.terms.items()},
    }


def change_dict(c: Change) -> dict[str, Any]:
    return {"type": c.type, "zone": c.zone, "actor": c.actor, "fact": c.fact, "detail": c.detail}


def fact_dict(bundle: Bundle, fact: Fact, on: date | None = None) -> dict[str, Any]:
    """One fact with its source, as it appears under ``facts`` in the JSON. Asked for a day
    (``on``), its end is given only if it came by then: a later end is news of a later day."""
    s = bundle.source_of(fact)
    return {
        "date": _iso(fact.date),
        "date_precision": fact.precision,
        "end_date": _iso(fact.end) if on is None or (fact.end and fact.end <= on) else None,
        "kind": fact.kind,
        "zone": fact.zone,
        "actors": list(fact.actors),
        "status": fact.status or None,
        "summary": fact.summary,
        "confidence": fact.confidence,
        "source": {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url or None,
            "published": _iso(s.published),
        },
    }


def zone_dict(bundle: Bundle, zone_id: str, state: State) -> dict[str, Any]:
    zone = bundle.zones[zone_id]
    shape = shape_of(bundle, zone_id, state.on)
    area = shape.area_km2 if shape else None
    strip_area = _strip_area(bundle)
    figures = [
        {
            "measure": f.measure,
            "value_low": f.value_low,
            "value_high": f.value_high,
            "unit": f.unit,
            "wording": f.wording,
            "counted_by": f.counted_by,
            "fact": f.fact_id,
            "date": _iso(bundle.fact(f.fact_id).date),
        }
        for f in bundle.figures
        if f.zone == zone_id and bundle.fact(f.fact_id).date <= state.on
    ]
    return {
        "name": zone.name,
        "name_ar": zone.name_ar or None,
        "name_he": zone.name_he or None,
        "mapped": zone.mapped,
        "area_km2": None if area is None else round(area, 3),
        "share_of_strip": None if area is None else round(area / strip_area, 4),
        "length_km": None if shape is None or shape.length_km is None else round(shape.length_km, 3),
        "quality": shape.quality if shape else None,
        "width_m": shape.width_m if shape else None,
        "note": zone.note or None,
        "within": zone.within or None,
        "presence": [_presence(p) for p in state.presence_in(zone_id)],
        "left": [_departure(d) for d in state.left_from(zone_id)],
        "demands": [_position(p) for p in state.demands_on(zone_id)],
        "demands_aged": [_position(p) for p in state.aged_on(zone_id)],
        "demands_overtaken": [_position(p) for p in state.overtaken_on(zone_id)],
        "agreements": [a.agreement.id for a in state.agreements if _covers(bundle, zone_id, a)],
        "reported_figures": figures,
    }


def _covers(bundle: Bundle, zone_id: str, a: InForce) -> bool:
    return bool({zone_id, *bundle.timeline.ancestors(zone_id)} & set(a.terms))


def notice(bundle: Bundle, on: date) -> str | None:
    """Plain words when ``on`` lies outside the documented period, else ``None``."""
    if on > bundle.data_as_of:
        return t("text.after_data", date=_long(on), data_as_of=_long(bundle.data_as_of))
    if on < bundle.data_from:
        return t("text.before_data", date=_long(on), data_from=_long(bundle.data_from))
    return None


def _short(d: date) -> str:
    """``18 Jun 2026``, as the page writes days: from the locale's month names, as the browser's
    GCMText.day does (the same words by construction, not by a locale library on each side)."""
    return f"{d.day} {t(f'month.{d.month}')} {d.year}"


def day_words(d: date) -> str:
    """A day as the page writes it (``18 Jun 2026``), for any interface around the page."""
    return _short(d)


def _long(d: date) -> str:
    """``18 June 2026``: unambiguous in every English-speaking country (GCMText.longDay)."""
    return f"{d.day} {t(f'month_long.{d.month}')} {d.year}"


def _strip_area(bundle: Bundle) -> float:
    return bundle.strip_area_km2


def state_dict(bundle: Bundle, on: date) -> dict[str, Any]:
    """The situation on ``on`` in the public JSON shape (see README, "The state JSON")."""
    state = bundle.state_at(on)
    zones = {z: zone_dict(bundle, z, state) for z in bundle.zones}
    agreements = [_agreement(a) for a in state.agreements]
    changes = [change_dict(c) for c in bundle.timeline.changes_on(on)]
    cited = {p["fact"] for z in zones.values() for p in z["presence"]}
    cited |= {p["implied_by"] for z in zones.values() for p in z["presence"] if p["implied_by"]}
    cited |= {d["fact"] for z in zones.values() for d in z["left"]}
    for z in zones.values():
        for key in ("demands", "demands_aged", "demands_overtaken"):
            for p in z[key]:
                cited |= set(p["statements"])
                cited |= {p["met"]["fact"]} if p["met"] else set()
                cited |= {p["overtaken_by"]["fact"]} if "overtaken_by" in p else set()
    cited |= {f["fact"] for z in zones.values() for f in z["reported_figures"]}
    cited |= {f.id for f in state.events}
    for a in agreements:
        cited |= {f for ids in a["terms"].values() for f in ids}
        cited |= {f for r in a["roles"] for f in r["facts"]}
        cited |= set(a["period_fact_ids"])
    cited |= {c["fact"] for c in changes if c["fact"]}
    # Nothing dated after the day: evidence for a period's end or a later role is left out.
    # The one exception: a presence implied by a later withdrawal cites that withdrawal, since
    # nothing else shows it (and says so: ``implied_by``).
    implied = {p["implied_by"] for z in zones.values() for p in z["presence"] if p["implied_by"]}
    cited = {f for f in cited if bundle.fact(f).date <= on or f in implied}
    for a in agreements:
        a["period_fact_ids"] = [f for f in a["period_fact_ids"] if f in cited]
        for r in a["roles"]:
            r["facts"] = [f for f in r["facts"] if f in cited]
    return {
        "schema_version": SCHEMA_VERSION,
        "date": on.isoformat(),
        "data_as_of": bundle.data_as_of.isoformat(),
        "data_from": bundle.data_from.isoformat(),
        "researched": _iso(bundle.researched),
        "after_data": on > bundle.data_as_of,
        "before_data": on < bundle.data_from,
        "notice": notice(bundle, on),
        "zones": zones,
        "agreements": agreements,
        "changes": changes,
        "events": [{"fact": f.id, **fact_dict(bundle, f, on)} for f in state.events],
        "facts": {fid: fact_dict(bundle, bundle.fact(fid), on) for fid in sorted(cited)},
    }


def diff_dict(bundle: Bundle, start: date, end: date) -> dict[str, Any]:
    """What changed from ``start`` to ``end``, per zone, in the public JSON shape."""
    ch = bundle.changes(start, end)
    strip_area = _strip_area(bundle)
    zones: dict[str, Any] = {}
    for zone_id, zone in bundle.zones.items():
        a, b = shape_of(bundle, zone_id, start), shape_of(bundle, zone_id, end)
        area_a = a.area_km2 if a else None
        area_b = b.area_km2 if b else None
        entry: dict[str, Any] = {
            "name": zone.name,
            "presence_gained": [_presence(p) for p in ch.gained if p.zone == zone_id],
            "presence_lost": [_presence(p) for p in ch.lost if p.zone == zone_id],
            "status_changed": [
                {
                    "actor": new.actor,
                    "from": old.status,
                    "to": new.status,
                    "since": _iso(new.since),
                    "fact": new.fact,
                }
                for old, new in ch.status_changed
                if new.zone == zone_id
            ],
            "positions_changed": [
                {
                    "actor": (old or new).actor,  # type: ignore[union-attr]
                    "from": _position(old) if old else None,
                    "to": _position(new) if new else None,
                }
                for old, new in ch.positions
                if (old or new).zone == zone_id  # type: ignore[union-attr]
            ],
        }
        if area_a != area_b:
            entry["area_km2"] = {
                "from": _round(area_a, 3),
                "to": _round(area_b, 3),
                "change": round((area_b or 0) - (area_a or 0), 3),
            }
            entry["share_of_strip"] = {
                "from": _round(area_a and area_a / strip_area, 4),
                "to": _round(area_b and area_b / strip_area, 4),
                "change": round(((area_b or 0) - (area_a or 0)) / strip_area, 4),
            }
        if (
            any(entry[k] for k in ("presence_gained", "presence_lost", "status_changed", "positions_changed"))
            or "area_km2" in entry
        ):
            zones[zone_id] = entry
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "data_as_of": bundle.data_as_of.isoformat(),
        "zones": zones,
        "facts_between": [f.id for f in ch.facts],
        "facts": {f.id: fact_dict(bundle, f, end) for f in ch.facts},
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f}%"


def actor_name(bundle: Bundle, actor: str) -> str:
    a = bundle.actors.get(actor)
    return a.name if a else actor


def state_text(bundle: Bundle, on: date) -> str:
    """The situation on ``on`` as plain, attributed sentences, with every source listed."""
    data = state_dict(bundle, on)
    out = [t("text.state_title", date=on, data_from=bundle.data_from, data_as_of=bundle.data_as_of)]
    if data["notice"]:
        out.append(data["notice"])
    for zone_id, z in data["zones"].items():
        names = " / ".join([z["name"], *(f"\u2068{n}\u2069" for n in (z["name_ar"], z["name_he"]) if n)])
        out += ["", f"{names} [{zone_id}]"]
        if not z["mapped"]:
            out.append("  " + t("text.not_mapped", note=z["note"] or ""))
        elif z["area_km2"] is not None:
            quality = (
                t("text.area_band", width=f"{z['width_m']:,.0f}")
                if z["quality"] == SCHEMATIC
                else t("text.area_outline")
            )
            out.append(
                "  "
                + t(
                    "text.area", area=f"{z['area_km2']:.2f}", share=_pct(z["share_of_strip"]), quality=quality
                )
            )
        elif bundle.zones[zone_id].geometry == "band":
            out.append("  " + t("text.no_width"))
        if z["presence"]:
            out.append("  " + t("text.present"))
            for p in z["presence"]:
                key = "text.presence_line" if p["present_since"] == p["since"] else "text.presence_run"
                if p["derived_from"]:
                    key = "text.presence_derived"
                elif p["implied_by"]:
                    key = "text.presence_implied"
                out.append(
                    "    - "
                    + t(
                        key,
                        zones=", ".join(bundle.zones[x].name for x in p["derived_from"]),
                        withdrawn=data["facts"][p["fact"]]["date"],
                        actor=actor_name(bundle, p["actor"]),
                        status=t(f"status.{p['status']}"),
                        since=p["since"],
                        present_since=p["present_since"],
                        fact=p["fact"],
                        confidence=t(f"confidence.{p['confidence']}"),
                    )
                )
        else:
            out.append("  " + t("text.nobody_present"))
        for d in z["left"]:
            out.append(
                "  "
                + t(
                    "text.left",
                    actor=actor_name(bundle, d["actor"]),
                    on=d["on"],
                    how=t(f"how.{d['how']}"),
                    fact=d["fact"],
                )
            )
        if z["demands"]:
            out.append("  " + t("text.demands"))
            for p in z["demands"]:
                line = t(
                    "text.demand_line",
                    actor=actor_name(bundle, p["actor"]),
                    position=position_words(p),
                    since=p["since"],
                    fact=p["fact"],
                    confidence=t(f"confidence.{p['confidence']}"),
                )
                later = [s for s in p["statements"] if s != p["fact"]]
                if later:
                    line += "; " + t("text.also_stated", facts=", ".join(later))
                if p["met"]:
                    line += "; " + t("text.met", on=p["met"]["on"], fact=p["met"]["fact"])
                out.append("    - " + line)
                if p["position"] == "other":
                    out.append("      " + t("text.statement", summary=data["facts"][p["fact"]]["summary"]))
        if z["demands_aged"]:
            out.append("  " + t("text.aged"))
            for p in z["demands_aged"]:
                out.append(
                    "    - "
                    + t(
                        "text.aged_line",
                        actor=actor_name(bundle, p["actor"]),
                        position=position_words(p),
                        last_stated=p["last_stated"],
                        age=age_words(p["age_days"]),
                        fact=p["fact"],
                        confidence=t(f"confidence.{p['confidence']}"),
                    )
                )
        if z["demands_overtaken"]:
            out.append("  " + t("text.overtaken"))
            for p in z["demands_overtaken"]:
                out.append(
                    "    - "
                    + t(
                        "text.overtaken_line",
                        actor=actor_name(bundle, p["actor"]),
                        position=position_words(p),
                        since=p["since"],
                        fact=p["fact"],
                        on=p["overtaken_on"],
                        by=overtaker_words(bundle, p),
                    )
                )
        if z["reported_figures"]:
            out.append("  " + t("text.figures"))
            for f in z["reported_figures"]:
                out.append(
                    "    - "
                    + t(
                        "text.figure_line",
                        counted_by=f["counted_by"],
                        wording=f["wording"],
                        date=f["date"],
                        fact=f["fact"],
                    )
                )
    if data["agreements"]:
        out += ["", t("text.agreements")]
        for a in data["agreements"]:
            roles = "; ".join(
                f"{actor_name(bundle, r['actor'])} ({t('role.' + r['role'])})" for r in a["roles"]
            )
            out.append(
                "  - " + t("text.agreement_line", name=a["name"], since=a["in_force_since"], roles=roles)
            )
            for zone_id, ids in a["terms"].items():
                for fid in ids:
                    out.append(
                        "      "
                        + t(
                            "text.agreement_terms",
                            zone=bundle.zones[zone_id].name,
                            summary=data["facts"][fid]["summary"],
                            fact=fid,
                        )
                    )
    out += ["", t("text.changes") if data["changes"] else t("text.no_changes")]
    for c in data["changes"]:
        out.append("  - " + change_words(bundle, c))
    if data["events"]:
        out += ["", t("text.events")]
        for e in data["events"]:
            out.append(
                "  - "
                + t(
                    "text.event_line",
                    date=e["date"],
                    summary=e["summary"],
                    fact=e["fact"],
                    confidence=t(f"confidence.{e['confidence']}"),
                )
            )
    out += _sources_text(data["facts"], data["date"])
    return "\n".join(out)


def age_words(days: int) -> str:
    """An age in plain words: ``14 months``, ``2 years``.

    >>> age_words(426), age_words(800)
    ('14 months', '2 years')
    """
    months = round(days / 30.44)
    if months < 24:
        return t("age.months", n=months)
    return t("age.years", n=months // 12)


def position_words(p: dict[str, Any]) -> str:
    """A position (as in the state JSON) in words: its gist where the data gives one, else the
    words of its code ("Israeli forces should withdraw")."""
    gist: str | None = p.get("gist")
    return gist or t(f"position.{p['position']}")


def overtaker_words(bundle: Bundle, p: dict[str, Any], *, prefix: str = "text") -> str:
    """What overtook a position, in words (from its ``overtaken_by``); ``prefix="ui"`` gives
    the page's wording, which leaves the fact id to the source one click away."""
    by = p["overtaken_by"]
    if by["kind"] == "statement":
        return t(
            f"{prefix}.by_statement",
            fact=by["fact"],
            zone=bundle.zones[by["zone"]].name,
            date=_short(bundle.fact(by["fact"]).date),
        )
    agreement = bundle.agreements[by["agreement"]]
    roles = sorted(
        {r.role for r in agreement.roles if r.actor == p["actor"] or p["actor"] in _members(bundle, r.actor)}
    )
    return t(
        f"{prefix}.by_agreement",
        agreement=agreement.name,
        role=" and ".join(t("agreed." + r) for r in roles),
        fact=by["fact"],
    )


def _members(bundle: Bundle, actor: str) -> tuple[str, ...]:
    a = bundle.actors.get(actor)
    return a.members if a else ()


def change_words(bundle: Bundle, c: dict[str, Any]) -> str:
    """One entry of ``changes`` as a sentence."""
    detail = c["detail"] or ""
    if c["type"] in ("agreement_in_force", "agreement_ended"):
        agreement_id, _, ended = detail.partition(":")
        name = bundle.agreements[agreement_id].name if agreement_id in bundle.agreements else agreement_id
        detail = name + (f" ({t('ended.' + ended)})" if ended else "")
    elif c["type"] == "status_changed":
        old, _, new = detail.partition(">")
        detail = f"{t('status.' + old)} -> {t('status.' + new)}"
    elif c["type"] == "position_stated":
        gist = bundle.fact(c["fact"]).gist if c["fact"] in bundle.timeline.by_id else ""
        detail = gist or t("position." + detail)
    elif c["type"] == "event" and c["fact"]:
        detail = bundle.fact(c["fact"]).summary
    return t(
        "change." + c["type"],
        actor=actor_name(bundle, c["actor"]) if c["actor"] else "",
        zone=bundle.zones[c["zone"]].name if c["zone"] else "",
        fact=c["fact"] or "",
        detail=detail,
    )


def _sources_text(facts: dict[str, Any], on: str) -> list[str]:
    """The sources of a day's facts; one published after the day is said to be a later report."""
    if not facts:
        return []
    out = ["", t("text.sources")]
    for fid, f in facts.items():
        s = f["source"]
        later = bool(s["published"]) and s["published"] > on
        out.append(
            "  "
            + t(
                "text.source_line",
                fact=fid,
                publisher=s["publisher"],
                title=s["title"],
                published=(s["published"] or t("text.undated"))
                + (f"; {t('ui.published_later')}" if later else ""),
                url=s["url"] or t("text.no_url"),
            )
        )
    return out


def diff_text(bundle: Bundle, start: date, end: date) -> str:
    """What changed from ``start`` to ``end``, as plain lines."""
    data = diff_dict(bundle, start, end)
    out = [t("text.diff_title", start=start, end=end)]
    if not data["zones"]:
        out.append(t("text.diff_none"))
    for zone_id, z in data["zones"].items():
        out += ["", f"{z['name']} [{zone_id}]"]
        for symbol, key, entries in (
            ("+", "text.gained", z["presence_gained"]),
            ("-", "text.lost", z["presence_lost"]),
        ):
            for p in entries:
                out.append(
                    f"  {symbol} "
                    + t(
                        key,
                        actor=actor_name(bundle, p["actor"]),
                        status=t(f"status.{p['status']}"),
                        since=p["since"],
                        fact=p["fact"],
                    )
                )
        for c in z["status_changed"]:
            out.append(
                "  ~ "
                + t(
                    "text.status_changed",
                    actor=actor_name(bundle, c["actor"]),
                    old=t(f"status.{c['from']}"),
                    new=t(f"status.{c['to']}"),
                    since=c["since"],
                    fact=c["fact"],
                )
            )
        for c in z["positions_changed"]:
            old = (
                position_words(c["from"]) + f" [{c['from']['fact']}]"
                if c["from"]
                else t("text.position_none")
            )
            new = position_words(c["to"]) + f" [{c['to']['fact']}]" if c["to"] else t("text.position_none")
            out.append(
                "  ~ " + t("text.position_changed", actor=actor_name(bundle, c["actor"]), old=old, new=new)
            )
        if "area_km2" in z:
            a, s = z["area_km2"], z["share_of_strip"]
            out.append(
                "  "
                + t(
                    "text.area_changed",
                    old=_num(a["from"]),
                    new=_num(a["to"]),
                    change=a["change"],
                    share_old=_pct(s["from"]),
                    share_new=_pct(s["to"]),
                )
            )
    if data["facts_between"]:
        out += ["", t("text.between", count=len(data["facts_between"]))]
        for fid in data["facts_between"]:
            f = data["facts"][fid]
            out.append(f"  - {f['date']} [{fid}] {f['summary']}")
    return "\n".join(out)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
