"""Validate a layers folder: manifest, GeoJSON layers, tables, and contradictions.

:func:`inspect_layers` reports every problem it can find in one pass and never raises on bad
data; :func:`geo.load_bundle` raises :class:`~geo.ValidationError` when there is any.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo import settings, tables
from geo._errors import DateError, Problem, ValidationError
from geo.bundle import Bundle
from geo.contradictions import contradictions
from geo.geojson import RINGS_AT, check_geometry, longest_string
from geo.io import (
    count_items_in,
    layer_frame,
    parse_day,
    parse_json,
    read_bytes,
    read_json,
    read_table,
    write_atomic,
)
from geo.lessons import load_lessons
from geo.model import Feature, LayerFile
from geo.settings import (
    DATE_MARGIN_DAYS,
    EARLIEST_DAY,
    FEATURE_QUALITIES,
    FEATURE_REQUIRED,
    GEOJSON_FILES,
    LATEST_DAY,
    LESSONS_DIR,
    MANIFEST,
    PLACE_REQUIRED,
    STALE_AFTER_DAYS,
    TABLE_COLUMNS,
)
from geo.timeline import Timeline
from geo.zones import build_shapes

LONLAT_CRS_NAMES = (
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "CRS84",
    "OGC:CRS84",
)
MANIFEST_KEYS = (
    "file",
    "title",
    "kind",
    "geometry_type",
    "count",
    "licence",
    "attribution",
    "source",
    "sha256",
)
DATA_SUFFIXES = (".geojson", ".csv", ".json")


def check_manifest(root: Path) -> tuple[list[LayerFile], date | None, list[Problem]]:
    """Entries of ``manifest.json`` checked against the files: presence, checksum, counts.

    The manifest lists the data files at the top of the folder. The ``lessons/`` folder is not
    in it (neither here nor in :func:`write_manifest`): a lesson holds no data, only references
    into it, which :func:`geo.lessons.load_lessons` checks on every load.
    """
    data, problems = read_json(root / MANIFEST, root=root)
    if data is None:
        return [], None, problems
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return [], None, [Problem(MANIFEST, "", "files", "", "must be an object with a list 'files'")]
    researched, found = _researched(data.get("researched"))
    problems += found
    entries: list[LayerFile] = []
    for i, entry in enumerate(data["files"], start=1):
        where = f"entry {i}" + (f" ({entry.get('file')})" if isinstance(entry, dict) else "")
        if not isinstance(entry, dict):
            problems.append(Problem(MANIFEST, where, "", "", "must be an object"))
            continue
        missing = [k for k in MANIFEST_KEYS if k not in entry]
        if missing:
            problems.append(Problem(MANIFEST, where, missing[0], "", "required key is missing"))
            continue
        name = str(entry["file"])
        path = root / name
        if Path(name).parts[:1] == (LESSONS_DIR,):
            problems.append(
                Problem(
                    MANIFEST,
                    where,
                    "file",
                    name,
                    f"lessons are not listed in the manifest ({LESSONS_DIR}/ is checked against the data): "
                    "remove this entry ('python -m geo manifest' does)",
                )
            )
            continue
        if Path(name).name != name or name in ("", ".", "..") or not os.path.lexists(path):
            problems.append(Problem(MANIFEST, where, "file", name, "names no file in the layers folder"))
            continue
        raw, found = read_bytes(path, root=root)
        if raw is None:
            problems += found
            continue
        actual = hashlib.sha256(raw).hexdigest()
        if actual != entry["sha256"]:
            problems.append(
                Problem(
                    MANIFEST,
                    where,
                    "sha256",
                    str(entry["sha256"])[:16],
                    f"does not match the file (now {actual[:16]}...): "
                    "if the change is meant, run 'python -m geo manifest'",
                )
            )
        count = count_items_in(name, raw)
        if count >= 0 and count != entry["count"]:
            problems.append(Problem(MANIFEST, where, "count", str(entry["count"]), f"the file holds {count}"))
        entries.append(
            LayerFile(
                name,
                str(entry["title"]),
                str(entry["kind"]),
                entry["geometry_type"],
                int(entry["count"]) if isinstance(entry["count"], int) else -1,
                str(entry["licence"]),
                str(entry["attribution"]),
                str(entry["source"]),
                str(entry["sha256"]),
            )
        )
    listed = {e.file for e in entries} | {str(e.get("file")) for e in data["files"] if isinstance(e, dict)}
    for name in [*GEOJSON_FILES, *TABLE_COLUMNS]:
        if name not in listed:
            problems.append(Problem(MANIFEST, "", "files", name, "a required layer is not listed"))
    try:
        present = sorted(root.iterdir())
    except OSError as e:
        problems.append(Problem(str(root), "", "", "", f"cannot be listed ({e.strerror})"))
        present = []
    for path in present:
        if path.suffix in DATA_SUFFIXES and path.name != MANIFEST and path.name not in listed:
            problems.append(Problem(path.name, "", "", "", "data file not listed in manifest.json"))
    return entries, researched, problems


def _researched(value: Any) -> tuple[date | None, list[Problem]]:
    """The manifest's ``researched`` date: required, since no date in the data may follow it."""
    if not value:
        return None, [
            Problem(
                MANIFEST,
                "",
                "researched",
                "",
                "is required: the day the data was last researched (YYYY-MM-DD); nothing may be dated later",
            )
        ]
    try:
        day = parse_day(str(value))
    except DateError:
        return None, [Problem(MANIFEST, "", "researched", str(value), "is not a date in the form YYYY-MM-DD")]
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return None, [
            Problem(
                MANIFEST, "", "researched", str(value), f"must lie between {EARLIEST_DAY} and {LATEST_DAY}"
            )
        ]
    return day, []


def latest_day(researched: date | None, today: date | None) -> date:
    """The last day any date in the tables may name.

    No date may follow the day the data was researched (``researched`` in ``manifest.json``), nor
    the day of the check (``today``, with :data:`~geo.settings.DATE_MARGIN_DAYS` for time zones),
    nor :data:`~geo.settings.LATEST_DAY` whatever the manifest says.

    >>> latest_day(date(2026, 12, 2), date(2026, 12, 30)), latest_day(None, date(2026, 12, 30))
    (datetime.date(2026, 12, 2), datetime.date(2026, 12, 31))
    >>> latest_day(None, None)
    datetime.date(2100, 1, 1)
    """
    days = [LATEST_DAY]
    if researched is not None:
        days.append(researched)
    if today is not None:
        days.append(today + timedelta(days=DATE_MARGIN_DAYS))
    return min(days)


def check_geojson(
    root: Path, name: str, types: tuple[str, ...], declared: str | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Features of one GeoJSON file: CRS, geometry validity and type, required properties.

    Returns the GeoJSON features that pass, for :func:`geo.io.layer_frame` to load.
    """
    data, problems = read_json(root / name, root=root)
    if data is None:
        return [], problems
    return check_features(name, data, types, declared)


def check_features(
    name: str, data: Any, types: tuple[str, ...], declared: str | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """:func:`check_geojson` of parsed JSON: what any GeoJSON, however it came, must pass."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [Problem(name, "", "type", str(_get(data, "type")), "must be a FeatureCollection")]
    crs = data.get("crs")
    if crs is not None:
        crs_name = str(_get(_get(crs, "properties"), "name"))
        if crs_name not in LONLAT_CRS_NAMES:
            problems.append(
                Problem(
                    name, "", "crs", crs_name, "GeoJSON must be in EPSG:4326 longitude/latitude (RFC 7946)"
                )
            )
            return [], problems
    raw = data.get("features")
    if not isinstance(raw, list):
        return [], [*problems, Problem(name, "", "features", "", "must be a list")]
    if len(raw) > settings.MAX_FEATURES:
        return [], [
            *problems,
            Problem(
                name,
                "",
                "features",
                f"{len(raw)}",
                f"more features than the limit of {settings.MAX_FEATURES:,}: not read",
            ),
        ]
    features: list[dict[str, Any]] = []
    vertices = 0
    for i, item in enumerate(raw, start=1):
        props = _get(item, "properties")
        fid = str(props.get("id", "")) if isinstance(props, dict) else ""
        where = f"feature {i}" + (f" ({fid})" if fid else "")
        if not isinstance(item, dict) or item.get("type") != "Feature" or not isinstance(props, dict):
            problems.append(Problem(name, where, "type", "", "must be a Feature with properties"))
            continue
        ok = True
        if "geometry" in props:
            problems.append(
                Problem(name, where, "geometry", "", "is the shape's own name: a property may not take it")
            )
            ok = False
        for key, value in props.items():
            length = longest_string(key, value)
            if length > settings.MAX_FIELD_CHARS:
                problems.append(
                    Problem(
                        name,
                        where,
                        str(key),
                        "",
                        f"holds a text of {length:,} characters, above the limit of "
                        f"{settings.MAX_FIELD_CHARS:,}",
                    )
                )
                ok = False
        geometry = item.get("geometry")
        kind = str(_get(geometry, "type"))
        if kind not in types or (declared and kind != declared):
            problems.append(
                Problem(
                    name,
                    where,
                    "geometry.type",
                    kind,
                    f"this file holds {declared or ' or '.join(types)} features",
                )
            )
            ok = False
            if kind not in RINGS_AT:  # not a geometry at all: nothing more to read
                continue
        count, found = check_geometry(geometry)
        vertices += count
        if vertices > settings.MAX_VERTICES_PER_FILE:
            problems.append(
                Problem(
                    name,
                    where,
                    "geometry",
                    "",
                    f"the file has more vertices than the limit of {settings.MAX_VERTICES_PER_FILE:,} "
                    "by this feature: the rest is not read",
                )
            )
            return features, problems
        if found:
            problems += [Problem(name, where, field, value, message) for field, value, message in found]
            continue
        try:
            geom = shape(geometry)
        except Exception as e:  # noqa: BLE001 - shapely raises many types on bad input
            problems.append(Problem(name, where, "geometry", "", f"cannot be read ({e})"))
            continue
        if not geom.is_valid:
            problems.append(Problem(name, where, "geometry", "", f"is invalid: {explain_validity(geom)}"))
            ok = False
        required = FEATURE_REQUIRED + (PLACE_REQUIRED if name == "places.geojson" else ())
        for key in required:
            if not isinstance(props.get(key), str) or not props[key].strip():
                problems.append(Problem(name, where, key, "", "required property is missing or empty"))
                ok = False
        if props.get("quality") and props["quality"] not in FEATURE_QUALITIES:
            problems.append(
                Problem(
                    name,
                    where,
                    "quality",
                    str(props["quality"]),
                    "must be one of: " + ", ".join(FEATURE_QUALITIES),
                )
            )
            ok = False
        if fid and not tables.ID_RE.match(fid):
            problems.append(Problem(name, where, "id", fid, "must be 1-64 letters, digits, '_', '.' or '-'"))
            ok = False
        if ok:
            features.append(item)
    return features, problems


def features_of(frame: gpd.GeoDataFrame, layer: str) -> list[Feature]:
    """One record per row of a layer's frame, sharing its geometries; missing properties left out."""
    columns = [c for c in frame.columns if c != "geometry"]
    values = [frame[c].tolist() for c in columns]
    features = []
    for i, geom in enumerate(frame.geometry):
        props = {c: v[i] for c, v in zip(columns, values, strict=True) if not _missing(v[i])}
        features.append(Feature(str(props.get("id", "")), layer, geom, MappingProxyType(props)))
    return features


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and bool(pd.isna(value)))


def _geometry_type(data: Any) -> str | None:
    """The one geometry type of a parsed GeoJSON file's features, or None if mixed or unreadable."""
    features = _get(data, "features")
    if not isinstance(features, list):
        return None
    types = {str(_get(_get(f, "geometry"), "type")) for f in features}
    return types.pop() if len(types) == 1 else None


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def inspect_layers(root: Path, *, today: date | None = None) -> tuple[list[Problem], Bundle | None]:
    """Validate the folder and, if nothing is wrong, build its :class:`~geo.bundle.Bundle`.

    No date may follow the day the data was researched (``researched`` in ``manifest.json``);
    ``today``, when given, also refuses dates after it (see :func:`latest_day`). It is an
    argument so that the result never depends on the clock. Every file is read through
    :func:`geo.io.read_bytes`, with its limits. The lessons (``lessons/*.json``) are checked
    last, against the data, once the data is clean.
    """
    root = Path(root)
    try:
        folder = root.is_dir()
    except OSError as e:  # not even allowed to look
        return [Problem(str(root), "", "", "", f"cannot be read ({e.strerror})")], None
    if not folder:
        return [Problem(str(root), "", "", "", "is not a folder")], None
    problems: list[Problem] = []
    entries, researched, found = check_manifest(root)
    problems += found
    latest = latest_day(researched, today)
    declared = {e.file: e.geometry_type for e in entries}
    features: dict[str, Feature] = {}
    layers: dict[str, gpd.GeoDataFrame] = {}
    unread = []
    for name, types in GEOJSON_FILES.items():
        items, found = check_geojson(root, name, types, declared.get(name))
        problems += found
        # Nothing of it could be read (not JSON, too deep, too big): not a feature's fault.
        if not items and any(p.file == name and not p.where.startswith("feature") for p in found):
            unread.append(name)
        layer = name.removesuffix(".geojson")
        layers[layer] = layer_frame(items)  # geopandas loads what the checks passed
        for f in features_of(layers[layer], layer):
            if f.id in features:
                problems.append(
                    Problem(
                        name,
                        f"feature ({f.id})",
                        "id",
                        f.id,
                        f"duplicate id (also in {features[f.id].layer}.geojson)",
                    )
                )
            features[f.id] = f
    if "gaza_strip" not in features:
        problems.append(
            Problem(
                "gaza_strip.geojson",
                "",
                "id",
                "gaza_strip",
                "the strip outline (feature id gaza_strip) is required",
            )
        )
    rows = {}
    for name, columns in TABLE_COLUMNS.items():
        rows[name], found = read_table(root / name, columns, root=root)
        problems += found
        if any(p.file == name and not p.where for p in found):
            unread.append(name)
    if unread:
        # A table that could not be read (missing, a link out, too large, no header) would make
        # every reference into it a problem too: hundreds of lines hiding the one that matters.
        problems.append(
            Problem(
                ", ".join(unread),
                "",
                "",
                "",
                "the checks of references into this file were skipped: fix the problem above first",
            )
        )
        return list(dict.fromkeys(problems)), None
    zones, found = tables.read_zones(rows["zones.csv"], features)
    problems += found
    actors, found = tables.read_actors(rows["actors.csv"])
    problems += found
    # Sources are published before and checked during the research: its date bounds theirs.
    sources, found = tables.read_sources(rows["sources.csv"], today=latest_day(researched, None))
    problems += found
    agreement_ids = frozenset(row["id"] for _, row in rows["agreements.csv"])
    facts, found = tables.read_facts(
        rows["timeline.csv"],
        zones=zones,
        actors=actors,
        sources=sources,
        today=latest,
        agreement_ids=agreement_ids,
    )
    problems += found
    by_id = {f.id: f for f in facts}
    agreements, found = tables.read_agreements(
        rows["agreements.csv"],
        rows["agreement_periods.csv"],
        rows["agreement_roles.csv"],
        actors=actors,
        facts=by_id,
        sources=sources,
        today=latest,
    )
    problems += found
    timeline = Timeline(
        facts,
        within={z.id: z.within for z in zones.values() if z.within},
        agreements=agreements.values(),
        members={a.id: a.members for a in actors.values() if a.members},
    )
    extents, found = tables.read_extents(
        rows["zone_extents.csv"],
        zones=zones,
        features=features,
        facts=timeline.by_id,
        sources=sources,
        today=latest,
    )
    problems += found
    figures, found = tables.read_figures(rows["reported_figures.csv"], zones=zones, facts=timeline.by_id)
    problems += found
    for c in contradictions(timeline):
        rows_named = ", ".join(f"line {f.line} ({f.id})" for f in c.facts)
        problems.append(Problem("timeline.csv", rows_named, c.field, "", "contradiction: " + c.message))
    if problems:
        return list(dict.fromkeys(problems)), None  # a file two checks could not read, named once
    bundle = Bundle(
        root=root,
        files=tuple(entries),
        features=MappingProxyType(features),
        layers=MappingProxyType(layers),
        zones=MappingProxyType(zones),
        actors=MappingProxyType(actors),
        sources=MappingProxyType(sources),
        facts=timeline.facts,
        extents=tuple(extents),
        # In the order of their facts' days, as every list of the page reads: the file's order is
        # the order they were researched in.
        figures=tuple(sorted(figures, key=lambda f: (timeline.by_id[f.fact_id].date, f.fact_id))),
        agreements=MappingProxyType(agreements),
        researched=researched,
        timeline=timeline,
        shapes=MappingProxyType(build_shapes(zones, features, extents)),
    )
    lessons, found = load_lessons(root, bundle)
    if found:
        return found, None
    return [], replace(bundle, lessons=tuple(lessons))


def freshness_warnings(bundle: Bundle, today: date) -> list[str]:
    """Warnings, not errors: the data's latest dated fact is far behind ``today``.

    >>> from types import SimpleNamespace as NS
    >>> freshness_warnings(NS(data_as_of=date(2026, 6, 19)), date(2026, 12, 2))[0][:40]
    'The data is documented to 2026-06-19, 16'
    >>> freshness_warnings(NS(data_as_of=date(2026, 11, 1)), date(2026, 12, 2))
    []
    """
    behind = (today - bundle.data_as_of).days
    if behind <= STALE_AFTER_DAYS:
        return []
    return [
        f"The data is documented to {bundle.data_as_of}, {behind} days before today ({today}): "
        f"more than {STALE_AFTER_DAYS} days. Research later events and add them (CONTRIBUTING.md)."
    ]


def write_manifest(root: Path) -> list[str]:
    """Refresh checksums, counts and geometry types in ``manifest.json`` after an edit.

    Titles, licences and sources are kept; a new data file gets an entry to fill in. Only the
    files at the top of the folder are listed, so ``lessons/`` is left out. Returns one line
    per entry that changed. Files are read like the loaders read them; the manifest is written
    whole or not at all, and never through a symbolic link (:func:`geo.io.write_atomic`).

    Raises
    ------
    ValidationError
        The manifest cannot be read as one, or a data file cannot be read: nothing is written.
    OSError
        The folder cannot be listed or written (missing, no permission, disk full).
    """
    root = Path(root)
    path = root / MANIFEST
    names = [*GEOJSON_FILES, *TABLE_COLUMNS]
    names += sorted(
        p.name
        for p in root.iterdir()
        if p.suffix in DATA_SUFFIXES and p.name != MANIFEST and p.name not in names
    )
    data: Any = {}
    if os.path.lexists(path):
        data, problems = read_json(path, root=root)
        if data is None:
            raise ValidationError(problems)
    files = _get(data, "files") if isinstance(data, dict) and "files" in data else []
    if not isinstance(data, dict) or not isinstance(files, list):
        raise ValidationError([Problem(MANIFEST, "", "files", "", "must be an object with a list 'files'")])
    entries: dict[str, dict[str, Any]] = {}
    problems = []
    for i, e in enumerate(files, start=1):
        if isinstance(e, dict) and isinstance(e.get("file"), str):
            entries[e["file"]] = e
        else:
            problems.append(Problem(MANIFEST, f"entry {i}", "file", "", "must be an object naming its file"))
    changed: list[str] = []
    for name in names:
        file = root / name
        if not os.path.lexists(file):
            continue
        raw, found = read_bytes(file, root=root)
        if raw is None:
            problems += found
            continue
        old = dict(entries.get(name, {}))
        entry = {k: old.get(k, "") for k in MANIFEST_KEYS}
        entry["file"] = name
        entry["kind"] = "geojson" if file.suffix == ".geojson" else "table"
        entry["count"] = count_items_in(name, raw)  # -1: not readable as its kind (the CLI says so)
        entry["sha256"] = hashlib.sha256(raw).hexdigest()
        entry["geometry_type"] = None
        if file.suffix == ".geojson":
            text = raw.decode("utf-8-sig", errors="replace")
            entry["geometry_type"] = _geometry_type(parse_json(name, text)[0])
        if entry != old:
            changed.append(f"{name}: count {entry['count']}, sha256 {entry['sha256'][:16]}...")
        entries[name] = entry
    if problems:
        raise ValidationError(problems)
    data["files"] = [entries[n] for n in names if n in entries]
    write_atomic(
        path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8", "backslashreplace")
    )
    return changed
