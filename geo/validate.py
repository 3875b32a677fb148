"""Validate a layers folder: manifest, GeoJSON layers, tables, and contradictions.

:func:`inspect_layers` reports every problem it can find in one pass and never raises on bad
data; :func:`geo.load_bundle` raises :class:`~geo.ValidationError` when there is any.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo import tables
from geo._errors import Problem
from geo.bundle import Bundle
from geo.contradictions import contradictions
from geo.io import count_items, layer_frame, read_json, read_table, sha256_of
from geo.lessons import load_lessons
from geo.model import Feature, LayerFile
from geo.settings import (
    FEATURE_QUALITIES,
    FEATURE_REQUIRED,
    GEOJSON_FILES,
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
    data, problems = read_json(root / MANIFEST)
    if data is None:
        return [], None, problems
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return [], None, [Problem(MANIFEST, "", "files", "", "must be an object with a list 'files'")]
    researched = None
    if data.get("researched"):
        try:
            researched = date.fromisoformat(str(data["researched"]))
        except ValueError:
            problems.append(
                Problem(
                    MANIFEST,
                    "",
                    "researched",
                    str(data["researched"]),
                    "is not a date in the form YYYY-MM-DD",
                )
            )
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
        if Path(name).name != name or not path.is_file():
            problems.append(Problem(MANIFEST, where, "file", name, "names no file in the layers folder"))
            continue
        actual = sha256_of(path)
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
        count = count_items(path)
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
    for path in sorted(root.iterdir()):
        if path.suffix in DATA_SUFFIXES and path.name != MANIFEST and path.name not in listed:
            problems.append(Problem(path.name, "", "", "", "data file not listed in manifest.json"))
    return entries, researched, problems


def check_geojson(
    root: Path, name: str, types: tuple[str, ...], declared: str | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Features of one GeoJSON file: CRS, geometry validity and type, required properties.

    Returns the GeoJSON features that pass, for :func:`geo.io.layer_frame` to load.
    """
    data, problems = read_json(root / name)
    if data is None:
        return [], problems
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
    features: list[dict[str, Any]] = []
    for i, item in enumerate(raw, start=1):
        props = _get(item, "properties")
        fid = str(props.get("id", "")) if isinstance(props, dict) else ""
        where = f"feature {i}" + (f" ({fid})" if fid else "")
        if not isinstance(item, dict) or item.get("type") != "Feature" or not isinstance(props, dict):
            problems.append(Problem(name, where, "type", "", "must be a Feature with properties"))
            continue
        try:
            geom = shape(item.get("geometry"))
        except Exception as e:  # noqa: BLE001 - shapely raises many types on bad input
            problems.append(Problem(name, where, "geometry", "", f"cannot be read ({e})"))
            continue
        ok = True
        if geom.geom_type not in types or (declared and geom.geom_type != declared):
            problems.append(
                Problem(
                    name,
                    where,
                    "geometry.type",
                    geom.geom_type,
                    f"this file holds {declared or ' or '.join(types)} features",
                )
            )
            ok = False
        coords = shapely.get_coordinates(geom)
        if geom.is_empty or not np.isfinite(coords).all():
            problems.append(Problem(name, where, "geometry", "", "is empty or has non-numeric coordinates"))
            continue
        if (
            not ((coords[:, 0] >= -180) & (coords[:, 0] <= 180)).all()
            or not ((coords[:, 1] >= -90) & (coords[:, 1] <= 90)).all()
        ):
            x, y = coords[0]
            problems.append(
                Problem(
                    name,
                    where,
                    "geometry.coordinates",
                    f"{x}, {y}",
                    "are not longitude/latitude: store EPSG:4326 (RFC 7946)",
                )
            )
            ok = False
        elif not geom.is_valid:
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


def _geometry_type(path: Path) -> str | None:
    """The one geometry type of a GeoJSON file's features, or None if mixed or unreadable."""
    data, problems = read_json(path)
    features = _get(data, "features")
    if problems or not isinstance(features, list):
        return None
    types = {str(_get(_get(f, "geometry"), "type")) for f in features}
    return types.pop() if len(types) == 1 else None


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def inspect_layers(root: Path, *, today: date | None = None) -> tuple[list[Problem], Bundle | None]:
    """Validate the folder and, if nothing is wrong, build its :class:`~geo.bundle.Bundle`.

    The lessons (``lessons/*.json``) are checked last, against the data, once the data is clean.

    ``today`` enables the check that no fact is dated in the future; it is an argument so that
    the result never depends on the clock.
    """
    root = Path(root)
    if not root.is_dir():
        return [Problem(str(root), "", "", "", "is not a folder")], None
    problems: list[Problem] = []
    entries, researched, found = check_manifest(root)
    problems += found
    declared = {e.file: e.geometry_type for e in entries}
    features: dict[str, Feature] = {}
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name, types in GEOJSON_FILES.items():
        items, found = check_geojson(root, name, types, declared.get(name))
        problems += found
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
        rows[name], found = read_table(root / name, columns)
        problems += found
    zones, found = tables.read_zones(rows["zones.csv"], features)
    problems += found
    actors, found = tables.read_actors(rows["actors.csv"])
    problems += found
    sources, found = tables.read_sources(rows["sources.csv"])
    problems += found
    agreement_ids = frozenset(row["id"] for _, row in rows["agreements.csv"])
    facts, found = tables.read_facts(
        rows["timeline.csv"],
        zones=zones,
        actors=actors,
        sources=sources,
        today=today,
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
        today=today,
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
        today=today,
    )
    problems += found
    figures, found = tables.read_figures(rows["reported_figures.csv"], zones=zones, facts=timeline.by_id)
    problems += found
    for c in contradictions(timeline):
        rows_named = ", ".join(f"line {f.line} ({f.id})" for f in c.facts)
        problems.append(Problem("timeline.csv", rows_named, c.field, "", "contradiction: " + c.message))
    if problems:
        return problems, None
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
        figures=tuple(figures),
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
    per entry that changed.
    """
    path = root / MANIFEST
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entries: dict[str, dict[str, Any]] = {e["file"]: e for e in data.get("files", [])}
    changed: list[str] = []
    names = [*GEOJSON_FILES, *TABLE_COLUMNS]
    names += sorted(
        p.name
        for p in root.iterdir()
        if p.suffix in DATA_SUFFIXES and p.name != MANIFEST and p.name not in names
    )
    for name in names:
        file = root / name
        if not file.is_file():
            continue
        old = dict(entries.get(name, {}))
        entry = {k: old.get(k, "") for k in MANIFEST_KEYS}
        entry["file"] = name
        entry["kind"] = "geojson" if file.suffix == ".geojson" else "table"
        entry["count"] = count_items(file)
        entry["sha256"] = sha256_of(file)
        if file.suffix == ".geojson":
            entry["geometry_type"] = _geometry_type(file)
        else:
            entry["geometry_type"] = None
        if entry != old:
            changed.append(f"{name}: count {entry['count']}, sha256 {entry['sha256'][:16]}...")
        entries[name] = entry
    data["files"] = [entries[n] for n in names if n in entries]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return changed
