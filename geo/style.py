"""Colours, dash patterns and hatching: pure data, so that no meaning rests on hue alone.

* Actors get Okabe-Ito colours (safe for the common colour-vision deficiencies), and every chip
  also names the actor in text.
* Presence is shown by diagonal hatching in the actor's colour; no force present, no hatching.
  In print (:mod:`geo.snapshot`), where a page may be photocopied in black and white, each
  force also gets its own hatch pattern (:func:`actor_hatches`).
* Geometry quality is shown by the edge: dashed for schematic or approximate geometry, solid for
  lines derived from OpenStreetMap or published coordinates.
* Positions carry a symbol and a word, never a colour alone.
"""

from __future__ import annotations

from typing import Final

OKABE_ITO: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")

ACTOR_COLOURS: Final = {
    "IDF": "#0072B2",
    "Israel_government": "#56B4E9",
    "Hamas": "#009E73",
    "Egypt": "#E69F00",
    "United_States": "#CC79A7",
    "Qatar": "#D55E00",
    "mediators": "#F0E442",
    "EU": "#666666",
    "UN": "#332288",
    "Palestinian_Authority": "#882255",
}
# Paul Tol's muted and dark schemes: distinct from the fixed colours above. With more actors
# than colours, hue repeats; no meaning rests on colour alone (every chip and swatch is named).
FALLBACK_COLOURS: Final = (
    "#44AA99",
    "#AA4499",
    "#999933",
    "#117733",
    "#88CCEE",
    "#DDCC77",
    "#661100",
    "#6699CC",
    "#AA4466",
    "#4477AA",
    "#228833",
    "#BBBBBB",
)

POSITION_SYMBOLS: Final = {
    "remain": "■",
    "withdraw": "↩",
    "monitoring": "◉",
    "international_force": "✚",
    "open": "⇄",
    "other": "…",
}

# Hatch patterns for print, in matplotlib's notation (a character repeated is denser): the first
# is the app's diagonal. Two forces in one zone overlay their patterns, so no pattern here is two
# others overlaid (no cross-hatch: "///" over the backslashes reads as those two forces).
HATCHES: Final = ("///", "...", "|||", "ooo", "---", "\\\\\\", "**", "OO")

DASH_SCHEMATIC: Final = "6 4"
DASHED_QUALITIES: Final = ("schematic", "approximate")

STATIC_STYLES: Final = {
    "land": {"color": "#b9b3a6", "weight": 0.5, "fillColor": "#ece7dc", "fillOpacity": 1.0},
    "strip": {"color": "#3a3a3a", "weight": 1.5, "fillColor": "#fbf8f1", "fillOpacity": 1.0},
    "international_border": {"color": "#222222", "weight": 3.0, "dashArray": None},
    "armistice_line": {"color": "#222222", "weight": 2.5, "dashArray": "10 4 2 4"},
    "coastline": {"color": "#4a7fa5", "weight": 1.5, "dashArray": None},
    "axis": {"color": "#555555", "weight": 1.5, "dashArray": "2 4"},
}
SEA_COLOUR: Final = "#cfe3ee"


def actor_colours(actor_ids: list[str]) -> dict[str, str]:
    """A colour per actor: the fixed ones first, then a fallback cycle for new actors.

    >>> actor_colours(["IDF", "Turkey"])
    {'IDF': '#0072B2', 'Turkey': '#44AA99'}
    """
    out: dict[str, str] = {}
    spare = iter(FALLBACK_COLOURS * (len(actor_ids) // len(FALLBACK_COLOURS) + 1))
    for a in actor_ids:
        out[a] = ACTOR_COLOURS.get(a) or next(spare)
    return out


def actor_hatches(actor_ids: list[str]) -> dict[str, str]:
    """A hatch pattern per actor, in the order given; with more actors than patterns, they repeat.

    >>> actor_hatches(["IDF", "EU"])
    {'IDF': '///', 'EU': '...'}
    """
    return {a: HATCHES[i % len(HATCHES)] for i, a in enumerate(actor_ids)}


def text_colour(background: str) -> str:
    """Black or white text, whichever contrasts more with ``background`` (WCAG luminance).

    >>> text_colour("#F0E442"), text_colour("#0072B2")
    ('#000000', '#ffffff')
    """
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def edge_dash(quality: str) -> str | None:
    """Dashed edges for geometry that is not surveyed or derived from a sourced line."""
    return DASH_SCHEMATIC if quality in DASHED_QUALITIES else None
