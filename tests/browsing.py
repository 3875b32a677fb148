"""Screens and a page viewer shared by the accessibility and keyboard tests (issue 9).

Builds on tests/test_browser.py: the same Page (every request outside 127.0.0.1 blocked), on
a desktop or a touch phone, and a wait for the map frame that accepts both clients' markers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.test_browser import ROOT, Page

ARTIFACTS = ROOT / "artifacts" / "a11y"
# The map frame is ready once drawn: the new client marks <html>, today's map marks .gcm-root.
FRAME_READY = "html[data-gcm-ready], .gcm-root[data-gcm-ready]"


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    phone: bool = False

    def __str__(self) -> str:
        return f"{self.name} {self.width}×{self.height}"


DESKTOP = Screen("desktop", 1280, 900)
PHONE = Screen("phone", 375, 812, phone=True)
SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


class Viewer(Page):
    """A Page on a desktop, or on a touch phone (mobile viewport, touch, 2× pixels)."""

    def __init__(self, browser: Any, screen: Screen) -> None:
        self.screen = screen
        self.blocked: list[str] = []
        self.errors: list[str] = []
        options: dict[str, Any] = {"viewport": {"width": screen.width, "height": screen.height}}
        if screen.phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(30_000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open_map(self, url: str) -> Any:
        """Open the app; return the map frame (a Playwright Frame) once the map is drawn."""
        self.page.goto(url)
        iframe = self.page.locator("iframe.gcm-map")  # locators see into Streamlit's shadow roots
        iframe.wait_for(state="attached")
        frame = iframe.element_handle().content_frame()
        assert frame is not None, "iframe.gcm-map has no content frame"
        frame.wait_for_selector(FRAME_READY, state="attached")
        # ... and the Streamlit page has finished its run (no element still to come).
        self.page.wait_for_selector("[data-test-script-state='notRunning']", state="attached")
        return frame

    def save(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture
def viewer(browser: Any, request: pytest.FixtureRequest) -> Iterator[Viewer]:
    """A Viewer on ``request.param`` (a Screen; parametrize indirectly with SCREENS)."""
    v = Viewer(browser, request.param)
    yield v
    # The last state of every test, so that a failure in CI can be looked at afterwards.
    try:
        v.save(f"last-{request.node.name}.png")
    finally:
        v.context.close()
