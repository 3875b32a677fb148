"""Typed constants shared by the package: CRSs, vocabularies, file roles."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final, Literal

CRS_LONLAT: Final = "EPSG:4326"
"""Storage CRS (RFC 7946 GeoJSON, lon/lat)."""
CRS_METRIC: Final = "EPSG:32636"
"""Measurement CRS: UTM zone 36N, metres; the Gaza Strip lies well inside it."""

DEFAULT_LAYERS_DIR: Final = Path(__file__).resolve().parent.parent / "layers"

Kind = Literal["presence", "demand", "event", "agreement"]
Precision = Literal["day", "month", "approx"]
Confidence = Literal["high", "medium", "low"]

KINDS: Final = ("presence", "demand", "event", "agreement")
PRECISIONS: Final = ("day", "month", "approx")
CONFIDENCES: Final = ("high", "medium", "low")

PRESENT_STATUSES: Final = ("established", "expanded", "reoccupied", "contested")
ABSENT_STATUSES: Final = ("withdrawn",)
PRESENCE_STATUSES: Final = PRESENT_STATUSES + ABSENT_STATUSES
POSITIONS: Final = ("remain", "withdraw", "monitoring", "international_force", "open", "other")
OPEN_POSITION: Final = "other"
"""A statement with this position does not replace a standing position of a named kind."""

STATUSES_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    "presence": PRESENCE_STATUSES,
    "demand": POSITIONS,
    "event": ("",),
    "agreement": ("",),
}

FEATURE_QUALITIES: Final = ("published", "derived", "approximate")
EXTENT_QUALITIES: Final = ("reported", "derived")
EXTENT_SHAPES: Final = ("centred_on_axis", "inward_from_line")
ZONE_GEOMETRIES: Final = ("outline", "band", "point", "line", "none")
ACTOR_KINDS: Final = ("government", "armed_force", "armed_group", "organisation", "group")
AGREEMENT_ROLES: Final = ("party", "broker", "endorser")
"""party: signed or accepted it; broker: mediated it; endorser: endorsed it later."""
AGREEMENT_ENDINGS: Final = ("expired", "broke_down", "suspended", "superseded")
ISRAELI_FORCES: Final = ("IDF",)
"""The forces whose withdrawal a ``withdraw`` position asks for (see the positions below)."""
POSITION_MAX_AGE_DAYS: Final = 365
"""A position not restated for longer than this is *aged*: shown apart, with its age."""
STALE_AFTER_DAYS: Final = 90
"""``geo validate`` warns when the latest dated fact is further behind today than this."""

# File roles: the name of each file fixes what it holds.
GEOJSON_FILES: Final = {
    "gaza_strip.geojson": ("Polygon",),
    "borders.geojson": ("LineString",),
    "places.geojson": ("Point",),
    "corridor_axes.geojson": ("LineString",),
    "background.geojson": ("Polygon", "MultiPolygon", "Point"),
}
OPTIONAL_COLUMNS: Final[dict[str, tuple[str, ...]]] = {"timeline.csv": ("gist",)}
"""Columns added after files were written: a file without one reads as if each cell were empty."""
GIST_MAX_CHARS: Final = 90
"""A position's gist is a chip's words: short enough to read at a glance."""
TABLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "zones.csv": ("id", "name", "name_ar", "name_he", "geometry", "feature", "within", "note"),
    "actors.csv": ("id", "name", "short", "kind", "members", "note"),
    "sources.csv": ("id", "title", "publisher", "url", "published", "checked", "note"),
    "timeline.csv": (
        "id",
        "date",
        "date_precision",
        "end_date",
        "kind",
        "zone",
        "actor",
        "status",
        "agreement",
        "summary",
        "gist",
        "source_id",
        "confidence",
        "note",
    ),
    "zone_extents.csv": (
        "zone",
        "valid_from",
        "date_precision",
        "width_m",
        "shape",
        "line",
        "fact_ids",
        "source_id",
        "basis",
        "quality",
        "note",
    ),
    "agreements.csv": ("id", "name", "concluded", "fact_ids", "note"),
    "agreement_periods.csv": ("agreement", "from", "to", "ended_by", "fact_ids", "source_id", "note"),
    "agreement_roles.csv": ("agreement", "actor", "role", "since", "fact_ids", "source_id", "note"),
    "reported_figures.csv": (
        "zone",
        "fact_id",
        "measure",
        "value_low",
        "value_high",
        "unit",
        "wording",
        "counted_by",
    ),
}
MANIFEST: Final = "manifest.json"
LESSONS_DIR: Final = "lessons"
"""Guided lessons, one JSON file each. Not listed in the manifest: every reference in a lesson
is checked against the data instead (``geo/lessons.py``)."""
LESSON_TITLE_MAX: Final = 120
LESSON_TEXT_MAX: Final = 600
"""Longest caption or lesson summary, in characters."""
FEATURE_REQUIRED: Final = ("id", "name", "kind", "source", "quality")
PLACE_REQUIRED: Final = ("name_ar", "name_he")

# What a layers folder may hold. Folders, links and uploads come from anyone: every file is read
# through geo.io.read_bytes, which enforces these limits and names the file, row and field.
MAX_FILE_BYTES: Final = 20_000_000
"""A data file larger than this is not read (20 MB: the vertex limit below is about 10 MB)."""
MAX_JSON_DEPTH: Final = 32
"""JSON nested deeper than this is refused before parsing (a MultiPolygon layer needs 7)."""
MAX_FEATURES: Final = 10_000
"""Features in one GeoJSON file (the bundled files hold at most a few dozen)."""
MAX_VERTICES_PER_FEATURE: Final = 50_000
MAX_VERTICES_PER_FILE: Final = 250_000
MAX_FIELD_CHARS: Final = 10_000
"""Characters in one CSV cell or one GeoJSON property string."""
MAX_TABLE_ROWS: Final = 20_000
"""Data rows in one CSV file."""

REGION_LON: Final = (33.0, 36.0)
"""Longitudes a position may take: the strip and its neighbours (the map's own bounds)."""
REGION_LAT: Final = (30.0, 33.0)
"""Latitudes a position may take. The two ranges do not overlap, so swapped axes are caught."""

EARLIEST_DAY: Final = date(1900, 1, 1)
"""A date before this is a typo."""
LATEST_DAY: Final = date(2100, 1, 1)
"""A date after this is a typo, whatever the manifest says (the last guard against 9999-12-31)."""
DATE_MARGIN_DAYS: Final = 1
"""A date may be this many days after the day of the check: the data's day may be ahead of ours."""
