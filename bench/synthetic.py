"""Synthetic layers for the scale benchmark: the real layers plus N made-up facts.

The synthetic facts belong to synthetic actors (``Synth_00``...) with synthetic sources, so they
can never be mistaken for, or contradict, the real facts; they are written to a temporary
folder and never shipped.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from geo.settings import DEFAULT_LAYERS_DIR, POSITIONS
from geo.validate import write_manifest

ZONES = (
    "netzarim",
    "philadelphi",
    "morag",
    "perimeter_buffer",
    "rafah_crossing",
    "egypt_border",
    "yellow_line",
)  # not gaza_strip: the other zones lie within it, so presence there would contradict theirs
START = date(2000, 1, 1)
DAYS = (date(2026, 5, 1) - START).days


def synthetic_layers(n_facts: int, dest: Path, *, seed: int = 1) -> Path:
    """Copy the bundled layers to ``dest`` and add ``n_facts`` consistent synthetic facts."""
    rng = random.Random(seed)
    shutil.copytree(DEFAULT_LAYERS_DIR, dest)
    actors = [f"Synth_{i:02d}" for i in range(10)]
    with (dest / "actors.csv").open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for a in actors:
            w.writerow([a, f"Synthetic party {a[-2:]}", a, "group", "", "synthetic, for benchmarks"])
    n_sources = max(1, n_facts // 50)
    with (dest / "sources.csv").open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(n_sources):
            w.writerow(
                [
                    f"SX{i:06d}",
                    f"Synthetic report {i}",
                    "Synthetic wire",
                    f"https://example.org/synthetic/{i}",
                    "",
                    "2026-11-24",
                    "synthetic",
                ]
            )
    keys = [(a, z) for a in actors for z in ZONES]
    # Distinct, increasing days per (actor, zone); presence alternates so it never contradicts.
    per_key = {k: sorted(rng.sample(range(DAYS), k=min(DAYS, n_facts // len(keys) + 2))) for k in keys}
    cursor = dict.fromkeys(keys, 0)
    present = dict.fromkeys(keys, False)
    with (dest / "timeline.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with (dest / "timeline.csv").open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(n_facts):
            kind = rng.choices(("presence", "demand", "event"), weights=(4, 4, 2))[0]
            actor, zone = key = (
                keys[rng.randrange(len(keys))] if kind != "event" else (rng.choice(actors), rng.choice(ZONES))
            )
            if kind == "event":
                day = START + timedelta(days=rng.randrange(DAYS))
                status = ""
            else:
                if cursor[key] >= len(per_key[key]):
                    kind, status, day = "event", "", START + timedelta(days=rng.randrange(DAYS))
                else:
                    day = START + timedelta(days=per_key[key][cursor[key]])
                    cursor[key] += 1
                    if kind == "presence":
                        present[key] = not present[key]
                        status = "established" if present[key] else "withdrawn"
                    else:
                        status = rng.choice(POSITIONS)
                        if cursor[key] > 1 and status == "other":
                            status = "withdraw"
            row = {
                "id": f"X{i:06d}",
                "date": day.isoformat(),
                "date_precision": "day",
                "kind": kind,
                "zone": zone,
                "actor": actor,
                "status": status,
                "summary": f"Synthetic fact {i}: {actor} and {zone} on {day}.",
                "source_id": f"SX{i % n_sources:06d}",
                "confidence": "medium",
                "note": "synthetic",
            }
            # In the header's order, so that a column added to the data needs no change here.
            w.writerow([row.get(c, "") for c in header])
    write_manifest(dest)
    return dest


def synthetic_user_layer(n: int, *, seed: int = 2) -> gpd.GeoDataFrame:
    """``n`` dated points scattered over the strip (an analyst's layer, for the size benchmark)."""
    from geo import load_bundle

    rng = random.Random(seed)
    strip = load_bundle().strip
    minx, miny, maxx, maxy = strip.bounds
    points, starts, ends = [], [], []
    while len(points) < n:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not strip.contains(p):
            continue
        start = date(2023, 10, 7) + timedelta(days=rng.randrange(900))
        points.append(p)
        starts.append(start.isoformat())
        ends.append(
            (start + timedelta(days=rng.randrange(1, 400))).isoformat() if rng.random() < 0.6 else None
        )
    return gpd.GeoDataFrame(
        {"start": starts, "end": ends, "name": [f"site {i}" for i in range(n)]},
        geometry=points,
        crs="EPSG:4326",
    )


def geojson_bytes(gdf: gpd.GeoDataFrame) -> int:
    """Size of the layer as plain GeoJSON, as it would be shipped feature by feature."""
    return len(json.dumps(json.loads(gdf.to_json(drop_id=True)), separators=(",", ":")).encode())
