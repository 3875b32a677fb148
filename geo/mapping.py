"""Build the map: folium for the page and the static layers, plus one script that draws the
dated layers in the browser from every date's state, embedded once.

The only module that imports folium. The result is a single self-contained HTML page: Leaflet
is inlined from the installed XStatic-Leaflet package, so nothing loads from a CDN, and web tiles
are an optional base layer over a bundled vector background.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import folium
import shapely
import xstatic.pkg.leaflet as xleaflet
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import mapping as to_geojson
from shapely.geometry.base import BaseGeometry

from geo.bundle import Bundle
from geo.csp import apply_csp
from geo.i18n import LOCALE_DIR, messages
from geo.lessons import payload as lessons_payload
from geo.report import change_dict, change_words, overtaker_words
from geo.settings import OPEN_POSITION, POSITIONS, PRESENCE_STATUSES
from geo.share import data_version
from geo.style import (
    POSITION_SYMBOLS,
    SEA_COLOUR,
    STATIC_STYLES,
    actor_colours,
    edge_dash,
    text_colour,
)
from geo.timeline import Position
from geo.timeslice import demand_segments, departure_segments, overtaken_segments, presence_segments
from geo.urlstate import View

ASSETS = Path(__file__).resolve().parent / "assets"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Where each zone's card sits: a label placement for legibility, not a geographic claim.
CARD_ANCHORS: Mapping[str, tuple[float, float]] = {
    "gaza_strip": (31.56, 34.30),
    "yellow_line": (31.45, 34.17),
    "egypt_border": (31.345, 34.12),
    "philadelphi": (31.215, 34.10),
    "netzarim": (31.56, 34.58),
    "perimeter_buffer": (31.37, 34.53),
    "morag": (31.27, 34.47),
    "rafah_crossing": (31.16, 34.33),
}
DEFAULT_CENTER = (31.40, 34.36)
DEFAULT_ZOOM = 11


def escape(text: object) -> str:
    """Escape for HTML, for the JavaScript template literals folium puts text into, and for the
    Jinja templates folium renders its output with (braces, see :class:`DatedLayers`).

    >>> escape("a<b>`${x}`\\\\")
    'a&lt;b&gt;&#96;&#36;&#123;x&#125;&#96;&#92;'
    """
    out = html.escape(str(text), quote=True)
    out = out.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    return out.replace("{", "&#123;").replace("}", "&#125;")


def script_json(data: object) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``</script>``, no line separators)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text


def _geometry(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON geometry rounded to 5 decimals (about 1 m), to keep the page small."""
    return to_geojson(shapely.set_precision(geom, 1e-5))  # type: ignore[no-any-return]


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the installed package, with its images inlined."""
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    return js.replace("</script", "<\\/script"), css


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def payload(
    bundle: Bundle, *, view: View, lang: str = "en", date_range: tuple[date, date] | None = None
) -> dict[str, Any]:
    """Everything the browser needs to draw any date: segments, shapes, facts, strings."""
    tl = bundle.timeline
    actor_ids = list(bundle.actors)
    colours = actor_colours(actor_ids)
    strip_area = bundle.strip_area_km2
    shapes = []
    for zone_id, zone in bundle.zones.items():
        if zone.geometry == "band":
            rows = sorted((e for e in bundle.extents if e.zone == zone_id), key=lambda e: e.valid_from)
            for i, e in enumerate(rows):
                s = bundle.shapes[(zone_id, e.valid_from)]
                shapes.append(
                    {
                        "zone": zone_id,
                        "from": e.valid_from.isoformat(),
                        "to": rows[i + 1].valid_from.isoformat() if i + 1 < len(rows) else None,
                        "geometry": _geometry(s.geometry),
                        "quality": s.quality,
                        "dash": edge_dash(s.quality),
                        "width_m": e.width_m,
                        "area_km2": round(s.area_km2 or 0, 2),
                        "share": round((s.area_km2 or 0) / strip_area, 4),
                        "basis": e.basis,
                        "facts": list(e.fact_ids),
                        "note": e.note,
                    }
                )
        elif zone.geometry in ("point", "line") and zone_id != "gaza_strip":
            s = bundle.shapes[(zone_id, date.min)]
            shapes.append(
                {
                    "zone": zone_id,
                    "from": None,
                    "to": None,
                    "geometry": _geometry(s.geometry),
                    "quality": s.quality,
                    "dash": edge_dash(s.quality),
                    "width_m": None,
                    "area_km2": None,
                    "share": None,
                    "basis": "",
                    "facts": [],
                    "note": "",
                }
            )
    anchors = {}
    for zone_id, zone in bundle.zones.items():
        feature = bundle.features.get(zone.feature)
        point = feature.geometry.representative_point() if feature is not None else None
        anchors[zone_id] = {
            "card": list(CARD_ANCHORS.get(zone_id, DEFAULT_CENTER)),
            "target": [round(point.y, 5), round(point.x, 5)]
            if point is not None and zone_id != "gaza_strip"
            else None,
        }
    return {
        "dataFrom": bundle.data_from.isoformat(),
        "dataAsOf": bundle.data_as_of.isoformat(),
        "researched": _iso(bundle.researched),
        "title": messages(lang)["app.title"],
        # Guided lessons (layers/lessons/), their steps' captions shown as text.
        "lessons": _lessons_within(lessons_payload(bundle), date_range),
        # A saved copy may cover a date range only (geo export --from/--to); None: every date.
        "range": None if date_range is None else [date_range[0].isoformat(), date_range[1].isoformat()],
        # The data version a citation names and a cited link carries (v=).
        "version": data_version(bundle),
        "days": [d.isoformat() for d in tl.change_dates],
        "zones": {
            z.id: {
                "name": z.name,
                "name_ar": z.name_ar,
                "name_he": z.name_he,
                "mapped": z.mapped,
                "note": z.note,
                "within": z.within or None,
                **anchors[z.id],
            }
            for z in bundle.zones.values()
        },
        "actors": {
            a.id: {
                "name": a.name,
                "short": a.short,
                "colour": colours[a.id],
                "text": text_colour(colours[a.id]),
            }
            for a in bundle.actors.values()
        },
        "shapes": shapes,
        "presence": [
            [
                s.zone,
                s.actor,
                s.start.isoformat(),
                _iso(s.end),
                s.value.status,
                s.value.fact,
                s.value.present_since.isoformat(),
                list(s.value.derived_from),
                s.value.implied_by or None,
            ]
            for s in presence_segments(tl)
        ],
        "left": [
            [
                s.zone,
                s.actor,
                s.start.isoformat(),
                _iso(s.end),
                s.value.on.isoformat(),
                s.value.fact,
                s.value.how,
            ]
            for s in departure_segments(tl)
        ],
        "demands": [
            [
                s.zone,
                s.actor,
                s.start.isoformat(),
                _iso(s.end),
                s.value.position,
                s.value.fact,
                s.value.since.isoformat(),
                list(s.value.statements),
                s.value.standing,
                (s.value.last_stated or s.value.since).isoformat(),
                _iso(s.value.met.on) if s.value.met else None,
                s.value.met.fact if s.value.met else None,
                s.value.gist or None,
                # 'other' statements kept beside this position (they say something else): told
                # with it, so a later word of the same party is not folded in silently.
                [
                    [fid, tl.by_id[fid].date.isoformat(), tl.by_id[fid].gist or None]
                    for fid in s.value.statements
                    if fid != s.value.fact and tl.by_id[fid].status == OPEN_POSITION
                ],
            ]
            for s in demand_segments(tl)
        ],
        "overtaken": [
            [
                s.zone,
                s.actor,
                s.start.isoformat(),
                _iso(s.end),
                s.value.position,
                s.value.fact,
                s.value.since.isoformat(),
                _iso(s.value.overtaken.on) if s.value.overtaken else None,
                overtaker_words(bundle, _overtaken_dict(s.value), prefix="ui"),
                s.value.overtaken.fact if s.value.overtaken else None,
                list(s.value.statements),
                s.value.gist or None,
            ]
            for s in overtaken_segments(tl)
        ],
        # What changed on each change day, in words (filtered by party in the browser).
        # Also the days a position ages, which are no change days (Previous/Next skip them).
        "changes": {
            d.isoformat(): [[c["actor"], c["zone"], c["fact"], _change_text(bundle, c)] for c in cs]
            for d, cs in (
                (d, [change_dict(c) for c in tl.changes_on(d)])
                for d in sorted(
                    {*tl.change_dates, *(s.start for s in demand_segments(tl) if s.value.standing == "aged")}
                )
            )
            if cs or d in tl.change_dates
        },
        "agreements": [
            {
                "id": g.id,
                "name": g.name,
                "periods": [[p.start.isoformat(), _iso(p.end), list(p.fact_ids)] for p in g.periods],
                "roles": [[r.actor, r.role, r.since.isoformat(), list(r.fact_ids)] for r in g.roles],
                "terms": [[f.zone, f.id, f.date.isoformat()] for f in tl.terms.get(g.id, ())],
            }
            for g in tl.agreements
        ],
        "events": [[f.id, f.date.isoformat(), _iso(f.end)] for f in tl.events],
        # Facts point to their source by id: one publisher's wire story backs many facts.
        "facts": {
            f.id: {
                "date": f.date.isoformat(),
                "date_precision": f.precision,
                "end_date": _iso(f.end),
                "zone": f.zone,
                "actors": list(f.actors),
                "summary": f.summary,
                "confidence": f.confidence,
                "source": f.source_id,
            }
            for f in tl.facts
        },
        "sources": {
            s.id: {
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url or None,
                "published": _iso(s.published),
            }
            for s in (bundle.sources[sid] for sid in sorted({f.source_id for f in tl.facts}))
        },
        "figures": [
            {
                "zone": f.zone,
                "fact": f.fact_id,
                "wording": f.wording,
                "counted_by": f.counted_by,
                "date": bundle.fact(f.fact_id).date.isoformat(),
            }
            for f in bundle.figures
        ],
        "symbols": POSITION_SYMBOLS,
        "statuses": list(PRESENCE_STATUSES),
        "positions": list(POSITIONS),
        "strings": {k: v for k, v in messages(lang).items() if k.split(".")[0] in JS_STRING_GROUPS},
        "about": about_blocks((LOCALE_DIR / f"about.{lang}.md").read_text(encoding="utf-8")),
        "initial": view.to_json(),
    }


JS_STRING_GROUPS = (
    "map",
    "ui",
    "status",
    "position",
    "chip",
    "confidence",
    "precision",
    "month",
    "month_long",
    "role",
    "age",
    "share",
    "url",
)


def _label_region(bundle: Bundle, point: BaseGeometry) -> list[list[list[float]]]:
    """Where the name of a country or the sea may be moved to when cards cover its point: the
    land polygon it stands in, or the sea (what no land and not the strip covers), near the
    strip, simplified, as rings of [lon, lat] for the browser's point-in-polygon test."""
    lands = [f.geometry for f in bundle.layer("background") if f.properties.get("kind") == "land"]
    near = shapely.box(*bundle.strip.bounds).buffer(0.3)
    home = next((g for g in lands if g.contains(point)), None)
    if home is None:
        home = near.difference(shapely.union_all([*lands, bundle.strip]))
    area = home.intersection(near).simplify(0.003)
    parts = [g for g in getattr(area, "geoms", [area]) if g.geom_type == "Polygon" and not g.is_empty]
    biggest = max((g.area for g in parts), default=0.0)
    # Slivers between the layers' edges are no place for a name.
    return [
        [[round(x, 4), round(y, 4)] for x, y in g.exterior.coords] for g in parts if g.area > biggest / 20
    ]


def _lessons_within(
    lessons: list[dict[str, Any]], date_range: tuple[date, date] | None
) -> list[dict[str, Any]]:
    """A copy that covers some days only keeps the lessons whose every step lies on those days:
    a step outside would tell of a day the copy cannot show, and dropping steps would renumber
    the rest (a teacher's link to step 4 would open another step)."""
    if date_range is None:
        return lessons
    start, end = (d.isoformat() for d in date_range)
    return [x for x in lessons if all(start <= s["date"] <= end for s in x["steps"])]


def _change_text(bundle: Bundle, c: dict[str, Any]) -> str:
    """A change in words for the page: its fact is the source a click away, not a bracket."""
    text = change_words(bundle, c)
    if c["fact"]:
        text = text.removesuffix(f" [{c['fact']}]")
    return text.replace(" -> ", " → ")


def _overtaken_dict(p: Position) -> dict[str, Any]:
    o = p.overtaken
    assert o is not None
    return {
        "actor": p.actor,
        "overtaken_by": {"kind": o.kind, "fact": o.fact, "zone": o.zone, "agreement": o.agreement},
    }


CLIENT_MODULES = (
    "gcm_time.js",
    "gcm_text.js",
    "gcm_dom.js",
    "gcm_panels.js",
    "gcm_share.js",
    "gcm_lessons.js",
    "map.js",
)


def client_js() -> str:
    """The client's modules in dependency order, as one script (the page is one file)."""
    return "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in CLIENT_MODULES)


_RUN = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def _runs(text: str) -> list[list[str]]:
    out: list[list[str]] = []
    pos = 0
    for m in _RUN.finditer(text):
        if m.start() > pos:
            out.append(["", text[pos : m.start()]])
        out.append(["b", m.group(1)] if m.group(1) else ["i", m.group(2)])
        pos = m.end()
    if pos < len(text):
        out.append(["", text[pos:]])
    return out


def about_blocks(markdown: str) -> list[list[Any]]:
    r"""Our About text (a small Markdown subset: ###, paragraphs, ``*`` lists, bold, italics) as
    blocks the client builds with text nodes, so no HTML string is ever parsed.

    >>> about_blocks("### Hi\n\nA *b* **c**\nd")
    [['h', 'Hi'], ['p', [['', 'A '], ['i', 'b'], ['', ' '], ['b', 'c'], ['', ' d']]]]
    >>> about_blocks("* x\n  y\n* z")
    [['ul', [[['', 'x y']], [['', 'z']]]]]
    """
    blocks: list[list[Any]] = []
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        lines = [line.rstrip() for line in chunk.splitlines()]
        if lines[0].startswith("#"):
            blocks.append(["h", lines[0].lstrip("#").strip()])
        elif lines[0].startswith("* "):
            items: list[str] = []
            for line in lines:
                if line.startswith("* "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            blocks.append(["ul", [_runs(i) for i in items]])
        else:
            blocks.append(["p", _runs(" ".join(line.strip() for line in lines))])
    return blocks


class DatedLayers(MacroElement):
    """The dated layers, time controls, cards and legend, drawn by ``assets/map.js``.

    folium renders a macro's output a second time as a Jinja template (branca wraps it in an
    ``Element``), so text from the data must never pass through it: ``{{ ... }}`` in a summary
    would run as template code when the page is built. The macro leaves tokens, and
    :func:`render_html` puts the client, its style and the data in place of them afterwards.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>/*GCM_CSS*/</style>{% endmacro %}
        {% macro html(this, kwargs) -%}
        <script type="application/json" id="gcm-data">/*GCM_DATA*/</script>
        {%- endmacro %}
        {% macro script(this, kwargs) %}
        /*GCM_CLIENT*/
        gcmInit({{ this._parent.get_name() }}, JSON.parse(document.getElementById("gcm-data").textContent));
        {% endmacro %}
        """
    )
    TOKENS = ("/*GCM_CSS*/", "/*GCM_CLIENT*/", "/*GCM_DATA*/")

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "DatedLayers"
        self.data = script_json(data)
        self.js = client_js()
        self.css = (ASSETS / "map.css").read_text(encoding="utf-8")

    def fill(self, page: str) -> str:
        """The rendered page with the tokens replaced, each exactly once, never re-read."""
        for token, text in zip(self.TOKENS, (self.css, self.js, self.data), strict=True):
            if page.count(token) != 1:
                raise RuntimeError(f"the page's {token} could not be located")
            head, _, tail = page.partition(token)
            page = head + text + tail
        return page


def _tooltip(props: Mapping[str, Any]) -> str:
    """Names as HTML, with braces as character references: folium renders a tooltip's text as
    a Jinja template once more (see :class:`DatedLayers`), and "{{" must stay text."""
    names = [props.get("name"), props.get("name_ar"), props.get("name_he")]
    return "<br>".join(escape(n) for n in names if n)


def build_map(
    bundle: Bundle,
    *,
    view: View,
    lang: str = "en",
    tiles: bool = False,
    date_range: tuple[date, date] | None = None,
) -> folium.Map:
    """The folium map: static layers as folium objects, dated layers as one script. With
    ``tiles``, OpenStreetMap's web tiles are offered as an optional base layer (off until the
    reader ticks it; the page's policy then allows that one image host, see geo.csp).
    ``date_range`` limits a saved copy's controls to those days."""
    center = view.center or DEFAULT_CENTER
    m = folium.Map(
        location=list(center),
        zoom_start=round(view.zoom or DEFAULT_ZOOM),  # the script sets the exact (fractional) view
        tiles=None,
        control_scale=True,
        min_zoom=8,
        max_zoom=17,
        attribution_control=True,
        zoom_snap=0.5,
    )
    m.default_js = []
    m.default_css = []
    tile_layer = None
    if tiles:
        tile_layer = folium.TileLayer(
            OSM_TILES,
            attr=escape(OSM_ATTRIBUTION),
            name=escape(messages(lang)["map.base_osm"]),
            max_zoom=19,
            show=False,
            overlay=True,
            control=False,
        )
        tile_layer.add_to(m)
    for f in bundle.layer("background"):
        if f.properties.get("kind") == "land":
            folium.GeoJson(
                {"type": "Feature", "geometry": _geometry(f.geometry), "properties": {}},
                style_function=lambda _f: STATIC_STYLES["land"],
                interactive=False,
            ).add_to(m)
    folium.GeoJson(
        {"type": "Feature", "geometry": _geometry(bundle.strip), "properties": {}},
        style_function=lambda _f: STATIC_STYLES["strip"],
        interactive=False,
    ).add_to(m)
    for f in bundle.layer("borders"):
        style = STATIC_STYLES.get(str(f.properties["kind"]), STATIC_STYLES["coastline"])
        folium.GeoJson(
            {"type": "Feature", "geometry": _geometry(f.geometry), "properties": {}},
            style_function=lambda _f, s=style: s,
            tooltip=folium.Tooltip(_tooltip(f.properties)),
        ).add_to(m)
    for f in bundle.layer("corridor_axes"):
        folium.GeoJson(
            {"type": "Feature", "geometry": _geometry(f.geometry), "properties": {}},
            style_function=lambda _f: STATIC_STYLES["axis"],
            tooltip=folium.Tooltip(_tooltip(f.properties)),
        ).add_to(m)
    data = payload(bundle, view=view, lang=lang, date_range=date_range)
    # The view travels in the page's data block (with_view), not in the script: the script's
    # hash in the page's policy must not change with the link.
    del data["initial"]
    data["places"] = [
        {
            "id": f.id,
            "lat": round(f.geometry.y, 5),
            "lon": round(f.geometry.x, 5),
            "name": f.properties.get("name"),
            "name_ar": f.properties.get("name_ar"),
            "name_he": f.properties.get("name_he"),
            "kind": f.properties.get("kind"),
            "quality": f.quality,
        }
        for f in bundle.layer("places")
    ]
    data["labels"] = [
        {"lat": f.geometry.y, "lon": f.geometry.x, "name": f.properties["name"], "region": region}
        for f in bundle.layer("background")
        if f.properties.get("kind") == "label"
        for region in [_label_region(bundle, f.geometry)]
    ]
    data["attribution"] = OSM_ATTRIBUTION
    _name_in_order(m)  # before a name is read
    if tile_layer is not None:
        data["tileVar"] = tile_layer.get_name()
    minx, miny, maxx, maxy = bundle.strip.bounds
    lats = [miny, maxy] + [a[0] for a in CARD_ANCHORS.values()]
    lons = [minx, maxx] + [a[1] for a in CARD_ANCHORS.values()]
    data["bounds"] = [[min(lats), min(lons)], [max(lats), max(lons)]]
    data["stripBounds"] = [[miny, minx], [maxy, maxx]]
    data["home"] = [*center, view.zoom or DEFAULT_ZOOM]  # the view if the frame has no size yet
    outline = bundle.strip.simplify(0.0005)
    ring = max(getattr(outline, "geoms", [outline]), key=lambda g: g.area).exterior
    data["stripRing"] = [[round(x, 5), round(y, 5)] for x, y in ring.coords]
    data["sea"] = SEA_COLOUR
    DatedLayers(data).add_to(m)
    _name_in_order(m)
    return m


def _name_in_order(root: Any) -> None:
    """Give every element an id from its place in the tree, not a random one (branca's default):
    the same data then makes the same page, byte for byte, in every process, so replicas behind
    a proxy serve one file under one content hash, which browsers and caches can keep."""
    stack, n = [root], 0
    while stack:
        element = stack.pop(0)
        element._id = f"{n:016x}"
        n += 1
        stack.extend(getattr(element, "_children", {}).values())


def render_html(m: folium.Map, *, title: str = "Gaza Corridors Map", lang: str = "en") -> str:
    """The page as one self-contained HTML string, with Leaflet inlined, an empty view block
    (filled by :func:`with_view`) and its Content-Security-Policy (geo.csp)."""
    js, css = leaflet_assets()
    root = cast(Figure, m.get_root())
    root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css", index=0)
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js", index=1)
    root.header.add_child(Element(f"<title>{escape(title)}</title>"), name="title")
    # The page around the map: a skip link, the title, the date controls (filled by the client,
    # above the map so they never cover it), then the text of the day and a live region.
    say = messages(lang)
    root.html.add_child(
        Element(
            f'<a class="gcm-skip" href="#gcm-panels">{escape(say["ui.skip"])}</a>'
            f'<header class="gcm-head"><h1>{escape(title)}</h1>'
            f'<p class="gcm-subtitle">{escape(say["ui.subtitle"])}</p></header>'
            f'<div id="gcm-time" class="gcm-time" role="group" aria-label="{escape(say["map.time"])}"></div>'
        ),
        name="gcm_top",
        index=0,
    )
    page = root.render()
    for layers in (c for c in m._children.values() if isinstance(c, DatedLayers)):
        page = layers.fill(page)
    # The map starts without a view: the client sets the one it opens on (the link's, or the
    # strip fitted to the frame), so every layer is drawn once there, not first at folium's
    # centre and again (measured: about 10 ms of a cold start). The client falls back to
    # G.home if its frame has no size yet. Should folium write the map differently one day,
    # the page keeps the centre and still works, only a little slower.
    start = f"center: {json.dumps(list(m.location))},"
    if page.count(start) == 1:
        page = page.replace(start, "", 1)
    # After the map (folium renders its div last), so reading and Tab order follow the screen.
    bottom = (
        f'<section id="gcm-panels" class="gcm-panels" tabindex="-1" aria-label="{escape(say["ui.panels"])}">'
        '</section><div id="gcm-live" class="gcm-sr" aria-live="polite"></div>'
    )
    if page.count("</body>") != 1:
        raise RuntimeError("the page's body could not be located")
    page = page.replace("</body>", bottom + "</body>", 1)
    # folium's viewport forbids zooming the page, which fails WCAG 1.4.4; allow it.
    page = re.sub(
        r'<meta name="viewport"[^>]*>',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />',
        page,
    )
    page = page.replace("<html>", f'<html lang="{escape(lang)}">', 1)
    # The view to open on: data, never run, first in <head> (after the policy) so no text of
    # the page comes before it; the client reads it with JSON.parse.
    head = page.find("<head>")
    if head < 0:
        raise RuntimeError("the page's head could not be located")
    page = page[: head + 6] + view_block({}) + page[head + 6 :]
    # Web tiles (if offered) are the one thing the page may load: images from their host.
    hosts = [urlsplit(c.tiles) for c in m._children.values() if isinstance(c, folium.TileLayer)]
    return apply_csp(page, image_origins=sorted({f"{u.scheme}://{u.netloc}" for u in hosts}))


VIEW_BLOCK_ID = "gcm-view"
_VIEW_BLOCK = re.compile(r'<script type="application/json" id="gcm-view">[^<]*</script>')


def view_block(initial: Mapping[str, Any]) -> str:
    """The view a page opens on, as a data block: JSON with <, >, & and the line separators
    escaped, so nothing in it can close the element (the bridge splices it the same way)."""
    return f'<script type="application/json" id="{VIEW_BLOCK_ID}">{script_json(initial)}</script>'


def base_html(
    bundle: Bundle, *, lang: str = "en", tiles: bool = False, date_range: tuple[date, date] | None = None
) -> str:
    """The page with an empty view block: build once, serve to every link. ``tiles`` offers
    OpenStreetMap's web tiles (and lets the page's policy load images from their host)."""
    view = View(bundle.data_as_of)
    m = build_map(bundle, view=view, lang=lang, tiles=tiles, date_range=date_range)
    return render_html(m, lang=lang)


def with_view(page: str, view: View, warnings: Sequence[str] = ()) -> str:
    """A page from :func:`base_html` opening on ``view`` (the script sets date and map view),
    showing ``warnings`` (plain text, e.g. what was wrong with the link) above the text. Only
    the view block changes, so the page's script hashes (its policy) still hold."""
    initial = {**view.to_json(), "warnings": list(warnings)}
    page, n = _VIEW_BLOCK.subn(lambda _m: view_block(initial), page, count=1)
    if n != 1:
        raise RuntimeError("the page has no view block (not built by base_html)")
    return page


def map_html(
    bundle: Bundle,
    *,
    view: View,
    lang: str = "en",
    tiles: bool = False,
    date_range: tuple[date, date] | None = None,
) -> str:
    """Build and render in one step (the exported single file: no web tiles, no request)."""
    return with_view(base_html(bundle, lang=lang, tiles=tiles, date_range=date_range), view)
