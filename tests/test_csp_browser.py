"""The page's Content-Security-Policy in Chromium: in normal use nothing is refused and nothing
leaves; a script an attacker got past the escaping can neither run nor call out.

Every request is routed and counted (file:, data: and about: pass; anything else is recorded
and refused, so a request that the policy let through shows up here). Violations are caught
with a ``securitypolicyviolation`` listener put in place before the page's own scripts (a
Playwright init script, which the page's policy does not govern), and console errors too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.server import CHROMIUM, CHROMIUM_FLAGS
from geo.urlstate import View
from tests.test_browser import ARTIFACTS, REQUIRED, _missing, app_url, shown, zone

__all__ = ["app_url"]  # a fixture of tests/test_browser.py: the app under Streamlit

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = window.__csp || [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
}, true);
"""
LOCAL = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium without the app: these pages need no server."""
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        yield b
        b.close()


class Watched:
    """A browser page that counts every request and records violations and errors."""

    def __init__(self, browser: Any, *, allow: tuple[str, ...] = LOCAL) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.allow = allow
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(30_000)
        self.context.add_init_script(WATCH)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.allow):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def violations(self, frame: Any = None) -> list[dict[str, str]]:
        return (frame or self.page).evaluate("() => window.__csp")  # type: ignore[no-any-return]

    def close(self, name: str) -> None:
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(ARTIFACTS / name))
        finally:
            self.context.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from geo.cli import main

    out = tmp_path_factory.mktemp("export") / "map.html"
    assert main(["export", "--out", str(out), "--date", "2024-08-22"]) == 0
    return out


def test_the_single_file_in_use_breaks_no_rule_and_calls_no_one(chromium: Any, exported: Path) -> None:
    """From file://: draw, change the date, open a source, switch layers, zoom, read the tabs."""
    w = Watched(chromium)
    try:
        p = w.page
        p.goto(exported.as_uri())
        p.locator("html[data-gcm-ready]").wait_for(state="attached")
        shown(p, "2024-08-22")
        assert p.locator("path[fill^='url(#gcm-hatch-']").count() >= 3  # the map is drawn
        p.get_by_role("button", name="Next change").click()
        shown(p, "2024-08-25")
        p.get_by_label("As of").fill("2025-02-10")
        shown(p, "2025-02-10")
        p.get_by_label("As of").fill("2024-08-22")
        shown(p, "2024-08-22")
        # A source, in place: an https link that leaves in a new tab, without the opener.
        phil = zone(p, "philadelphi")
        phil.get_by_role("button", name="IDF: present (since 29 May 2024)").click()
        link = phil.locator(".gcm-srcbox:visible").get_by_role("link")
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"
        # Layers: an overlay and a party off and on again; no web tiles to offer in this file.
        p.locator(".gcm-toggles > summary").click()
        assert p.locator("input[data-tiles]").count() == 0
        for box in ("input[data-overlay='demands']", "input[data-actor='IDF']"):
            p.locator(box).uncheck()
            p.locator(box).check()
        p.keyboard.press("Escape")
        p.get_by_role("button", name="Zoom in").click()
        p.wait_for_timeout(400)  # the zoom's animation and the labels' layout
        p.get_by_role("tab", name="Sources").click()
        assert p.get_by_role("tabpanel", name="Sources").get_by_role("link").count() > 0
        assert w.violations() == []
        assert w.requests == [], "the page tried to load from the network"
        assert w.errors == [] and w.console == []
    finally:
        w.close("csp-single-file.png")


INJECTED = (
    "<script>window.__pwned=1;fetch('http://127.0.0.1:9/x')</script>"
    '<img id="gcm-evil" src=x onerror="window.__pwned=2;fetch(\'http://127.0.0.1:9/y\')">'
    '<img src="https://attacker.example/leak.png">'
    '<a id="gcm-js" href="javascript:window.__pwned=3">x</a>'
)


@pytest.mark.parametrize("host", ["file", "srcdoc"])
def test_a_script_injected_past_the_escaping_neither_runs_nor_calls_out(
    chromium: Any, exported: Path, tmp_path: Path, host: str
) -> None:
    """The page as an attacker who defeated the escaping would leave it: a script, an inline
    handler, an image from elsewhere and a javascript: link in its body. Opened from file://,
    and in a sandboxed srcdoc frame as the app shows it."""
    import html

    page = exported.read_text(encoding="utf-8")
    assert page.count("<body>") == 1
    hostile = page.replace("<body>", "<body>" + INJECTED, 1)
    w = Watched(chromium)
    try:
        if host == "file":
            path = tmp_path / "hostile.html"
            path.write_text(hostile, encoding="utf-8")
            w.page.goto(path.as_uri())
            frame = w.page.main_frame
        else:
            srcdoc = html.escape(hostile, quote=True)
            w.page.set_content(
                '<iframe id="f" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                f'style="width:1280px;height:860px;border:0" srcdoc="{srcdoc}"></iframe>'
            )
            w.page.frame_locator("#f").locator("html[data-gcm-ready]").wait_for(state="attached")
            frame = w.page.frames[-1]
        # The page's own scripts still run (their hashes hold): the map draws.
        frame.locator("html[data-gcm-ready]").wait_for(state="attached")
        frame.locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
        frame.locator("#gcm-js").evaluate("(a) => a.click()")  # follow the javascript: link
        w.page.wait_for_timeout(500)
        assert frame.evaluate("() => window.__pwned") is None  # undefined in the page
        # Each was refused by the policy, and said so. (The listener may start after the parser
        # in a srcdoc frame, so the console, which Chromium always tells, is the full record.)
        refused = [m for m in w.console if "Content Security Policy" in m]
        for what in ("inline script", "inline event handler", "https://attacker.example/", "JavaScript URL"):
            assert any(what in m for m in refused), (what, refused)
        if host == "file":
            assert any("/x" in m and "img-src" in m for m in refused), refused  # a relative src too
        assert "script-src-elem" in {v["directive"] for v in w.violations(frame)}  # the link, at least
        assert not any("connect-src" in m for m in refused)  # not even tried: the script never ran
        assert w.requests == [], "a request left the page"
        assert w.errors == []
    finally:
        w.close(f"csp-injected-{host}.png")


def test_the_apps_page_allows_the_tiles_it_offers_and_nothing_else(chromium: Any, app_url: str) -> None:
    """In the app, ticking the web tiles asks their host for images (refused here, as offline)
    without a violation; the page's policy is the one Python computed."""
    w = Watched(chromium, allow=(*LOCAL, "http://127.0.0.1", "http://localhost", "ws://127.0.0.1"))
    try:
        w.page.goto(f"{app_url}/?date=2024-08-22")
        frame = w.page.frame_locator("iframe.gcm-map")
        shown(frame, "2024-08-22")
        inner = w.page.locator("iframe.gcm-map").element_handle().content_frame()
        policy = inner.evaluate(
            "() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content"
        )
        assert "img-src data: https://tile.openstreetmap.org;" in policy
        assert "connect-src 'none'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
        frame.get_by_role("button", name="Next change").click()
        shown(frame, "2024-08-25")
        frame.locator(".gcm-toggles > summary").click()
        frame.locator("input[data-tiles]").check()
        inner.wait_for_function("() => document.querySelectorAll('img.leaflet-tile').length > 0")
        w.page.wait_for_timeout(500)
        assert w.requests and all(u.startswith("https://tile.openstreetmap.org/") for u in w.requests)
        assert w.violations(inner) == []
        assert w.errors == []
    finally:
        w.close("csp-app-tiles.png")


def test_the_view_block_carries_a_hostile_view_as_text(chromium: Any, bundle: Any) -> None:
    """A view whose strings would close a script, written by with_view: shown as text."""
    import html

    from geo.mapping import map_html, with_view

    evil = "</script><script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
    page = with_view(map_html(bundle, view=View(date(2024, 8, 22))), View(date(2024, 8, 22)), [evil])
    w = Watched(chromium)
    try:
        w.page.set_content(
            '<iframe id="f" sandbox="allow-scripts" style="width:1280px;height:860px;border:0" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        )
        frame = w.page.frame_locator("#f")
        shown(frame, "2024-08-22")
        assert evil in frame.get_by_role("alert").inner_text()
        inner = w.page.frames[-1]
        assert inner.evaluate("() => window.__pwned") is None
        assert w.violations(inner) == [] and w.requests == [] and w.errors == []
    finally:
        w.close("csp-hostile-view.png")


HOSTILE_URLS = (
    "javascript:window.__pwned=4",
    " JavaScript:window.__pwned=5",
    "data:text/html,<script>window.__pwned=6</script>",
    "vbscript:msgbox(1)",
    "/relative/page",
    "//example.org/no-scheme",
)


def test_source_links_open_only_http_addresses(chromium: Any, bundle: Any, tmp_path: Path) -> None:
    """Sources whose addresses got past validation (here, put straight into the bundle): only
    http(s) ones become links, opening a new tab without the opener; the rest are plain text."""
    import dataclasses

    from geo.mapping import map_html

    sources = {
        sid: dataclasses.replace(s, url=HOSTILE_URLS[i % len(HOSTILE_URLS)] if i % 2 else s.url)
        for i, (sid, s) in enumerate(sorted(bundle.sources.items()))
    }
    path = tmp_path / "map.html"
    path.write_text(
        map_html(dataclasses.replace(bundle, sources=sources), view=View(date(2024, 8, 22))), encoding="utf-8"
    )
    w = Watched(chromium)
    try:
        p = w.page
        p.goto(path.as_uri())
        shown(p, "2024-08-22")
        p.get_by_role("tab", name="Sources").click()
        pane = p.get_by_role("tabpanel", name="Sources")
        links = pane.locator("a")
        plain = pane.locator(".gcm-src", has_text="no link recorded")
        assert links.count() > 0 and plain.count() > 0  # both kinds are on the day's list
        for i in range(links.count()):
            a = links.nth(i)
            assert a.get_attribute("href").startswith(("https://", "http://")), a.get_attribute("href")
            assert a.get_attribute("target") == "_blank" and a.get_attribute("rel") == "noopener noreferrer"
        hrefs = p.locator("[href]").evaluate_all("(es) => es.map((e) => e.getAttribute('href'))")
        assert not set(hrefs) & {u.strip() for u in HOSTILE_URLS}
        plain.first.click()  # a title without a link is text: nothing to follow
        assert p.evaluate("() => window.__pwned") is None
        assert w.violations() == [] and w.requests == [] and w.errors == [] and w.console == []
    finally:
        w.close("csp-source-links.png")


@pytest.mark.parametrize("block", ["", "{not json", "[1,2]", '"a string"', "null"])
def test_a_missing_or_unreadable_view_block_opens_on_the_defaults(
    chromium: Any, bundle: Any, tmp_path: Path, block: str
) -> None:
    import re

    from geo.mapping import map_html

    page = map_html(bundle, view=View(date(2024, 8, 22)))
    old = re.compile(r'<script type="application/json" id="gcm-view">[^<]*</script>')
    new = f'<script type="application/json" id="gcm-view">{block}</script>' if block else ""
    path = tmp_path / "map.html"
    path.write_text(old.sub(new, page, count=1), encoding="utf-8")
    w = Watched(chromium)
    try:
        w.page.goto(path.as_uri())
        shown(w.page, bundle.data_as_of.isoformat())  # the latest day: the client's default
        assert w.page.locator("input[data-overlay]:checked").count() == 2
        assert w.errors == [] and w.console == [] and w.violations() == [] and w.requests == []
    finally:
        w.close("csp-view-block.png")
