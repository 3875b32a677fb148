"""Printable snapshots: images that decode at the size asked, carry their text as text, say
who was where and who demanded what (attributed, sourced), respect the switched-off layers,
stay readable in black and white, and keep hostile data as escaped text."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import geo
from geo import report, snapshot
from geo.cli import EXIT_OK, EXIT_USAGE, main
from geo.i18n import t
from geo.style import ACTOR_COLOURS, HATCHES, SEA_COLOUR, STATIC_STYLES, actor_hatches
from geo.urlstate import View
from tests.conftest import LayersCopy

ROOT = Path(__file__).resolve().parent.parent
SMALL = (600, 400)
DAY = date(2024, 8, 22)
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> </text> -- $x^2$ & "q"'


def svg_of(bundle: geo.Bundle, view: View) -> bytes:
    return snapshot.render(bundle, view, fmt="svg", size=SMALL)


def texts(svg: bytes) -> str:
    """Every text element of the SVG in document order, joined by spaces (wrapped lines of one
    sentence come out whole again)."""
    root = ET.fromstring(svg)
    return " ".join(e.text or "" for e in root.iter(f"{SVG_NS}text"))


def rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def share_near(image: Image.Image, colour: str, tolerance: int = 6) -> float:
    """The share of the image's pixels within ``tolerance`` of ``colour`` on every channel."""
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    near = (np.abs(pixels - np.array(rgb(colour))) <= tolerance).all(axis=2)
    return float(near.mean())


@pytest.fixture(scope="module")
def day_svg(bundle: geo.Bundle) -> bytes:
    return svg_of(bundle, View(DAY))


def test_png_decodes_at_the_size_asked_and_is_not_blank(bundle: geo.Bundle) -> None:
    png = snapshot.render(bundle, View(DAY), fmt="png", size=SMALL)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == SMALL
    assert len(np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0)) > 50
    # The sea, the neighbouring land and the strip are all there, and the strip is not the sea.
    assert share_near(image, SEA_COLOUR) > 0.02
    assert share_near(image, str(STATIC_STYLES["land"]["fillColor"])) > 0.02
    assert share_near(image, str(STATIC_STYLES["strip"]["fillColor"])) > 0.01


def test_other_sizes_and_a_portrait_page_keep_the_size_asked(bundle: geo.Bundle) -> None:
    for size in ((333, 201), (500, 700)):
        png = snapshot.render(bundle, View(DAY), size=size)
        assert Image.open(io.BytesIO(png)).size == size
    svg = svg_of(bundle, View(DAY))
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("600", "400")


def test_svg_carries_title_date_legend_caption_sources_and_attribution(
    bundle: geo.Bundle, day_svg: bytes
) -> None:
    text = texts(day_svg)
    assert t("app.title") in text
    assert "As of 22 Aug 2024" in text
    assert f"Data to {bundle.data_as_of.day} {bundle.data_as_of:%b %Y}" in text
    # The legend: forces present, and what the edges mean.
    for key in ("ui.legend_forces", "map.legend_dashed", "snap.legend_left", "map.legend_border"):
        assert t(key) in text, key
    assert "Israel Defense Forces (IDF)" in text
    # The caption, line by line, and the claim attributed to who made it.
    lines = snapshot.caption(bundle, View(DAY))
    assert lines and all(line in text for line in lines)
    assert any(line.startswith("Egypt: Israeli forces should withdraw") for line in lines)
    # The sources the caption cites, by publisher.
    listed = snapshot.sources(bundle, View(DAY))
    assert listed and all(s in text for s in listed)
    state = report.state_dict(bundle, DAY)
    for zone in ("philadelphi", "netzarim"):
        for p in state["zones"][zone]["demands"]:
            assert state["facts"][p["fact"]]["source"]["publisher"] in text
    assert "© OpenStreetMap contributors, ODbL" in text
    assert "CC BY 4.0" in text


def test_every_citation_has_its_source_and_every_source_is_cited(bundle: geo.Bundle) -> None:
    for on in (DAY, date(2025, 3, 20), bundle.data_as_of):
        view = View(on)
        cited = {int(n) for line in snapshot.caption(bundle, view) for n in re.findall(r"\[(\d+)[,\]]", line)}
        numbered = [int(s[1 : s.index("]")]) for s in snapshot.sources(bundle, view)]
        assert numbered == list(range(1, len(numbered) + 1))
        assert cited == set(numbered), on


def test_a_switched_off_party_is_neither_drawn_nor_in_the_caption(bundle: geo.Bundle) -> None:
    without_idf = View(DAY, actors=("Egypt", "Hamas"))
    lines = snapshot.caption(bundle, without_idf)
    assert not any("Israel Defense Forces" in line for line in lines)
    assert any(line.startswith("Egypt:") for line in lines)
    assert any(line.startswith("Hamas:") for line in lines)
    text = texts(svg_of(bundle, without_idf))
    assert "Israel Defense Forces (IDF)" not in text  # not in the legend or the caption
    assert "IDF: present" not in text  # nor on the zone labels
    assert t("snap.forces_off") in text
    only_idf = snapshot.caption(bundle, View(DAY, actors=("IDF",)))
    assert any(line.startswith("Israel Defense Forces (IDF): present") for line in only_idf)
    assert not any(line.startswith(("Egypt", "Hamas")) for line in only_idf)


def test_overlays_switch_presence_and_demands(bundle: geo.Bundle) -> None:
    presence_only = snapshot.caption(bundle, View(DAY, overlays=("presence",)))
    assert any(": present" in line for line in presence_only)
    assert not any("should withdraw" in line or "should stay" in line for line in presence_only)
    demands_only = snapshot.caption(bundle, View(DAY, overlays=("demands",)))
    assert any("Egypt: Israeli forces should withdraw" in line for line in demands_only)
    assert not any(": present" in line for line in demands_only)
    text = texts(svg_of(bundle, View(DAY, overlays=("demands",))))
    assert "IDF: present" not in text and "Israel Defense Forces (IDF)" not in text


def test_a_date_past_the_data_says_so(bundle: geo.Bundle) -> None:
    later = bundle.data_as_of + timedelta(days=200)
    lines = snapshot.caption(bundle, View(later))
    assert lines[0] == report.notice(bundle, later)
    text = texts(svg_of(bundle, View(later)))
    assert lines[0] in text
    assert f"Data to {bundle.data_as_of.day} {bundle.data_as_of:%b %Y}" in text
    # A day inside the data has no such notice.
    assert report.notice(bundle, DAY) is None
    assert not snapshot.caption(bundle, View(DAY))[0].startswith("Documented to")


def test_forces_are_told_apart_by_hatch_not_only_by_colour(bundle: geo.Bundle) -> None:
    # 1 Feb 2025: the IDF, the mediators and the EU are each present somewhere.
    on = date(2025, 2, 1)
    forces = {p.actor for p in bundle.state_at(on).presence}
    assert len(forces) >= 3
    root = ET.fromstring(svg_of(bundle, View(on)))
    hatch_shapes = {
        path.get("d") for pattern in root.iter(f"{SVG_NS}pattern") for path in pattern.iter(f"{SVG_NS}path")
    }
    assert len(hatch_shapes) >= len(forces)  # one pattern geometry per force, not one recoloured
    # On a photocopy, thin hatching in a light colour vanishes: the ink is dark enough on paper.
    for colour in ACTOR_COLOURS.values():
        ink = snapshot.ink(colour)
        assert 1.05 / (snapshot._luminance(ink) + 0.05) >= snapshot.MIN_INK_CONTRAST, colour
    assert len(set(actor_hatches([f"a{i}" for i in range(len(HATCHES))]).values())) == len(HATCHES)


def test_hostile_strings_stay_escaped_text_in_valid_svg(layers_copy: LayersCopy) -> None:
    # T023 is the mediators' "other" position on the strip on 22 Aug 2024: its statement is shown.
    layers_copy.edit_row("timeline.csv", "id", "T023", summary="The mediators said " + HOSTILE)
    layers_copy.edit_row("zones.csv", "id", "netzarim", name="Netzarim " + HOSTILE)
    source = next(r["source_id"] for r in layers_copy.rows("timeline.csv") if r["id"] == "T023")
    layers_copy.edit_row("sources.csv", "id", source, publisher="Pub " + HOSTILE)
    bundle = geo.load_bundle(layers_copy.root)
    svg = svg_of(bundle, View(DAY))
    root = ET.fromstring(svg)  # valid XML
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert b"<script" not in svg and b"&lt;script&gt;" in svg
    text = texts(svg)
    assert "Netzarim " + HOSTILE in text  # the zone's name, in the caption and on its label
    assert "The statement: The mediators said " + HOSTILE in text
    assert "Pub " + HOSTILE in text
    assert "$x^2$" in text  # not read as mathematics


def test_extent_fits_a_zone_or_a_box_and_refuses_what_it_cannot_fit(bundle: geo.Bundle) -> None:
    for extent in ("philadelphi", "rafah_crossing", (34.2, 31.2, 34.4, 31.35)):
        png = snapshot.render(bundle, View(DAY), size=SMALL, extent=extent)
        assert Image.open(io.BytesIO(png)).size == SMALL
    for bad in ("nowhere", "yellow_line", "morag", (0.0, 0.0, 1.0, 1.0), (34.4, 31.2, 34.2, 31.35)):
        with pytest.raises(snapshot.SnapshotError):
            snapshot.render(bundle, View(DAY), size=SMALL, extent=bad)
    with pytest.raises(snapshot.SnapshotError, match="format"):
        snapshot.render(bundle, View(DAY), fmt="gif", size=SMALL)
    with pytest.raises(snapshot.SnapshotError, match="size"):
        snapshot.render(bundle, View(DAY), size=(10, 10))


def test_command_writes_png_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, svg = tmp_path / "map.png", tmp_path / "map.svg"
    common = ["--date", "2024-08-22", "--size", "600x400"]
    assert main(["snapshot", *common, "--out", str(png)]) == EXIT_OK
    with Image.open(png) as image:
        assert image.size == SMALL
    filtered = ["--actors", "Egypt", "--overlays", "demands"]
    assert main(["snapshot", *common, "--out", str(svg), *filtered]) == EXIT_OK
    assert "Israel Defense Forces (IDF)" not in texts(svg.read_bytes())
    out = tmp_path / "any.name"
    zoomed = ["--format", "svg", "--extent", "philadelphi"]
    assert main(["snapshot", *common, "--out", str(out), *zoomed]) == EXIT_OK
    ET.fromstring(out.read_bytes())
    assert "600x400" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    "options",
    [
        ["--out", "{tmp}/map.gif"],
        ["--out", "{tmp}/map.png", "--format", "jpeg"],
        ["--out", "{tmp}/map.png", "--size", "big"],
        ["--out", "{tmp}/map.png", "--size", "20x20"],
        ["--out", "{tmp}/map.png", "--extent", "nowhere"],
        ["--out", "{tmp}/map.png", "--extent", "34,31,35"],
        ["--out", "{tmp}/map.png", "--extent", "34,31,x,32"],
        ["--out", "{tmp}/map.png", "--actors", "Nobody"],
        ["--out", "{tmp}/map.png", "--overlays", "roads"],
        ["--out", "{tmp}/no/such/folder/map.png"],
    ],
)
def test_command_rejects_bad_options_with_exit_2(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [o.replace("{tmp}", str(tmp_path)) for o in options]
    assert main(["snapshot", "--date", "2024-08-22", *args]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*.png"))


def test_command_bad_input_gives_no_traceback(tmp_path: Path) -> None:
    for args in (
        ["--date", "2024-13-01", "--out", str(tmp_path / "a.png")],
        ["--date", "2024-08-22", "--out", str(tmp_path)],  # a folder, not a file
    ):
        r = subprocess.run(
            [sys.executable, "-m", "geo", "snapshot", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert r.returncode == EXIT_USAGE, r.stderr
        assert "Traceback" not in r.stderr and "error" in r.stderr


def test_importing_geo_does_not_import_matplotlib() -> None:
    code = "import sys, geo, geo.snapshot, geo.cli; print('matplotlib' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0 and r.stdout.strip() == "False", r.stderr


def test_a_source_published_after_the_day_says_it_is_a_later_report(bundle: geo.Bundle) -> None:
    marker = t("ui.published_later")
    for on in (DAY, date(2025, 3, 20), bundle.data_as_of):
        for line in snapshot.sources(bundle, View(on)):
            sid_facts = re.findall(r"\(([^()]*)\)$", line)[-1].split(", ")
            published = {bundle.source_of(bundle.fact(f)).published for f in sid_facts}
            later = any(p is not None and p > on for p in published)
            assert (marker in line) is later, line


def test_the_sea_and_the_neighbours_are_named_inside_the_map(bundle: geo.Bundle) -> None:
    root = ET.fromstring(svg_of(bundle, View(DAY)))
    alone = {(e.text or "").strip() for e in root.iter(f"{SVG_NS}text")}  # a name as its own text
    assert {"Mediterranean Sea", "Egypt", "Israel"} <= alone
