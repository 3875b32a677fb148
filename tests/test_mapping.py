"""The map builder: its payload as data, and the rendered page as text."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

import geo
from geo import mapping
from geo.bundle import Bundle
from geo.urlstate import View
from tests.conftest import LayersCopy

VIEW = View(date(2024, 8, 22))


@pytest.fixture(scope="module")
def page(bundle: Bundle) -> str:
    return mapping.map_html(bundle, view=VIEW)


def embedded_payload(page: str) -> dict[str, object]:
    """Every date's state: a data block, never run, that the client reads with JSON.parse."""
    assert re.search(r'gcmInit\(\w+, JSON\.parse\(document\.getElementById\("gcm-data"\)', page), (
        "the dated layers are not initialised from the data block"
    )
    match = re.search(r'<script type="application/json" id="gcm-data">([^<]*)</script>', page)
    assert match, "the page has no data block"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def embedded_view(page: str) -> dict[str, object]:
    """The view the page opens on: its data block, as the client reads it (JSON.parse)."""
    match = re.search(r'<script type="application/json" id="gcm-view">([^<]*)</script>', page)
    assert match, "the page has no view block"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_page_is_self_contained(page: str) -> None:
    assert re.search(r"<script[^>]+src=", page) is None
    assert re.search(r"<link[^>]+href=", page) is None
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page and "bootstrap" not in page
    assert "L.map(" in page and "1.9.3" in page  # Leaflet inlined from XStatic-Leaflet
    assert "url(images/" not in page  # Leaflet's own images inlined too


def test_page_is_accessible_at_the_root(page: str) -> None:
    assert '<html lang="en">' in page and "<title>Gaza Corridors Map</title>" in page
    assert "user-scalable=no" not in page and "maximum-scale" not in page


def test_payload_embeds_every_date(page: str, bundle: Bundle) -> None:
    data = embedded_payload(page)
    assert data["days"] == [d.isoformat() for d in bundle.timeline.change_dates]
    assert data["dataAsOf"] == bundle.data_as_of.isoformat()
    assert data["attribution"] == "© OpenStreetMap contributors"
    held = ["philadelphi", "IDF", "2024-05-29", None, "established", "T018", "2024-05-29", [], None]
    assert held in data["presence"]
    assert any(r[0] == "netzarim" and r[1] == "IDF" and r[4] == "2025-02-09" for r in data["left"])
    assert {g["id"] for g in data["agreements"]} == set(bundle.agreements)
    netzarim = [(s["from"], s["to"], s["width_m"]) for s in data["shapes"] if s["zone"] == "netzarim"]
    assert netzarim == [
        ("2023-11-05", "2024-07-01", 2000),
        ("2024-07-01", "2024-12-02", 4000),
        ("2024-12-02", None, 7000),
    ]
    assert all(s["dash"] for s in data["shapes"] if s["quality"] == "schematic")
    assert set(data["facts"]) == {f.id for f in bundle.facts}
    t018 = data["facts"]["T018"]
    assert data["sources"][t018["source"]]["publisher"] == "Israel Defense Forces"
    assert "initial" not in data  # the view is data outside the script (its hash must not change)
    assert embedded_view(page)["date"] == "2024-08-22"
    assert data["zones"]["yellow_line"]["mapped"] is False


def test_the_map_starts_without_a_view_and_the_client_sets_it(page: str) -> None:
    """folium's centre is left out of L.map, so the layers are drawn once, at the view the
    client sets; the client has a plain one (G.home) for a frame with no size yet."""
    made = re.search(r"L\.map\(\s*\"map_[0-9a-f]+\",\s*\{(.*?)\}\s*\);", page, re.S)
    assert made is not None
    assert "center" not in made.group(1)
    lat, lon, zoom = embedded_payload(page)["home"]
    assert 31.2 < lat < 31.6 and 34.2 < lon < 34.6 and 8 <= zoom <= 17


def test_static_layers_are_drawn_with_both_names(page: str) -> None:
    assert "Egypt–Gaza border" in page and "الحدود المصرية مع قطاع غزة" in page
    assert "10 4 2 4" in page  # the 1949 line's dash pattern
    data = embedded_payload(page)
    rafah = next(p for p in data["places"] if p["id"] == "rafah_crossing")  # type: ignore[union-attr]
    assert (rafah["name_ar"], rafah["name_he"]) == ("معبر رفح", "מעבר רפיח")


def test_the_initial_view_is_honoured(bundle: Bundle) -> None:
    view = View(date(2025, 2, 10), ("demands",), ("Hamas",), (31.3, 34.3), 12)
    assert embedded_view(mapping.map_html(bundle, view=view)) == {
        "date": "2025-02-10",
        "overlays": ["demands"],
        "actors": ["Hamas"],
        "view": [31.3, 34.3, 12],
        "version": None,
        "lesson": None,
        "step": None,
        "warnings": [],
    }


HOSTILE = "</script><script>alert('x')</script>`${alert(1)}`\\"


def test_hostile_strings_cannot_break_out(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T018", summary=HOSTILE)
    layers_copy.edit_row("zones.csv", "id", "netzarim", name=HOSTILE)
    data = layers_copy.geojson("borders.geojson")
    data["features"][0]["properties"]["name"] = HOSTILE
    layers_copy.write_geojson("borders.geojson", data)
    page = mapping.map_html(geo.load_bundle(layers_copy.root), view=VIEW)
    assert "<script>alert(" not in page
    # folium puts tooltips in JS template literals: backtick, ${ and \ must arrive escaped.
    assert (
        "&lt;/script&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&#96;&#36;&#123;alert(1)&#125;&#96;&#92;"
        in page
    )
    for literal in re.findall(r"bindTooltip\(\s*`(.*?)`,", page, re.S):
        assert "`" not in literal and "${" not in literal
    payload = embedded_payload(page)
    assert payload["facts"]["T018"]["summary"] == HOSTILE  # intact as data, drawn with textContent
    assert payload["zones"]["netzarim"]["name"] == HOSTILE


def test_escape_covers_template_literals() -> None:
    assert mapping.escape("`${x}`\\") == "&#96;&#36;&#123;x&#125;&#96;&#92;"
    assert mapping.script_json({"a": "</script>\u2028"}) == '{"a":"\\u003c/script\\u003e\\u2028"}'


def test_map_script_builds_text_without_inner_html() -> None:
    js = mapping.client_js()
    assert ".innerHTML =" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_the_base_page_takes_any_initial_view(bundle: Bundle) -> None:
    base = mapping.base_html(bundle)
    view = View(date(2025, 2, 10), ("demands",), ("Hamas",), (31.3, 34.3), 12)
    assert embedded_view(base) == {}  # the client's defaults
    page = mapping.with_view(base, view, ["The link's date was bad"])
    assert embedded_view(page) == {**view.to_json(), "warnings": ["The link's date was bad"]}
    assert embedded_payload(page) == embedded_payload(base)  # the script is the same for every link
    with pytest.raises(RuntimeError, match="no view block"):
        mapping.with_view("<html><head></head><body></body></html>", view)


@pytest.mark.parametrize("name", [*mapping.CLIENT_MODULES, "bridge.js"])
def test_map_script_parses(name: str) -> None:
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    r = subprocess.run(
        [node, "--check", str(mapping.ASSETS / name)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr


def test_template_syntax_in_the_data_stays_text(layers_copy: LayersCopy, tmp_path: object) -> None:
    """folium renders elements as Jinja templates twice: data text must never reach Jinja, or
    "{{ ... }}" in a summary, a name or a lesson would run as code when the page is built."""
    from pathlib import Path

    canary = Path(str(tmp_path)) / "ran"
    payload = (
        "{{ cycler.__init__.__globals__.os.system('touch "
        + str(canary)
        + "') }} {{7*7}} {% if 1 %}x{% endif %}"
    )
    layers_copy.edit_row("timeline.csv", "id", "T028", summary=payload)
    borders = layers_copy.geojson("borders.geojson")
    borders["features"][0]["properties"]["name"] = "{{7*7}} {% raw %}"
    layers_copy.write_geojson("borders.geojson", borders)
    lesson_file = layers_copy.root / "lessons" / "corridors.json"
    lesson = json.loads(lesson_file.read_text(encoding="utf-8"))
    lesson["title"] = "{{ 6*7 }}"
    lesson_file.write_text(json.dumps(lesson), encoding="utf-8")
    page = mapping.map_html(geo.load_bundle(layers_copy.root), view=View(date(2024, 8, 22)))
    assert not canary.exists()
    data = embedded_payload(page)
    assert data["facts"]["T028"]["summary"] == payload  # type: ignore[index]
    assert data["lessons"][0]["title"] == "{{ 6*7 }}"  # type: ignore[index]
    assert "&#123;&#123;7*7&#125;&#125; &#123;% raw %&#125;" in page  # the tooltip, as HTML text


def test_the_same_data_makes_the_same_page_in_every_process(bundle: Bundle) -> None:
    """No random element ids: replicas behind a proxy serve one file under one content hash."""
    assert mapping.base_html(bundle, tiles=True) == mapping.base_html(bundle, tiles=True)


def test_a_ranged_copy_keeps_whole_lessons_only_so_step_numbers_never_change() -> None:
    lesson = {"id": "a", "steps": [{"date": "2024-05-29"}, {"date": "2024-09-03"}]}
    wide = {"id": "b", "steps": [{"date": "2005-09-12"}, {"date": "2024-05-29"}]}
    kept = mapping._lessons_within([lesson, wide], (date(2024, 5, 1), date(2024, 12, 31)))
    assert kept == [lesson]  # b is left out whole, not renumbered from its second step
    assert mapping._lessons_within([lesson, wide], None) == [lesson, wide]


def test_a_name_may_move_within_its_own_land_or_sea_only(page: str, bundle: Bundle) -> None:
    from shapely.geometry import Point, Polygon

    labels = {lb["name"]: lb for lb in embedded_payload(page)["labels"]}  # type: ignore[union-attr]
    lands = {
        f.properties["name"]: f.geometry
        for f in bundle.layer("background")
        if f.properties.get("kind") == "land"
    }
    for name, lb in labels.items():
        region = [Polygon(ring) for ring in lb["region"]]
        assert region and any(r.contains(Point(lb["lon"], lb["lat"])) for r in region), name
        for r in region:  # a name never goes onto the strip, nor into another land
            assert r.intersection(bundle.strip).area < 0.01 * r.area, name  # edges at 100 m meet roughly
            others = [g for n, g in lands.items() if n != name]
            assert all(r.intersection(g).area < 0.02 * r.area for g in others), name
