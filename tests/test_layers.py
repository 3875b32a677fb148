"""The bundled layers: their papers (manifest, sources, licences) and sanity bounds."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from geo import settings
from geo.bundle import Bundle
from geo.io import count_items, sha256_of
from geo.measure import area_km2, length_km
from tests.conftest import LAYERS

README = (LAYERS / "README.md").read_text(encoding="utf-8")
MANIFEST = json.loads((LAYERS / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda e: e["file"])
def test_manifest_matches_each_file(entry: dict[str, object]) -> None:
    path = LAYERS / str(entry["file"])
    assert sha256_of(path) == entry["sha256"]
    assert count_items(path) == entry["count"]
    assert entry["licence"] and entry["source"] and entry["title"]


def test_osm_layers_carry_the_attribution() -> None:
    for entry in MANIFEST["files"]:
        if "ODbL" in entry["licence"]:
            assert "© OpenStreetMap contributors" in entry["attribution"]
    assert "© OpenStreetMap contributors" in README


def test_the_bundled_layers_validate_today(bundle: Bundle) -> None:
    from geo import inspect_layers

    problems, _ = inspect_layers(LAYERS, today=date.today())
    assert problems == []
    assert bundle.facts and all(f.date <= date.today() for f in bundle.facts)


def test_strip_area_is_about_360_to_365_km2(bundle: Bundle) -> None:
    assert 360 <= area_km2(bundle.strip) <= 365


def test_egypt_border_is_about_12_7_to_13_km(bundle: Bundle) -> None:
    assert 12.6 <= length_km(bundle.features["egypt_gaza_border"].geometry) <= 13.0


def test_netzarim_axis_is_about_6_5_to_6_8_km(bundle: Bundle) -> None:
    assert 6.5 <= length_km(bundle.features["netzarim_axis"].geometry) <= 6.8


def test_borders_add_up_to_the_perimeter(bundle: Bundle) -> None:
    total = sum(length_km(f.geometry) for f in bundle.layer("borders"))
    assert total == pytest.approx(114.12, abs=0.05)


def test_places_have_arabic_and_hebrew_names(bundle: Bundle) -> None:
    for f in bundle.layer("places"):
        assert re.search("[\u0600-\u06ff]", f.properties["name_ar"]), f.id
        assert re.search("[\u0590-\u05ff]", f.properties["name_he"]), f.id


def test_philadelphi_carries_both_names(bundle: Bundle) -> None:
    name = bundle.zones["philadelphi"].name
    assert "Philadelphi" in name and "Salah al-Din" in name


def test_every_fact_has_a_full_source_and_confidence(bundle: Bundle) -> None:
    for f in bundle.facts:
        s = bundle.source_of(f)
        assert s.title and s.publisher and s.url.startswith("https://"), f.id
        assert f.confidence in settings.CONFIDENCES


def test_every_other_position_says_what_was_asked(bundle: Bundle) -> None:
    # An 'other' chip would otherwise read "another position": its gist is its words.
    other = [f for f in bundle.facts if f.kind == "demand" and f.status == settings.OPEN_POSITION]
    bare = [f.id for f in other if not f.gist]
    assert bare == []


def test_every_vocabulary_value_is_documented() -> None:
    values = (
        settings.KINDS
        + settings.PRECISIONS
        + settings.CONFIDENCES
        + settings.PRESENCE_STATUSES
        + settings.POSITIONS
        + settings.FEATURE_QUALITIES
        + settings.EXTENT_QUALITIES
        + settings.EXTENT_SHAPES
        + settings.ZONE_GEOMETRIES
        + settings.ACTOR_KINDS
    )
    missing = [v for v in values if f"`{v}`" not in README]
    assert missing == []


def test_every_column_is_documented() -> None:
    for name, columns in settings.TABLE_COLUMNS.items():
        section = README.split(f"### `{name}`", 1)
        assert len(section) == 2, f"no section for {name}"
        body = section[1].split("\n### ", 1)[0]
        assert [c for c in columns if f"`{c}`" not in body] == [], name


def test_corrections_to_the_shared_data_are_noted(bundle: Bundle) -> None:
    t045 = bundle.fact("T045")
    assert t045.kind == "event" and "presence" in t045.note
    assert "T045" in README
