"""The map's view state and its URL form: date, overlays, actors, map view, data version, lesson.

Pure and serializable: the app reads it from the query parameters, the map reports it back,
and a shared link restores it. A bad value never raises; it becomes a :class:`Warning` and
the default is used.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date

from geo._errors import DateError
from geo.io import parse_day
from geo.settings import EARLIEST_DAY, LATEST_DAY, REGION_LAT, REGION_LON

OVERLAYS = ("presence", "demands")
NO_OVERLAYS = "none"
LAT_RANGE = REGION_LAT  # the map's view stays in the region the layers may cover
LON_RANGE = REGION_LON
ZOOM_RANGE = (6.0, 18.0)
MAX_STEP = 1000


@dataclass(frozen=True, slots=True)
class Warning:
    """A URL value that was not understood: ``key`` names the message, ``value`` what was given."""

    key: str
    param: str
    value: str


@dataclass(frozen=True, slots=True)
class View:
    """What the map shows: the as-of day, overlays on, actors shown (None = all), and the view.

    ``version`` is the data version a cited link was made with (``v=``), so that the app can
    say when the data has changed since; ``lesson`` and ``step`` (1-based) a guided lesson's step.
    """

    date: date
    overlays: tuple[str, ...] = OVERLAYS
    actors: tuple[str, ...] | None = None
    center: tuple[float, float] | None = None
    zoom: float | None = None
    version: str | None = None
    lesson: str | None = None
    step: int | None = None

    def to_params(self) -> dict[str, str]:
        """Query parameters for a link that restores this view."""
        params = {"date": self.date.isoformat()}
        if self.overlays != OVERLAYS:
            params["layers"] = ",".join(self.overlays) or NO_OVERLAYS
        if self.actors is not None:
            params["actors"] = ",".join(self.actors) or NO_OVERLAYS
        if self.center is not None and self.zoom is not None:
            params["view"] = f"{self.center[0]:.4f},{self.center[1]:.4f},{self.zoom:g}"
        if self.lesson is not None:
            params["lesson"] = self.lesson
            params["step"] = str(self.step or 1)
        if self.version is not None:
            params["v"] = self.version
        return params

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "overlays": list(self.overlays),
            "actors": None if self.actors is None else list(self.actors),
            "view": None if self.center is None else [self.center[0], self.center[1], self.zoom],
            "version": self.version,
            "lesson": self.lesson,
            "step": self.step,
        }


def _one(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def parse(
    params: Mapping[str, str | list[str]],
    *,
    default_date: date,
    actors: Collection[str],
    lessons: Collection[str] | None = None,
) -> tuple[View, list[Warning]]:
    """Read a view from query parameters, falling back to defaults value by value.

    >>> from datetime import date
    >>> view, warnings = parse({"date": "2024-08-22", "layers": "demands"},
    ...                        default_date=date(2026, 5, 28), actors=["IDF"])
    >>> view.date, view.overlays, warnings
    (datetime.date(2024, 8, 22), ('demands',), [])
    >>> parse({"date": "22/08/2024"}, default_date=date(2026, 5, 28), actors=[])[1][0].key
    'url.bad_date'
    """
    warnings: list[Warning] = []
    view = View(date=default_date)
    raw = _one(params.get("date"))
    if raw is not None:
        try:
            day = parse_day(raw)
        except DateError:
            warnings.append(Warning("url.bad_date", "date", raw))
        else:
            # A link's day is held to the same horizon as the data's (no 9999-12-31).
            if EARLIEST_DAY <= day <= LATEST_DAY:
                view = replace(view, date=day)
            else:
                warnings.append(Warning("url.bad_date", "date", raw))
    raw = _one(params.get("layers"))
    if raw is not None:
        names = [n.strip() for n in raw.split(",") if n.strip()]
        if names == [NO_OVERLAYS]:
            view = replace(view, overlays=())
        elif names and all(n in OVERLAYS for n in names):
            view = replace(view, overlays=tuple(n for n in OVERLAYS if n in names))
        else:
            warnings.append(Warning("url.bad_layers", "layers", raw))
    raw = _one(params.get("actors"))
    if raw is not None:
        names = [n.strip() for n in raw.split(",") if n.strip()]
        known = [n for n in names if n in actors]
        if names == [NO_OVERLAYS]:
            view = replace(view, actors=())
        elif len(known) != len(names) or not names:
            warnings.append(Warning("url.bad_actors", "actors", raw))
        if known:
            view = replace(view, actors=tuple(dict.fromkeys(known)))
    raw = _one(params.get("view"))
    if raw is not None:
        parsed = _parse_view(raw)
        if parsed is None:
            warnings.append(Warning("url.bad_view", "view", raw))
        else:
            view = replace(view, center=parsed[:2], zoom=parsed[2])
    raw = _one(params.get("v"))
    if raw is not None:
        if _VERSION.fullmatch(raw):
            view = replace(view, version=raw.lower())
        else:
            warnings.append(Warning("url.bad_version", "v", raw))
    raw = _one(params.get("lesson"))
    if raw is not None:
        if lessons is not None and raw in lessons:
            step_raw = _one(params.get("step")) or "1"
            # A number past any lesson's end is its last step (the app says so); not a number: 1.
            big = step_raw.isascii() and step_raw.isdigit() and len(step_raw) > 4
            step = (
                MAX_STEP
                if big
                else int(step_raw)
                if step_raw.isascii() and step_raw.isdigit() and 1 <= int(step_raw) <= MAX_STEP
                else None
            )
            if step is None:
                warnings.append(Warning("url.bad_step", "step", step_raw))
            view = replace(view, lesson=raw, step=step or 1)
        else:
            warnings.append(Warning("url.bad_lesson", "lesson", raw))
    return view, warnings


_VERSION = re.compile(r"[0-9A-Fa-f]{6,64}")


def _parse_view(raw: str) -> tuple[float, float, float] | None:
    parts = raw.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    ok = (
        LAT_RANGE[0] <= lat <= LAT_RANGE[1]
        and LON_RANGE[0] <= lon <= LON_RANGE[1]
        and ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]
    )
    return (lat, lon, zoom) if ok else None


def from_map(
    state: object, *, fallback: View, actors: Collection[str], lessons: Collection[str] | None = None
) -> View:
    """The view the map reported, checked like a URL (it crosses a trust boundary too)."""
    if not isinstance(state, Mapping):
        return fallback
    params: dict[str, str] = {}
    if isinstance(state.get("date"), str):
        params["date"] = state["date"]
    overlays = state.get("overlays")
    if isinstance(overlays, list) and all(isinstance(o, str) for o in overlays):
        params["layers"] = ",".join(overlays) or NO_OVERLAYS
    shown = state.get("actors")
    if isinstance(shown, list) and all(isinstance(a, str) for a in shown):
        params["actors"] = ",".join(shown) or NO_OVERLAYS
    v = state.get("view")
    if isinstance(v, list) and len(v) == 3 and all(isinstance(x, int | float) for x in v):
        params["view"] = ",".join(str(x) for x in v)
    if isinstance(state.get("lesson"), str):
        params["lesson"] = state["lesson"]
        step = state.get("step")
        if isinstance(step, int) and not isinstance(step, bool):
            params["step"] = str(step)
    view, warnings = parse(params, default_date=fallback.date, actors=actors, lessons=lessons)
    # The data version belongs to the cited link the reader came with: once they change the
    # view, the address no longer shows that cited view, so it no longer claims its version.
    return fallback if warnings else view
