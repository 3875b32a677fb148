"""Make ``layers/background.geojson``: neighbouring land and a few labels, for an offline map.

Run once, on 2026-11-24, from the npm package ``@geo-maps/countries-land-100m`` 0.6.0 (the same
OpenStreetMap-derived project as the strip outline, at 100 m resolution; data ODbL 1.0).
Unpack it (``npm pack @geo-maps/countries-land-100m && tar xzf ...``) and pass ``map.geo.json``.

The land is clipped to a box around the strip, simplified to ~50 m, and its interior rings (slivers
between OSM polygons, not lakes) filled: it is a background
for orientation, not a boundary dataset. Label points are cartographic placements only.

Usage: ``python scripts/make_background.py PATH/TO/map.geo.json [layers/background.geojson]``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import Polygon, box, mapping, shape

BOX = box(33.9, 30.85, 35.0, 31.95)
SOURCE = (
    "npm package @geo-maps/countries-land-100m v0.6.0 (map.geo.json, features A3=EGY and A3=ISR), "
    "built from OpenStreetMap by github.com/simonepri/geo-maps (Dec 2017); clipped to "
    "33.9-35.0 E, 30.85-31.95 N and simplified to about 50 m"
)
ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0), via github.com/simonepri/geo-maps"
NOTE = "background only; at 100 m resolution it does not meet the 10 m strip outline exactly"
LABEL_SOURCE = "label position chosen by the project for legibility; not a surveyed point"
LAND = {
    "EGY": ("egypt_land", "Egypt", "مصر", "מצרים"),
    "ISR": ("israel_land", "Israel", "إسرائيل", "ישראל"),
}
LABELS = [
    ("label_egypt", "Egypt", "مصر", "מצרים", (34.22, 31.16)),
    ("label_israel", "Israel", "إسرائيل", "ישראל", (34.50, 31.24)),
    ("label_sea", "Mediterranean Sea", "البحر الأبيض المتوسط", "הים התיכון", (34.17, 31.44)),
]


def main(src: Path, dst: Path) -> None:
    data = json.loads(src.read_text(encoding="utf-8"))
    features = []
    for f in data["features"]:
        code = f["properties"].get("A3")
        if code not in LAND:
            continue
        fid, name, name_ar, name_he = LAND[code]
        geom = shape(f["geometry"]).intersection(BOX).simplify(0.0005, preserve_topology=True)
        # Interior rings here are slivers between OSM polygons, not lakes: fill them.
        geom = shapely.union_all([Polygon(p.exterior) for p in getattr(geom, "geoms", [geom])])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": fid,
                    "name": name,
                    "name_ar": name_ar,
                    "name_he": name_he,
                    "kind": "land",
                    "source": SOURCE,
                    "quality": "derived",
                    "license": "ODbL-1.0",
                    "attribution": ATTRIBUTION,
                    "note": NOTE,
                },
                "geometry": json.loads(json.dumps(mapping(geom))),
            }
        )
    for fid, name, name_ar, name_he, (lon, lat) in LABELS:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": fid,
                    "name": name,
                    "name_ar": name_ar,
                    "name_he": name_he,
                    "kind": "label",
                    "source": LABEL_SOURCE,
                    "quality": "approximate",
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    out = {"type": "FeatureCollection", "name": "background", "features": features}
    dst.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("layers/background.geojson"))
