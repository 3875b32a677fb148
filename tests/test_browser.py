"""The real page in headless Chromium (Debian's), with every request outside 127.0.0.1 blocked.

Skipped when Chromium or Playwright is missing, unless GCM_REQUIRE_BROWSER=1 (as in CI), where
that is a failure. Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import html
import os
import re
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

    def __init__(self, browser: Any, *, width: int = 1400, height: int = 1000, mobile: bool = False) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
        )
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
        frame.locator("html[data-gcm-ready]").wait_for()
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


def offline(browser: Any) -> Page:
    """A page for a file:// map: files only, every other request refused and counted."""
    page = Page(browser, width=1280, height=900)
    page.context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:", "about:"))
            else page.blocked.append(r.request.url) or r.abort()
        ),
    )
    return page


def zone(frame: Any, zid: str) -> Any:
    """A zone's text in the panel "On this date"."""
    return frame.locator(f"#gcm-pane-today article[data-zone='{zid}']")


def shown(frame: Any, d: str) -> None:
    """Wait until the map and the text both show day ``d``."""
    frame.locator(f".gcm-root[data-gcm-date='{d}']").wait_for()
    frame.locator(f"#gcm-panels[data-gcm-date='{d}']").wait_for()


def _days_in(text: str) -> list[str]:
    """The days written in a text ("22 Aug 2024"), as ISO dates."""
    from datetime import datetime

    return [
        datetime.strptime(m, "%d %b %Y").date().isoformat()
        for m in re.findall(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}", text)
    ]


@pytest.mark.parametrize("day", ["2024-08-22", "2025-03-19", "2026-03-15"])
def test_an_opened_claim_never_tells_a_later_day(page: Page, app_url: str, day: str) -> None:
    """A claim's day, its end and its confidence are of the day shown: an end that comes later is not
    told; a source published later says it is a later report (a fact is dated by what happened)."""
    frame = page.open(f"{app_url}/?date={day}")
    shown(frame, day)
    chips = frame.locator("#gcm-pane-today .gcm-chip")
    for i in range(chips.count()):
        chips.nth(i).click()
    metas = frame.locator("#gcm-pane-today .gcm-srcbox .gcm-meta").all_inner_texts()
    assert metas and all(d <= day for m in metas for d in _days_in(m)), metas
    for src in frame.locator("#gcm-pane-today .gcm-srcbox .gcm-src").all_inner_texts():
        later = [d for d in _days_in(src) if d > day]
        assert not later or "published after the day shown" in src, src
    assert page.errors == []


def test_the_philadelphi_question_is_answered_offline(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    shown(frame, "2024-08-22")
    phil = zone(frame, "philadelphi")
    assert "Philadelphi Corridor (Salah al-Din axis)" in phil.locator("h2").inner_text()
    claims = phil.locator(".gcm-chip").all_inner_texts()
    for said in (
        "IDF: present (since 29 May 2024)",
        "Egypt: Israeli forces should withdraw (stated 22 Aug 2024)",
        "Hamas: Israeli forces should withdraw",
        "Israel: Israeli forces should stay",
    ):
        assert any(c.startswith(said) for c in claims), (said, claims)
    # On the map: hatched (forces present) with a dashed (schematic) edge, and a label saying who.
    assert frame.locator("path[fill^='url(#gcm-hatch-'][stroke-dasharray]").count() >= 3
    assert "IDF" in frame.locator(".gcm-zl[data-zone='philadelphi']").inner_text()
    # The source is one click away, in place.
    chip = phil.get_by_role("button", name="IDF: present (since 29 May 2024)")
    chip.click()
    assert chip.get_attribute("aria-expanded") == "true"
    box = phil.locator(".gcm-srcbox:visible")
    link = box.get_by_role("link")
    assert link.get_attribute("href").startswith("https://m.www.idf.il/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "high confidence" in box.inner_text()
    assert "© OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    page.shot("philadelphi-2024-08-22.png")
    assert page.blocked == [], "the page tried to load from outside 127.0.0.1"
    assert page.errors == []


def test_changing_the_date_updates_map_text_and_url_together(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.get_by_role("button", name="Next change").click()
    shown(frame, "2024-08-25")
    page.page.wait_for_function("() => location.search.includes('date=2024-08-25')")
    # Any day, from the calendar: the truce of February 2025.
    frame.get_by_label("As of").fill("2025-02-10")
    shown(frame, "2025-02-10")
    netzarim = zone(frame, "netzarim")
    said = netzarim.locator(".gcm-chip").all_inner_texts()
    assert any(c.startswith("Mediators: present") for c in said), said
    assert not any(c.startswith("IDF: present") for c in said)  # withdrew 9 Feb
    assert any(c.startswith("IDF: left on 9 Feb 2025") for c in said), said
    # the January 2025 agreement is in force, its terms for the corridor one click away
    agreement = netzarim.locator(".gcm-chip.gcm-agr").first
    agreement.click()
    assert "T0" in netzarim.locator(".gcm-srcbox:visible").first.inner_text()
    frame.get_by_role("button", name="Previous change").click()
    shown(frame, "2025-02-09")
    page.page.wait_for_function("() => location.search.includes('date=2025-02-09')")
    page.shot("truce-2025-02-09.png")
    assert page.blocked == [] and page.errors == []


def test_the_page_is_fetched_once_and_never_again_on_reruns(page: Page, app_url: str) -> None:
    """The bridge fetches the page (a static file named by its hash, gzipped once on the
    server and unpacked in the browser) once; the reruns that follow (the first draw, date
    changes) keep the frame and ask for nothing."""
    asked: list[str] = []
    page.page.on("request", lambda r: asked.append(r.url) if "/app/static/gcm-" in r.url else None)
    frame = page.open(f"{app_url}/?date=2024-08-22")
    frame.get_by_role("button", name="Next change").click()
    page.page.wait_for_function("() => location.search.includes('date=2024-08-25')")
    page.page.wait_for_timeout(1000)  # a rerun, had it asked for the page, would have by now
    assert len(asked) == 1 and re.search(r"/app/static/gcm-[0-9a-f]{16}\.html\.gz$", asked[0]), asked
    assert page.blocked == [] and page.errors == []


def test_a_date_typed_digit_by_digit_is_drawn_once(page: Page, app_url: str) -> None:
    """Typing 02102025 passes the field through other dates (0002-..., 0020-...): only the date
    typed is drawn, announced and written to the address, once the typing pauses."""
    frame = page.open(f"{app_url}/?date=2024-08-22")
    before = frame.locator("html").evaluate("() => window.gcmRenders")
    frame.locator("#gcm-date").click(position={"x": 12, "y": 18})  # the month, in Chromium's en-US
    for key in "02102025":
        page.page.keyboard.press(key)
        page.page.wait_for_timeout(60)
    shown(frame, "2025-02-10")
    page.page.wait_for_function("() => location.search.includes('date=2025-02-10')")
    assert frame.locator("html").evaluate("() => window.gcmRenders") - before == 1
    assert page.errors == []


def test_map_and_text_change_date_in_the_same_call(page: Page, app_url: str) -> None:
    """One render draws both: no frame ever shows the map on one day and the text on another."""
    frame = page.open(f"{app_url}/?date=2024-08-22")
    inner = page.page.frame_locator("iframe.gcm-map").locator("html")
    got = inner.evaluate(
        """() => { window.gcm.setDate('2025-10-10');
          return [document.querySelector('.gcm-root').dataset.gcmDate,
                  document.getElementById('gcm-panels').dataset.gcmDate,
                  document.getElementById('gcm-live').textContent]; }"""
    )
    assert got[:2] == ["2025-10-10", "2025-10-10"]
    assert got[2].startswith("As of 10 Oct 2025")  # announced to screen readers
    shown(frame, "2025-10-10")


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
    shown(frame, "2024-08-25")
    frame.get_by_role("button", name="Pause").click()
    # read the date once the control says it is paused (a tick may land while the click is sent)
    frame.get_by_role("button", name="Play through the changes").wait_for()
    stopped = frame.locator(".gcm-root").get_attribute("data-gcm-date")
    page.page.wait_for_timeout(2000)
    assert frame.locator(".gcm-root").get_attribute("data-gcm-date") == stopped


def test_a_shared_link_restores_layers_actors_and_view(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2025-03-12&layers=demands&actors=Hamas,Egypt&view=31.3,34.3,12")
    shown(frame, "2025-03-12")
    assert frame.locator(".gcm-chip.gcm-p").count() == 0  # presence overlay off
    said = set(frame.locator("#gcm-pane-today .gcm-chip.gcm-d .gcm-say").all_inner_texts())
    assert said and all(t.startswith(("Hamas", "Egypt")) for t in said), said
    zoom = frame.locator("html").evaluate("() => window.gcm.map.getZoom()")
    assert zoom == 12
    page.page.wait_for_function("() => location.search.includes('actors=Hamas%2CEgypt')")
    assert page.params()["layers"] == ["demands"]


def test_a_bad_link_warns_and_still_draws(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?date=2024-99-99&layers=<b>x</b>")
    alert = frame.get_by_role("alert")
    assert "is not a date in the form YYYY-MM-DD" in alert.inner_text()
    assert "<b>x</b>" in alert.inner_text()  # the hostile value shown as text
    last = geo.load_bundle().data_as_of.isoformat()
    shown(frame, last)
    assert frame.locator("b", has_text="x").count() == 0
    assert page.errors == []


NOT_SHOWN = ("undefined", "NaN", "[object", "null", "{", "}")


@pytest.mark.parametrize("day", ["2005-09-05", "2005-09-12", "2024-08-22", "2025-10-10", "2031-01-01"])
def test_each_tab_shows_only_what_it_should(page: Page, app_url: str, day: str) -> None:
    """Every tab says something, holds no placeholder or dump, and no table is empty."""
    frame = page.open(f"{app_url}/?date={day}")
    shown(frame, day)
    for tab in ("On this date", "Positions", "Sources", "About"):
        frame.get_by_role("tab", name=tab).click()
        pane = frame.get_by_role("tabpanel", name=tab)
        text = pane.inner_text()
        assert text.strip(), (day, tab)
        assert not [w for w in NOT_SHOWN if w in text], (day, tab, text[:300])
        for table in pane.locator("table").all():
            assert table.locator("tbody tr").count() > 0, (day, tab)
    if day > geo.load_bundle().data_as_of.isoformat():
        frame.get_by_role("tab", name="On this date").click()
        assert "Documented to" in frame.locator(".gcm-notice-box").inner_text() or "After the last" in (
            frame.locator(".gcm-notice-box").inner_text()
        )
    assert page.errors == []


LABELS_CLEAR = """() => {
  const map = window.gcm.map, G = window.gcm.data;
  const box = document.querySelector('.gcm-root').getBoundingClientRect();
  const ring = G.stripRing.map(([x, y]) => map.latLngToContainerPoint([y, x]));
  const inside = (x, y) => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], b = ring[j];
      if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) c = !c;
    }
    return c;
  };
  const labels = [...document.querySelectorAll('.gcm-zl')].map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0)
    .map((r) => ({l: r.left - box.left, r: r.right - box.left, t: r.top - box.top, b: r.bottom - box.top}));
  let covering = 0, overlapping = 0, outside = 0;
  labels.forEach((r, k) => {
    for (let i = 0; i <= 6; i++) for (let j = 0; j <= 3; j++)
      if (inside(r.l + (r.r - r.l) * i / 6, r.t + (r.b - r.t) * j / 3)) { covering++; return; }
    if (r.l < 0 || r.t < 0 || r.r > box.width || r.b > box.height) outside++;
    labels.slice(k + 1).forEach((o) => {
      if (r.l < o.r && r.r > o.l && r.t < o.b && r.b > o.t) overlapping++;
    });
  });
  const towns = [...document.querySelectorAll('.gcm-town')].map((e) => e.textContent);
  // The names of the sea and the neighbours: shown, in the map, under no card, control or town.
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {l: r.left - box.left, r: r.right - box.left, t: r.top - box.top, b: r.bottom - box.top}; };
  const others = [...document.querySelectorAll('.gcm-zl, .leaflet-control, .gcm-town')]
    .filter((e) => e.getBoundingClientRect().width > 0).map(rect);
  const names = [...document.querySelectorAll('.gcm-label')]
    .filter((e) => e.checkVisibility({visibilityProperty: true}));
  const covered = names.filter((e) => { const r = rect(e);
    return r.l < 0 || r.t < 0 || r.r > box.width || r.b > box.height
      || others.some((o) => r.l < o.r && r.r > o.l && r.t < o.b && r.b > o.t); }).map((e) => e.textContent);
  return { labels: labels.length, covering, overlapping, outside, towns,
           names: names.map((e) => e.textContent), covered };
}"""


@pytest.mark.parametrize("size", [(1280, 900), (375, 812)])
def test_labels_name_the_zones_without_covering_the_strip(
    browser: Any, app_url: str, size: tuple[int, int]
) -> None:
    """Zone labels sit beside the strip with leader lines; towns are named at the first view."""
    phone = size[0] < 600
    p = Page(browser, width=size[0], height=size[1], mobile=phone)
    try:
        for day in ("2024-08-22", "2025-04-15", "2025-10-10"):
            frame = p.open(f"{app_url}/?date={day}")
            shown(frame, day)
            got = frame.locator("html").evaluate(LABELS_CLEAR)
            assert got["labels"] >= 3 and got["covering"] == 0 and got["overlapping"] == 0, (day, got)
            assert got["outside"] == 0, (day, got)
            assert {"Gaza City", "Deir al-Balah", "Khan Younis", "Rafah"} <= set(got["towns"])
            # The cards and the legend once hid them: now they move to free room in their land or sea.
            assert sorted(got["names"]) == ["Egypt", "Israel", "Mediterranean Sea"], (day, got)
            assert got["covered"] == [], (day, got)
        # The legend is open on a desktop's first view, folded on a phone.
        assert frame.locator("details.gcm-legend").evaluate("d => d.open") is (not phone)
        p.shot(f"labels-{size[0]}.png")
    finally:
        p.context.close()


LEGEND_OVER_STRIP = """() => {
  const map = window.gcm.map, G = window.gcm.data, legend = document.querySelector('details.gcm-legend');
  const b = legend.getBoundingClientRect(), o = document.querySelector('.gcm-root').getBoundingClientRect();
  const over = G.stripRing.map(([x, y]) => map.latLngToContainerPoint([y, x]))
    .filter((p) => p.x > b.left - o.left && p.x < b.right - o.left)
    .filter((p) => p.y > b.top - o.top && p.y < b.bottom - o.top);
  return { open: legend.open, over: over.length };
}"""


def test_the_open_legend_never_covers_the_strip(browser: Any, app_url: str) -> None:
    """Open on a desktop's first view; where the map is short (a notice about the link above
    it), it folds rather than hide the strip; the reader can still open it."""
    p = Page(browser, width=1280, height=900)
    try:
        frame = p.open(f"{app_url}/?date=2024-08-22")
        shown(frame, "2024-08-22")
        assert frame.locator("html").evaluate(LEGEND_OVER_STRIP) == {"open": True, "over": 0}
        frame = p.open(f"{app_url}/?date=2024-13-45")  # the link's notice takes the map's top
        frame.locator("html[data-gcm-ready]").wait_for(state="attached")
        p.page.wait_for_timeout(300)
        got = frame.locator("html").evaluate(LEGEND_OVER_STRIP)
        assert got["over"] == 0 and not got["open"], got
        frame.locator("details.gcm-legend > summary").click()
        p.page.wait_for_timeout(300)
        assert frame.locator("details.gcm-legend").evaluate("d => d.open")  # the reader's choice stands
    finally:
        p.context.close()


PHONE_LAYOUT = """() => {
  const r = (s) => {
    const b = document.querySelector(s).getBoundingClientRect();
    return {t: b.top, b: b.bottom, l: b.left, r: b.right, h: b.height};
  };
  const targets = '#gcm-time button, #gcm-time input:not([type=checkbox]), #gcm-time label, '
    + '#gcm-time summary, [role=tab], .gcm-chip, .leaflet-control-zoom a, .gcm-legend > summary';
  const small = [...document.querySelectorAll(targets)]
    .filter((e) => e.checkVisibility() && e.getBoundingClientRect().width > 0)
    .map((e) => [e.getAttribute('aria-label') || e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, b]) => b.width < 44 || b.height < 44)
    .map(([n, b]) => `${n} ${Math.round(b.width)}x${Math.round(b.height)}`);
  const row = [...document.querySelectorAll('#gcm-time .gcm-row:first-child > *')]
    .filter((e) => e.getBoundingClientRect().height > 0);
  return { map: r('.gcm-root'), time: r('#gcm-time'), panels: r('#gcm-panels'),
           rows: new Set(row.map((e) => Math.round(e.getBoundingClientRect().top))).size,
           scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth, small };
}"""


def test_a_phone_gets_the_map_first_then_the_text(browser: Any, app_url: str) -> None:
    """375 x 812: the map fills most of the first screen under one compact row of controls;
    nothing scrolls sideways; touch targets are 44 px; the text is stacked under the map."""
    phone = Page(browser, width=375, height=812, mobile=True)
    try:
        frame = phone.open(f"{app_url}/?date=2024-08-22")
        shown(frame, "2024-08-22")
        box = phone.page.locator("iframe.gcm-map").bounding_box()
        got = frame.locator("html").evaluate(PHONE_LAYOUT)
        top = box["y"] + got["map"]["t"]
        visible = min(812, top + got["map"]["h"]) - top
        assert top < 140 and visible > 0.7 * 812, (top, visible)
        assert got["time"]["b"] <= got["map"]["t"], "the date controls cover the map"
        assert got["rows"] == 1, "the date and its controls take more than one row"
        assert got["panels"]["t"] >= got["map"]["b"], "the text is not under the map"
        assert got["small"] == [], got["small"]
        assert got["scroll"] == 0
        page_scroll = phone.page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert page_scroll <= 0
        frame.get_by_role("tab", name="Positions").click()
        assert frame.locator("html").evaluate(PHONE_LAYOUT)["scroll"] == 0  # wide tables scroll in place
        phone.shot("phone-2024-08-22.png")
        assert phone.blocked == [] and phone.errors == []
    finally:
        phone.context.close()


def test_on_a_phone_one_finger_scrolls_the_page_and_the_map_frame_is_as_tall_as_its_page(
    browser: Any, app_url: str
) -> None:
    """The map fills most of a phone's first screen: a one-finger swipe on it scrolls the page to
    the text (two fingers move the map, as a note on the map says). The frame is as tall as its
    page, also after the rerun that follows the first draw, so the text is not a scroll box of
    its own. On a desktop, one finger (the mouse) still drags the map."""
    phone = Page(browser, width=375, height=812, mobile=True)
    try:
        frame = phone.open(f"{app_url}/?date=2024-08-22")
        phone.page.locator(".st-key-gcm_downloads").wait_for()  # after the rerun
        inner = frame.locator("html")
        assert inner.evaluate("() => !window.gcm.map.dragging.enabled()")
        assert frame.locator(".gcm-two-fingers").inner_text() == "Two fingers move the map"
        height = inner.evaluate("() => document.body.scrollHeight")
        assert abs(phone.page.locator("iframe.gcm-map").bounding_box()["height"] - height) <= 2
        center = inner.evaluate("() => window.gcm.map.getCenter().toString()")
        cdp = phone.context.new_cdp_session(phone.page)
        for kind, y in [("touchStart", 500), *(("touchMove", 500 - 15 * k) for k in range(1, 16))]:
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": 180, "y": y}]})
            phone.page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        phone.page.wait_for_timeout(300)
        scrolled = phone.page.evaluate(
            "() => Math.max(scrollY, document.querySelector('[data-testid=stMain]').scrollTop)"
        )
        assert scrolled > 100, scrolled
        assert inner.evaluate("() => window.gcm.map.getCenter().toString()") == center
    finally:
        phone.context.close()
    desktop = Page(browser, width=1280, height=800)
    try:
        frame = desktop.open(f"{app_url}/?date=2024-08-22")
        assert frame.locator("html").evaluate("() => window.gcm.map.dragging.enabled()")
        assert frame.locator(".gcm-two-fingers").count() == 0
    finally:
        desktop.context.close()


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


HOSTILE_HTML = '<img src=x onerror="window.gcmPwned=1"><b>bold</b>'


def test_hostile_data_is_drawn_as_text_in_map_and_panels(browser: Any, layers_copy: Any) -> None:
    """A hostile summary, zone name, actor name and source title reach the reader as text: no
    element is made from them and no script runs. (A javascript: address fails validation, and
    the client keeps only http(s) links anyway: tests/js.)"""
    from geo.mapping import map_html

    layers_copy.edit_row("timeline.csv", "id", "T029", summary=HOSTILE_HTML)
    layers_copy.edit_row("zones.csv", "id", "philadelphi", name=HOSTILE_HTML)
    layers_copy.edit_row("actors.csv", "id", "Egypt", name=HOSTILE_HTML, short=HOSTILE_HTML)
    source = next(r for r in layers_copy.rows("timeline.csv") if r["id"] == "T029")["source_id"]
    layers_copy.edit_row("sources.csv", "id", source, title=HOSTILE_HTML)
    page = Page(browser)
    try:
        srcdoc = html.escape(
            map_html(geo.load_bundle(layers_copy.root), view=View(date(2024, 8, 22))), quote=True
        )
        page.page.set_content(f'<iframe id="f" style="width:1280px;height:900px;border:0" srcdoc="{srcdoc}">')
        frame = page.page.frame_locator("#f")
        shown(frame, "2024-08-22")
        phil = zone(frame, "philadelphi")
        assert HOSTILE_HTML in phil.locator("h2").inner_text()
        chip = (
            phil.locator(".gcm-chip", has_text="Israeli forces should withdraw").filter(has_text="bold").first
        )
        chip.click()
        box = phil.locator(".gcm-srcbox:visible")
        assert HOSTILE_HTML in box.inner_text()  # the summary and the title, as text
        assert box.get_by_role("link").inner_text() == HOSTILE_HTML  # the title is the link's text
        frame.get_by_role("tab", name="Sources").click()
        assert HOSTILE_HTML in frame.get_by_role("tabpanel", name="Sources").inner_text()
        inner = page.page.frames[-1]
        assert inner.evaluate("() => document.querySelectorAll('img[src=x], b').length") == 0
        assert inner.evaluate("() => window.gcmPwned === undefined")
        assert page.errors == []
    finally:
        page.context.close()


def test_switched_off_layers_are_said_to_be_off_not_empty(page: Page, app_url: str) -> None:
    """With the overlays off, the text and legend must not claim nothing was recorded."""
    frame = page.open(f"{app_url}/?date=2024-08-22&layers=none")
    shown(frame, "2024-08-22")
    text = frame.locator("#gcm-pane-today").inner_text()
    assert "switched off" in text
    assert "is recorded" not in text and "Nothing recorded" not in text
    assert "switched off" in frame.locator(".gcm-legend-forces").inner_text()


def test_the_legend_says_which_zones_of_the_day_are_not_drawn(page: Page, app_url: str) -> None:
    """The yellow line has no openly licensed geometry: once the text speaks of it, the legend
    says it is not drawn (an embed shows the map alone); before, the legend says nothing of it."""
    frame = page.open(f"{app_url}/?date=2024-08-22")
    note = frame.locator(".gcm-legend-unmapped")
    assert note.is_hidden()
    frame.get_by_label("As of").fill("2025-10-12")
    shown(frame, "2025-10-12")
    note.wait_for()
    assert note.inner_text().startswith("Not drawn") and "Yellow line" in note.inner_text()
    assert page.errors == []


def test_map_shapes_are_not_tab_stops(page: Page, app_url: str) -> None:
    """After the Layers menu, Tab goes to the map and its named zone labels, never to an
    unnamed shape (Chromium makes clickable SVG shapes focusable)."""
    frame = page.open(f"{app_url}/?date=2024-08-22")
    shown(frame, "2024-08-22")
    frame.locator(".gcm-toggles > summary").focus()
    for _ in range(6):
        page.page.keyboard.press("Tab")
        tag = frame.locator("html").evaluate("() => document.activeElement.tagName.toLowerCase()")
        assert tag != "path"


def test_the_exported_file_works_offline_from_file(browser: Any, tmp_path: Path) -> None:
    """`python -m geo export`: one file, opened from file:// with every other request refused,
    draws its overlays and text, and its date control works."""
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--date", "2024-08-22"]) == 0
    page = offline(browser)
    try:
        page.page.goto(out.as_uri())
        page.page.locator("html[data-gcm-ready]").wait_for()
        root = page.page.locator(".gcm-root[data-gcm-date='2024-08-22']")
        root.wait_for()
        assert page.page.locator("path[fill^='url(#gcm-hatch-']").count() >= 3
        assert "IDF: present" in page.page.locator("#gcm-pane-today").inner_text()
        page.page.get_by_role("button", name="Next change").click()
        page.page.locator("#gcm-panels[data-gcm-date='2024-08-25']").wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "export-file.png"))
        assert page.blocked == [] and page.errors == []
    finally:
        page.context.close()


TOWNS_CUT = """() => {
  const m = document.querySelector('.gcm-root').getBoundingClientRect();
  return [...document.querySelectorAll('.gcm-town')].map((e) => [e.textContent, e.getBoundingClientRect()])
    .filter(([, r]) => r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom)
    .filter(([, r]) => r.left < m.left || r.right > m.right).map(([t]) => t);
}"""


def test_a_town_near_the_maps_edge_is_named_whole(browser: Any, app_url: str) -> None:
    """A close-up on a phone put Khan Younis at the right edge, cut to 'K': its name now goes to
    the left of its dot there."""
    p = Page(browser, width=375, height=812, mobile=True)
    try:
        frame = p.open(f"{app_url}/?lesson=corridors&step=1")
        frame.locator("html[data-gcm-ready]").wait_for(state="attached")
        p.page.wait_for_timeout(500)
        assert frame.locator("html").evaluate(TOWNS_CUT) == []
        assert p.errors == []
    finally:
        p.context.close()
