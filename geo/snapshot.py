"""Printable snapshots of the map on a day, as PNG or SVG, for slides and printed worksheets.

The image is drawn from the project's own geometry with matplotlib's Agg backend: no web tiles,
no network. It shows the bundled background, the strip, the borders, the zones as they stood on
the day (the shapes the app draws), the towns, a title, the date, a legend, a caption written
from the day's state, the sources the caption rests on and the attribution.

Teachers photocopy in black and white, so nothing rests on colour alone: every force has a
hatch pattern as well as a colour (:func:`geo.style.actor_hatches`), edges are dashed or dotted,
and hatching is drawn dark enough to survive greyscale. The caption and the sources are also
public (:func:`caption`, :func:`sources`) so that the app can show the same text.

matplotlib is imported only when an image is drawn, so ``import geo`` stays fast.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import box as shapely_box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo._errors import GeoError
from geo.bundle import Bundle
from geo.i18n import t
from geo.measure import to_metric
from geo.report import actor_name, age_words, shape_of, state_dict
from geo.style import (
    SEA_COLOUR,
    STATIC_STYLES,
    actor_colours,
    actor_hatches,
    edge_dash,
)
from geo.urlstate import LAT_RANGE, LON_RANGE, View

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

FORMATS = ("png", "svg")
DEFAULT_SIZE = (1600, 1000)
MIN_SIZE = (300, 200)
MAX_SIZE = (8000, 8000)
Box = tuple[float, float, float, float]
"""(min_lon, min_lat, max_lon, max_lat)"""
Placed = list[tuple[float, float, str, "FontProperties", str]]
"""Lines of text laid out: x and y from the column's top left (points), text, font, colour."""

# Display names of the licence ids in manifest.json.
LICENCE_NAMES = {"ODbL-1.0": "ODbL", "CC-BY-4.0": "CC BY 4.0", "CC0-1.0": "CC0"}
# The layers the image draws, whose attribution it must carry.
DRAWN_LAYERS = ("background", "gaza_strip", "borders", "corridor_axes", "places")
TABLES_ATTRIBUTION_FILE = "timeline.csv"

UNZONED = "#8c8c8c"  # a zone no force is shown in: a faint grey tint, as in the app
EDGE = "#2b2b2b"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
# Hatching and dotted edges must stay visible on a black-and-white photocopy: an actor colour
# lighter than this contrast with white (WCAG's 3:1 for graphics) is darkened for the ink.
MIN_INK_CONTRAST = 3.0


class SnapshotError(GeoError, ValueError):
    """A snapshot was asked for with an option it cannot honour (format, size, extent)."""


# ---- the text: caption and sources ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the caption; ``kind`` is ``notice``, ``filter``, ``zone``, ``item``,
    ``statement`` or ``note`` and sets how the image draws it."""

    text: str
    kind: str


def _day(d: date | str, lang: str = "en") -> str:
    """``22 Aug 2024``, with the month from the locale, as the page writes days."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return f"{d.day} {t(f'month.{d.month}', lang)} {d.year}"


def _shown(view: View) -> Callable[[str], bool]:
    chosen = None if view.actors is None else set(view.actors)
    return lambda actor: chosen is None or actor in chosen


def _compose(bundle: Bundle, view: View, lang: str) -> tuple[list[Line], list[str]]:
    """The caption's lines and the numbered sources they cite, built together."""
    data = state_dict(bundle, view.date)
    facts: dict[str, Any] = data["facts"]
    # Departures through a zone within are said under that zone, like presence.
    derived_left = {(d.zone, d.actor) for d in bundle.state_at(view.date).left if d.derived_from}
    shown = _shown(view)
    presence_on = "presence" in view.overlays
    demands_on = "demands" in view.overlays
    numbers: dict[str, int] = {}
    cited: dict[str, list[str]] = {}

    def cite(fact_id: str) -> str:
        source_id = facts[fact_id]["source"]["id"]
        numbers.setdefault(source_id, len(numbers) + 1)
        if fact_id not in cited.setdefault(source_id, []):
            cited[source_id].append(fact_id)
        return str(numbers[source_id])

    def say(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    def confidence(level: str) -> str:
        return say(f"confidence.{level}")

    lines: list[Line] = []
    if data["notice"]:
        lines.append(Line(data["notice"], "notice"))
    if view.overlays != ("presence", "demands") or view.actors is not None:
        overlays = ", ".join(say(f"map.{o}") for o in view.overlays) or say("snap.overlays_none")
        if view.actors is None:
            parties = say("snap.all_parties")
        else:
            parties = ", ".join(actor_name(bundle, a) for a in view.actors) or say("snap.no_parties")
        lines.append(Line(say("snap.filtered", overlays=overlays, actors=parties), "filter"))
    body: list[Line] = []
    for zone_id, z in data["zones"].items():
        items: list[Line] = []
        if presence_on:
            for p in z["presence"]:
                # Presence through the zones within is said under those zones.
                if not shown(p["actor"]) or p["derived_from"]:
                    continue
                key = "text.presence_line" if p["present_since"] == p["since"] else "text.presence_run"
                if p["implied_by"]:
                    key = "text.presence_implied"
                text = say(
                    key,
                    actor=actor_name(bundle, p["actor"]),
                    status=say(f"status.{p['status']}"),
                    since=_day(p["since"], lang),
                    present_since=_day(p["present_since"], lang),
                    withdrawn=_day(facts[p["fact"]]["date"], lang),
                    fact=cite(p["fact"]),
                    confidence=confidence(p["confidence"]),
                )
                items.append(Line(text, "item"))
            for d in z["left"]:
                if shown(d["actor"]) and (zone_id, d["actor"]) not in derived_left:
                    text = say(
                        "text.left",
                        actor=actor_name(bundle, d["actor"]),
                        on=_day(d["on"], lang),
                        how=say(f"how.{d['how']}"),
                        fact=cite(d["fact"]),
                    )
                    items.append(Line(text, "item"))
            for f in z["reported_figures"]:
                if any(shown(a) for a in facts[f["fact"]]["actors"]):
                    text = say(
                        "text.figure_line",
                        counted_by=f["counted_by"],
                        wording=f["wording"],
                        date=_day(f["date"], lang),
                        fact=cite(f["fact"]),
                    )
                    items.append(Line(text, "item"))
        if demands_on:
            for p in z["demands"]:
                if not shown(p["actor"]):
                    continue
                text = say(
                    "text.demand_line",
                    actor=actor_name(bundle, p["actor"]),
                    position=p.get("gist") or say(f"position.{p['position']}"),
                    since=_day(p["since"], lang),
                    fact=cite(p["fact"]),
                    confidence=confidence(p["confidence"]),
                )
                if p["met"]:
                    text += "; " + say("text.met", on=_day(p["met"]["on"], lang), fact=cite(p["met"]["fact"]))
                items.append(Line(text, "item"))
                if p["position"] == "other":
                    summary = facts[p["fact"]]["summary"]
                    items.append(Line(say("text.statement", summary=summary), "statement"))
            for p in z["demands_aged"]:
                if shown(p["actor"]):
                    text = say(
                        "text.aged_line",
                        actor=actor_name(bundle, p["actor"]),
                        position=p.get("gist") or say(f"position.{p['position']}"),
                        last_stated=_day(p["last_stated"], lang),
                        age=age_words(p["age_days"]),
                        fact=cite(p["fact"]),
                        confidence=confidence(p["confidence"]),
                    )
                    items.append(Line(text, "item"))
        if items:
            body.append(Line(z["name"], "zone"))
            if not z["mapped"]:
                body.append(Line(say("ui.not_mapped"), "note"))
            body += items
    lines += body or [Line(say("ui.nothing"), "note")]
    listed = []
    for source_id, n in numbers.items():
        s = bundle.sources[source_id]
        listed.append(
            say(
                "snap.source_line",
                n=n,
                publisher=s.publisher,
                title=short_title(s.title),
                published=(_day(s.published, lang) if s.published else say("text.undated"))
                # A later report of the day: said, as on the page.
                + (f" ({say('ui.published_later')})" if s.published and s.published > view.date else ""),
                facts=", ".join(cited[source_id]),
            )
        )
    return lines, listed


TITLE_MAX = 90


def short_title(title: str, limit: int = TITLE_MAX) -> str:
    """A title cut at a word for a short citation (the fact ids lead to the full one).

    >>> short_title("Israel withdraws ground troops from south Gaza as truce talks resume", 40)
    'Israel withdraws ground troops from…'
    """
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def caption(bundle: Bundle, view: View, lang: str = "en") -> list[str]:
    """The caption of the snapshot for ``view``: who was present where and, with the demands
    overlay on, what each party demanded, attributed, with numbered references to
    :func:`sources`. Switched-off overlays and parties are left out.

    >>> import geo
    >>> from datetime import date
    >>> lines = caption(geo.load_bundle(), View(date(2024, 8, 22), actors=("Egypt",)))
    >>> any(line.startswith("Egypt: Israeli forces should withdraw") for line in lines)
    True
    """
    return [line.text for line in _compose(bundle, view, lang)[0]]


def sources(bundle: Bundle, view: View, lang: str = "en") -> list[str]:
    """The sources the caption cites, numbered as it cites them: publisher, title, date, and
    the facts (timeline ids) resting on each."""
    return _compose(bundle, view, lang)[1]


def attribution(bundle: Bundle, lang: str = "en") -> str:
    """Credits for what the image draws, from ``manifest.json``: the OpenStreetMap-derived
    layers under ODbL, and the project's own tables under CC BY 4.0."""
    by_file = {f.file.rsplit(".", 1)[0]: f for f in bundle.files}
    parts: list[str] = []
    for name in (*DRAWN_LAYERS, TABLES_ATTRIBUTION_FILE.rsplit(".", 1)[0]):
        f = by_file.get(name)
        if f is None:
            continue
        licence_id = f.licence.split()[0] if f.licence else ""
        licence = LICENCE_NAMES.get(licence_id, licence_id)
        who, *more = (p.strip() for p in f.attribution.split(";"))
        key = "snap.credit_data" if name == TABLES_ATTRIBUTION_FILE.rsplit(".", 1)[0] else "snap.credit"
        for text in (t(key, lang, attribution=who, licence=licence), *more):
            if text and text not in parts:
                parts.append(text)
    return " · ".join(parts)


# ---- options -----------------------------------------------------------------------------------------


def check_size(size: Sequence[int]) -> tuple[int, int]:
    if (
        len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or not (MIN_SIZE[0] <= size[0] <= MAX_SIZE[0] and MIN_SIZE[1] <= size[1] <= MAX_SIZE[1])
    ):
        raise SnapshotError(t("snap.bad_size", value=_plain(size), min=MIN_SIZE, max=MAX_SIZE))
    return int(size[0]), int(size[1])


def resolve_extent(bundle: Bundle, on: date, extent: str | Box | None) -> BaseGeometry:
    """The area to fit, as a lon/lat geometry: the strip, a zone as it stood on ``on``, or a box.

    Raises
    ------
    SnapshotError
        For an unknown zone, a zone not drawn on that day, or a box that is not lon/lat near Gaza.
    """
    if extent is None:
        return bundle.strip
    if isinstance(extent, str):
        if extent not in bundle.zones:
            raise SnapshotError(t("snap.bad_zone", value=_plain(extent)[:64], zones=", ".join(bundle.zones)))
        if extent == "gaza_strip":
            return bundle.strip
        shape = shape_of(bundle, extent, on)
        if shape is None:
            raise SnapshotError(t("snap.zone_not_drawn", zone=extent, date=on.isoformat()))
        return shape.geometry
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise SnapshotError(t("snap.bad_extent", value=_plain(extent)[:80])) from None
    inside = all(LON_RANGE[0] <= v <= LON_RANGE[1] for v in (lon0, lon1)) and all(
        LAT_RANGE[0] <= v <= LAT_RANGE[1] for v in (lat0, lat1)
    )
    if not (inside and lon0 < lon1 and lat0 < lat1):
        raise SnapshotError(t("snap.bad_extent", value=_plain(extent)[:80]))
    return shapely_box(lon0, lat0, lon1, lat1)


def view_extent(view: View, map_px: tuple[int, int] = (960, 640)) -> Box | None:
    """The lon/lat box a web map of ``map_px`` pixels shows at the view's centre and zoom, or
    ``None`` when the view has none (the whole strip). For a snapshot of the app's own view.

    >>> box = view_extent(View(date(2024, 8, 22), center=(31.4, 34.36), zoom=11))
    >>> [round(v, 3) for v in box]
    [34.03, 31.212, 34.69, 31.588]
    """
    if view.center is None or view.zoom is None:
        return None
    lat, lon = view.center
    deg_per_px = 360 / (256 * 2**view.zoom)  # web mercator: longitude is linear in pixels
    half_w = map_px[0] / 2 * deg_per_px
    half_h = map_px[1] / 2 * deg_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def _plain(value: object) -> str:
    """A value quoted in a message, on one line whatever it holds."""
    text = str(value)
    return "".join(ch if ch.isprintable() else "?" for ch in text)


# ---- drawing -------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    """Text as drawn: no control characters (not valid in SVG's XML)."""
    return _CONTROL.sub(" ", text)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def ink(colour: str) -> str:
    """``colour``, darkened if needed until it contrasts 3:1 with white paper.

    >>> ink("#0072B2"), ink("#F0E442")
    ('#0072B2', '#9e962c')
    """
    factor = 1.0
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    out = colour
    while 1.05 / (_luminance(out) + 0.05) < MIN_INK_CONTRAST and factor > 0:
        factor -= 0.02
        out = "#" + "".join(f"{round(c * factor):02x}" for c in rgb)
    return out


def _px_dashes(spec: str | None, width: float) -> Any:
    """A dash array written in CSS pixels (as in :mod:`geo.style`) as a matplotlib linestyle."""
    if not spec:
        return "solid"
    # matplotlib scales dashes by the line width; style.py's arrays are in pixels at ~1.5x print.
    return (0, tuple(float(v) * 1.5 / max(width, 0.5) for v in spec.split()))


@dataclass
class _Layout:
    fig: Figure
    renderer: RendererBase
    dpi: float
    scale: float

    def pt(self, px: float) -> float:
        """Pixels of the renderer in points."""
        return px * 72 / self.dpi

    def __post_init__(self) -> None:
        self._widths: dict[tuple[str, str, str], float] = {}

    def width(self, text: str, prop: FontProperties) -> float:
        """Width in points. Measured once per text and face at a reference size and scaled:
        widths are linear in the size, and measuring is the slow part of laying text out."""
        key = (str(prop.get_weight()), str(prop.get_style()), text)
        if key not in self._widths:
            ref = _font(100.0, weight=key[0], style=key[1])
            w, _h, _d = self.renderer.get_text_width_height_descent(text, ref, ismath=False)
            self._widths[key] = self.pt(w) / 100.0
        return self._widths[key] * float(prop.get_size_in_points())

    def wrap(self, text: str, prop: FontProperties, width_pt: float) -> list[str]:
        """Greedy word wrap to ``width_pt`` points, measured with the font that draws it (word by
        word, so each word is measured once)."""
        out: list[str] = []
        line = ""
        used = 0.0
        space = self.width("a a", prop) - 2 * self.width("a", prop)
        for word in text.split(" "):
            w = self.width(word, prop)
            if not line or used + space + w <= width_pt:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
                continue
            out.append(line)
            line, used = word, w
        while line and self.width(line, prop) > width_pt and len(line) > 1:
            # A word longer than the line: cut it where it stops fitting.
            cut = max(
                1, next((i for i in range(len(line), 0, -1) if self.width(line[:i], prop) <= width_pt), 1)
            )
            out.append(line[:cut])
            line = line[cut:]
        if line:
            out.append(line)
        return out or [""]


def _font(size: float, *, weight: str = "normal", style: str = "normal") -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", size=size, weight=weight, style=style)  # type: ignore[arg-type]


def _path(geom: BaseGeometry) -> Any:
    """A matplotlib Path for a (multi)polygon, holes included."""
    from matplotlib.path import Path

    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = list(ring.coords)
            vertices += xy
            codes += [int(Path.MOVETO)] + [int(Path.LINETO)] * (len(xy) - 2) + [int(Path.CLOSEPOLY)]
    return Path(vertices, codes)


def _lines(geom: BaseGeometry) -> list[Any]:
    import numpy as np

    if geom.geom_type in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)]
    return [np.asarray(g.coords) for g in getattr(geom, "geoms", []) if g.geom_type == "LineString"]


def _zone_patch(geom: BaseGeometry, point_r: float, **kw: Any) -> Any:
    """A patch for a zone: its polygon, or a circle of ``point_r`` for a point (a symbol)."""
    from matplotlib.patches import Circle, PathPatch

    if geom.geom_type == "Point":
        return Circle((geom.x, geom.y), point_r, **kw)
    return PathPatch(_path(geom), **kw)


def _num(style: Mapping[str, object], key: str) -> float:
    value = style[key]
    assert isinstance(value, int | float), (key, value)
    return float(value)


def _str(style: Mapping[str, object], key: str) -> str | None:
    value = style.get(key)
    return value if isinstance(value, str) else None


def _hatches(bundle: Bundle) -> dict[str, str]:
    """Hatch patterns, the forces that the facts ever show present first: the same force gets
    the same pattern on every date, and those forces never share one."""
    present = list(dict.fromkeys(f.actors[0] for f in bundle.facts if f.kind == "presence"))
    return actor_hatches(present + [a for a in bundle.actors if a not in present])


# Margin around what is fitted, as a share of its size: the strip's labels sit beside it (the
# map is wider than the strip), a zone gets its surroundings, a box is shown as asked.
FIT_PAD = {"strip": 0.03, "zone": 0.25, "box": 0.0}


def _fit_box(
    geom_metric: BaseGeometry, aspect: float, *, pad: float, min_span: float, below: float = 0.0
) -> Box:
    """A box around the geometry with ``pad`` (a share of its size) on every side and ``below``
    more under it, widened or heightened to the map's aspect ratio."""
    minx, miny, maxx, maxy = geom_metric.bounds
    miny -= (maxy - miny) * below
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w = max(maxx - minx, min_span) * (1 + 2 * pad)
    h = max(maxy - miny, min_span) * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _draw_map(
    ax: Axes,
    lay: _Layout,
    bundle: Bundle,
    view: View,
    area: BaseGeometry,
    *,
    fit: str,
    lang: str,
) -> list[str]:
    from matplotlib import patheffects
    from matplotlib.patches import PathPatch

    k = lay.scale
    pos = ax.get_position()
    fig_w, fig_h = lay.fig.get_size_inches()
    aspect = (pos.width * fig_w) / (pos.height * fig_h)
    metric_area = to_metric(area)
    x0, y0, x1, y1 = _fit_box(
        metric_area,
        aspect,
        pad=FIT_PAD[fit],
        min_span=0.0 if fit == "strip" else 4000.0,  # a point or a narrow band: its surroundings
        below=0.08 if fit == "strip" else 0.0,  # room for the labels of the zones at the southern end
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("auto")
    ax.set_facecolor("white")  # beyond the bundled background: no data, not sea
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    view_box = shapely_box(x0, y0, x1, y1)
    window = view_box.buffer((x1 - x0) * 0.05)

    def pt_of(weight: float) -> float:
        return weight * 0.9

    land = STATIC_STYLES["land"]
    # The sea is what the background's clip box holds besides land, as in the app.
    lands = [f.geometry for f in bundle.layer("background") if f.properties.get("kind") == "land"]
    if lands:
        sea = to_metric(shapely_box(*shapely.union_all(lands).bounds).segmentize(0.01))
        ax.add_patch(PathPatch(_path(sea), facecolor=SEA_COLOUR, linewidth=0, zorder=0.5))
    for f in bundle.layer("background"):
        if f.properties.get("kind") == "land":
            geom = to_metric(f.geometry).intersection(window)
            if not geom.is_empty:
                ax.add_patch(
                    PathPatch(
                        _path(geom),
                        facecolor=_str(land, "fillColor"),
                        edgecolor=_str(land, "color"),
                        linewidth=pt_of(_num(land, "weight")),
                        zorder=1,
                    )
                )
    strip_style = STATIC_STYLES["strip"]
    strip = to_metric(bundle.strip)
    ax.add_patch(
        PathPatch(
            _path(strip),
            facecolor=_str(strip_style, "fillColor"),
            edgecolor=_str(strip_style, "color"),
            linewidth=pt_of(_num(strip_style, "weight")),
            zorder=2,
        )
    )

    # Zones as they stood on the day: the shapes the app draws (the strip itself is the outline).
    state = bundle.state_at(view.date)
    shown = _shown(view)
    presence_on = "presence" in view.overlays
    colours = actor_colours(list(bundle.actors))
    hatches = _hatches(bundle)
    forces: list[str] = []
    labels: list[tuple[BaseGeometry, str]] = []
    point_r = (y1 - y0) * 0.018
    for zone_id, zone in bundle.zones.items():
        if zone_id == "gaza_strip":
            continue
        shape = shape_of(bundle, zone_id, view.date)
        if shape is None:
            continue
        geom = to_metric(shape.geometry)
        here = [p for p in state.presence_in(zone_id) if shown(p.actor)] if presence_on else []
        gone = [d for d in state.left_from(zone_id) if shown(d.actor)] if presence_on and not here else []
        dash = edge_dash(shape.quality)
        if geom.intersects(view_box):  # the legend names the forces the reader can see
            forces += [p.actor for p in here if p.actor not in forces]
        if geom.geom_type in ("LineString", "MultiLineString"):
            colour = ink(colours[here[0].actor]) if here else "#6b6b6b"
            w = pt_of(7 if here else 4)
            for xy in _lines(geom):
                ax.plot(
                    xy[:, 0],
                    xy[:, 1],
                    color=colour,
                    linewidth=w,
                    alpha=0.8,
                    zorder=5,
                    linestyle=_px_dashes(dash, w),
                    solid_capstyle="butt",
                )
        else:

            def shape_patch(geom: BaseGeometry = geom, **kw: Any) -> Any:
                return _zone_patch(geom, point_r, **kw)

            if here:
                ax.add_patch(shape_patch(facecolor=colours[here[0].actor], alpha=0.2, linewidth=0, zorder=4))
                for p in here:
                    ax.add_patch(
                        shape_patch(
                            facecolor="none",
                            edgecolor=ink(colours[p.actor]),
                            hatch=hatches[p.actor],
                            linewidth=0,
                            zorder=4.1,
                        )
                    )
            else:
                fill = "#ffffff" if geom.geom_type == "Point" else UNZONED
                alpha = 1.0 if geom.geom_type == "Point" else 0.16
                ax.add_patch(shape_patch(facecolor=fill, alpha=alpha, linewidth=0, zorder=4))
            if gone:
                w = pt_of(3.4)
                ax.add_patch(
                    shape_patch(
                        facecolor="none",
                        edgecolor=ink(colours[gone[0].actor]),
                        linewidth=w,
                        linestyle=(0, (0.1, 2.2)),
                        capstyle="round",
                        zorder=4.3,
                    )
                )
            else:
                w = pt_of(2)
                ax.add_patch(
                    shape_patch(
                        facecolor="none",
                        edgecolor=EDGE,
                        linewidth=w,
                        linestyle=_px_dashes(dash, w),
                        zorder=4.2,
                    )
                )
        who = [t("ui.present", lang, actor=bundle.actors[p.actor].short) for p in here]
        who += [
            t("ui.left", lang, actor=bundle.actors[d.actor].short, date=_day(d.on, lang)) for d in gone[:1]
        ]
        seen = geom.intersection(view_box)
        if not seen.is_empty:  # a label points at the part of its zone the map shows
            labels.append((seen, "\n".join([zone.name, *who])))

    lines = [
        (f, STATIC_STYLES.get(str(f.properties.get("kind")), STATIC_STYLES["coastline"]))
        for f in bundle.layer("borders")
    ] + [(f, STATIC_STYLES["axis"]) for f in bundle.layer("corridor_axes")]
    for f, style in lines:
        w = pt_of(_num(style, "weight"))
        for xy in _lines(to_metric(f.geometry)):
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                color=_str(style, "color"),
                linewidth=w,
                zorder=6,
                linestyle=_px_dashes(_str(style, "dashArray"), w),
            )

    # Places and labels; everything placed so far is an obstacle for the zone labels.
    halo = [patheffects.withStroke(linewidth=3 * k, foreground="white")]
    obstacles: list[BaseGeometry] = []
    to_px = ax.transData.transform
    inside = shapely_box(*ax.bbox.extents)

    def text_box(artist: Any, pad: float = 0.0) -> BaseGeometry:
        b = artist.get_window_extent(lay.renderer)
        return shapely_box(b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad)

    # The sea and the neighbours are named within the view: a name whose point lies outside it,
    # or too near its edge, moves to the nearest place in its own land or sea (as on the page).
    background = bundle.layer("background")
    lands_m = [to_metric(f.geometry) for f in background if f.properties.get("kind") == "land"]
    strip_m = to_metric(bundle.strip)
    within = view_box.buffer(-0.06 * min(x1 - x0, y1 - y0))
    for f in bundle.layer("background"):
        if f.properties.get("kind") == "label":
            p = to_metric(f.geometry)
            home = next((g for g in lands_m if g.contains(p)), None)
            if home is None:
                home = view_box.difference(shapely.union_all([*lands_m, strip_m]))
            room = home.intersection(within)
            if room.is_empty:
                continue
            q = p if room.contains(p) else nearest_points(room, p)[0]
            label = ax.text(
                q.x,
                q.y,
                _clean(str(f.properties.get("name", ""))),
                fontsize=12,
                color="#6b6b6b",
                style="italic",
                ha="center",
                va="center",
                zorder=7,
                parse_math=False,
            )
            # A long name near the edge is moved in until the whole of it shows.
            b, frame = label.get_window_extent(lay.renderer), ax.bbox
            dx = max(0.0, frame.x0 + 2 - b.x0) - max(0.0, b.x1 - (frame.x1 - 2))
            dy = max(0.0, frame.y0 + 2 - b.y0) - max(0.0, b.y1 - (frame.y1 - 2))
            if dx or dy:
                cx, cy = to_px((q.x, q.y))
                label.set_position(tuple(ax.transData.inverted().transform((cx + dx, cy + dy))))
            obstacles.append(text_box(label))
    for f in bundle.layer("places"):
        kind = f.properties.get("kind")
        if kind not in ("city", "border_crossing"):
            continue
        p = to_metric(f.geometry)
        if not (x0 < p.x < x1 and y0 < p.y < y1):
            continue
        if kind == "city":
            ax.plot([p.x], [p.y], marker="o", markersize=5, color="#222222", zorder=8)
            label = ax.annotate(
                _clean(str(f.properties.get("name", ""))),
                (p.x, p.y),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=10,
                color=TEXT,
                zorder=8,
                path_effects=halo,
                annotation_clip=True,
            )
            label.set_parse_math(False)
            obstacles.append(text_box(label, 2))
        else:
            ax.plot(
                [p.x],
                [p.y],
                marker="o",
                markersize=6.5,
                markerfacecolor="white",
                markeredgecolor="#222222",
                markeredgewidth=1.6,
                zorder=8,
            )
        xy = to_px((p.x, p.y))
        obstacles.append(shapely.Point(xy).buffer(5 * k))
    obstacles.append(_scale_bar(ax, lay, (x0, y0, x1, y1)))

    strip_px = shapely.transform(strip, lambda xy: to_px(xy))
    centre = strip_px.centroid
    for geom, text in labels:
        target = (geom if geom.geom_type == "Point" else geom.representative_point()).coords[0]
        _place_label(ax, lay, text, to_px(target), strip_px, centre, obstacles, inside)
    return forces


def _scale_bar(ax: Axes, lay: _Layout, box: Box) -> BaseGeometry:
    """A scale bar in the lower right corner; returns its area in pixels."""
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = box
    want = (x1 - x0) / 5
    km = max([v for v in (0.5, 1, 2, 5, 10, 20, 50) if v * 1000 <= want] or [0.5])
    length = km * 1000
    right = x1 - (x1 - x0) * 0.04
    base = y0 + (y1 - y0) * 0.04
    height = (y1 - y0) * 0.008
    for i in range(2):
        seg = length / 2
        ax.add_patch(
            Rectangle(
                (right - length + i * seg, base),
                seg,
                height,
                facecolor=("#222222", "white")[i],
                edgecolor="#222222",
                linewidth=0.8,
                zorder=9,
            )
        )
    label = ax.text(
        right - length / 2,
        base + height * 1.8,
        t("snap.scale", n=f"{km:g}"),
        ha="center",
        va="bottom",
        fontsize=9,
        color=TEXT,
        zorder=9,
        parse_math=False,
    )
    a = ax.transData.transform((right - length, base))
    lb = label.get_window_extent(lay.renderer)
    return shapely_box(a[0] - 4, a[1] - 4, max(lb.x1, a[0] + 1) + 4, lb.y1 + 4)


def _place_label(
    ax: Axes,
    lay: _Layout,
    text: str,
    target: Any,
    strip_px: BaseGeometry,
    centre: Any,
    obstacles: list[BaseGeometry],
    inside: BaseGeometry,
) -> None:
    """A boxed zone label beside the strip with a leader line to its zone, placed greedily where
    it covers neither the strip nor another label (the app lays its labels out the same way)."""
    k = lay.scale
    label = ax.text(
        0,
        0,
        _clean(text),
        fontsize=10,
        color=TEXT,
        ha="center",
        va="center",
        zorder=12,
        linespacing=1.25,
        parse_math=False,
        bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#333333", "linewidth": 0.8},
    )
    ext = label.get_window_extent(lay.renderer)
    pad = 6 * k
    w, h = ext.width + 2 * pad, ext.height + 2 * pad
    tx, ty = float(target[0]), float(target[1])
    out = math.atan2(ty - centre.y, tx - centre.x)
    angles = sorted(
        (math.radians(a) for a in range(0, 360, 15)),
        key=lambda a: abs(math.remainder(a - out, math.tau)),
    )
    # Every candidate is scored: covering another label or a place costs most, covering the
    # strip (the zones) less, and a long leader line a little.
    best: tuple[float, BaseGeometry] | None = None
    for dist in (30, 45, 65, 90, 120, 155, 195, 240, 290, 350):
        for a in angles:
            cx = tx + math.cos(a) * (dist * k + w / 2 * abs(math.cos(a)))
            cy = ty + math.sin(a) * (dist * k + h / 2 * abs(math.sin(a)))
            rect = shapely_box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not inside.contains(rect):
                continue
            cost = 2.5 * rect.intersection(strip_px).area + 6 * sum(
                rect.intersection(o).area for o in obstacles
            )
            cost += 12 * dist * k * k
            if best is None or cost < best[0]:
                best = (cost, rect)
    # With no room inside the map at all, the label sits on its zone.
    rect = shapely_box(tx - w / 2, ty - h / 2, tx + w / 2, ty + h / 2) if best is None else best[1]
    obstacles.append(rect)
    inverse = ax.transData.inverted().transform
    c = rect.centroid
    label.set_position(tuple(inverse((c.x, c.y))))
    edge = rect.exterior.interpolate(rect.exterior.project(shapely.Point(tx, ty)))
    (ex, ey), (px_, py_) = inverse((edge.x, edge.y)), inverse((tx, ty))
    ax.plot([px_, ex], [py_, ey], color="#333333", linewidth=1.0, linestyle=(0, (2, 2)), zorder=11)
    ax.plot([px_], [py_], marker="o", markersize=3, color="#333333", zorder=11)


def _legend(
    ax: Axes, lay: _Layout, bundle: Bundle, view: View, forces: list[str], size: float, lang: str
) -> float:
    """The legend in ``ax`` (whose data units are points); returns the height it needed."""
    from matplotlib.patches import Rectangle

    colours = actor_colours(list(bundle.actors))
    hatches = _hatches(bundle)
    width, height = ax.get_xlim()[1], ax.get_ylim()[1]
    row = size * 1.55
    sw, sh = size * 2.6, size * 1.2
    y = height - size * 1.2
    head = _font(size, weight="bold")
    body = _font(size)

    def say(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    ax.text(0, y, say("ui.legend_forces"), fontproperties=head, va="center", color=TEXT, parse_math=False)
    y -= row
    x = 0.0
    if forces:
        for a in forces:
            name = actor_name(bundle, a)
            need = sw + size * 0.6 + lay.width(name, body) + size * 1.6
            if x > 0 and x + need > width:
                x, y = 0.0, y - row * 1.15
            ax.add_patch(Rectangle((x, y - sh / 2), sw, sh, facecolor=colours[a], alpha=0.2, linewidth=0))
            ax.add_patch(
                Rectangle(
                    (x, y - sh / 2),
                    sw,
                    sh,
                    facecolor="none",
                    edgecolor=ink(colours[a]),
                    hatch=hatches[a],
                    linewidth=0,
                )
            )
            ax.add_patch(Rectangle((x, y - sh / 2), sw, sh, facecolor="none", edgecolor=EDGE, linewidth=0.8))
            ax.text(
                x + sw + size * 0.6,
                y,
                _clean(name),
                fontproperties=body,
                va="center",
                color=TEXT,
                parse_math=False,
            )
            x += need
    else:
        off = "presence" not in view.overlays or view.actors is not None
        ax.text(
            0,
            y,
            say("snap.forces_off" if off else "ui.no_forces"),
            fontproperties=_font(size, style="italic"),
            va="center",
            color=MUTED,
            parse_math=False,
        )
    y -= row * 0.9

    # Keys in two columns: a sample, then its meaning.
    def sample_zone(x: float, y: float, dash: str | None, dotted: bool) -> None:
        w = 1.8
        style: Any = (0, (0.1, 2.2)) if dotted else _px_dashes(dash, w)
        ax.add_patch(Rectangle((x, y - sh / 2), sw, sh, facecolor=UNZONED, alpha=0.16, linewidth=0))
        ax.add_patch(
            Rectangle(
                (x, y - sh / 2),
                sw,
                sh,
                facecolor="none",
                edgecolor=EDGE if not dotted else "#333333",
                linewidth=3.0 if dotted else w,
                linestyle=style,
                capstyle="round",
            )
        )

    def sample_line(kind: str) -> Callable[[float, float], None]:
        style = STATIC_STYLES[kind]

        def draw(x: float, y: float) -> None:
            w = _num(style, "weight") * 0.9
            ax.plot(
                [x, x + sw],
                [y, y],
                color=_str(style, "color"),
                linewidth=w,
                linestyle=_px_dashes(_str(style, "dashArray"), w),
            )

        return draw

    def sample_marker(face: str, ms: float) -> Callable[[float, float], None]:
        def draw(x: float, y: float) -> None:
            ax.plot(
                [x + sw / 2],
                [y],
                marker="o",
                markersize=ms,
                markerfacecolor=face,
                markeredgecolor="#222222",
                markeredgewidth=1.4 if face == "white" else 1.0,
                color="#222222",
            )

        return draw

    zone_keys: list[tuple[Callable[[float, float], None], str]] = [
        (lambda x, y: sample_zone(x, y, None, False), say("snap.legend_zone")),
        (lambda x, y: sample_zone(x, y, "6 4", False), say("map.legend_dashed")),
        (lambda x, y: sample_zone(x, y, None, True), say("snap.legend_left")),
    ]
    line_keys: list[tuple[Callable[[float, float], None], str]] = [
        (sample_line("international_border"), say("map.legend_border")),
        (sample_line("armistice_line"), say("map.legend_1949")),
        (sample_line("coastline"), say("snap.legend_coast")),
        (sample_line("axis"), say("map.legend_axis")),
        (sample_marker("#222222", 5), say("ui.legend_town")),
        (sample_marker("white", 6.5), say("ui.legend_crossing")),
    ]
    # Two columns: the zone edges (long words) on the left, lines and points on the right.
    top = y
    lowest = y
    line_h = size * 1.2
    for x, col_w, keys in ((0.0, width * 0.54, zone_keys), (width * 0.57, width * 0.43, line_keys)):
        y = top
        text_w = col_w - sw - size * 0.8
        for draw, text in keys:
            lines = lay.wrap(_clean(text), body, text_w)
            block = max(sh, line_h * len(lines))
            draw(x, y - block / 2)
            ax.text(
                x + sw + size * 0.6,
                y - block / 2,
                "\n".join(lines),
                fontproperties=body,
                va="center",
                color=TEXT,
                parse_math=False,
                linespacing=1.1,
            )
            y -= block + size * 0.75
        lowest = min(lowest, y)
    return height - lowest


@dataclass(frozen=True, slots=True)
class _Style:
    size: float
    weight: str = "normal"
    style: str = "normal"
    indent: float = 0.0
    colour: str = TEXT
    before: float = 0.0


STYLES = {
    "notice": _Style(12.5, weight="bold", before=0),
    "filter": _Style(10.5, style="italic", colour=MUTED),
    "zone": _Style(12.5, weight="bold", before=0.55),
    "item": _Style(11, indent=10),
    "statement": _Style(10, style="italic", indent=22, colour=MUTED),
    "note": _Style(10.5, style="italic", indent=10, colour=MUTED),
    "sources": _Style(10.5, weight="bold", before=0.9),
    "source": _Style(9, indent=0),
    "more": _Style(10, style="italic", colour=MUTED, before=0.3),
}


def _flow(
    lay: _Layout, blocks: list[tuple[str, str]], width_pt: float, factor: float
) -> tuple[Placed, float]:
    """Place ``(kind, text)`` blocks top-down in a column; returns the lines (x, y below the top,
    text, font, colour) in points and the height used."""
    placed: Placed = []
    y = 0.0
    for kind, text in blocks:
        st = STYLES[kind]
        size = st.size * factor
        prop = _font(size, weight=st.weight, style=st.style)
        indent = st.indent * factor
        hang = size * 1.6 if kind == "source" else 0.0
        y += st.before * size if placed else 0.0
        for i, line in enumerate(lay.wrap(_clean(text), prop, width_pt - indent - hang)):
            placed.append((indent + (hang if i else 0.0), y, line, prop, st.colour))
            y += size * 1.28
        y += size * 0.22
    return placed, y


READABLE = 0.8  # below this share of the base font sizes, give the text more room first
SMALLEST = 0.66  # below this, cut the caption rather than shrink it further


def _text_column(
    lay: _Layout,
    lines: list[Line],
    listed: list[str],
    width_pt: float,
    height_pt: float,
    *,
    smallest: float,
    on: date,
    lang: str,
    cut: bool = False,
) -> Placed | None:
    """The caption then its sources, at the largest size down to ``smallest`` that fits, or
    ``None``. With ``cut``, the caption is cut at a whole zone if even that does not fit, and a
    line says where to read the rest."""

    def blocks(keep: int | None) -> list[tuple[str, str]]:
        kept = lines if keep is None else lines[:keep]
        out = [(line.kind, line.text) for line in kept]
        if keep is not None:
            out.append(("more", t("snap.more", lang, n=len(lines) - keep, date=on.isoformat())))
        if listed:
            out.append(("sources", t("text.sources", lang)))
            out += [("source", s) for s in listed]
        return out

    factor = 1.0
    while factor >= smallest - 1e-9:
        placed, used = _flow(lay, blocks(None), width_pt, factor)
        if used <= height_pt:
            return placed
        factor -= 0.04
    if not cut:
        return None
    factor = smallest
    # Cut at the start of a zone, from the end, until it fits (the sources stay whole: they are
    # still the sources of the day).
    starts = [i for i, line in enumerate(lines) if line.kind == "zone"]
    for keep in reversed(starts or [len(lines)]):
        placed, used = _flow(lay, blocks(keep), width_pt, factor)
        if used <= height_pt:
            return placed
    return placed


def _figure(size: tuple[int, int]) -> tuple[Figure, _Layout]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = size
    scale = min(w / DEFAULT_SIZE[0], h / DEFAULT_SIZE[1])
    dpi = 100 * scale
    # A hair over the size: Agg truncates width * dpi to whole pixels.
    fig = Figure(figsize=((w + 0.01) / dpi, (h + 0.01) / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    return fig, _Layout(fig=fig, renderer=renderer, dpi=dpi, scale=scale)


RC = {
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",  # text stays text: searchable, selectable, translatable
    "svg.hashsalt": "gaza-corridors-map",  # the same input gives the same file
    "hatch.linewidth": 1.6,
    "axes.unicode_minus": False,
    "text.usetex": False,
    "path.simplify": True,
}


def render(
    bundle: Bundle,
    view: View,
    *,
    fmt: str = "png",
    size: tuple[int, int] = DEFAULT_SIZE,
    extent: str | Box | None = None,
    lang: str = "en",
) -> bytes:
    """The map on ``view.date`` as a PNG or SVG image for slides and print.

    ``extent`` is ``None`` (the whole strip with a margin), a zone id (that zone as it stood on
    the day, with a margin) or a ``(min_lon, min_lat, max_lon, max_lat)`` box. ``size`` is in
    pixels (an SVG is scalable; it declares that size). ``view.overlays`` and ``view.actors``
    are respected: switched-off parties are neither drawn nor in the caption.

    Raises
    ------
    SnapshotError
        For an unknown format, a size out of range, or an extent it cannot fit.
    """
    if fmt not in FORMATS:
        raise SnapshotError(t("snap.bad_format", value=_plain(fmt)[:20], formats=", ".join(FORMATS)))
    size = check_size(size)
    area = resolve_extent(bundle, view.date, extent)
    import matplotlib

    with matplotlib.rc_context(RC):
        fig, lay = _figure(size)
        fit = "strip" if extent in (None, "gaza_strip") else "zone" if isinstance(extent, str) else "box"
        _compose_figure(fig, lay, bundle, view, area, fit=fit, lang=lang)
        out = io.BytesIO()
        metadata: dict[str, Any] = (
            {"Title": t("app.title", lang), "Date": None} if fmt == "svg" else {"Title": t("app.title", lang)}
        )
        fig.savefig(out, format=fmt, dpi=lay.dpi, facecolor="white", metadata=metadata)
    data = out.getvalue()
    if fmt == "svg":
        # Declare the pixel size asked for; the viewBox keeps the drawing's own units.
        head, sep, rest = data.partition(b"<svg ")
        rest = re.sub(
            rb'width="[\d.]+pt" height="[\d.]+pt"',
            f'width="{size[0]}" height="{size[1]}"'.encode(),
            rest,
            count=1,
        )
        data = head + sep + rest
    return data


def _compose_figure(
    fig: Figure, lay: _Layout, bundle: Bundle, view: View, area: BaseGeometry, *, fit: str, lang: str
) -> None:
    fig_w, fig_h = (v * 72 for v in fig.get_size_inches())  # points
    landscape = fig_w / fig_h >= 1.2
    margin = 16.0
    title_size, date_size = 24.0, 16.0
    header = margin + title_size * 1.25 + date_size * 1.5 + 6
    attribution_size = 8.5
    footer = margin * 0.6 + attribution_size * 2.6

    def frac(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        """Points from the top-left to a figure rectangle (left, bottom, width, height)."""
        return (x / fig_w, 1 - (y + h) / fig_h, w / fig_w, h / fig_h)

    # Title and date.
    fig.text(
        margin / fig_w,
        1 - margin / fig_h,
        t("app.title", lang),
        fontproperties=_font(title_size, weight="bold"),
        va="top",
        color=TEXT,
        parse_math=False,
    )
    as_of = t("map.as_of", lang, date=_day(view.date, lang))
    date_y = 1 - (margin + title_size * 1.3) / fig_h
    fig.text(
        margin / fig_w,
        date_y,
        as_of,
        fontproperties=_font(date_size, weight="bold"),
        va="top",
        color=TEXT,
        parse_math=False,
    )
    after = view.date > bundle.data_as_of
    data_to = "· " + t("ui.data_to", lang, date=_day(bundle.data_as_of, lang))
    # No leading space in the text: SVG viewers drop it. The gap is in the position instead.
    gap = lay.width(as_of, _font(date_size, weight="bold")) + date_size * 0.4
    fig.text(
        (margin + gap) / fig_w,
        date_y,
        data_to,
        fontproperties=_font(date_size * (1 if after else 0.8), weight="bold" if after else "normal"),
        va="top",
        color=TEXT if after else MUTED,
        parse_math=False,
    )

    lines, listed = _compose(bundle, view, lang)
    avail = fig_h - header - footer
    # The map gets the room the text leaves: a busy day narrows it before the text gets small.
    placed: Placed | None = None
    shares = (0.47, 0.41, 0.35) if landscape else (0.62, 0.54, 0.46)
    for share, smallest, cut in zip(
        shares, (READABLE, READABLE, SMALLEST), (False, False, True), strict=True
    ):
        if landscape:
            map_w = (fig_w - 3 * margin) * share
            legend_h = min(150.0, avail * 0.3)
            map_h = avail - legend_h - margin
            map_rect = frac(margin, header, map_w, map_h)
            legend_rect = frac(margin, header + map_h + margin * 0.7, map_w, legend_h)
            text_rect = (margin * 2 + map_w, header, fig_w - 3 * margin - map_w, avail)
        else:
            map_h = avail * share
            map_rect = frac(margin, header, fig_w - 2 * margin, map_h)
            below = header + map_h + margin
            legend_w = (fig_w - 3 * margin) * 0.4
            legend_rect = frac(margin, below, legend_w, avail - map_h - margin)
            text_rect = (2 * margin + legend_w, below, fig_w - 3 * margin - legend_w, avail - map_h - margin)
        x, y, w, h = text_rect
        placed = _text_column(lay, lines, listed, w, h, smallest=smallest, on=view.date, lang=lang, cut=cut)
        if placed is not None:
            break
    assert placed is not None  # the last try cuts until it fits

    ax = fig.add_axes(map_rect)
    forces = _draw_map(ax, lay, bundle, view, area, fit=fit, lang=lang)

    leg = fig.add_axes(legend_rect)
    leg.set_axis_off()
    leg.set_xlim(0, legend_rect[2] * fig_w)
    leg.set_ylim(0, legend_rect[3] * fig_h)
    size = 10.0
    while size > 6.5:
        leg.cla()
        leg.set_axis_off()
        leg.set_xlim(0, legend_rect[2] * fig_w)
        leg.set_ylim(0, legend_rect[3] * fig_h)
        if _legend(leg, lay, bundle, view, forces, size, lang) <= legend_rect[3] * fig_h:
            break
        size -= 0.5

    for lx, ly, text, prop, colour in placed:
        fig.text(
            (x + lx) / fig_w,
            1 - (y + ly) / fig_h,
            text,
            fontproperties=prop,
            va="top",
            color=colour,
            parse_math=False,
        )

    credit = t("snap.attribution", lang, credits=attribution(bundle, lang))
    prop = _font(attribution_size)
    fig.text(
        margin / fig_w,
        (margin * 0.6) / fig_h,
        "\n".join(lay.wrap(credit, prop, fig_w - 2 * margin)),
        fontproperties=prop,
        va="bottom",
        color=MUTED,
        parse_math=False,
    )
