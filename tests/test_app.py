"""The Streamlit app, driven headless with AppTest: URL in, the client page and URL out.

The app renders the client page (map and text) and, under it, the downloads of the current
view; anything else it shows is a defect (an object dump from Streamlit's "magic", an
exception, a stray warning or table).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

import geo

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
STATIC = Path(APP).parent / "static"
LAST = geo.load_bundle().data_as_of


def run(**params: str) -> AppTest:
    """The app's first run, then the run after the page reports it has drawn the map (which is
    when the downloads appear under it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not download_labels(at)  # nothing under the map before the map is drawn
    at.session_state["gcm_map"] = {"drawn": True}
    at.run()
    assert not at.exception, at.exception
    return at


def elements(at: AppTest) -> list[Any]:
    """Every element the app put on the page, in the main area and the sidebar, at any depth."""
    out: list[Any] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) in (
                "block",
                "vertical",
                "horizontal",
                "column",
                "tab",
                "flex_container",
            ):
                walk(child)
            else:
                out.append(child)

    walk(at.main)
    walk(at.sidebar)
    return out


DOWNLOAD_SECTION = {"subheader", "markdown", "caption", "download_button", "text"}


def data(at: AppTest) -> dict[str, Any]:
    """What the app hands the browser's bridge; asserts the page comes first and nothing but
    the downloads section follows it."""
    shown = elements(at)
    kinds = [
        (getattr(e, "type", "?"), getattr(getattr(e, "proto", None), "component_name", "")) for e in shown
    ]
    assert kinds[0] == ("bidi_component", "gcm_map"), kinds
    assert {k for k, _ in kinds[1:]} <= DOWNLOAD_SECTION, kinds
    return dict(json.loads(shown[0].proto.json))


def download_labels(at: AppTest) -> list[str]:
    return [str(e.proto.label) for e in elements(at) if getattr(e, "type", None) == "download_button"]


def page(at: AppTest) -> str:
    """The client page: a static file the app wrote, named by its hash, at the URL it gave."""
    d = data(at)
    assert re.fullmatch(r"app/static/gcm-[0-9a-f]{16}\.html", d["url"]), d["url"]
    assert d["hash"] in d["url"]
    return (STATIC / d["url"].removeprefix("app/static/")).read_text(encoding="utf-8")


def test_the_page_is_also_written_gzipped_once_for_the_bridge_to_unpack() -> None:
    """Streamlit would gzip the plain file again for every reader; the .gz file (served as
    application/gzip, which it passes through as it is) is the same page, packed the same way
    by every replica (no timestamp), so one cached copy serves them all."""
    import gzip

    d = data(run(date="2024-08-22"))
    assert d["packed"] == d["url"] + ".gz"
    packed = (STATIC / d["packed"].removeprefix("app/static/")).read_bytes()
    assert gzip.decompress(packed).decode("utf-8") == page(run(date="2024-08-22"))
    assert packed[4:8] == b"\0\0\0\0"  # the header's modification time: none
    assert len(packed) < len(gzip.decompress(packed)) / 2


def initial(at: AppTest) -> dict[str, Any]:
    """The view the page opens on (the bridge hands it to the page with the frame's name)."""
    return dict(data(at)["initial"])


def test_opens_on_the_latest_data_by_default() -> None:
    at = run()
    assert initial(at) == {
        "date": LAST.isoformat(),
        "overlays": ["presence", "demands"],
        "actors": None,
        "view": None,
        "version": None,
        "lesson": None,
        "step": None,
        "warnings": [],
        "embed": False,
        "downloads": True,
    }
    assert at.query_params["date"] == LAST.isoformat()


def test_the_page_and_its_downloads_are_all_there_is_on_every_kind_of_day() -> None:
    """Before the data, a withdrawal day, a busy day, a quiet day, after the data, a bad day."""
    for date in ("2005-09-05", "2005-09-12", "2024-08-22", "2026-03-01", "2031-01-01", "nonsense"):
        at = run(date=date)
        data(at)  # the client page, then the downloads section and nothing else
        assert download_labels(at), date
        assert [m.value[:15] for m in at.markdown] == ["The view as of "], date  # the downloads intro
        assert not at.get("help") and not at.warning and not at.exception, date


def test_a_shared_link_restores_the_date_layers_actors_and_view() -> None:
    at = run(date="2024-08-22", layers="demands", actors="Egypt,Hamas", view="31.3,34.3,12")
    assert initial(at) == {
        "date": "2024-08-22",
        "overlays": ["demands"],
        "actors": ["Egypt", "Hamas"],
        "view": [31.3, 34.3, 12.0],
        "version": None,
        "lesson": None,
        "step": None,
        "warnings": [],
        "embed": False,
        "downloads": True,
    }
    assert at.query_params["layers"] == "demands" and at.query_params["actors"] == "Egypt,Hamas"


def test_bad_values_are_reported_in_the_page_and_fall_back() -> None:
    at = run(date="2024-13-45", layers="tanks", actors="Narnia", view="0,0,0")
    start = initial(at)
    assert len(start["warnings"]) == 4
    assert any('"2024-13-45"' in w for w in start["warnings"])
    assert start["date"] == LAST.isoformat() and start["overlays"] == ["presence", "demands"]
    assert at.query_params["date"] == LAST.isoformat() and "layers" not in at.query_params


def test_hostile_url_values_never_reach_the_page_file() -> None:
    hostile = "</script><script>alert(1)</script>**b**"
    at = run(date=hostile)
    assert "alert(1)" not in page(at)  # the page is the same file for every link
    [warning] = initial(at)["warnings"]
    assert "</script><script>alert(1)" in warning  # data, shown as text by the client (textContent)


def test_the_page_file_is_the_built_page_waiting_for_its_view() -> None:
    html = page(run(date="2024-08-22"))
    # The view block is empty until the bridge fills it; the page's policy allows tile images.
    assert '<script type="application/json" id="gcm-view">{}</script>' in html and "gcmInit(" in html
    assert "img-src data: https://tile.openstreetmap.org;" in html


def report(at: AppTest, state: Any) -> AppTest:
    at.session_state["gcm_map"] = {"state": state}
    at.run()
    assert not at.exception
    return at


def test_the_url_follows_the_state_the_page_reports() -> None:
    at = run(date="2024-08-22")
    report(
        at,
        {
            "date": "2025-02-10",
            "overlays": ["presence", "demands"],
            "actors": None,
            "view": [31.4, 34.35, 11.5],
        },
    )
    assert at.query_params["date"] == "2025-02-10"
    assert at.query_params["view"] == "31.4000,34.3500,11.5"
    data(at)  # still the page alone
    assert initial(at)["date"] == "2024-08-22"  # the page is not rebuilt on a date change


def test_a_malformed_report_is_ignored() -> None:
    at = run(date="2024-08-22")
    report(at, {"date": "<script>", "overlays": "all"})
    assert at.query_params["date"] == "2024-08-22"


def test_pages_of_earlier_builds_are_removed_after_a_day() -> None:
    import os
    import time

    stale, recent = STATIC / "gcm-0000000000000000.html", STATIC / "gcm-1111111111111111.html"
    stale_gz, recent_gz = (f.with_name(f.name + ".gz") for f in (stale, recent))
    olds = ((stale, 2 * 86_400), (stale_gz, 2 * 86_400), (recent, 3_600), (recent_gz, 3_600))
    for f, age in olds:
        f.write_text("old page", encoding="utf-8")
        os.utime(f, (time.time() - age, time.time() - age))
    try:
        for current in STATIC.glob("gcm-*.html*"):
            if current not in [f for f, _ in olds]:
                current.unlink()  # so that this run writes its page, and prunes
        page(run())
        assert not stale.exists() and not stale_gz.exists()
        assert recent.exists() and recent_gz.exists()
    finally:
        for f, _ in olds:
            f.unlink(missing_ok=True)


def test_a_cited_link_says_when_the_data_has_changed_since() -> None:
    from geo.mapping import data_version

    now = data_version(geo.load_bundle())
    assert not initial(run(date="2024-08-22", v=now))["warnings"]  # same data: nothing to say
    [warning] = initial(run(date="2024-08-22", v="0123456789ab"))["warnings"]
    assert "0123456789ab" in warning and now in warning and "changed" in warning
    [warning] = initial(run(date="2024-08-22", v="<b>x</b>"))["warnings"]
    assert "data version" in warning  # not a version: said so, and ignored


def test_the_downloads_follow_the_view_the_page_reports() -> None:
    at = run(date="2024-08-22")
    assert "22 Aug 2024" in at.markdown[0].value
    report(at, {"date": "2025-02-10", "overlays": ["presence"], "actors": None, "view": None})
    assert "10 Feb 2025" in at.markdown[0].value


def test_a_step_past_the_last_is_the_last_and_said_so() -> None:
    steps = len(geo.load_bundle().lessons[0].steps)
    start = initial(run(lesson="corridors", step="999"))
    assert start["lesson"] == "corridors" and start["step"] == steps
    assert any('"999"' in w for w in start["warnings"])


def test_the_servers_settings_that_the_speed_depends_on() -> None:
    """The settings docs/PERFORMANCE.md measured: no garbage collection after every run, no
    "magic" (nothing echoed, nothing rewritten), no file watcher; the page served as a file."""
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"] == {"postScriptGC": False, "magicEnabled": False}
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["enableStaticServing"] is True
