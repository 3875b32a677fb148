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
from geo.timeline import Position, Presence, State
from geo.zones import SCHEMATIC, ZoneShape, zone_shape


def shape_of(bundle: Bundle, zone_id: str, on: date) -> ZoneShape | None:
    return zone_shape(bundle.zones[zone_id], on, extents=bundle.extents, shapes=bundle.shapes)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _presence(p: Presence) -> dict[str, Any]:
    return {
        "actor": p.actor,
        "status": p.status,
        "since": _iso(p.since),
        "fact": p.fact,
        "confidence": p.confidence,
        "present_since": _iso(p.present_since),
    }


def _position(p: Position) -> dict[str, Any]:
    return {
        "actor": p.actor,
        "position": p.position,
        "since": _iso(p.since),
        "fact": p.fact,
        "confidence": p.confidence,
        "statements": list(p.statements),
    }


def fact_dict(bundle: Bundle, fact: Fact) -> dict[str, Any]:
    """One fact with its source, as it appears under ``facts`` in the JSON."""
    s = bundle.source_of(fact)
    return {
        "date": _iso(fact.date),
        "date_precision": fact.precision,
        "end_date": _iso(fact.end),
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
        "presence": [_presence(p) for p in state.presence_in(zone_id)],
        "demands": [_position(p) for p in state.demands_on(zone_id)],
        "reported_figures": figures,
    }


def _strip_area(bundle: Bundle) -> float:
    return bundle.strip_area_km2


def state_dict(bundle: Bundle, on: date) -> dict[str, Any]:
    """The situation on ``on`` in the public JSON shape (see README, "The state JSON")."""
    state = bundle.state_at(on)
    zones = {z: zone_dict(bundle, z, state) for z in bundle.zones}
    cited = {p["fact"] for z in zones.values() for p in z["presence"]}
    cited |= {s for z in zones.values() for p in z["demands"] for s in p["statements"]}
    cited |= {f["fact"] for z in zones.values() for f in z["reported_figures"]}
    cited |= {f.id for f in state.events}
    return {
        "date": on.isoformat(),
        "data_as_of": bundle.data_as_of.isoformat(),
        "data_from": bundle.data_from.isoformat(),
        "researched": _iso(bundle.researched),
        "zones": zones,
        "events": [{"fact": f.id, **fact_dict(bundle, f)} for f in state.events],
        "facts": {fid: fact_dict(bundle, bundle.fact(fid)) for fid in sorted(cited)},
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
        "facts": {f.id: fact_dict(bundle, f) for f in ch.facts},
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
    if on > bundle.data_as_of:
        out.append(t("text.after_data", date=on, data_as_of=bundle.data_as_of))
    elif on < bundle.data_from:
        out.append(t("text.before_data", date=on, data_from=bundle.data_from))
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
                out.append(
                    "    - "
                    + t(
                        key,
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
        if z["demands"]:
            out.append("  " + t("text.demands"))
            for p in z["demands"]:
                line = t(
                    "text.demand_line",
                    actor=actor_name(bundle, p["actor"]),
                    position=t(f"position.{p['position']}"),
                    since=p["since"],
                    fact=p["fact"],
                    confidence=t(f"confidence.{p['confidence']}"),
                )
                later = [s for s in p["statements"] if s != p["fact"]]
                if later:
                    line += "; " + t("text.also_stated", facts=", ".join(later))
                out.append("    - " + line)
                if p["position"] == "other":
                    out.append("      " + t("text.statement", summary=data["facts"][p["fact"]]["summary"]))
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
    out += _sources_text(data["facts"])
    return "\n".join(out)


def _sources_text(facts: dict[str, Any]) -> list[str]:
    if not facts:
        return []
    out = ["", t("text.sources")]
    for fid, f in facts.items():
        s = f["source"]
        out.append(
            "  "
            + t(
                "text.source_line",
                fact=fid,
                publisher=s["publisher"],
                title=s["title"],
                published=s["published"] or t("text.undated"),
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
                t(f"position.{c['from']['position']}") + f" [{c['from']['fact']}]"
                if c["from"]
                else t("text.position_none")
            )
            new = (
                t(f"position.{c['to']['position']}") + f" [{c['to']['fact']}]"
                if c["to"]
                else t("text.position_none")
            )
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
