"""Read the files of a layers folder into plain rows and GeoDataFrames; parse only, judge nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo._errors import DateError, Problem
from geo.settings import CRS_LONLAT

Row = tuple[int, dict[str, str]]  # (line number in the file, cells)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text (UTF-8, a leading BOM allowed), or a problem saying why not."""
    try:
        return path.read_text(encoding="utf-8-sig"), []
    except FileNotFoundError:
        return None, [Problem(path.name, "", "", "", "file is missing")]
    except UnicodeDecodeError as e:
        return None, [Problem(path.name, f"byte {e.start}", "", "", "not UTF-8 text")]
    except OSError as e:
        return None, [Problem(path.name, "", "", "", f"cannot be read ({e.strerror})")]


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    text, problems = read_text(path)
    if text is None:
        return None, problems
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as e:
        return None, [
            Problem(path.name, f"line {e.lineno} column {e.colno}", "", "", f"not valid JSON ({e.msg})")
        ]
    except ValueError as e:
        return None, [Problem(path.name, "", "", "", f"not valid JSON ({e})")]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def read_table(path: Path, columns: tuple[str, ...]) -> tuple[list[Row], list[Problem]]:
    """Rows of a CSV file with exactly ``columns`` as its header, each with its line number.

    Cells are kept as text with surrounding spaces stripped; no type is guessed.
    """
    text, problems = read_text(path)
    if text is None:
        return [], problems
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader, None)
    except csv.Error as e:
        return [], [Problem(path.name, "line 1", "", "", f"not valid CSV ({e})")]
    if not header:
        return [], [Problem(path.name, "", "", "", "file is empty: a header row is required")]
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns]
    for c in missing:
        problems.append(Problem(path.name, "line 1", c, "", "required column is missing"))
    for h in extra:
        problems.append(Problem(path.name, "line 1", h, "", "unknown column (check the spelling)"))
    if len(set(header)) != len(header):
        problems.append(Problem(path.name, "line 1", "", "", "a column name appears twice"))
    if problems:
        return [], problems
    rows: list[Row] = []
    line = reader.line_num
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        path.name,
                        f"line {start}",
                        "",
                        "",
                        f"has {len(cells)} cells, the header has {len(header)}",
                    )
                )
                continue
            rows.append((start, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as e:
        problems.append(Problem(path.name, f"line {reader.line_num}", "", "", f"not valid CSV ({e})"))
    return rows, problems


def layer_frame(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """GeoJSON features as a GeoDataFrame in EPSG:4326: one column per property, geometry last.

    Give it only features that :func:`geo.validate.check_geojson` passed: geopandas reports
    bad input with less precision than the checks (which name file, feature and field).
    A property a feature lacks is missing (NaN) in its row.
    """
    keys: dict[str, None] = {}  # every property, in the order first seen
    for f in features:
        keys.update(dict.fromkeys(f["properties"]))
    return gpd.GeoDataFrame.from_features(features, crs=CRS_LONLAT, columns=[*keys, "geometry"])


def count_items(path: Path) -> int:
    """Features of a GeoJSON file or data rows of a CSV file (for the manifest); -1 if unreadable.

    An unreadable file is reported by its own check, with the reason.
    """
    try:
        if path.suffix == ".geojson":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            features = data.get("features") if isinstance(data, dict) else None
            return len(features) if isinstance(features, list) else -1
        with path.open(encoding="utf-8-sig", newline="") as f:
            return max(sum(1 for row in csv.reader(f) if any(c.strip() for c in row)) - 1, 0)
    except (OSError, ValueError, csv.Error):
        return -1


def parse_day(value: str) -> date:
    """A user's ``YYYY-MM-DD`` date, or a :class:`DateError` saying what is wrong.

    >>> parse_day("2024-08-22")
    datetime.date(2024, 8, 22)
    >>> parse_day("2024-02-30")
    Traceback (most recent call last):
    ...
    geo._errors.DateError: '2024-02-30' is not a real calendar date
    """
    text = value.strip()
    if not DATE_RE.match(text):
        raise DateError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{value!r} is not a real calendar date") from None
