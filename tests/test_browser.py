"""The real page in headless Chromium (Debian's), with every request outside 127.0.0.1 blocked.

Skipped when Chromium or Playwright is missing, unless GCM_REQUIRE_BROWSER=1 (as in CI), where
that is a failure. Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import geo
from bench.server import CHROMIUM, CHROMIUM_FLAGS, streamlit
from geo.urlstate import View

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
REQUIRED = os.environ.get("GCM_REQUIRE_BROWSER") == "1"

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    with streamlit("streamlit_app.py", log=ARTIFACTS.parent / "streamlit.log") as server:
        yield server.url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        yield b
        b.close()


class Page:
    """A page whose requests leave 127.0.0.1 only in the test's imagination."""

    def __init__(self, browser: Any, *, width: int = 1400, height: int = 1000) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.set_default_timeout(30_000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, url: str) -> Any:
        self.page.goto(url)
        frame = self.page.frame_locator("iframe.gcm-map")
        frame.locator(".gcm-root[data-gcm-ready]").wait_for()
        return frame

    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    p = Page(browser)
    yield p
    # The last state of every test, so that a failure in CI can be looked at afterwards.
    try:
        p.shot(f"last-{request.node.name}.png")
    finally:
        p.context.close()


def card(frame: Any, zone: str) -> Any:
    return frame.locator(f".gcm-card[data-zone='{zone}']")


def test_the_philadelphi_question_is_answered_offline(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
    phil = card(frame, "philadelphi")
    for chip in ("IDF · present", "Egypt ↩ leave", "Hamas ↩ leave", "Israel ■ stay"):
        assert phil.get_by_role("button", name=None).filter(has_text=chip).count() == 1, chip
    assert "Philadelphi Corridor (Salah al-Din axis)" in phil.inner_text()
    # The corridor is drawn hatched (forces present) with a dashed (schematic) edge.
    hatched = frame.locator("path[fill^='url(#gcm-hatch-'][stroke-dasharray]")
    assert hatched.count() >= 3  # Philadelphi, Netzarim, perimeter buffer
    # The source is one click away.
    phil.get_by_role("button", name="Israel Defense Forces (IDF): present. Show the source").click()
    popup = frame.locator(".gcm-popup")
    popup.wait_for()
    link = popup.get_by_role("link")
    assert link.get_attribute("href", timeout=5000).startswith("https://m.www.idf.il/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "high confidence" in popup.inner_text()
    assert "© OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    # The panel beside the map gives the same answer in words.
    page.page.get_by_text("Egypt: Israeli forces should withdraw (since 22 Aug 2024; T029").wait_for()
    page.shot("philadelphi-2024-08-22.png")
    assert page.blocked == [], "the page tried to load from outside 127.0.0.1"
    assert page.errors == []


def test_changing_the_date_in_the_map_updates_map_panel_and_url(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.get_by_role("button", name="Next change").click()
    frame.locator(".gcm-root[data-gcm-date='2024-08-25']").wait_for()
    page.page.get_by_text("As of 25 Aug 2024").wait_for()
    page.page.wait_for_function("() => location.search.includes('date=2024-08-25')")
    # Any day, from the calendar: the truce of February 2025.
    frame.get_by_label("Pick any day").fill("2025-02-10")
    frame.locator(".gcm-root[data-gcm-date='2025-02-10']").wait_for()
    netzarim = card(frame, "netzarim")
    assert netzarim.get_by_role("button").filter(has_text="Mediators · present").count() == 1
    assert netzarim.get_by_role("button").filter(has_text="IDF · present").count() == 0  # withdrew 9 Feb
    assert netzarim.get_by_role("button").filter(has_text="IDF · left").filter(has_text="2025").count() == 1
    # the January 2025 agreement is in force, with its terms for the corridor one click away
    agreement = netzarim.locator(".gcm-agr").first
    agreement.click()
    frame.locator(".gcm-popup").get_by_text("Its terms for this zone").wait_for()
    page.page.get_by_text("As of 10 Feb 2025").wait_for()
    page.page.get_by_text("left Netzarim Corridor").first.wait_for()
    frame.get_by_role("button", name="Previous change").click()
    frame.locator(".gcm-root[data-gcm-date='2025-02-09']").wait_for()
    page.shot("truce-2025-02-09.png")
    assert page.params()["date"] == ["2025-02-09"] or page.page.wait_for_function(
        "() => location.search.includes('date=2025-02-09')"
    )
    assert page.blocked == [] and page.errors == []


def test_moving_the_map_puts_the_view_in_the_link(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    page.page.wait_for_timeout(800)
    assert "view" not in page.params()  # opening the map is not moving it
    frame.get_by_role("button", name="Zoom in").click()
    page.page.wait_for_function("() => location.search.includes('view=')")
    lat, lon, zoom = page.params()["view"][0].split(",")
    assert 31.2 < float(lat) < 31.6 and 34.2 < float(lon) < 34.6 and float(zoom) >= 11


def test_play_steps_through_the_changes_and_pauses(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.get_by_role("button", name="Play through the changes").click()
    frame.locator(".gcm-root[data-gcm-date='2024-08-25']").wait_for(timeout=10_000)
    frame.get_by_role("button", name="Pause").click()
    # read the date once the control says it is paused (a tick may land while the click is sent)
    frame.get_by_role("button", name="Play through the changes").wait_for()
    stopped = frame.locator(".gcm-root").get_attribute("data-gcm-date")
    page.page.wait_for_timeout(2000)
    assert frame.locator(".gcm-root").get_attribute("data-gcm-date") == stopped


def test_a_shared_link_restores_layers_actors_and_view(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2025-03-12&layers=demands&actors=Hamas,Egypt&view=31.3,34.3,12")
    frame.locator(".gcm-root[data-gcm-date='2025-03-12']").wait_for()
    assert frame.locator(".gcm-chip.gcm-p").count() == 0  # presence overlay off
    shown = set(frame.locator(".gcm-chip.gcm-d").all_inner_texts())
    assert shown and all(t.startswith(("Hamas", "Egypt")) for t in shown)
    zoom = page.page.frames[-1].evaluate(
        "() => window[Object.keys(window).find(k => k.startsWith('map_'))].getZoom()"
    )
    assert zoom == 12
    page.page.wait_for_function("() => location.search.includes('actors=Hamas%2CEgypt')")
    assert page.params()["layers"] == ["demands"]


def test_a_bad_link_warns_and_still_draws(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-99-99&layers=<b>x</b>")
    page.page.get_by_text("is not a date in the form YYYY-MM-DD").wait_for()
    last = geo.load_bundle().data_as_of.isoformat()
    frame.locator(f".gcm-root[data-gcm-date='{last}']").wait_for()
    assert page.page.locator("b", has_text="x").count() == 0  # the hostile value stayed text


def test_a_phone_sees_the_map_and_the_panels(browser: Any, app_url: str) -> None:
    phone = Page(browser, width=390, height=844)
    try:
        frame = phone.open(f"{app_url}/?date=2024-08-22")
        frame.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
        assert frame.get_by_role("button", name="Next change").is_visible()
        phone.page.get_by_text("Egypt: Israeli forces should withdraw").first.wait_for()
        phone.shot("phone-2024-08-22.png")
        assert phone.blocked == [] and phone.errors == []
    finally:
        phone.context.close()


CENTER_AND_DRAWN = """() => {
  const map = window[Object.keys(window).find((k) => k.startsWith('map_'))];
  const c = map.getCenter(), size = map.getSize();
  const box = document.querySelector('.gcm-root').getBoundingClientRect();
  const drawn = [...document.querySelectorAll('.leaflet-overlay-pane path')].filter((p) => {
    const r = p.getBoundingClientRect();
    const inside = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
    return r.width > 0 && inside;
  }).length;
  return { lat: c.lat, lon: c.lng, zoom: map.getZoom(), width: size.x, drawn };
}"""


GROW = "() => { const f = document.getElementById('f'); Object.assign(f.style, STYLE); }"


@pytest.mark.parametrize("start", ["width:0;height:0", "display:none;width:760px;height:760px"])
@pytest.mark.parametrize(
    "view", [View(date(2024, 8, 22), center=(31.3, 34.3), zoom=12), View(date(2024, 8, 22))]
)
def test_a_frame_that_grows_after_the_map_starts_still_shows_the_intended_view(
    browser: Any, view: View, start: str
) -> None:
    """The map may start before its frame is laid out (empty or hidden), then the frame grows.

    Once in CI a map kept a view computed for no size (centre in the corner, layers clipped);
    the map now re-applies its intended view on every change of its container's size.
    """
    import geo
    from geo.mapping import map_html

    page = Page(browser)
    try:
        srcdoc = html.escape(map_html(geo.load_bundle(), view=view), quote=True)
        page.page.set_content(f'<iframe id="f" style="{start};border:0" srcdoc="{srcdoc}"></iframe>')
        frame = page.page.frame_locator("#f")
        frame.locator(".gcm-root[data-gcm-ready]").wait_for(state="attached")
        page.page.evaluate(GROW.replace("STYLE", '{display: "block", width: "760px", height: "760px"}'))
        inner = page.page.frames[-1]
        inner.wait_for_function(
            "() => window[Object.keys(window).find((k) => k.startsWith('map_'))].getSize().x === 760"
        )
        page.page.wait_for_timeout(300)
        got = inner.evaluate(CENTER_AND_DRAWN)
        if view.center:
            assert abs(got["lat"] - 31.3) < 1e-3 and abs(got["lon"] - 34.3) < 1e-3 and got["zoom"] == 12
        else:
            assert 31.25 < got["lat"] < 31.5 and 34.25 < got["lon"] < 34.45  # the strip, fitted
        assert got["drawn"] >= 5  # land, the strip, borders and zones are drawn in view
        assert page.errors == []
    finally:
        page.context.close()
