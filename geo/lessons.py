"""Guided lessons: ordered steps through the data, each a day, a map view and a sourced caption.

A lesson is one JSON file in ``layers/lessons/``; its id is the file's stem. A teacher writes
one without touching code, and :func:`load_lessons` checks every field against the validated
data, naming the file, the step (1-based) and the field at fault. :func:`payload` hands the
lessons to the browser as plain JSON.

What can be checked: the form of every field, that the day lies within the data, that the
parties and zones exist, and that each fact a caption cites exists and is dated on or before
its step's day (a caption cannot rest on a fact from its own future). What cannot be checked:
that the caption says no more than its facts. That is the author's duty, under the same rules
as a fact's summary (CONTRIBUTING.md): attribute every claim, add nothing.

Lessons are not listed in ``manifest.json``: they hold no data of their own, only references
into it, and those are checked on every load.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from geo._errors import Problem
from geo.bundle import Bundle
from geo.i18n import LOCALE_DIR
from geo.io import DATE_RE, read_json
from geo.model import Lesson, Step
from geo.settings import LESSON_TEXT_MAX, LESSON_TITLE_MAX, LESSONS_DIR
from geo.tables import ID_RE
from geo.urlstate import LAT_RANGE, LON_RANGE, OVERLAYS, ZOOM_RANGE

__all__ = ["Lesson", "Step", "lesson_warnings", "load_lessons", "payload"]

LESSON_KEYS = ("title", "summary", "language", "steps")
STEP_KEYS = ("title", "date", "layers", "actors", "view", "caption", "facts")
VIEW_KEYS = ("zone", "center", "zoom")


def languages() -> tuple[str, ...]:
    """The languages a lesson may be written in: those the interface has strings for."""
    return tuple(sorted(p.stem for p in LOCALE_DIR.glob("*.json")))


def _shown(value: object) -> str:
    """A value as the problem line shows it: text as is, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _number(value: object) -> float | None:
    """A JSON number as a float; None for anything else (true and false included)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


class _Checker:
    """Collects the problems of one lesson file, each naming the step and the field."""

    def __init__(self, file: str, bundle: Bundle) -> None:
        self.file = file
        self.bundle = bundle
        self.problems: list[Problem] = []

    def add(self, where: str, field: str, value: object, message: str) -> None:
        self.problems.append(Problem(self.file, where, field, _shown(value), message))

    def known_keys(
        self, where: str, obj: Mapping[str, Any], allowed: tuple[str, ...], prefix: str = ""
    ) -> None:
        for key in obj:
            if key not in allowed:
                names = ", ".join(prefix + a for a in allowed)
                self.add(where, prefix + key, "", f"unknown field (check the spelling; known: {names})")

    def text(self, where: str, obj: Mapping[str, Any], key: str, limit: int) -> str | None:
        if key not in obj:
            self.add(where, key, "", "is required")
            return None
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.add(where, key, value, "must be text, not empty")
            return None
        value = value.strip()
        if len(value) > limit:
            self.add(where, key, value, f"is {len(value)} characters long; at most {limit}")
            return None
        return value

    def names(self, where: str, obj: Mapping[str, Any], key: str) -> list[str] | None:
        """A list of strings, or None (and a problem) if the field is something else."""
        value = obj[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(where, key, value, 'must be a list of names in quotes, e.g. ["a", "b"]')
            return None
        return [v.strip() for v in value]

    def day(self, where: str, step: Mapping[str, Any]) -> date | None:
        """The step's day, or None with a problem; a day outside the data is returned too."""
        if "date" not in step:
            self.add(where, "date", "", "is required (YYYY-MM-DD)")
            return None
        value = step["date"]
        if not isinstance(value, str) or not DATE_RE.match(value.strip()):
            self.add(where, "date", value, "is not a date in the form YYYY-MM-DD")
            return None
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            self.add(where, "date", value, "is not a real calendar date")
            return None
        first, last = self.bundle.data_from, self.bundle.data_as_of
        if not first <= day <= last:
            self.add(where, "date", value, f"lies outside the data, which runs from {first} to {last}")
        return day

    def overlays(self, where: str, step: Mapping[str, Any]) -> tuple[str, ...] | None:
        if "layers" not in step:
            return OVERLAYS
        names = self.names(where, step, "layers")
        if names is None:
            return None
        bad = [n for n in names if n not in OVERLAYS]
        for n in bad:
            self.add(where, "layers", n, "is not a layer; the layers are: " + ", ".join(OVERLAYS))
        return None if bad else tuple(o for o in OVERLAYS if o in names)

    def actors(self, where: str, step: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The parties shown; None means every party (also when the field is absent)."""
        if "actors" not in step:
            return None
        names = self.names(where, step, "actors") or []
        for n in names:
            if n not in self.bundle.actors:
                self.add(where, "actors", n, "names no party in actors.csv")
        return tuple(dict.fromkeys(names))

    def view(
        self, where: str, step: Mapping[str, Any]
    ) -> tuple[str | None, tuple[float, float] | None, float | None]:
        """(zone, center, zoom): a zone to fit, or a center and zoom, or none of them."""
        if "view" not in step:
            return None, None, None
        view = step["view"]
        shape = 'must be {"zone": ZONE_ID} or {"center": [LATITUDE, LONGITUDE], "zoom": ZOOM}'
        if not isinstance(view, dict) or not view:
            self.add(where, "view", view, shape)
            return None, None, None
        self.known_keys(where, view, VIEW_KEYS, prefix="view.")
        if "zone" in view:
            if "center" in view or "zoom" in view:
                self.add(where, "view", view, "give a zone, or a center and zoom, not both")
            return self.zone(where, view["zone"]), None, None
        if "center" not in view or "zoom" not in view:
            missing = "view.center" if "center" not in view else "view.zoom"
            self.add(where, missing, "", "is required: a view gives a zone, or a center and zoom")
            return None, None, None
        return None, self.center(where, view["center"]), self.zoom(where, view["zoom"])

    def zone(self, where: str, value: object) -> str | None:
        if not isinstance(value, str) or value not in self.bundle.zones:
            self.add(where, "view.zone", value, "names no zone in zones.csv")
            return None
        if not self.bundle.zones[value].mapped:
            self.add(
                where,
                "view.zone",
                value,
                "is not drawn on the map, so it cannot be fitted: give a center and zoom",
            )
            return None
        return value

    def center(self, where: str, value: object) -> tuple[float, float] | None:
        lat, lon = (
            (_number(v) for v in value) if isinstance(value, list) and len(value) == 2 else (None, None)
        )
        if lat is None or lon is None:
            self.add(where, "view.center", value, "must be [latitude, longitude], two numbers")
            return None

        def inside(la: float, lo: float) -> bool:
            return LAT_RANGE[0] <= la <= LAT_RANGE[1] and LON_RANGE[0] <= lo <= LON_RANGE[1]

        if inside(lat, lon):
            return lat, lon
        ranges = (
            f"latitude {LAT_RANGE[0]:g} to {LAT_RANGE[1]:g}, longitude {LON_RANGE[0]:g} to {LON_RANGE[1]:g}"
        )
        hint = " (it looks like [longitude, latitude], the GeoJSON order)" if inside(lon, lat) else ""
        self.add(where, "view.center", value, f"lies outside the region ({ranges}){hint}")
        return None

    def zoom(self, where: str, value: object) -> float | None:
        zoom = _number(value)
        if zoom is None or not ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]:
            self.add(
                where, "view.zoom", value, f"must be a number from {ZOOM_RANGE[0]:g} to {ZOOM_RANGE[1]:g}"
            )
            return None
        return zoom

    def facts(self, where: str, step: Mapping[str, Any], day: date | None) -> tuple[str, ...] | None:
        if "facts" not in step:
            self.add(where, "facts", "", "is required: the ids of the timeline.csv rows the caption rests on")
            return None
        names = self.names(where, step, "facts")
        if names is None:
            return None
        if not names:
            self.add(where, "facts", "[]", "must list at least one fact id from timeline.csv")
            return None
        by_id = self.bundle.timeline.by_id
        ok = True
        for i, fid in enumerate(names):
            if fid in names[:i]:
                self.add(where, "facts", fid, "is listed twice")
                ok = False
            elif fid not in by_id:
                self.add(where, "facts", fid, "names no fact in timeline.csv")
                ok = False
            elif day is not None and by_id[fid].date > day:
                self.add(
                    where,
                    "facts",
                    fid,
                    f"is dated {by_id[fid].date}, after the step's date {day}: "
                    "a caption cannot rest on a fact from its future",
                )
                ok = False
        return tuple(names) if ok else None

    def step(self, n: int, raw: object) -> Step | None:
        where = f"step {n}"
        if not isinstance(raw, dict):
            self.add(where, "", raw, "must be an object with title, date, caption and facts")
            return None
        before = len(self.problems)
        self.known_keys(where, raw, STEP_KEYS)
        title = self.text(where, raw, "title", LESSON_TITLE_MAX)
        day = self.day(where, raw)
        overlays = self.overlays(where, raw)
        actors = self.actors(where, raw)
        zone, center, zoom = self.view(where, raw)
        caption = self.text(where, raw, "caption", LESSON_TEXT_MAX)
        facts = self.facts(where, raw, day)
        if len(self.problems) > before or not (title and day and overlays is not None and caption and facts):
            return None
        return Step(title, day, overlays, actors, zone, center, zoom, caption, facts)


def _lesson(path: Path, root: Path, bundle: Bundle) -> tuple[Lesson | None, list[Problem]]:
    file = path.relative_to(root).as_posix()
    check = _Checker(file, bundle)
    if not ID_RE.match(path.stem):
        check.add(
            "",
            "",
            path.name,
            "the file's name is the lesson's id in links: use 1-64 letters, digits, '_', '.' or '-'",
        )
    data, found = read_json(path, root=root)  # regular files inside the folder only, with limits
    if data is None:
        return None, [replace(p, file=file) for p in found]
    if not isinstance(data, dict):
        check.add("", "", "", "must be a JSON object with title, summary, language and steps")
        return None, check.problems
    check.known_keys("", data, LESSON_KEYS)
    title = check.text("", data, "title", LESSON_TITLE_MAX)
    summary = check.text("", data, "summary", LESSON_TEXT_MAX)
    language = data.get("language")
    if "language" not in data:
        check.add("", "language", "", "is required: " + ", ".join(languages()))
    elif language not in languages():
        check.add("", "language", language, "must be one of: " + ", ".join(languages()))
    raw_steps = data.get("steps")
    steps: list[Step | None] = []
    if "steps" not in data:
        check.add("", "steps", "", "is required: a list of steps")
    elif not isinstance(raw_steps, list) or not raw_steps:
        check.add("", "steps", raw_steps, "must be a list of at least one step")
    else:
        steps = [check.step(n, raw) for n, raw in enumerate(raw_steps, start=1)]
    if check.problems or title is None or summary is None:
        return None, check.problems
    done = tuple(s for s in steps if s is not None)
    return Lesson(path.stem, file, title, summary, str(language), done), []


def load_lessons(root: Path, bundle: Bundle) -> tuple[list[Lesson], list[Problem]]:
    """The lessons in ``root/lessons/*.json``, checked against ``bundle``, in file-name order.

    Returns only the lessons without problems; each problem names the file (as
    ``lessons/<id>.json``), the step (``step 3``, counted from 1) and the field. No folder, no
    lessons. Hidden files are skipped.
    """
    folder = Path(root) / LESSONS_DIR
    if not folder.exists() and not folder.is_symlink():
        return [], []
    # The folder is read like every file: inside the layers folder, never through a link out.
    real_root = Path(root).resolve()
    if folder.is_symlink() and not folder.resolve().is_relative_to(real_root):
        return [], [
            Problem(
                LESSONS_DIR, "", "", "", "is a symbolic link to a folder outside the layers folder: not read"
            )
        ]
    if not folder.is_dir():
        return [], [Problem(LESSONS_DIR, "", "", "", "must be a folder of lesson files (*.json)")]
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        lesson, found = _lesson(path, Path(root), bundle)
        problems += found
        if lesson is not None:
            lessons.append(lesson)
    return lessons, problems


def lesson_warnings(bundle: Bundle) -> list[str]:
    """Warnings, not errors: a step dated before the step it follows (fine if meant)."""
    warnings = []
    for lesson in bundle.lessons:
        for n, (prev, step) in enumerate(zip(lesson.steps, lesson.steps[1:], strict=False), start=2):
            if step.date < prev.date:
                p = Problem(
                    lesson.file,
                    f"step {n}",
                    "date",
                    step.date.isoformat(),
                    f"is before step {n - 1}'s date ({prev.date}): "
                    "the lesson goes back in time (fine if meant)",
                )
                warnings.append(str(p))
    return warnings


def _view_json(step: Step) -> dict[str, Any] | None:
    if step.zone is not None:
        return {"zone": step.zone}
    if step.center is not None and step.zoom is not None:
        return {"center": list(step.center), "zoom": step.zoom}
    return None


def payload(bundle: Bundle) -> list[dict[str, Any]]:
    """The bundle's lessons as JSON-ready dicts for the browser.

    Each lesson is ``{"id", "title", "summary", "language", "steps"}``; each step is
    ``{"title", "date", "overlays", "actors", "view", "caption", "facts"}``, where ``actors``
    is None for every party and ``view`` is ``{"zone"}``, ``{"center": [lat, lon], "zoom"}``
    or None.
    """
    return [
        {
            "id": lesson.id,
            "title": lesson.title,
            "summary": lesson.summary,
            "language": lesson.language,
            "steps": [
                {
                    "title": s.title,
                    "date": s.date.isoformat(),
                    "overlays": list(s.overlays),
                    "actors": None if s.actors is None else list(s.actors),
                    "view": _view_json(s),
                    "caption": s.caption,
                    "facts": list(s.facts),
                }
                for s in lesson.steps
            ],
        }
        for lesson in bundle.lessons
    ]
