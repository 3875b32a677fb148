"""Taking a view away, in headless Chromium: the Share tab's link and embed snippet (pasted into a
local page, as a teacher would), the embed layout, the downloads under the map, a ranged copy.

Every request outside 127.0.0.1 and file:// is refused, as in tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.test_browser import ARTIFACTS, Page, app_url, browser, page

__all__ = ["app_url", "browser", "page"]  # fixtures of tests/test_browser.py

pytestmark = pytest.mark.browser


def _allow_files(page: Page) -> None:
    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")) or urlsplit(url).hostname in (
            "127.0.0.1",
            "localhost",
        ):
            r.continue_()
        else:
            page.blocked.append(url)
            r.abort()

    page.context.unroute("**/*")
    page.context.route("**/*", route)


def _press(button: Any) -> None:
    """Scroll a host-page button into view, let the page settle, then press it (a click during
    Streamlit's smooth scroll can land on the map frame that is scrolling past)."""
    button.scroll_into_view_if_needed()
    last = None
    for _ in range(50):
        box = button.bounding_box()
        if box is not None and box == last:
            break
        last = box
        button.page.wait_for_timeout(100)
    button.click()


def _share(frame: Any) -> Any:
    frame.locator("#gcm-tab-share").click()
    return frame.locator("#gcm-pane-share")


def test_the_share_tab_gives_a_link_that_restores_the_view(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22&layers=demands&actors=Egypt,Hamas")
    pane = _share(frame)
    link = pane.locator("#gcm-share-link").input_value()
    query = parse_qs(urlsplit(link).query)
    assert (
        query["date"] == ["2024-08-22"]
        and query["layers"] == ["demands"]
        and set(query["actors"][0].split(",")) == {"Egypt", "Hamas"}
    )
    assert len(query["v"][0]) == 12  # the data version, so the link can tell when the data changed
    cite = pane.locator("#gcm-share-cite").inner_text()
    assert "22 August 2024" in cite and query["v"][0] in cite and link in cite and "[Data set]" in cite
    # The link opens the same view, and the same data version says nothing more.
    again = page.open(link)
    assert again.locator("html").get_attribute("data-gcm-ready")
    again.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
    assert again.locator(".gcm-warning").count() == 0
    assert again.locator("input[data-overlay='presence']").is_checked() is False


def test_a_link_from_older_data_says_the_data_has_changed(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22&v=0123456789ab")
    warning = frame.locator(".gcm-warning").inner_text()
    assert "0123456789ab" in warning and "changed since" in warning


@pytest.mark.parametrize("size", [(1280, 800), (375, 740)], ids=["desktop", "phone"])
def test_the_embed_snippet_works_in_a_local_page(
    browser: Any, app_url: str, tmp_path: Path, size: tuple[int, int]
) -> None:
    page = Page(browser, width=size[0], height=size[1], mobile=size[0] < 600)
    try:
        _allow_files(page)
        snippet = _share(page.open(f"{app_url}/?date=2024-08-22")).locator("#gcm-share-embed").input_value()
        assert (
            snippet.startswith("<iframe ")
            and 'title="Gaza Corridors Map' in snippet
            and 'width="100%"' in snippet
        )
        lesson = tmp_path / "lesson.html"
        lesson.write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width'><title>A lesson</title></head>"
            f"<body><h1>Week 3: the corridors</h1>{snippet}<p>Questions follow.</p></body></html>",
            encoding="utf-8",
        )
        page.page.goto(lesson.as_uri())
        outer = page.page.frame_locator("iframe[title^='Gaza Corridors Map']")
        inner = outer.frame_locator("iframe.gcm-map")
        inner.locator("html.gcm-embed[data-gcm-ready]").wait_for()
        inner.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
        # The map and the date fill the frame: no title block, no text until asked for.
        assert inner.locator(".gcm-head").is_hidden() and inner.locator("#gcm-panels").is_hidden()
        assert outer.locator(".st-key-gcm_downloads").count() == 0  # the embed is the map alone
        full = inner.locator("a.gcm-full").get_attribute("href") or ""
        assert "embed" not in full and "date=2024-08-22" in full
        assert re.search(r"[?&]v=[0-9a-f]{12}(&|$)", full), full  # the data version it was made with
        button = inner.locator("button.gcm-text-btn")
        button.click()
        assert button.get_attribute("aria-expanded") == "true"
        assert "IDF: present" in inner.locator("#gcm-pane-today").inner_text()
        inner.locator("#gcm-panels").press("Escape")
        inner.locator("#gcm-panels").wait_for(state="hidden")
        # The date control works inside the embed.
        inner.get_by_role("button", name="Next change").click()
        inner.locator(".gcm-root[data-gcm-date='2024-08-25']").wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"embed-{size[0]}.png"), full_page=True)
        assert page.blocked == [] and page.errors == []
    finally:
        page.context.close()


def test_the_downloads_are_the_current_view(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.get_by_role("button", name="Next change").click()
    section = page.page.locator(".st-key-gcm_downloads")
    section.get_by_text("The view as of 25 Aug 2024").wait_for()  # the downloads follow the map's date
    page.page.locator("[data-test-script-state='notRunning']").wait_for(state="attached")
    with page.page.expect_download() as got:
        _press(section.get_by_role("button", name="The data of this view (GeoJSON)"))
    download = got.value
    assert download.suggested_filename == "gaza-corridors-2024-08-25.geojson"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["date"] == "2024-08-25"
    assert "date=2024-08-25" in data["link"] and data["licence"] and data["citation"]
    with page.page.expect_download() as got:
        _press(section.get_by_role("button", name="The map as one file (HTML, offline)"))
    html = Path(got.value.path()).read_text(encoding="utf-8")
    assert '"date":"2024-08-25"' in html and "gcmInit(" in html
    with page.page.expect_download() as got:
        _press(section.get_by_role("button", name="Snapshot for slides (PNG)"))
    assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_go_to_the_downloads_from_the_share_tab(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    _share(frame).get_by_role("button", name="Go to the downloads").click()
    page.page.wait_for_function(
        "() => { const s = document.querySelector('.st-key-gcm_downloads');"
        " const r = s && s.getBoundingClientRect(); return r && r.top < innerHeight && r.bottom > 0; }"
    )


def test_the_single_file_on_a_static_host_reads_and_keeps_its_own_address(
    browser: Any, tmp_path: Path
) -> None:
    """Served by any web server (here Playwright answers for static.example), one file serves
    every view: it reads ?date, ?embed and ?lesson, links to itself and keeps its address."""
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out)]) == 0
    body = out.read_bytes()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    asked: list[str] = []

    def serve(route: Any) -> None:
        asked.append(route.request.url)
        if route.request.url.startswith("http://static.example/map.html"):
            route.fulfill(status=200, body=body, headers={"content-type": "text/html; charset=utf-8"})
        else:
            route.abort()

    context.route("**/*", serve)
    try:
        page = context.new_page()
        page.goto("http://static.example/map.html?date=2024-08-22&layers=demands&embed=true")
        page.locator("html.gcm-embed[data-gcm-ready]").wait_for()
        page.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
        assert not page.locator("input[data-overlay='presence']").is_checked()
        page.get_by_role("button", name="Next change").click()
        page.wait_for_function("() => location.search.includes('date=2024-08-25')")
        assert "embed=true" in page.evaluate("location.search")  # still the embed's address
        page.goto("http://static.example/map.html?date=2024-08-22")
        page.get_by_role("tab", name="Share").click()
        link = page.locator("#gcm-share-link").input_value()
        assert link.startswith("http://static.example/map.html?date=2024-08-22")
        assert "embed=true" in page.locator("#gcm-share-embed").input_value()
        page.goto("http://static.example/map.html?date=nonsense")
        assert "nonsense" in page.locator(".gcm-warning").inner_text()
        assert all(u.startswith("http://static.example/map.html") for u in asked), asked
    finally:
        context.close()


def test_copy_puts_the_link_on_the_clipboard_without_a_policy_violation(page: Page, app_url: str) -> None:
    """The map frame is not granted clipboard-write by the app: Copy selects and copies instead
    of calling the Clipboard API, which would only log a permissions-policy violation."""
    said: list[str] = []
    page.page.on("console", lambda m: said.append(m.text))
    frame = page.open(f"{app_url}/?date=2024-08-22")
    pane = _share(frame)
    pane.locator(".gcm-copy").first.click()
    pane.get_by_text("Copied.").first.wait_for()
    assert not [m for m in said if "olicy" in m or "lipboard" in m], said
    assert page.errors == []
