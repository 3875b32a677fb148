"""The command line, end to end, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from tests.conftest import LayersCopy

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_validate_the_bundled_layers() -> None:
    r = run("validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"OK \(\d+ facts", r.stdout)


def test_validate_warns_when_the_data_is_behind_today(layers_copy: LayersCopy) -> None:
    late = run("validate", str(layers_copy.root), "--today", "2031-01-01")
    assert late.returncode == 0 and "warning: The data is documented to" in late.stderr
    fresh = run("validate", str(layers_copy.root), "--today", "2026-06-30")
    assert fresh.returncode in (0, 1) and "warning" not in fresh.stderr


def test_validate_a_broken_copy_prints_one_line_per_problem(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T018", date="2024-05-32", confidence="sure")
    r = run("validate", str(layers_copy.root))
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2
    assert re.match(r"timeline\.csv, line \d+ \(T018\), field date='2024-05-32'", lines[0])
    assert "confidence='sure'" in lines[1]
    assert "Traceback" not in r.stderr


def test_state_json_for_22_august_2024() -> None:
    r = run("state", "--date", "2024-08-22", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    phil = s["zones"]["philadelphi"]
    assert [p["actor"] for p in phil["presence"]] == ["IDF"]
    positions = {d["actor"]: d["position"] for d in phil["demands"]}
    assert (
        positions.items() >= {"Israel_government": "remain", "Hamas": "withdraw", "Egypt": "withdraw"}.items()
    )
    assert [p["actor"] for p in s["zones"]["netzarim"]["presence"]] == ["IDF"]


def test_state_text_by_default() -> None:
    r = run("state", "--date", "2024-08-22")
    assert r.returncode == 0 and r.stdout.startswith("Situation on 2024-08-22")


def test_malformed_dates_exit_2_with_a_clear_message() -> None:
    for bad in ("2024-13-01", "22/08/2024", "yesterday", "2024-08-22T00:00"):
        r = run("state", "--date", bad)
        assert r.returncode == 2, bad
        assert "YYYY-MM-DD" in r.stderr or "calendar date" in r.stderr
        assert "Traceback" not in r.stderr


def test_diff_readable_and_json() -> None:
    r = run("diff", "--from", "2025-01-01", "--to", "2025-03-20")
    assert r.returncode == 0 and "Netzarim Corridor" in r.stdout
    j = json.loads(run("diff", "--from", "2025-01-01", "--to", "2025-03-20", "--json").stdout)
    assert j["from"] == "2025-01-01" and "netzarim" in j["zones"]


def test_diff_in_the_wrong_order_is_a_usage_error() -> None:
    r = run("diff", "--from", "2025-03-20", "--to", "2025-01-01")
    assert r.returncode == 2 and "after" in r.stderr


def test_state_on_broken_layers_names_the_problem(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T018", zone="nowhere")
    r = run("state", "--date", "2024-08-22", "--layers", str(layers_copy.root))
    assert r.returncode == 1
    assert "zone='nowhere'" in r.stderr and "Traceback" not in r.stderr


def test_manifest_refreshes_checksums(layers_copy: LayersCopy) -> None:
    path = layers_copy.root / "actors.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "Atlantis,Atlantis,Atlantis,government,,\n", encoding="utf-8"
    )
    assert run("validate", str(layers_copy.root)).returncode == 1
    r = run("manifest", str(layers_copy.root))
    assert r.returncode == 0 and "actors.csv" in r.stdout
    assert run("validate", str(layers_copy.root)).returncode == 0


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """``python -m geo state ... | head -1``: the pipe closes early; no traceback, and exit 141
    (as a shell reports a program SIGPIPE stopped), so a cut-off run never passes for a clean one."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "state", "--date", "2025-02-10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like head that has read enough: gone before the command writes
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_export_writes_one_self_contained_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--date", "2024-08-22", "--overlays", "demands"]) == 0
    page = out.read_text(encoding="utf-8")
    assert len(page.encode()) < 2_000_000
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert '"date":"2024-08-22","overlays":["demands"]' in page  # opens on the view asked for
    assert "map.html" in capsys.readouterr().out


def test_export_rejects_bad_options_and_unwritable_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--out", str(tmp_path / "a.html"), "--overlays", "tanks"]) == 2
    assert '"tanks"' in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "no" / "such" / "a.html")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.html*"))


def test_export_can_cover_a_date_range_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "range.html"
    assert main(["export", "--out", str(out), "--from", "2024-05-01", "--to", "2025-03-31"]) == 0
    page = out.read_text(encoding="utf-8")
    assert '"range":["2024-05-01","2025-03-31"]' in page
    assert '"date":"2025-03-31"' in page  # opens on the range's last day when the data runs past it
    assert "opens on 2025-03-31" in capsys.readouterr().out
    assert main(["export", "--out", str(out), "--from", "2025-05-01", "--to", "2024-03-31"]) == 2
    assert "after --to" in capsys.readouterr().err
    assert main(["export", "--out", str(out), "--to", "2024-03-31", "--date", "2025-01-01"]) == 2
    assert "outside" in capsys.readouterr().err


# Never a traceback, never a hang, never a write through a link; text from the data escaped.


def assert_clean(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr, r.stderr


def test_help_documents_the_exit_codes() -> None:
    r = run("--help")
    assert r.returncode == 0
    codes = r.stdout[r.stdout.index("exit codes:") :]
    for code in ("0 ", "1 ", "2 ", "3 ", "130 "):
        assert re.search(rf"^  {code}", codes, re.MULTILINE), code


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "/no/such/folder"),
        ("manifest", "/no/such/folder"),
        ("state", "--date", "2024-08-22", "--layers", "/no/such/folder"),
        ("validate", "README.md"),
    ],
)
def test_a_missing_folder_is_a_usage_error(args: tuple[str, ...]) -> None:
    r = run(*args)
    assert (
        r.returncode == 2
        and r.stderr.startswith("error: ")
        and ("no such folder" in r.stderr or "not a folder" in r.stderr)
    )
    assert_clean(r)


def test_a_layer_linked_from_outside_is_not_read(layers_copy: LayersCopy, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    (layers_copy.root / "zones.csv").rename(outside)
    (layers_copy.root / "zones.csv").symlink_to(outside)
    r = run("validate", str(layers_copy.root), timeout=20)
    assert r.returncode == 1
    assert "zones.csv: is a symbolic link to a file outside the layers folder: not read" in r.stdout
    assert_clean(r)


def test_manifest_never_writes_through_a_link(layers_copy: LayersCopy, tmp_path: Path) -> None:
    outside = tmp_path / "precious.json"
    outside.write_bytes((layers_copy.root / "manifest.json").read_bytes())
    before = outside.read_bytes()
    (layers_copy.root / "manifest.json").unlink()
    (layers_copy.root / "manifest.json").symlink_to(outside)
    r = run("manifest", str(layers_copy.root), timeout=20)
    assert r.returncode == 1 and "manifest.json: is a symbolic link to a file outside" in r.stderr
    assert outside.read_bytes() == before
    assert_clean(r)


def test_manifest_replaces_a_link_inside_the_folder_with_a_file(layers_copy: LayersCopy) -> None:
    kept = layers_copy.root / "kept"
    kept.mkdir()
    (layers_copy.root / "manifest.json").rename(kept / "manifest.json")
    (layers_copy.root / "manifest.json").symlink_to(Path("kept") / "manifest.json")
    actors = layers_copy.root / "actors.csv"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace("Hamas,Hamas,Hamas", "Hamas,Hamas movement,Hamas")
    )
    before = (kept / "manifest.json").read_bytes()
    r = run("manifest", str(layers_copy.root), timeout=20)
    assert r.returncode == 0 and "actors.csv" in r.stdout
    assert not (layers_copy.root / "manifest.json").is_symlink()
    assert (kept / "manifest.json").read_bytes() == before
    assert run("validate", str(layers_copy.root)).returncode == 0


def test_a_named_pipe_does_not_hang_any_command(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "timeline.csv").unlink()
    os.mkfifo(layers_copy.root / "timeline.csv")
    manifest = (layers_copy.root / "manifest.json").read_bytes()
    for args, stream in [
        (("validate", str(layers_copy.root)), "stdout"),
        (("state", "--date", "2024-08-22", "--layers", str(layers_copy.root)), "stderr"),
        (("manifest", str(layers_copy.root)), "stderr"),
    ]:
        r = run(*args, timeout=20)
        assert r.returncode == 1, args
        assert "timeline.csv: is a named pipe, not a regular file: not read" in getattr(r, stream)
        assert_clean(r)
    assert (layers_copy.root / "manifest.json").read_bytes() == manifest  # nothing written


def test_a_device_named_like_a_layer_is_never_read(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "places.geojson").unlink()
    (layers_copy.root / "places.geojson").symlink_to("/dev/zero")
    made = True
    try:
        (layers_copy.root / "timeline.csv").unlink()
        os.mknod(layers_copy.root / "timeline.csv", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except OSError:
        made = False  # without the right to make devices, the link to /dev/zero still counts
    r = run("validate", str(layers_copy.root), timeout=20)
    assert r.returncode == 1
    assert "places.geojson: is a symbolic link to a file outside the layers folder" in r.stdout
    if made:
        assert "timeline.csv: is a device, not a regular file: not read" in r.stdout
    assert_clean(r)


def test_an_unreadable_layer_is_named_and_its_references_are_not_each_reported(
    layers_copy: LayersCopy,
) -> None:
    (layers_copy.root / "places.geojson").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    r = run("validate", str(layers_copy.root), timeout=20)
    assert r.returncode == 1
    assert "places.geojson, line 1 column 33: nested deeper than the limit of 32 levels" in r.stdout
    assert "checks of references into this file were skipped" in r.stdout
    assert "is not a zone id" not in r.stdout and len(r.stdout.splitlines()) <= 4
    assert_clean(r)


def test_bad_layers_are_named_not_raised(layers_copy: LayersCopy) -> None:
    strip = layers_copy.geojson("gaza_strip.geojson")
    strip["features"][0]["geometry"]["coordinates"][0].pop()  # the ring no longer closes
    layers_copy.write_geojson("gaza_strip.geojson", strip)
    places = layers_copy.geojson("places.geojson")
    x, y = places["features"][0]["geometry"]["coordinates"]
    places["features"][0]["geometry"]["coordinates"] = [y, x]
    layers_copy.write_geojson("places.geojson", places)
    layers_copy.edit_row("sources.csv", "id", "S075", published="")
    layers_copy.edit_row("timeline.csv", "id", "T080", date="9999-12-31")
    r = run("validate", str(layers_copy.root), timeout=20)
    assert r.returncode == 1
    for expected in (
        "gaza_strip.geojson, feature 1 (gaza_strip), field geometry.coordinates=",
        "ring 1 is not closed",
        "places.geojson, feature 1 (rafah_crossing), field geometry.coordinates=",
        "latitude and longitude look swapped",
        "field date='9999-12-31': is after",
    ):
        assert expected in r.stdout, expected
    assert_clean(r)
    s = run("state", "--date", "2024-08-22", "--layers", str(layers_copy.root), timeout=20)
    assert s.returncode == 1 and s.stdout == "" and "9999-12-31" in s.stderr
    assert_clean(s)


def test_too_many_features_is_a_problem_not_a_wait(
    layers_copy: LayersCopy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from geo import settings

    monkeypatch.setattr(settings, "MAX_FEATURES", 3)
    assert main(["validate", str(layers_copy.root)]) == 1
    out = capsys.readouterr().out
    assert "places.geojson, field features='16': more features than the limit of 3: not read" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "manifest.json, line 1 column 2: not valid JSON"),
        (b"[]", "manifest.json, field files: must be an object with a list 'files'"),
        (b'{"files": [1, {"file": ["x"]}]}', "manifest.json, entry 1, field file: must be an object"),
        (b"[" * 50_000, "manifest.json, line 1 column 33: nested deeper"),
    ],
)
def test_manifest_on_a_bad_manifest_names_it_and_writes_nothing(
    layers_copy: LayersCopy, content: bytes, expected: str
) -> None:
    (layers_copy.root / "manifest.json").write_bytes(content)
    r = run("manifest", str(layers_copy.root), timeout=20)
    assert r.returncode == 1 and expected in r.stderr and "nothing was changed" in r.stderr
    assert (layers_copy.root / "manifest.json").read_bytes() == content
    assert_clean(r)


def test_a_full_disk_is_an_io_error(
    layers_copy: LayersCopy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    assert main(["manifest", str(layers_copy.root)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {layers_copy.root / 'manifest.json'}: No space left on device\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes whatever the permissions")
def test_permission_denied_is_named(layers_copy: LayersCopy) -> None:
    (layers_copy.root / "timeline.csv").chmod(0)
    r = run("validate", str(layers_copy.root), timeout=20)
    assert r.returncode == 1 and "timeline.csv: cannot be read (Permission denied)" in r.stdout
    layers_copy.root.chmod(0o555)
    try:
        w = run("manifest", str(layers_copy.root), timeout=20)
    finally:
        layers_copy.root.chmod(0o755)
    assert w.returncode in (1, 2) and "Permission denied" in w.stderr
    assert_clean(w)


def test_ctrl_c_exits_130_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    import geo.cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(geo.cli, "inspect_layers", interrupted)
    assert main(["validate"]) == 130
    monkeypatch.setattr(geo.cli, "main", interrupted)  # while the libraries load, too
    with pytest.raises(SystemExit) as e:
        runpy.run_module("geo", run_name="__main__")
    assert e.value.code == 130
    assert capsys.readouterr().err == ""


def test_a_bug_gets_one_line_and_code_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from geo import report

    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "state_text", broken)
    assert main(["state", "--date", "2024-08-22"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (RuntimeError: boom, at test_cli.py:")
    assert err.count("\n") == 1 and "please report it" in err


HOSTILE = "\x1b[2J\x1b[31mred\x1b[0m \x9b6n \u202eevil\u202c \x07\x7f\x08"


def test_text_from_the_data_is_escaped_on_the_terminal(layers_copy: LayersCopy) -> None:
    title = "Press briefing " + HOSTILE + " תדריך إحاطة"
    layers_copy.edit_row("sources.csv", "id", "S017", title=title)
    layers_copy.edit_row("timeline.csv", "id", "T018", summary="The IDF said " + HOSTILE)
    outputs = {
        "state": run("state", "--date", "2024-08-22", "--layers", str(layers_copy.root)),
        "diff": run("diff", "--from", "2024-05-01", "--to", "2024-06-01", "--layers", str(layers_copy.root)),
    }
    for name, r in outputs.items():
        assert r.returncode == 0, r.stderr
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", r.stdout), name
    state, diff = outputs["state"].stdout, outputs["diff"].stdout
    escaped = r"\x1b[2J\x1b[31mred\x1b[0m \x9b6n \u202eevil\u202c \x07\x7f\x08"
    assert f"Press briefing {escaped} תדריך إحاطة" in state  # Hebrew and Arabic untouched
    assert f"The IDF said {escaped}" in diff


def test_json_output_escapes_them_and_keeps_the_text(layers_copy: LayersCopy) -> None:
    layers_copy.edit_row("timeline.csv", "id", "T018", summary="The IDF said " + HOSTILE + " ציר")
    r = run("state", "--date", "2024-08-22", "--json", "--layers", str(layers_copy.root))
    assert r.returncode == 0
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", r.stdout)
    assert json.loads(r.stdout)["facts"]["T018"]["summary"] == "The IDF said " + HOSTILE + " ציר"


def test_the_readme_states_the_limits_the_code_enforces() -> None:
    from geo import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", readme, re.MULTILINE))
    assert rows["size of a file"] == f"{settings.MAX_FILE_BYTES // 1_000_000} MB"
    assert rows["nesting of JSON"] == f"{settings.MAX_JSON_DEPTH} levels"
    assert rows["features in a GeoJSON file"] == f"{settings.MAX_FEATURES:,}"
    assert rows["vertices"] == (
        f"{settings.MAX_VERTICES_PER_FEATURE:,} in a feature, {settings.MAX_VERTICES_PER_FILE:,} in a file"
    )
    assert rows["characters in a CSV cell or a property's text"] == f"{settings.MAX_FIELD_CHARS:,}"
    assert rows["rows in a CSV file"] == f"{settings.MAX_TABLE_ROWS:,}"
    lon, lat = settings.REGION_LON, settings.REGION_LAT
    assert f"longitude {lon[0]:g} to {lon[1]:g} and latitude {lat[0]:g} to {lat[1]:g}" in " ".join(
        readme.split()
    )


def test_arabic_and_hebrew_names_print_as_they_are() -> None:
    r = run("state", "--date", "2024-08-22")
    assert "قطاع غزة" in r.stdout and "רצועת עזה" in r.stdout
    assert "\\u2068" not in r.stdout and "\\u2069" not in r.stdout
