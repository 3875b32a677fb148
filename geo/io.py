"""Read the files of a layers folder into plain rows and GeoDataFrames; parse only, judge nothing.

Every file is read through :func:`read_bytes`, the one door to the disk: only regular files
inside the layers folder, never a named pipe or a device, never more than
:data:`~geo.settings.MAX_FILE_BYTES`. A symbolic link is followed only when it resolves to a
regular file inside the same folder (a layers folder may keep one file under two names; it may
not reach out of itself). The parsers then refuse JSON nested deeper than
:data:`~geo.settings.MAX_JSON_DEPTH`, CSV cells longer than :data:`~geo.settings.MAX_FIELD_CHARS`
and tables longer than :data:`~geo.settings.MAX_TABLE_ROWS`. Anything refused becomes a
:class:`~geo.Problem` naming the file (and line); nothing here raises on bad input.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo import settings
from geo._errors import DateError, Problem
from geo.settings import CRS_LONLAT

Row = tuple[int, dict[str, str]]  # (line number in the file, cells)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # the checked path is the one opened: no link swapped in
    | getattr(os, "O_NONBLOCK", 0)  # opening a named pipe never waits for a writer
    | getattr(os, "O_BINARY", 0)
)
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_CHUNK = 1 << 20
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # a row's first cell, named if it is an id


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _reason(e: BaseException) -> str:
    return (e.strerror if isinstance(e, OSError) else None) or str(e) or type(e).__name__


def _too_large(size: int | None, limit: int) -> str:
    found = "" if size is None else f" ({size:,} bytes)"
    return f"is larger than the limit of {limit:,} bytes{found}: not read"


def read_bytes(path: Path, *, root: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file inside ``root``, or a problem saying why they were not read.

    ``root`` is the layers folder, by default the file's own folder. The file is looked at
    before it is opened (a device is never opened), opened without following a link and
    without waiting, looked at again, and read up to :data:`~geo.settings.MAX_FILE_BYTES`.

    >>> read_bytes(Path("/dev/null"))[1][0].message
    'is a device, not a regular file: not read'
    """
    name = path.name or str(path)
    limit = settings.MAX_FILE_BYTES

    def refuse(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, "", "", "", message)]

    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return refuse("file is missing")
    except (OSError, ValueError) as e:
        return refuse(f"cannot be read ({_reason(e)})")
    try:
        folder = (path.parent if root is None else root).resolve(strict=True)
        target = path.resolve(strict=True)
        st = os.stat(target)
    except (OSError, RuntimeError) as e:
        what = "is a symbolic link to nothing that can be read" if link else "cannot be read"
        return refuse(f"{what} ({_reason(e)})")
    if not target.is_relative_to(folder):
        where = "is a symbolic link to a file" if link else "lies"
        return refuse(f"{where} outside the layers folder: not read")
    if not stat.S_ISREG(st.st_mode):
        return refuse(f"is {_kind(st.st_mode)}, not a regular file: not read")
    if st.st_size > limit:
        return refuse(_too_large(st.st_size, limit))
    chunks: list[bytes] = []
    size = 0
    try:
        fd = os.open(target, _OPEN_FLAGS)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the look above
                return refuse("is not a regular file: not read")
            while size <= limit:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as e:
        return refuse(f"cannot be read ({_reason(e)})")
    if size > limit:  # it grew since the look above
        return refuse(_too_large(None, limit))
    return b"".join(chunks), []


def decode_text(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a leading BOM allowed), or a problem naming the first bad byte.

    Bytes that did not come through :func:`read_bytes` (an upload) meet the size limit here.
    """
    if len(data) > settings.MAX_FILE_BYTES:
        return None, [Problem(name, "", "", "", _too_large(len(data), settings.MAX_FILE_BYTES))]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        return None, [Problem(name, f"byte {e.start}", "", "", "not UTF-8 text")]


def read_text(path: Path, *, root: Path | None = None) -> tuple[str | None, list[Problem]]:
    """The file's text (UTF-8, a leading BOM allowed), or a problem saying why not."""
    data, problems = read_bytes(path, root=root)
    return (None, problems) if data is None else decode_text(path.name, data)


def json_depth_exceeded(text: str, limit: int) -> int | None:
    """Where JSON text first nests deeper than ``limit`` (a character offset), or None.

    Counted without recursion and without parsing, so any text is safe to give it.

    >>> json_depth_exceeded('["[[[", [[1]]]', 2), json_depth_exceeded('{"a": ["]"]}', 2)
    (9, None)
    """
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif token in "]}":
            depth -= 1
    return None


def parse_json(name: str, text: str) -> tuple[Any, list[Problem]]:
    """JSON text parsed, or a problem naming the line and column where it goes wrong."""
    deep = json_depth_exceeded(text, settings.MAX_JSON_DEPTH)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        column = deep - text.rfind("\n", 0, deep)
        return None, [
            Problem(
                name,
                f"line {line} column {column}",
                "",
                "",
                f"nested deeper than the limit of {settings.MAX_JSON_DEPTH} levels: not read",
            )
        ]
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as e:
        return None, [Problem(name, f"line {e.lineno} column {e.colno}", "", "", f"not valid JSON ({e.msg})")]
    except RecursionError:  # the depth count above makes this unreachable; kept as a guard
        return None, [Problem(name, "", "", "", "nested too deeply to read")]
    except ValueError as e:
        return None, [Problem(name, "", "", "", f"not valid JSON ({e})")]


def read_json(path: Path, *, root: Path | None = None) -> tuple[Any, list[Problem]]:
    """A JSON file read through :func:`read_bytes` and :func:`parse_json`."""
    text, problems = read_text(path, root=root)
    return (None, problems) if text is None else parse_json(path.name, text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def read_table(
    path: Path, columns: tuple[str, ...], *, root: Path | None = None
) -> tuple[list[Row], list[Problem]]:
    """Rows of a CSV file with exactly ``columns`` as its header, each with its line number.

    Cells are kept as text with surrounding spaces stripped; no type is guessed.
    """
    text, problems = read_text(path, root=root)
    if text is None:
        return [], problems
    return parse_table(path.name, text, columns)


def parse_table(name: str, text: str, columns: tuple[str, ...]) -> tuple[list[Row], list[Problem]]:
    """CSV text as rows (see :func:`read_table`), within the row and cell limits."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))  # lines end at \n, \r or \r\n only
    try:
        header = next(reader, None)
    except csv.Error as e:
        return [], [Problem(name, "line 1", "", "", _csv_error(e))]
    if not header:
        return [], [Problem(name, "", "", "", "file is empty: a header row is required")]
    header = [h.strip() for h in header]
    optional = settings.OPTIONAL_COLUMNS.get(name, ())
    missing = [c for c in columns if c not in header and c not in optional]
    extra = [h for h in header if h not in columns]
    for c in missing:
        problems.append(Problem(name, "line 1", c, "", "required column is missing"))
    for h in extra:
        problems.append(Problem(name, "line 1", h, "", "unknown column (check the spelling)"))
    if len(set(header)) != len(header):
        problems.append(Problem(name, "line 1", "", "", "a column name appears twice"))
    if problems:
        return [], problems
    rows: list[Row] = []
    line = reader.line_num
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # one bad row: say where, and read on from the next line
            problems.append(Problem(name, f"line {line + 1}", "", "", _csv_error(e)))
            if reader.line_num == line:
                break
            line = reader.line_num
            continue
        start = line + 1
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        count += 1
        where = f"line {start}" + (f" ({cells[0].strip()})" if _ID.match(cells[0].strip()) else "")
        if count > settings.MAX_TABLE_ROWS:
            problems.append(
                Problem(
                    name,
                    where,
                    "",
                    "",
                    f"more rows than the limit of {settings.MAX_TABLE_ROWS:,}: the rest is not read",
                )
            )
            break
        if len(cells) != len(header):
            problems.append(
                Problem(name, where, "", "", f"has {len(cells)} cells, the header has {len(header)}")
            )
            continue
        long = [(h, c) for h, c in zip(header, cells, strict=True) if len(c) > settings.MAX_FIELD_CHARS]
        for h, c in long:
            problems.append(
                Problem(
                    name,
                    where,
                    h,
                    c[:80],
                    f"is {len(c):,} characters long, above the limit of {settings.MAX_FIELD_CHARS:,}",
                )
            )
        if not long:
            row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            for c in optional:  # a column added later: files written before it still read
                row.setdefault(c, "")
            rows.append((start, row))
    return rows, problems


def _csv_error(e: csv.Error) -> str:
    if "field larger than field limit" in str(e):
        return f"a cell is longer than the limit of {settings.MAX_FIELD_CHARS:,} characters"
    return f"not valid CSV ({e})"


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


def count_items(path: Path, *, root: Path | None = None) -> int:
    """Features of a GeoJSON file or data rows of a CSV file (for the manifest); -1 if unreadable.

    An unreadable file is reported by its own check, with the reason.
    """
    data, _ = read_bytes(path, root=root)
    return -1 if data is None else count_items_in(path.name, data)


def count_items_in(name: str, data: bytes) -> int:
    """:func:`count_items` of a file's bytes already read."""
    text, _ = decode_text(name, data)
    if text is None:
        return -1
    if name.endswith(".geojson"):
        parsed, _ = parse_json(name, text)
        features = parsed.get("features") if isinstance(parsed, dict) else None
        return len(features) if isinstance(features, list) else -1
    try:
        rows = csv.reader(io.StringIO(text, newline=""))
        return max(sum(1 for row in rows if any(c.strip() for c in row)) - 1, 0)
    except csv.Error:
        return -1


def sha256_of(path: Path, *, root: Path | None = None) -> str:
    """The SHA-256 of a file read through :func:`read_bytes`; empty if it cannot be read."""
    data, _ = read_bytes(path, root=root)
    return "" if data is None else hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all, and never through a symbolic link.

    A temporary file in the same folder takes the bytes and then replaces ``path``: a link at
    ``path`` is replaced, its target left alone. Raises :class:`OSError` (nothing changed) if
    the folder cannot be written or the disk is full.
    """
    try:
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o644
    except FileNotFoundError:
        mode = 0o644
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None  # name the file meant, not the temp
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OSError(e.errno, e.strerror, str(path)) from None
        raise


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
