"""Import the researched starting data from ``../shared/data`` into ``layers/``.

Run once, on 2026-11-24, to create the layers folder; it is kept as the record of
exactly what was changed on the way in (see ``layers/README.md``, "Changes from the
shared data"). After the import, ``layers/`` is the source of truth and is edited by
hand: do not re-run this over maintained data.

Usage: ``python scripts/import_shared.py [SHARED_DATA_DIR] [LAYERS_DIR]``
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

CHECKED = "2026-11-24"  # the date the shared research was compiled (TIMELINE_NOTES.md)

FEATURE_IDS = {
    "gaza_strip.geojson": ["gaza_strip"],
    "borders.geojson": ["egypt_gaza_border", "israel_gaza_line", "coastline"],
    "places.geojson": [
        "rafah_crossing",
        "kerem_shalom_crossing",
        "salah_al_din_gate",
        "erez_crossing",
        "kissufim_crossing",
        "netzarim_settlement",
        "netzarim_junction",
        "morag_settlement",
        "gaza_city",
        "khan_younis",
        "rafah",
        "deir_al_balah",
        "beeri",
        "tripoint",
        "egypt_border_sea",
        "israel_line_sea",
    ],
    "corridor_axes.geojson": ["netzarim_axis", "philadelphi_axis", "morag_axis"],
}

DRAWN_SOURCE = (
    "Drawn by the project (CC0) from a Wikipedia coordinate and the ODbL strip outline "
    "(© OpenStreetMap contributors); see the method and evidence properties and PROVENANCE.md"
)

# id -> (column, new value, why). Each is listed in layers/README.md.
FACT_FIXES = {
    "T045": [
        (
            "kind",
            "event",
            "T045 reports that forces *began* pulling back on 27 Jan 2025; as a "
            "'withdrawn' presence row it clashed with T007 (present until 2025-02-09) and made "
            "T048's completed withdrawal a second withdrawal",
        ),
        ("status", "", "events carry no status"),
    ],
}

LINE_IDS = {
    "Egypt–Gaza border (borders.geojson)": "egypt_gaza_border",
    "Netzarim Corridor axis (corridor_axes.geojson)": "netzarim_axis",
    "Israel–Gaza boundary (borders.geojson)": "israel_gaza_line",
    "Morag Corridor axis (corridor_axes.geojson)": "morag_axis",
}


def _write_geojson(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def import_geojson(src: Path, dst: Path) -> None:
    for name, ids in FEATURE_IDS.items():
        data = json.loads((src / name).read_text(encoding="utf-8"))
        if len(data["features"]) != len(ids):
            raise SystemExit(f"{name}: expected {len(ids)} features")
        for feature, fid in zip(data["features"], ids, strict=True):
            props = feature["properties"]
            feature["properties"] = {"id": fid, **props}
            if "source" not in props:
                feature["properties"]["source"] = DRAWN_SOURCE
            if fid == "morag_settlement":
                feature["properties"]["note"] = (
                    "the only coordinate published for the Morag Corridor; the corridor line in "
                    "corridor_axes.geojson is an approximate construction through this point"
                )
        _write_geojson(dst / name, data)


def import_timeline(src: Path, dst: Path) -> None:
    with (src / "timeline.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    sources: dict[tuple[str, str, str, str], str] = {}
    facts = []
    for row in rows:
        key = (row["source_title"], row["source_publisher"], row["source_url"], row["source_date"])
        sid = sources.setdefault(key, f"S{len(sources) + 1:03d}")
        fact = {
            k: row[k]
            for k in (
                "id",
                "date",
                "date_precision",
                "end_date",
                "kind",
                "zone",
                "actor",
                "status",
                "summary",
            )
        }
        fact["source_id"] = sid
        fact["confidence"] = row["confidence"]
        notes = []
        for column, value, why in FACT_FIXES.get(row["id"], []):
            notes.append(f"{column} was {row[column]!r} in the shared data: {why}")
            fact[column] = value
        fact["note"] = "; ".join(notes)
        facts.append(fact)
    extra = [
        (
            "Netzarim Corridor",
            "Wikipedia",
            "https://en.wikipedia.org/wiki/Netzarim_Corridor",
            "",
            "read via a mirror copy (arietiform.com); cites the Institute for the Study of War",
        ),
        (
            "[headline not captured] AFP report describing the Philadelphi Corridor",
            "AFP (via Dawn)",
            "",
            "2024-05-30",
            "the research notes name the outlet and date but did not record the URL",
        ),
    ]
    with (dst / "sources.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "title", "publisher", "url", "published", "checked", "note"])
        for (title, publisher, url, date), sid in sources.items():
            w.writerow([sid, title, publisher, url, date, CHECKED, ""])
        for i, (title, publisher, url, date, note) in enumerate(extra, start=len(sources) + 1):
            w.writerow([f"S{i:03d}", title, publisher, url, date, CHECKED, note])
    with (dst / "timeline.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(facts[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(facts)
    n = len(sources)
    import_extents(src, dst, wiki=f"S{n + 1:03d}", afp=f"S{n + 2:03d}")


def import_extents(src: Path, dst: Path, *, wiki: str, afp: str) -> None:
    with (src / "zone_extents.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fact_ids = {"2024-12-02": "T040", "2024-02-01": "T011", "2025-01-19": "T044"}
    out = []
    for row in rows:
        fids = fact_ids.get(row["valid_from"], "")
        if row["zone"] == "morag":
            fids = "T055 T056"
        elif row["zone"] == "perimeter_buffer" and row["valid_from"] == "2025-04-12":
            fids = "T057"
        source = ""
        if not fids:
            source = afp if row["zone"] == "philadelphi" else wiki
        out.append(
            {
                "zone": row["zone"],
                "valid_from": row["valid_from"],
                "date_precision": row["date_precision"],
                "width_m": row["width_m"],
                "shape": row["shape"],
                "line": LINE_IDS[row["axis_or_line"]],
                "fact_ids": fids,
                "source_id": source,
                "basis": row["basis"],
                "quality": row["quality"],
                "note": row["note"],
            }
        )
    with (dst / "zone_extents.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)


def main(argv: list[str]) -> None:
    src = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "shared" / "data"
    dst = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "layers"
    dst.mkdir(exist_ok=True)
    import_geojson(src, dst)
    import_timeline(src, dst)
    for doc in ("PROVENANCE.md", "TIMELINE_NOTES.md"):
        shutil.copyfile(src / doc, dst / doc)


if __name__ == "__main__":
    main(sys.argv[1:])
