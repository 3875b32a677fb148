"""The Streamlit app, driven headless with AppTest: URL in, panels and URL out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

import geo
from geo.panels import day

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def header(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("As of"))


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


LAST = geo.load_bundle().data_as_of


def test_opens_on_the_latest_data_by_default() -> None:
    at = run()
    assert header(at).startswith(f"As of **{day(LAST)}**")
    assert f"The data runs to {day(LAST)}" in header(at)
    assert at.query_params["date"] == LAST.isoformat()
    assert not at.warning


def test_each_tab_shows_only_what_it_should() -> None:
    """No object dump (Streamlit 'magic'), no exception, no empty table, in any tab."""
    for date in ("2005-09-05", "2005-09-12", "2024-08-22", "2026-03-01", "2031-01-01"):
        at = run(date=date)
        assert not at.exception
        assert not [e for e in at.get("help")], date  # st.help is what magic echoes
        dumps = [m.value for m in at.markdown if "DeltaGenerator" in m.value]
        assert not dumps, date
        for tab in at.tabs:
            shown = [m.value for m in tab.markdown] + [i.value for i in tab.info]
            assert shown, (date, tab.label)
            assert all("| --- |" not in v or v.count("\n") > 1 for v in shown), (date, tab.label)


def test_a_shared_link_restores_the_date_and_layers() -> None:
    at = run(date="2024-08-22", layers="demands", actors="Egypt,Hamas")
    assert header(at).startswith("As of **22 Aug 2024**")
    body = text(at)
    assert "Egypt: Israeli forces should withdraw (since 22 Aug 2024; T029" in body
    assert "present since" not in body  # the presence overlay is off
    assert "Israeli government" not in body  # not among the actors shown
    assert at.query_params["layers"] == "demands" and at.query_params["actors"] == "Egypt,Hamas"


def test_bad_values_warn_and_fall_back() -> None:
    at = run(date="2024-13-45", layers="tanks", actors="Narnia", view="0,0,0")
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 4
    assert any("2024\\-13\\-45" in w for w in warnings)  # the value, escaped for Markdown
    assert header(at).startswith(f"As of **{day(LAST)}**")
    assert at.query_params["date"] == LAST.isoformat() and "layers" not in at.query_params


def test_hostile_url_values_are_escaped_in_warnings() -> None:
    at = run(date="**bold**[x](javascript:alert(1))<b>")
    [warning] = [w.value for w in at.warning]
    assert "**bold**" not in warning and "](javascript" not in warning and "\\<b\\>" in warning


def report(at: AppTest, state: Any) -> AppTest:
    at.session_state["gcm_map"] = {"state": state}
    at.run()
    assert not at.exception
    return at


def test_the_panels_and_url_follow_the_date_the_map_reports() -> None:
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
    assert header(at).startswith("As of **10 Feb 2025**")
    assert (
        "Mediators \\(Egypt, Qatar and the United States, acting jointly\\): present since 27 Jan 2025"
        in text(at)
    )
    assert at.query_params["date"] == "2025-02-10"
    assert at.query_params["view"] == "31.4000,34.3500,11.5"


def test_a_malformed_map_report_is_ignored() -> None:
    at = run(date="2024-08-22")
    report(at, {"date": "<script>", "overlays": "all"})
    assert header(at).startswith("As of **22 Aug 2024**")


def test_tabs_offer_positions_sources_and_about() -> None:
    at = run(date="2024-08-22")
    assert [t.label for t in at.tabs] == ["On this date", "Positions", "Sources", "About"]
    tables = [m.value for m in at.markdown if m.value.startswith("| ")]
    assert len(tables) == 3  # who held what, positions, sources
    assert any("](https://m.www.idf.il/" in table for table in tables)  # sources link out
    assert "© OpenStreetMap contributors" in text(at)
