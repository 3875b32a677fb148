"""One crafted bad file per validation rule; each problem names file, row and field."""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import geo
from geo.validate import write_manifest
from tests.conftest import LayersCopy
from tests.test_io import deadline

Mutation = Callable[[LayersCopy], None]


def _t(fid: str, **changes: str) -> Mutation:
    return lambda lc: lc.edit_row("timeline.csv", "id", fid, **changes)


def _feature(name: str, index: int, change: Callable[[dict], None]) -> Mutation:  # type: ignore[type-arg]
    def mutate(lc: LayersCopy) -> None:
        data = lc.geojson(name)
        change(data["features"][index])
        lc.write_geojson(name, data)

    return mutate


def _drop_property(key: str) -> Callable[[dict], None]:  # type: ignore[type-arg]
    return lambda f: f["properties"].pop(key)


def _set(path: str, value: object) -> Callable[[dict], None]:  # type: ignore[type-arg]
    def change(feature: dict) -> None:  # type: ignore[type-arg]
        *parents, last = path.split(".")
        target = feature
        for p in parents:
            target = target[p]
        target[last] = value

    return change


def _crs(lc: LayersCopy) -> None:
    data = lc.geojson("borders.geojson")
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32636"}}
    lc.write_geojson("borders.geojson", data)


def _bowtie(feature: dict) -> None:  # type: ignore[type-arg]
    feature["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[34.3, 31.3], [34.4, 31.4], [34.4, 31.3], [34.3, 31.4], [34.3, 31.3]]],
    }


def _write(name: str, content: bytes, *, manifest: bool = True) -> Mutation:
    def mutate(lc: LayersCopy) -> None:
        (lc.root / name).write_bytes(content)
        if manifest:
            from geo.validate import write_manifest

            write_manifest(lc.root)

    return mutate


def _manifest(change: Callable[[dict], None]) -> Mutation:  # type: ignore[type-arg]
    def mutate(lc: LayersCopy) -> None:
        path = lc.root / "manifest.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return mutate


def _entry(name: str, /, **changes: object) -> Callable[[dict], None]:  # type: ignore[type-arg]
    def change(data: dict) -> None:  # type: ignore[type-arg]
        for e in data["files"]:
            if e["file"] == name:
                e.update(changes)

    return change


def _tamper(lc: LayersCopy) -> None:
    path = lc.root / "actors.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Hamas,Hamas,Hamas", "Hamas,Hamas movement,Hamas"), "utf-8"
    )


def _readd_t045_as_presence(lc: LayersCopy) -> None:
    lc.edit_row("timeline.csv", "id", "T045", kind="presence", status="withdrawn")


def _t007_open_row(lc: LayersCopy) -> None:
    lc.edit_row("timeline.csv", "id", "T048", date="2025-02-20")


CASES: dict[str, tuple[Mutation, list[str]]] = {
    # manifest
    "manifest-checksum": (
        _tamper,
        ["manifest.json", "(actors.csv)", "sha256", "python -m geo manifest"],
    ),
    "manifest-count": (
        _manifest(_entry("places.geojson", count=15)),
        ["places.geojson", "field count='15'", "holds 16"],
    ),
    "manifest-missing-file": (
        _manifest(_entry("borders.geojson", file="frontiers.geojson")),
        ["manifest.json", "field file='frontiers.geojson'", "names no file", "borders.geojson", "not listed"],
    ),
    "manifest-unlisted-file": (
        _write("extra.csv", b"a,b\n1,2\n", manifest=False),
        ["extra.csv", "not listed in manifest.json"],
    ),
    "manifest-not-json": (
        _write("manifest.json", b"{not json", manifest=False),
        ["manifest.json", "line 1 column 2", "not valid JSON"],
    ),
    "manifest-missing-key": (
        _manifest(lambda d: d["files"][0].pop("licence")),
        ["entry 1", "field licence", "missing"],
    ),
    # GeoJSON
    "geojson-not-json": (
        _write(
            "places.geojson",
            b'{"type": "FeatureCollection", "features": [',
        ),
        ["places.geojson", "not valid JSON"],
    ),
    "geojson-crs": (_crs, ["borders.geojson", "field crs='urn:ogc:def:crs:EPSG::32636'", "EPSG:4326"]),
    "geojson-projected-coordinates": (
        _feature("places.geojson", 0, _set("geometry.coordinates", [620000.0, 3480000.0])),
        ["places.geojson", "feature 1 (rafah_crossing)", "geometry.coordinates", "not longitude/latitude"],
    ),
    "geojson-invalid-geometry": (
        _feature("gaza_strip.geojson", 0, _bowtie),
        ["gaza_strip.geojson", "feature 1 (gaza_strip)", "field geometry", "Self-intersection"],
    ),
    "geojson-wrong-geometry-type": (
        _feature(
            "corridor_axes.geojson", 0, _set("geometry", {"type": "Point", "coordinates": [34.4, 31.4]})
        ),
        ["corridor_axes.geojson", "feature 1 (netzarim_axis)", "geometry.type='Point'", "LineString"],
    ),
    "geojson-unreadable-geometry": (
        _feature("places.geojson", 2, _set("geometry", {"type": "Point", "coordinates": "here"})),
        ["places.geojson", "feature 3 (salah_al_din_gate)", "field geometry", "cannot be read"],
    ),
    "geojson-missing-source": (
        _feature("corridor_axes.geojson", 2, _drop_property("source")),
        ["corridor_axes.geojson", "feature 3 (morag_axis)", "field source", "missing"],
    ),
    "geojson-missing-hebrew-name": (
        _feature("places.geojson", 8, _set("properties.name_he", "")),
        ["places.geojson", "feature 9 (gaza_city)", "field name_he"],
    ),
    "geojson-quality-vocabulary": (
        _feature("borders.geojson", 1, _set("properties.quality", "surveyed")),
        ["borders.geojson", "feature 2 (israel_gaza_line)", "quality='surveyed'", "one of"],
    ),
    "geojson-duplicate-id": (
        _feature("places.geojson", 1, _set("properties.id", "rafah_crossing")),
        ["places.geojson", "rafah_crossing", "duplicate id"],
    ),
    "geojson-unclosed-ring": (
        _feature("gaza_strip.geojson", 0, lambda f: f["geometry"]["coordinates"][0].pop()),
        ["gaza_strip.geojson", "feature 1 (gaza_strip)", "geometry.coordinates", "ring 1 is not closed"],
    ),
    "geojson-swapped-axes": (
        _feature("places.geojson", 0, _set("geometry.coordinates", [31.25, 34.25])),
        [
            "places.geojson",
            "feature 1 (rafah_crossing)",
            "'31.25, 34.25'",
            "latitude and longitude look swapped",
        ],
    ),
    "geojson-swapped-axes-in-a-line": (
        _feature(
            "corridor_axes.geojson",
            0,
            lambda f: f["geometry"].update(coordinates=[p[::-1] for p in f["geometry"]["coordinates"]]),
        ),
        ["corridor_axes.geojson", "feature 1 (netzarim_axis)", "look swapped"],
    ),
    "geojson-outside-the-region": (
        _feature("places.geojson", 0, _set("geometry.coordinates", [2.35, 48.85])),
        ["places.geojson", "feature 1 (rafah_crossing)", "'2.35, 48.85'", "outside the region"],
    ),
    "geojson-line-of-one-position": (
        _feature("corridor_axes.geojson", 0, _set("geometry.coordinates", [[34.4, 31.4]])),
        ["corridor_axes.geojson", "feature 1 (netzarim_axis)", "has 1 position(s); it needs 2"],
    ),
    "geojson-position-of-one-number": (
        _feature("places.geojson", 0, _set("geometry.coordinates", [34.4])),
        ["places.geojson", "feature 1 (rafah_crossing)", "geometry.coordinates='[34.4]'", "cannot be read"],
    ),
    "geojson-geometry-collection": (
        _feature("places.geojson", 0, _set("geometry", {"type": "GeometryCollection", "geometries": []})),
        ["places.geojson", "feature 1 (rafah_crossing)", "geometry.type='GeometryCollection'"],
    ),
    "geojson-property-named-geometry": (
        _feature("places.geojson", 0, _set("properties.geometry", "here")),
        ["places.geojson", "feature 1 (rafah_crossing)", "field geometry", "a property may not take it"],
    ),
    "geojson-huge-string": (
        _feature("places.geojson", 0, _set("properties.note", "x" * 200_000)),
        ["places.geojson", "feature 1 (rafah_crossing)", "field note", "200,000 characters", "limit"],
    ),
    "geojson-deep-json": (
        _write("places.geojson", b"[" * 100_000 + b"]" * 100_000),
        ["places.geojson", "line 1 column 33", "nested deeper than the limit of 32 levels"],
    ),
    "csv-huge-cell": (
        lambda lc: lc.edit_row("timeline.csv", "id", "T018", summary="y" * 20_000),
        ["timeline.csv", "line 18 (T018)", "field summary", "20,000 characters", "limit"],
    ),
    "csv-cell-beyond-the-csv-module-limit": (
        lambda lc: lc.edit_row("timeline.csv", "id", "T018", note="z" * 200_000),
        ["timeline.csv", "a cell is longer than the limit of 10,000 characters"],
    ),
    "manifest-without-research-date": (
        _manifest(lambda d: d.pop("researched")),
        ["manifest.json", "field researched", "is required"],
    ),
    "manifest-research-date-unreadable": (
        _manifest(lambda d: d.update(researched="2026-12")),
        ["manifest.json", "field researched='2026-12'", "YYYY-MM-DD"],
    ),
    # tables: shape
    "csv-missing-column": (
        _write("actors.csv", b"id,name,short,kind,members\nIDF,IDF,IDF,armed_force,\n"),
        ["actors.csv", "line 1", "field note", "required column is missing"],
    ),
    "csv-ragged-row": (
        _write(
            "zones.csv",
            (
                b"id,name,name_ar,name_he,geometry,feature,within,note\n"
                b"gaza_strip,Gaza Strip,,,outline,gaza_strip,,a,b\n"
            ),
        ),
        ["zones.csv", "line 2 (gaza_strip)", "has 9 cells, the header has 8"],
    ),
    "csv-not-utf8": (
        _write("sources.csv", "id,title\nS1,Caf\u00e9\n".encode("latin-1")),
        ["sources.csv", "not UTF-8"],
    ),
    # tables: dates
    "date-unparseable": (
        _t("T018", date="29/05/2024"),
        ["timeline.csv", "line 19 (T018)", "date='29/05/2024'", "YYYY-MM-DD"],
    ),
    "date-impossible": (
        _t("T018", date="2024-02-30"),
        ["line 19 (T018)", "date='2024-02-30'", "not a real calendar date"],
    ),
    "date-in-future": (
        _t("T080", date="2027-05-28"),
        ["line 81 (T080)", "date='2027-05-28'", "after 2026-11-25, the latest date allowed"],
    ),
    "date-end-before-start": (
        _t("T047", end_date="2025-01-01"),
        ["line 48 (T047)", "end_date='2025-01-01'", "must be after"],
    ),
    "date-end-equals-start": (
        _t("T047", end_date="2025-02-01"),
        ["line 48 (T047)", "end_date='2025-02-01'", "exclusive"],
    ),
    "date-month-precision-mid-month": (
        _t("T012", date_precision="month", date="2024-03-06"),
        ["line 13 (T012)", "date='2024-03-06'", "month precision"],
    ),
    "date-precision-vocabulary": (
        _t("T012", date_precision="week"),
        ["line 13 (T012)", "date_precision='week'", "one of"],
    ),
    "date-before-source": (
        _t("T009", date="2024-01-15"),
        ["line 10 (T009)", "date='2024-01-15'", "after its source"],
    ),
    "date-ancient": (_t("T009", date="1066-10-14"), ["line 10 (T009)", "date='1066-10-14'", "typo"]),
    # tables: vocabularies and references
    "kind-vocabulary": (_t("T018", kind="rumour"), ["line 19 (T018)", "kind='rumour'", "one of"]),
    "status-vocabulary": (_t("T018", status="remain"), ["line 19 (T018)", "status='remain'", "established"]),
    "event-with-status": (
        _t("T028", status="established"),
        ["line 29 (T028)", "status='established'", "(empty)"],
    ),
    "unknown-zone": (_t("T018", zone="philly"), ["line 19 (T018)", "zone='philly'", "not a zone id"]),
    "unknown-actor": (
        _t("T043", actor="Israel_government+Hammas"),
        ["line 44 (T043)", "actor='Hammas'", "not an actor id"],
    ),
    "duplicate-actor": (
        _t("T043", actor="Hamas+Hamas"),
        ["line 44 (T043)", "actor='Hamas+Hamas'", "each once"],
    ),
    "confidence-vocabulary": (
        _t("T018", confidence="certain"),
        ["line 19 (T018)", "confidence='certain'", "one of"],
    ),
    "missing-source": (_t("T018", source_id=""), ["line 19 (T018)", "field source_id", "required"]),
    "unknown-source": (
        _t("T018", source_id="S999"),
        ["line 19 (T018)", "source_id='S999'", "not a source id"],
    ),
    "missing-summary": (_t("T018", summary=""), ["line 19 (T018)", "field summary", "required"]),
    "gist-on-a-presence-row": (
        _t("T018", gist="present"),
        ["line 19 (T018)", "field gist='present'", "only a demand row has a gist"],
    ),
    "gist-too-long": (
        _t("T016", gist="g" * 91),
        ["line 16 (T016)", "field gist=", "at most 90 characters"],
    ),
    "duplicate-fact-id": (_t("T019", id="T018"), ["line 20 (T018)", "field id='T018'", "duplicate id"]),
    "hostile-source-url": (
        lambda lc: lc.edit_row("sources.csv", "id", "S010", url="javascript:alert(1)"),
        ["sources.csv", "line 11 (S010)", "url='javascript:alert(1)'", "http"],
    ),
    "source-missing-url-without-note": (
        lambda lc: lc.edit_row("sources.csv", "id", "S010", url=""),
        ["sources.csv", "line 11 (S010)", "field url", "say so in the note"],
    ),
    "source-missing-publisher": (
        lambda lc: lc.edit_row("sources.csv", "id", "S010", publisher=""),
        ["sources.csv", "line 11 (S010)", "field publisher", "required"],
    ),
    "zone-feature-missing": (
        lambda lc: lc.edit_row("zones.csv", "id", "morag", feature="morag_line"),
        ["zones.csv", "line 5 (morag)", "feature='morag_line'", "names no feature"],
    ),
    "zone-feature-wrong-type": (
        lambda lc: lc.edit_row("zones.csv", "id", "rafah_crossing", feature="coastline"),
        ["zones.csv", "line 7 (rafah_crossing)", "feature='coastline'", "Point"],
    ),
    "actor-member-unknown": (
        lambda lc: lc.edit_row("actors.csv", "id", "mediators", members="Egypt Atlantis"),
        ["actors.csv", "line 8 (mediators)", "members='Atlantis'"],
    ),
    "extent-width": (
        lambda lc: lc.edit_row("zone_extents.csv", "valid_from", "2024-07-01", width_m="wide"),
        ["zone_extents.csv", "line 4 (netzarim)", "width_m='wide'", "metres"],
    ),
    "extent-line": (
        lambda lc: lc.edit_row("zone_extents.csv", "valid_from", "2024-07-01", line="gaza_city"),
        ["zone_extents.csv", "line 4 (netzarim)", "line='gaza_city'", "LineString"],
    ),
    "extent-unsourced": (
        lambda lc: lc.edit_row("zone_extents.csv", "valid_from", "2024-07-01", source_id=""),
        ["zone_extents.csv", "line 4 (netzarim)", "field source_id", "needs a source"],
    ),
    "extent-unknown-fact": (
        lambda lc: lc.edit_row("zone_extents.csv", "valid_from", "2024-12-02", fact_ids="T400"),
        ["zone_extents.csv", "line 5 (netzarim)", "fact_ids='T400'"],
    ),
    "extent-shape": (
        lambda lc: lc.edit_row("zone_extents.csv", "valid_from", "2024-12-02", shape="circle"),
        ["zone_extents.csv", "line 5 (netzarim)", "shape='circle'", "one of"],
    ),
    "figure-misquoted": (
        lambda lc: lc.edit_row("reported_figures.csv", "fact_id", "T065", wording="about 35% of Gaza"),
        ["reported_figures.csv", "line 3 (T065)", "wording='about 35% of Gaza'", "word for word"],
    ),
    "figure-range": (
        lambda lc: lc.edit_row("reported_figures.csv", "fact_id", "T059", value_low="80"),
        ["reported_figures.csv", "line 2 (T059)", "value_low='80'", "above value_high"],
    ),
    # contradictions
    "contradiction-withdrawal-inside-interval": (
        _readd_t045_as_presence,
        ["timeline.csv", "line 8 (T007), line 46 (T045)", "field end_date", "contradiction", "falls inside"],
    ),
    "contradiction-double-withdrawal": (
        _readd_t045_as_presence,
        ["line 46 (T045), line 49 (T048)", "field status", "already absent"],
    ),
    "contradiction-end-carried-past": (
        _t007_open_row,
        ["line 41 (T040)", "T007", "keeps it present past that date"],
    ),
    "contradiction-withdrawal-end-without-successor": (
        _t("T054", date="2025-03-20"),
        ["line 49 (T048)", "no row", "starts that day"],
    ),
    "contradiction-same-day": (
        _t("T013", date="2024-03-06", status="withdrawn"),
        ["T012", "T013", "disagree"],
    ),
}


def _unpin(text: str) -> str:
    return re.sub(r"line \d+ \(", "line N (", text)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_rule_reports_file_row_and_field(layers_copy: LayersCopy, case: str) -> None:
    mutate, expected = CASES[case]
    mutate(layers_copy)
    # Rows are named by id; their line numbers move as facts are added, so they are not pinned.
    problems = [_unpin(p) for p in layers_copy.problems()]
    expected = [_unpin(e) for e in expected]
    assert problems, "the broken copy validated"
    assert any(all(e in p for e in expected) for p in problems) or all(
        any(e in p for p in problems) for e in expected
    ), "\n".join(problems)
    assert all("\n" not in p for p in problems)


def test_the_untouched_copy_is_clean(layers_copy: LayersCopy) -> None:
    assert layers_copy.problems() == []


def test_a_timeline_written_before_the_gist_column_still_reads(layers_copy: LayersCopy) -> None:
    rows = layers_copy.rows("timeline.csv")
    columns = [c for c in rows[0] if c != "gist"]
    with (layers_copy.root / "timeline.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    write_manifest(layers_copy.root)
    found, bundle = geo.inspect_layers(layers_copy.root, today=date(2026, 11, 24))
    assert found == [] and bundle is not None and not any(f.gist for f in bundle.facts)


def test_hostile_strings_stay_on_one_line(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T018", zone="<script>\nalert(1)</script>")
    [problem] = layers_copy.problems()
    assert "\n" not in problem and "<script>\\nalert(1)" in problem


def test_nothing_may_be_dated_after_the_research_even_without_today(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("sources.csv", "id", "S075", published="")
    layers_copy.edit_row("timeline.csv", "id", "T080", date="2026-12-01")
    assert layers_copy.problems(today=None) == []  # researched 2026-12-02
    assert any("T080" in p for p in layers_copy.problems(today=date(2026, 11, 24)))
    layers_copy.edit_row("timeline.csv", "id", "T080", date="2026-12-03")
    problems = layers_copy.problems(today=None)
    assert "T080), field date='2026-12-03': is after 2026-12-02" in problems[0]


def test_a_fact_dated_9999_12_31_is_refused_and_never_shown(layers_copy: LayersCopy) -> None:
    import geo

    layers_copy.edit_row("sources.csv", "id", "S075", published="")
    layers_copy.edit_row("timeline.csv", "id", "T080", date="9999-12-31")
    for today in (None, date(2026, 11, 24)):
        problems = layers_copy.problems(today=today)
        assert any("(T080), field date='9999-12-31': is after" in p for p in problems)
    with pytest.raises(geo.ValidationError):
        geo.load_bundle(layers_copy.root)


def test_a_forged_research_date_does_not_open_the_far_future(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("sources.csv", "id", "S075", published="")
    layers_copy.edit_row("timeline.csv", "id", "T080", date="9999-12-31")
    _manifest(lambda d: d.update(researched="9999-12-31"))(layers_copy)
    problems = layers_copy.problems(today=None)
    assert any("field researched='9999-12-31'" in p for p in problems)
    assert any("(T080), field date='9999-12-31': is after 2100-01-01" in p for p in problems)


@pytest.mark.parametrize(
    ("table", "key", "value", "field", "date_value"),
    [
        ("timeline.csv", "id", "T007", "end_date", "2030-01-01"),
        ("sources.csv", "id", "S010", "published", "9999-12-31"),
        ("sources.csv", "id", "S010", "checked", "2027-01-01"),
        ("agreement_periods.csv", "agreement", "philadelphi_protocol_2005", "to", "2090-01-01"),
    ],
)
def test_every_date_column_has_the_horizon(
    layers_copy: LayersCopy, table: str, key: str, value: str, field: str, date_value: str
) -> None:
    layers_copy.edit_row(table, key, value, **{field: date_value})
    problems = layers_copy.problems(today=None)
    assert any(
        p.startswith(table) and f"field {field}='{date_value}': is after 2026-12-02" in p for p in problems
    ), problems


@pytest.mark.parametrize("name", ["timeline.csv", "places.geojson", "manifest.json", "zones.csv"])
@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe garbage", b"[1, 2, 3]", b"\xef\xbb\xbfid\n"])
def test_garbage_never_raises(layers_copy: LayersCopy, name: str, content: bytes) -> None:
    (layers_copy.root / name).write_bytes(content)
    problems = layers_copy.problems()
    assert any(name in p for p in problems)


def test_a_missing_file_is_reported(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "timeline.csv").unlink()
    problems = layers_copy.problems()
    assert any(p.startswith("timeline.csv") and "missing" in p for p in problems)


def test_not_a_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from geo import inspect_layers

    problems, bundle = inspect_layers(tmp_path / "nowhere")
    assert bundle is None and "is not a folder" in str(problems[0])


def test_month_precision_accepts_a_month(layers_copy: LayersCopy) -> None:
    import geo

    layers_copy.edit_row("timeline.csv", "id", "T012", date_precision="month", date="2024-03")
    assert layers_copy.problems() == []
    bundle = geo.load_bundle(layers_copy.root)
    t012 = bundle.fact("T012")
    assert (t012.date, t012.precision) == (date(2024, 3, 1), "month")
    # Month precision counts from the first day of the month.
    assert bundle.timeline.presence_on(("IDF", "netzarim"), date(2024, 3, 1)).fact == "T012"  # type: ignore[union-attr]


def test_records_from_a_frame_leave_out_missing_properties() -> None:
    from geo.io import layer_frame
    from geo.validate import features_of

    point = {"type": "Point", "coordinates": [34.4, 31.5]}
    frame = layer_frame(
        [
            {"type": "Feature", "geometry": point, "properties": {"id": "a", "n": 3, "note": "x"}},
            {"type": "Feature", "geometry": point, "properties": {"id": "b", "n": 4}},
        ]
    )
    a, b = features_of(frame, "places")
    assert (a.id, a.layer, dict(a.properties)) == ("a", "places", {"id": "a", "n": 3, "note": "x"})
    assert dict(b.properties) == {"id": "b", "n": 4}  # no NaN for the note it lacks


def test_a_feature_that_fails_a_check_is_not_loaded(layers_copy: LayersCopy) -> None:
    from geo.validate import check_geojson

    _feature("borders.geojson", 1, _set("properties.quality", "surveyed"))(layers_copy)
    items, problems = check_geojson(layers_copy.root, "borders.geojson", ("LineString",), None)
    assert len(problems) == 1
    assert len(items) == len(layers_copy.geojson("borders.geojson")["features"]) - 1


# Reading safely: the layers folder is all that is read, within limits, whatever it holds.


def test_a_layer_linked_from_outside_is_not_read(layers_copy: LayersCopy, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    (layers_copy.root / "timeline.csv").rename(outside)  # a good file: following it would pass
    (layers_copy.root / "timeline.csv").symlink_to(outside)
    problems = layers_copy.problems()
    assert "timeline.csv: is a symbolic link to a file outside the layers folder: not read" in problems


def test_a_layer_linked_from_inside_the_folder_is_read(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "kept").mkdir()
    (layers_copy.root / "zones.csv").rename(layers_copy.root / "kept" / "zones.csv")
    (layers_copy.root / "zones.csv").symlink_to(Path("kept") / "zones.csv")
    assert layers_copy.problems() == []


def test_a_named_pipe_is_named_once_and_nothing_waits(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "actors.csv").unlink()
    os.mkfifo(layers_copy.root / "actors.csv")
    with deadline(20):
        problems = layers_copy.problems()
    assert problems.count("actors.csv: is a named pipe, not a regular file: not read") == 1


@pytest.mark.parametrize(
    ("limit", "value", "expected"),
    [
        ("MAX_FEATURES", 3, "places.geojson, field features='16': more features than the limit of 3"),
        (
            "MAX_VERTICES_PER_FEATURE",
            10,
            "gaza_strip.geojson, feature 1 (gaza_strip), field geometry='155': has more vertices than "
            "the limit of 10 for one feature",
        ),
        (
            "MAX_VERTICES_PER_FILE",
            100,
            "borders.geojson, feature 2 (israel_gaza_line), field geometry: the file has more vertices "
            "than the limit of 100 by this feature",
        ),
        ("MAX_TABLE_ROWS", 5, "timeline.csv, line 7 (T006): more rows than the limit of 5"),
        ("MAX_FILE_BYTES", 20_000, "timeline.csv: is larger than the limit of 20,000 bytes"),
        ("MAX_FIELD_CHARS", 200, "timeline.csv, line 2 (T001), field summary="),
    ],
)
def test_each_limit_names_the_file_and_the_place(
    layers_copy: LayersCopy, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, expected: str
) -> None:
    from geo import settings

    monkeypatch.setattr(settings, limit, value)
    problems = layers_copy.problems()
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)


def test_an_unreadable_table_is_named_once_not_by_every_reference_into_it(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "zones.csv").unlink()
    problems = layers_copy.problems()
    assert any(p.startswith("zones.csv") for p in problems)
    assert not any("is not a zone id" in p for p in problems)  # no cascade through timeline.csv
    assert len(problems) <= 5, problems
