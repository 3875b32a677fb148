"""The command line, end to end, as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from tests.conftest import LayersCopy

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
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
    """``python -m geo state ... | head -1``: the pipe closes early; no traceback, exit 0."""
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
    assert proc.wait(timeout=60) == 0
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
