"""Reading files: GeoJSON features into a GeoDataFrame, and the one safe door to the disk."""

from __future__ import annotations

import faulthandler
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from geo import settings
from geo.io import (
    json_depth_exceeded,
    layer_frame,
    parse_json,
    parse_table,
    read_bytes,
    read_json,
    read_table,
    write_atomic,
)


def _point(fid: str, x: float, y: float, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {"id": fid, **props},
    }


def test_layer_frame_has_one_column_per_property_and_geometry_last() -> None:
    frame = layer_frame([_point("a", 34.4, 31.5, note="n"), _point("b", 34.3, 31.4)])
    assert frame.crs == "EPSG:4326"
    assert list(frame.columns) == ["id", "note", "geometry"]
    assert frame.geometry.iloc[1].equals(Point(34.3, 31.4))
    assert frame["note"].isna().tolist() == [False, True]  # a property a feature lacks


def test_an_empty_layer_is_an_empty_frame_with_a_crs() -> None:
    frame = layer_frame([])
    assert len(frame) == 0 and list(frame.columns) == ["geometry"] and frame.crs == "EPSG:4326"


# Safe reading: only regular files inside the layers folder, within the limits.


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """End the whole test run with a traceback if the block hangs: a hang must fail, not stall CI."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def message(result: tuple[object, list[object]]) -> str:
    data, problems = result
    assert data is None and len(problems) == 1
    return str(problems[0])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "layers").mkdir()
    (tmp_path / "outside.csv").write_text("id\nsecret\n", encoding="utf-8")
    return tmp_path / "layers"


def test_a_regular_file_is_read(folder: Path) -> None:
    (folder / "a.csv").write_bytes(b"id\n1\n")
    assert read_bytes(folder / "a.csv") == (b"id\n1\n", [])


def test_a_link_out_of_the_folder_is_not_followed(folder: Path) -> None:
    (folder / "a.csv").symlink_to(folder.parent / "outside.csv")
    text = message(read_bytes(folder / "a.csv"))
    assert text == "a.csv: is a symbolic link to a file outside the layers folder: not read"
    (folder / "b.csv").symlink_to(Path("..") / "outside.csv")  # relative links too
    assert "outside the layers folder" in message(read_bytes(folder / "b.csv"))


def test_a_link_inside_the_folder_is_followed(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "real.csv").write_bytes(b"id\n1\n")
    (folder / "a.csv").symlink_to(Path("sub") / "real.csv")
    assert read_bytes(folder / "a.csv") == (b"id\n1\n", [])


def test_a_dangling_or_looping_link_is_a_problem(folder: Path) -> None:
    (folder / "a.csv").symlink_to(folder / "nowhere.csv")
    (folder / "b.csv").symlink_to(folder / "b.csv")
    assert "symbolic link to nothing that can be read" in message(read_bytes(folder / "a.csv"))
    assert "symbolic link to nothing that can be read" in message(read_bytes(folder / "b.csv"))


def test_a_named_pipe_is_refused_without_waiting(folder: Path) -> None:
    os.mkfifo(folder / "timeline.csv")
    with deadline(20):
        text = message(read_bytes(folder / "timeline.csv"))
    assert text == "timeline.csv: is a named pipe, not a regular file: not read"


def test_a_link_to_dev_zero_is_refused_without_reading(folder: Path) -> None:
    (folder / "places.geojson").symlink_to("/dev/zero")
    with deadline(20):
        assert "outside the layers folder" in message(read_bytes(folder / "places.geojson"))
    # The layers folder being / itself does not make the device readable.
    with deadline(20):
        assert "is a device" in message(read_bytes(Path("/dev/zero"), root=Path("/")))


def test_a_device_in_the_folder_is_never_opened(folder: Path) -> None:
    try:
        os.mknod(folder / "timeline.csv", stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device here: {e}")
    with deadline(20):
        assert message(read_bytes(folder / "timeline.csv")).endswith(
            "is a device, not a regular file: not read"
        )


def test_a_folder_named_like_a_file_is_a_problem(folder: Path) -> None:
    (folder / "zones.csv").mkdir()
    assert "is a folder, not a regular file" in message(read_bytes(folder / "zones.csv"))


def test_a_missing_file_and_an_impossible_name(folder: Path) -> None:
    assert message(read_bytes(folder / "gone.csv")) == "gone.csv: file is missing"
    assert "cannot be read" in message(read_bytes(folder / "nul\x00.csv"))


def test_a_file_above_the_size_limit_is_not_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 100)
    (folder / "big.csv").write_bytes(b"x" * 101)
    (folder / "fits.csv").write_bytes(b"x" * 100)
    assert "big.csv: is larger than the limit of 100 bytes (101 bytes)" in message(
        read_bytes(folder / "big.csv")
    )
    assert read_bytes(folder / "fits.csv")[0] == b"x" * 100


def test_deeply_nested_json_is_a_problem_not_a_recursion_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    data, [problem] = parse_json("places.geojson", text)
    assert data is None
    assert str(problem) == (
        "places.geojson, line 1 column 33: nested deeper than the limit of 32 levels: not read"
    )
    assert json_depth_exceeded('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 2) is None  # in a string


def test_json_nested_to_the_limit_is_read() -> None:
    depth = settings.MAX_JSON_DEPTH
    data, problems = parse_json("x.json", "[" * depth + "]" * depth)
    assert problems == [] and isinstance(data, list)


def test_json_numbers_that_are_not_numbers(folder: Path) -> None:
    for text in ("[NaN]", "[Infinity]", "[" + "9" * 5000 + "]"):
        (folder / "x.json").write_text(text, encoding="utf-8")
        assert "not valid JSON" in message(read_json(folder / "x.json"))


def test_a_csv_row_over_the_limit_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_TABLE_ROWS", 3)
    text = "id,n\n" + "".join(f"R{i},{i}\n" for i in range(10))
    rows, [problem] = parse_table("t.csv", text, ("id", "n"))
    assert len(rows) == 3
    assert str(problem) == "t.csv, line 5 (R3): more rows than the limit of 3: the rest is not read"


def test_a_long_cell_is_named_with_its_row_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_FIELD_CHARS", 10)
    rows, [problem] = parse_table("t.csv", "id,note\nA1,short\nA2,much too long\n", ("id", "note"))
    assert [r["id"] for _, r in rows] == ["A1"]
    assert str(problem).startswith("t.csv, line 3 (A2), field note='much too long': is 13 characters long")


def test_a_broken_row_does_not_stop_the_rows_after_it() -> None:
    text = 'id,n\nA,1\nB,"' + "x" * 200_000 + '"\nC,3\n'
    rows, problems = parse_table("t.csv", text, ("id", "n"))
    assert [r["id"] for _, r in rows] == ["A", "C"]
    assert [str(p) for p in problems] == [
        f"t.csv, line 3: a cell is longer than the limit of {settings.MAX_FIELD_CHARS:,} characters"
    ]


def test_csv_lines_end_only_at_newlines() -> None:
    rows, problems = parse_table("t.csv", "id,n\nA,x\u2028y\nB,2\n", ("id", "n"))
    assert problems == [] and [(line, r["n"]) for line, r in rows] == [(2, "x\u2028y"), (3, "2")]


def test_tables_are_read_through_the_same_door(folder: Path) -> None:
    os.mkfifo(folder / "zones.csv")
    with deadline(20):
        rows, [problem] = read_table(folder / "zones.csv", ("id",))
    assert rows == [] and "named pipe" in str(problem)


def test_writing_replaces_a_link_and_leaves_its_target_alone(folder: Path) -> None:
    target = folder.parent / "outside.csv"
    (folder / "manifest.json").symlink_to(target)
    write_atomic(folder / "manifest.json", b"{}\n")
    assert target.read_text(encoding="utf-8") == "id\nsecret\n"
    assert not (folder / "manifest.json").is_symlink()
    assert (folder / "manifest.json").read_bytes() == b"{}\n"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]  # no temporary file left


def test_a_failed_write_changes_nothing_and_names_the_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "manifest.json").write_bytes(b"old")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left") as e:
        write_atomic(folder / "manifest.json", b"new")
    assert e.value.filename == str(folder / "manifest.json")
    assert (folder / "manifest.json").read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]
