"""Downloads and citation of a view: its GeoJSON and CSV, a citation line, and the data version.

A shared link names a day, overlays and parties (:class:`geo.urlstate.View`); the files here
hold exactly what that view shows on that day: the zones as they stood, the forces present and
the positions standing (in force, or not restated for a year), each with its fact and the
fact's source. Nothing dated after the day appears, with the one exception the rules of time
make: a presence implied by a later withdrawal cites that withdrawal (``implied_by``).

The data version is a short hash of every data file's checksum in ``manifest.json``, so a
link that carries it can tell when the data has changed since it was made.

Pure: nothing here reads the clock, the network or Streamlit; "accessed" is an argument.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.bundle import Bundle
from geo.i18n import t
from geo.report import _long, _short, actor_name, age_words, fact_dict, notice, shape_of
from geo.timeline import Position, Presence
from geo.urlstate import View

VERSION_LENGTH = 12
VERSION_RE = re.compile(rf"^[0-9a-f]{{{VERSION_LENGTH}}}$")
COORD_DIGITS = 6
"""Decimals kept in GeoJSON coordinates: about 0.1 m, finer than any geometry here."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet; it gets a leading ``'``."""
TABLES_USED = ("zones.csv", "actors.csv", "sources.csv", "timeline.csv", "zone_extents.csv")
"""The tables a view's files are made from (the geometry files are found from the zones)."""
CSV_COLUMNS = (
    "date",
    "zone",
    "zone_name",
    "actor",
    "actor_name",
    "kind",
    "status_or_position",
    "in_words",
    "standing",
    "since",
    "present_since",
    "last_stated",
    "note",
    "fact",
    "confidence",
    "summary",
    "source_title",
    "publisher",
    "url",
    "source_date",
    "geometry_quality",
)


@dataclass(frozen=True, slots=True)
class _Claim:
    """One (zone, actor, kind) claim standing on the view's day, with the facts it cites."""

    zone: str
    actor: str
    kind: str
    code: str
    words: str
    standing: str
    since: date
    present_since: date | None
    last_stated: date | None
    note: str
    fact: str
    confidence: str
    cited: tuple[str, ...]
    record: Presence | Position


def data_version(bundle: Bundle) -> str:
    """A short, stable hash of the data: every manifest entry's file name and sha256, by name.

    Loading checks each checksum against its file, so the same files always give the same
    version and a change to any data file gives another.

    >>> from types import SimpleNamespace as NS
    >>> a = NS(files=[NS(file="b.csv", sha256="1" * 64), NS(file="a.csv", sha256="2" * 64)])
    >>> b = NS(files=list(reversed(a.files)))
    >>> data_version(a) == data_version(b), len(data_version(a))
    (True, 12)
    """
    lines = "".join(f"{f.file}\t{f.sha256}\n" for f in sorted(bundle.files, key=lambda f: f.file))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def version_note(link_version: str | None, bundle: Bundle) -> str | None:
    """A sentence for a link whose data version is not the data's now; ``None`` when it is.

    The link's value is shown only when it looks like a version (12 hex digits), since it
    comes from the address bar.
    """
    if link_version is None or not link_version.strip():
        return None
    given = link_version.strip().lower()
    now = data_version(bundle)
    if given == now:
        return None
    if not VERSION_RE.match(given):
        return t("share.version_unreadable", version=now)
    return t("share.version_changed", link_version=given, version=now)


def citation(bundle: Bundle, view: View, *, link: str | None, accessed: date | None) -> str:
    """A ready citation line of the view, in APA 7 style for a data set.

    The year is the one the data was researched (else the year of its last fact). As APA asks
    for content that changes, the day it was retrieved goes before the link, and no full stop
    follows the link. Without a link the line ends at ``[Data set].``.
    """
    year = (bundle.researched or bundle.data_as_of).year
    line = t(
        "share.citation",
        author=t("share.author"),
        year=year,
        title=t("app.title"),
        date=_long(view.date),
        version=data_version(bundle),
    )
    if link:
        link = _one_line(link)
        if accessed is not None:
            line += " " + t("share.citation_retrieved", accessed=_long(accessed), link=link)
        else:
            line += " " + link
    return line


def licence_text(bundle: Bundle) -> str:
    """The data licences of the files a view is made from, by file, from ``manifest.json``."""
    groups: dict[str, list[str]] = {}
    used = _files_used(bundle)
    for entry in bundle.files:
        if entry.file in used:
            groups.setdefault(entry.licence, []).append(entry.file)
    parts = [t("share.licence_group", files=", ".join(files), licence=lic) for lic, files in groups.items()]
    return " | ".join(parts) + ". " + t("share.licence_note")


def attribution_text(bundle: Bundle) -> str:
    """Whom to credit: the manifest's attributions of the files used, then the publishers."""
    used = _files_used(bundle)
    names: dict[str, None] = {}
    for entry in bundle.files:
        if entry.file in used:
            names.update(dict.fromkeys(n.strip() for n in entry.attribution.split(";") if n.strip()))
    return "; ".join(names) + ". " + t("share.attribution_reporting")


def _files_used(bundle: Bundle) -> set[str]:
    layers = {bundle.features["gaza_strip"].layer}  # bands are clipped to the strip
    layers |= {bundle.features[z.feature].layer for z in bundle.zones.values() if z.feature}
    layers |= {bundle.features[e.line].layer for e in bundle.extents if e.line in bundle.features}
    return {f"{name}.geojson" for name in layers} | set(TABLES_USED)


def view_geojson(bundle: Bundle, view: View, *, link: str | None = None, accessed: date | None = None) -> str:
    """The view's day as an RFC 7946 FeatureCollection: one Feature per zone, as it stood.

    Coordinates are longitude/latitude (EPSG:4326), rounded to 6 decimals, polygons with
    their exterior rings anticlockwise (the right-hand rule). A zone with no shape that day
    (not mapped, or no width reported yet) has a ``null`` geometry, so that what was said
    about it is kept. ``presence`` and ``demands`` are present only when their overlay is on,
    and list only the parties shown. Top-level foreign members carry the date, the data
    version, licence, attribution and citation, and the link when given.
    """
    on = view.date
    claims = _claims(bundle, view)
    features = []
    for zone_id, zone in bundle.zones.items():
        shape = shape_of(bundle, zone_id, on)
        mine = [c for c in claims if c.zone == zone_id]
        props: dict[str, Any] = {
            "zone": zone_id,
            "name": zone.name,
            "name_ar": zone.name_ar or None,
            "name_he": zone.name_he or None,
            "mapped": zone.mapped,
            "quality": shape.quality if shape else None,
            "width_m": shape.width_m if shape else None,
            "area_km2": None if shape is None or shape.area_km2 is None else round(shape.area_km2, 3),
        }
        if "presence" in view.overlays:
            props["presence"] = [_presence_json(bundle, c, c.record) for c in mine if c.kind == "presence"]
        if "demands" in view.overlays:
            props["demands"] = [_demand_json(bundle, c, c.record) for c in mine if c.kind == "demand"]
        cited = dict.fromkeys(f for c in mine for f in c.cited)
        props["facts"] = {fid: fact_dict(bundle, bundle.fact(fid), on) for fid in cited}
        features.append(
            {
                "type": "Feature",
                "id": zone_id,
                "geometry": _geometry(shape.geometry) if shape else None,
                "properties": props,
            }
        )
    doc: dict[str, Any] = {"type": "FeatureCollection", **_meta(bundle, view, link, accessed)}
    doc["view"] = {
        "overlays": list(view.overlays),
        "actors": None if view.actors is None else list(view.actors),
    }
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"


def view_csv(bundle: Bundle, view: View, *, link: str | None = None, accessed: date | None = None) -> str:
    """The claims standing on the view's day as CSV: one row per (zone, actor, kind).

    The file opens with ``# key: value`` lines (licence, attribution, data version, date, link,
    citation); read it with ``pandas.read_csv(path, comment="#")``. Every cell is quoted, so
    commas, quotes, newlines and ``#`` in the data survive; a cell that a spreadsheet would
    take for a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage return) is
    prefixed with ``'``.
    """
    on = view.date
    out = io.StringIO()
    for key, value in _meta(bundle, view, link, accessed).items():
        if value is not None:
            out.write(f"# {key}: {_one_line(str(value))}\n")
    out.write(f"# read_with: {t('share.csv_read')}\n")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in _claims(bundle, view):
        fact = bundle.fact(c.fact)
        source = bundle.source_of(fact)
        shape = shape_of(bundle, c.zone, on)
        row = {
            "date": on.isoformat(),
            "zone": c.zone,
            "zone_name": bundle.zones[c.zone].name,
            "actor": c.actor,
            "actor_name": actor_name(bundle, c.actor),
            "kind": c.kind,
            "status_or_position": c.code,
            "in_words": c.words,
            "standing": c.standing,
            "since": c.since.isoformat(),
            "present_since": _iso(c.present_since),
            "last_stated": _iso(c.last_stated),
            "note": c.note,
            "fact": c.fact,
            "confidence": c.confidence,
            "summary": fact.summary,
            "source_title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "source_date": _iso(source.published),
            "geometry_quality": shape.quality if shape else "",
        }
        writer.writerow([_cell(row[k]) for k in CSV_COLUMNS])
    return out.getvalue()


def _meta(bundle: Bundle, view: View, link: str | None, accessed: date | None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "date": view.date.isoformat(),
        "data_as_of": bundle.data_as_of.isoformat(),
        "notice": notice(bundle, view.date),
        "data_version": data_version(bundle),
        "licence": licence_text(bundle),
        "attribution": attribution_text(bundle),
    }
    if meta["notice"] is None:
        del meta["notice"]
    if link:
        meta["link"] = link
    meta["citation"] = citation(bundle, view, link=link, accessed=accessed)
    return meta


def _claims(bundle: Bundle, view: View) -> list[_Claim]:
    """What the view shows on its day, zone by zone: presence first, then positions."""
    on = view.date
    state = bundle.state_at(on)
    shown = (lambda a: True) if view.actors is None else set(view.actors).__contains__
    claims: list[_Claim] = []
    for zone_id in bundle.zones:
        if "presence" in view.overlays:
            claims += [_from_presence(bundle, p) for p in state.presence_in(zone_id) if shown(p.actor)]
        if "demands" in view.overlays:
            standing = [*state.demands_on(zone_id), *state.aged_on(zone_id)]
            claims += [_from_position(bundle, p, on) for p in standing if shown(p.actor)]
    return claims


def _from_presence(bundle: Bundle, p: Presence) -> _Claim:
    notes = []
    if p.derived_from:
        notes.append(t("map.within", zones=", ".join(bundle.zones[z].name for z in p.derived_from)))
    if p.implied_by:
        notes.append(t("ui.implied", date=_short(bundle.fact(p.implied_by).date)))
    return _Claim(
        zone=p.zone,
        actor=p.actor,
        kind="presence",
        code=p.status,
        words=t("ui.present_status", actor=actor_name(bundle, p.actor), status=t(f"status.{p.status}")),
        standing="",
        since=p.since,
        present_since=p.present_since,
        last_stated=None,
        note="; ".join(notes),
        fact=p.fact,
        confidence=p.confidence,
        # The one fact that may be dated after the day: the withdrawal that implies it.
        cited=tuple(dict.fromkeys(f for f in (p.fact, p.implied_by) if f)),
        record=p,
    )


def _from_position(bundle: Bundle, p: Position, on: date) -> _Claim:
    notes = []
    if p.standing == "aged":
        notes.append(t("ui.aged", date=_short(p.last_stated or p.since), age=age_words(p.age_days)))
    if p.met is not None:
        notes.append(t("ui.met", date=_short(p.met.on)))
    cited = [*p.statements, *([p.met.fact] if p.met else [])]
    return _Claim(
        zone=p.zone,
        actor=p.actor,
        kind="demand",
        code=p.position,
        words=t("ui.says", actor=actor_name(bundle, p.actor), position=p.gist or t(f"position.{p.position}")),
        standing=p.standing,
        since=p.since,
        present_since=None,
        last_stated=p.last_stated or p.since,
        note="; ".join(notes),
        fact=p.fact,
        confidence=p.confidence,
        cited=tuple(f for f in dict.fromkeys(cited) if bundle.fact(f).date <= on),
        record=p,
    )


def _presence_json(bundle: Bundle, c: _Claim, p: Presence | Position) -> dict[str, Any]:
    if not isinstance(p, Presence):
        raise TypeError(f"{c.fact}: not a presence")
    return {
        "actor": c.actor,
        "actor_name": actor_name(bundle, c.actor),
        "status": c.code,
        "in_words": c.words,
        "since": c.since.isoformat(),
        "present_since": _iso(c.present_since) or None,
        "derived_from": list(p.derived_from),
        "implied_by": p.implied_by or None,
        "note": c.note or None,
        "fact": c.fact,
        "confidence": c.confidence,
    }


def _demand_json(bundle: Bundle, c: _Claim, p: Presence | Position) -> dict[str, Any]:
    if not isinstance(p, Position):
        raise TypeError(f"{c.fact}: not a position")
    return {
        "actor": c.actor,
        "actor_name": actor_name(bundle, c.actor),
        "position": c.code,
        "in_words": c.words,
        "standing": c.standing,
        "stated": c.since.isoformat(),
        "last_stated": _iso(c.last_stated) or None,
        "statements": [f for f in p.statements if f in c.cited],
        "met": {"on": p.met.on.isoformat(), "fact": p.met.fact} if p.met else None,
        "note": c.note or None,
        "fact": c.fact,
        "confidence": c.confidence,
    }


def _geometry(geom: BaseGeometry) -> dict[str, Any] | None:
    """RFC 7946 geometry: snapped to 6 decimals, then exterior rings anticlockwise."""
    if geom.is_empty:
        return None
    snapped = shapely.set_precision(geom, 10.0**-COORD_DIGITS)
    if snapped.is_empty:
        return None
    oriented = shapely.orient_polygons(snapped, exterior_cw=False)
    out: dict[str, Any] = _rounded(mapping(oriented))
    return out


def _rounded(value: Any) -> Any:
    """Coordinates as lists of floats rounded to :data:`COORD_DIGITS` (no float noise)."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, COORD_DIGITS)
    return value


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula.

    >>> _cell('=HYPERLINK("x")'), _cell("-12"), _cell("ok")
    ('\\'=HYPERLINK("x")', "'-12", 'ok')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def _one_line(text: str) -> str:
    """Whitespace runs, newlines included, as one space: a comment line stays one line."""
    return " ".join(text.split())


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""
