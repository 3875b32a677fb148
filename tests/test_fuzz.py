"""Property-based tests: whatever the input, a clear error or a valid answer, never a crash.

Every input here could come from anyone: a layers folder, an upload, a link's query string,
the map's report of its own state. Each property states what must hold for all of them; the
examples are drawn deterministically (``derandomize``), so CI sees the same ones every run.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo import urlstate
from geo._errors import DateError, Problem
from geo.io import parse_day, parse_json, parse_table
from geo.model import Fact
from geo.settings import GEOJSON_FILES, KINDS, POSITIONS, PRESENCE_STATUSES, TABLE_COLUMNS
from geo.timeline import Departure, Presence, Timeline
from geo.validate import check_features, latest_day
from tests.conftest import LAYERS, LayersCopy

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FUZZ, max_examples=40)  # each example validates a whole layers folder
TODAY = date(2026, 11, 24)

# ---- strategies -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
numbers = st.integers(-400, 400) | st.floats(allow_nan=True, allow_infinity=True) | st.floats(30, 36)
positions = st.lists(numbers, min_size=0, max_size=4) | json_values
geometry_types = st.sampled_from(
    ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]
) | st.text(max_size=10)


def nested(depth: int) -> st.SearchStrategy[Any]:
    inner: st.SearchStrategy[Any] = positions
    for _ in range(depth):
        inner = st.lists(inner, max_size=6)
    return inner


property_names = st.sampled_from(
    ["id", "name", "kind", "source", "quality", "name_ar", "name_he", "geometry"]
) | st.text(max_size=5)
geometries = (
    st.fixed_dictionaries({"type": geometry_types, "coordinates": st.integers(0, 3).flatmap(nested)})
    | json_values
)
features = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "feature"]),
        "geometry": geometries,
        "properties": st.dictionaries(
            property_names,
            json_values,
            max_size=8,
        )
        | json_values,
    }
)


def _real(name: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((LAYERS / name).read_text(encoding="utf-8"))["features"]
    return features


REAL = {name: _real(name) for name in GEOJSON_FILES}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A real layer with a few of its positions swapped, dropped, moved or replaced."""
    name = draw(st.sampled_from(sorted(REAL)))
    data = {"type": "FeatureCollection", "features": json.loads(json.dumps(REAL[name]))}
    for _ in range(draw(st.integers(0, 2))):
        feature = draw(st.sampled_from(data["features"]))
        feature["properties"][draw(property_names)] = draw(json_values)
    for _ in range(draw(st.integers(0, 3))):
        feature = draw(st.sampled_from(data["features"]))
        coords = feature["geometry"]["coordinates"]
        path = []
        while isinstance(coords, list) and coords and isinstance(coords[0], list):
            i = draw(st.integers(0, len(coords) - 1))
            path.append((coords, i))
            coords = coords[i]
        if not path:
            feature["geometry"]["coordinates"] = draw(positions)
            continue
        parent, i = path[-1]
        how = draw(st.sampled_from(["swap", "drop", "move", "replace", "duplicate"]))
        if how == "swap" and len(parent[i]) >= 2:
            parent[i] = [parent[i][1], parent[i][0]]
        elif how == "drop":
            del parent[i]
        elif how == "move":
            parent[i] = [x + draw(st.floats(-3, 3)) for x in parent[i]]
        elif how == "replace":
            parent[i] = draw(positions)
        else:
            parent.insert(i, parent[i])
    return name, data


collections = (
    st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(features, max_size=5)})
    | json_values
)
# Dates that look like dates: valid, impossible, out of range, badly shaped.
date_texts = (
    st.dates().map(date.isoformat)
    | st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z")
    | st.from_regex(r"\A\d{4}-\d{2}\Z")
    | st.sampled_from(["9999-12-31", "0001-01-01", "1899-12-31", "2100-01-02", "2026-12-03", ""])
    | st.text(max_size=12)
)
cells = (
    date_texts | st.text(max_size=30) | st.sampled_from(["T018", "IDF", "Hamas", "netzarim", "S017", "high"])
)


@contextmanager
def restored(root: Path) -> Iterator[None]:
    """Put every file of the shared copy back after an example broke it."""
    try:
        yield
    finally:
        for path in root.iterdir():
            if path.is_file() and not (LAYERS / path.name).exists():
                path.unlink()
        for name in [*GEOJSON_FILES, *TABLE_COLUMNS, "manifest.json"]:
            shutil.copyfile(LAYERS / name, root / name)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> LayersCopy:
    """One copy of the bundled layers for a whole property: copying per example is too slow."""
    root = tmp_path_factory.mktemp("fuzz") / "layers"
    shutil.copytree(LAYERS, root)
    return LayersCopy(root)


def assert_only_problems(found: list[Problem]) -> None:
    for p in found:
        assert isinstance(p, Problem) and p.file
        assert "\n" not in str(p)


# ---- loaders ----------------------------------------------------------------------------------


@FUZZ
@given(text=st.text(max_size=300) | json_values.map(json.dumps))
def test_parse_json_answers_or_names_the_problem(text: str) -> None:
    data, found = parse_json("x.json", text)
    assert_only_problems(found)
    assert (data is None) == bool(found) or data is None


@FUZZ
@given(
    header=st.permutations(TABLE_COLUMNS["zones.csv"]).map(list) | st.lists(st.text(max_size=8), max_size=5),
    rows=st.lists(st.lists(cells, max_size=10), max_size=8),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_parse_table_answers_or_names_the_problem(
    header: list[str], rows: list[list[str]], ending: str
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerows([header, *rows])
    got, found = parse_table("zones.csv", buffer.getvalue(), TABLE_COLUMNS["zones.csv"])
    assert_only_problems(found)
    for line, row in got:
        assert line >= 2 and set(row) == set(TABLE_COLUMNS["zones.csv"])


@FUZZ
@given(layer=mutated() | st.tuples(st.sampled_from(sorted(GEOJSON_FILES)), collections))
def test_check_features_passes_only_loadable_features(layer: tuple[str, Any]) -> None:
    name, data = layer
    passed, found = check_features(name, data, GEOJSON_FILES[name], None)
    assert_only_problems(found)
    frame = geo.io.layer_frame(passed)  # what passed, geopandas can load
    assert len(frame) == len(passed)
    for geom in frame.geometry:
        assert geom.is_valid and not geom.is_empty
        minx, miny, maxx, maxy = geom.bounds
        assert 33 <= minx <= maxx <= 36 and 30 <= miny <= maxy <= 33


def csv_document(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


csv_documents = st.builds(
    csv_document,
    st.permutations(TABLE_COLUMNS["timeline.csv"]).map(list) | st.lists(st.text(max_size=8), max_size=14),
    st.lists(st.lists(cells, min_size=13, max_size=14), max_size=6),
)


@FUZZ
@given(geometry=geometries | st.fixed_dictionaries({"type": json_values, "coordinates": json_values}))
def test_check_geometry_counts_or_names_the_problem(geometry: Any) -> None:
    from geo.geojson import check_geometry

    count, found = check_geometry(geometry)
    assert count >= 0
    for field, value, message in found:
        assert field.startswith("geometry") and isinstance(value, str) and message


@SLOW
@given(
    name=st.sampled_from(["timeline.csv", "places.geojson", "manifest.json", "zones.csv", "sources.csv"]),
    content=st.binary(max_size=400)
    | csv_documents
    | json_values.map(lambda v: json.dumps(v).encode())
    | collections.map(lambda v: json.dumps(v).encode()),
)
def test_any_bytes_in_a_layer_file_give_problems(shared: LayersCopy, name: str, content: bytes) -> None:
    with restored(shared.root):
        (shared.root / name).write_bytes(content)
        found, bundle = geo.inspect_layers(shared.root, today=TODAY)
        assert_only_problems(found)
        assert bundle is None and any(p.file == name or name in str(p) for p in found)


@SLOW
@given(
    table=st.sampled_from(list(TABLE_COLUMNS)),
    row=st.integers(0, 200),
    column=st.integers(0, 20),
    value=cells,
    day=st.dates(date(1990, 1, 1), date(2040, 1, 1)),
)
def test_any_cell_edit_gives_problems_or_a_bundle_that_answers(
    shared: LayersCopy, table: str, row: int, column: int, value: str, day: date
) -> None:
    with restored(shared.root):
        rows = shared.rows(table)
        key = TABLE_COLUMNS[table][column % len(TABLE_COLUMNS[table])]
        rows[row % len(rows)][key] = value
        shared.write_rows(table, rows)
        found, bundle = geo.inspect_layers(shared.root, today=TODAY)
        assert_only_problems(found)
        if bundle is not None:
            latest = latest_day(bundle.researched, TODAY)
            assert all(f.date <= latest and (f.end is None or f.end <= latest) for f in bundle.facts)
            from geo import report

            json.dumps(report.state_dict(bundle, day))


@SLOW
@given(layer=mutated(), day=st.dates(date(2000, 1, 1), date(2030, 1, 1)))
def test_a_broken_real_layer_gives_problems_or_a_bundle_that_answers(
    shared: LayersCopy, layer: tuple[str, dict[str, Any]], day: date
) -> None:
    name, data = layer
    with restored(shared.root):
        shared.write_geojson(name, data)  # with a fresh manifest: only the layer is wrong
        found, bundle = geo.inspect_layers(shared.root, today=TODAY)
        assert_only_problems(found)
        if bundle is not None:
            from geo import report

            json.dumps(report.state_dict(bundle, day))
            report.state_text(bundle, day)


# ---- the timeline ---------------------------------------------------------------------------

ZONES = ("strip", "corridor", "crossing")  # corridor and crossing lie within the strip
ACTORS = ("IDF", "Hamas", "Egypt")
days = st.dates(date(2020, 1, 1), date(2020, 3, 1)) | st.dates(date(1900, 1, 1), date(2100, 1, 1))


@st.composite
def fact_lists(draw: st.DrawFn) -> list[Fact]:
    out = []
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from([k for k in KINDS if k != "agreement"]))
        status = {"presence": PRESENCE_STATUSES, "demand": POSITIONS, "event": ("",)}[kind]
        start = draw(days)
        end = draw(st.none() | st.integers(1, 400).map(lambda n, s=start: s + timedelta(days=n)))
        out.append(
            Fact(
                id=f"T{i}",
                date=start,
                precision="day",
                end=end,
                kind=kind,
                zone=draw(st.sampled_from(ZONES)),
                actors=tuple(draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2, unique=True))),
                status=draw(st.sampled_from(status)),
                summary="",
                source_id="S1",
                confidence="high",
            )
        )
    return out


@FUZZ
@given(facts=fact_lists(), on=days)
def test_state_at_never_raises_and_never_shows_a_later_fact(facts: list[Fact], on: date) -> None:
    timeline = Timeline(facts, within={"corridor": "strip", "crossing": "strip"})
    state = timeline.state_at(on)
    dated = {f.id: f.date for f in facts}
    for p in state.presence:
        assert isinstance(p, Presence) and p.since <= on and p.present_since <= on
        # A withdrawal with no row before it implies presence from the data's start: the one
        # later row a day may name, and it says so (``implied_by``).
        assert dated[p.fact] <= on or p.fact == p.implied_by
    for d in state.left:
        assert isinstance(d, Departure) and d.on <= on
    for pos in (*state.demands, *state.aged, *state.overtaken):
        assert pos.since <= on and all(dated[s] <= on for s in pos.statements)
        assert pos.overtaken is None or pos.overtaken.on <= on
        assert pos.met is None or pos.met.on <= on
    assert all(e.date <= on for e in state.events)
    timeline.changes_on(on)


# ---- what reaches the terminal ----------------------------------------------------------------


hostile_text = st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Lo", "Ll", "Zs"]))


@FUZZ
@given(value=json_values | hostile_text | st.lists(hostile_text, max_size=3))
def test_printed_text_carries_no_control_and_json_keeps_its_meaning(value: Any) -> None:
    from geo.terminal import UNSAFE, json_safe, terminal_safe

    text = json.dumps(value, ensure_ascii=False)
    safe = json_safe(text)
    assert not UNSAFE.search(safe)
    assert json.dumps(json.loads(safe)) == json.dumps(json.loads(text))  # the same document
    assert not UNSAFE.search(terminal_safe(str(value)))
    line = terminal_safe(str(value), one_line=True)
    assert not UNSAFE.search(line) and "\n" not in line and "\t" not in line


# ---- what people type: dates and links ------------------------------------------------------


@FUZZ
@given(text=date_texts)
def test_parse_day_gives_a_date_or_a_date_error(text: str) -> None:
    try:
        day: date | None = parse_day(text)
    except DateError as e:
        day, message = None, str(e)
    if day is None:
        assert repr(text) in message
    else:
        assert isinstance(day, date) and day.isoformat() == text.strip()


@FUZZ
@given(day=st.dates())
def test_parse_day_reads_every_iso_date(day: date) -> None:
    assert parse_day(day.isoformat()) == day


params = st.dictionaries(
    st.sampled_from(["date", "layers", "actors", "view"]) | st.text(max_size=6),
    st.text(max_size=40) | st.lists(st.text(max_size=20), max_size=3) | date_texts,
    max_size=6,
)
KNOWN = ["IDF", "Hamas", "Egypt"]


def assert_valid_view(view: urlstate.View) -> None:
    assert isinstance(view.date, date)
    assert set(view.overlays) <= set(urlstate.OVERLAYS)
    assert view.actors is None or set(view.actors) <= set(KNOWN)
    if view.center is not None:
        lat, lon = view.center
        assert urlstate.LAT_RANGE[0] <= lat <= urlstate.LAT_RANGE[1]
        assert urlstate.LON_RANGE[0] <= lon <= urlstate.LON_RANGE[1]
        assert view.zoom is not None and urlstate.ZOOM_RANGE[0] <= view.zoom <= urlstate.ZOOM_RANGE[1]


@FUZZ
@given(query=params)
def test_any_query_string_gives_a_view_and_warnings(query: dict[str, Any]) -> None:
    view, warnings = urlstate.parse(query, default_date=TODAY, actors=KNOWN)
    assert_valid_view(view)
    assert all(w.key.startswith("url.") and w.param in query for w in warnings)
    again, _ = urlstate.parse(view.to_params(), default_date=TODAY, actors=KNOWN)
    assert (again.date, again.overlays, again.actors) == (view.date, view.overlays, view.actors)


map_states = (
    st.fixed_dictionaries(
        {},
        optional={
            "date": date_texts | json_values,
            "overlays": st.lists(st.sampled_from(["presence", "demands", "tanks"]), max_size=3) | json_values,
            "actors": st.lists(st.sampled_from([*KNOWN, "Atlantis"]), max_size=3) | json_values,
            "view": st.lists(numbers | st.booleans(), min_size=3, max_size=3) | json_values,
        },
    )
    | json_values
)


@FUZZ
@given(state=map_states)
def test_any_map_report_gives_a_view(state: Any) -> None:
    fallback = urlstate.View(date=TODAY)
    view = urlstate.from_map(state, fallback=fallback, actors=KNOWN)
    assert_valid_view(view)
