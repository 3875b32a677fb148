"""Guided lessons in headless Chromium: a link to a step, Previous and Next, the step bar, the
address bar following the step, the lessons in the offline single file, and hostile lesson text.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.lessons import payload
from tests.test_browser import ARTIFACTS, HOSTILE_HTML, Page, app_url, browser, offline, page, shown

__all__ = ["app_url", "browser", "page"]  # fixtures of tests/test_browser.py

pytestmark = pytest.mark.browser
LESSON = payload(geo.load_bundle())[0]


def test_a_link_opens_a_step_and_the_address_follows_the_lesson(page: Page, app_url: str) -> None:
    steps = LESSON["steps"]
    frame = page.open(f"{app_url}/?lesson={LESSON['id']}&step=2")
    shown(frame, steps[1]["date"])  # the step sets the date, map and text together
    pane = frame.locator("#gcm-pane-lessons")
    assert frame.locator("#gcm-tab-lessons").get_attribute("aria-selected") == "true"
    assert steps[1]["title"] in pane.inner_text() and steps[1]["caption"][:60] in pane.inner_text()
    assert pane.locator(".gcm-fact").count() == len(steps[1]["facts"])  # its sources, shown
    pane.get_by_role("button", name="Next step").click()
    shown(frame, steps[2]["date"])
    page.page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '3'")
    assert page.params()["lesson"] == [LESSON["id"]] and page.params()["date"] == [steps[2]["date"]]
    # The bar under the date controls steps back, where a phone's reader is.
    frame.locator(".gcm-lessonbar").get_by_role("button", name="Previous step").click()
    shown(frame, steps[1]["date"])
    page.page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '2'")
    pane.get_by_role("button", name="Leave the lesson").click()
    page.page.wait_for_function("() => !new URLSearchParams(location.search).has('lesson')")
    assert frame.locator(".gcm-lessonbar").is_hidden()
    assert "Start the lesson" in pane.inner_text()


def test_a_step_sets_its_layers_and_a_bad_step_falls_back(page: Page, app_url: str) -> None:
    frame = page.open(f"{app_url}/?lesson={LESSON['id']}&step=999")
    last = LESSON["steps"][-1]
    shown(frame, last["date"])  # past the end: the last step
    frame = page.open(f"{app_url}/?lesson=nope")
    assert "nope" in frame.locator(".gcm-warning").inner_text()
    assert frame.locator(".gcm-lessonbar").is_hidden()


def test_the_single_file_has_the_lessons_offline(browser: Any, tmp_path: Path) -> None:
    from geo.cli import main

    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out)]) == 0
    page = offline(browser)
    try:
        page.page.goto(out.as_uri())
        page.page.locator("html[data-gcm-ready]").wait_for()
        page.page.get_by_role("tab", name="Lessons").click()
        page.page.get_by_role("button", name="Start the lesson").click()
        first = LESSON["steps"][0]
        page.page.locator(f".gcm-root[data-gcm-date='{first['date']}']").wait_for()
        assert first["title"] in page.page.locator("#gcm-pane-lessons").inner_text()
        page.page.get_by_role("button", name="Next step").first.click()
        page.page.locator(f".gcm-root[data-gcm-date='{LESSON['steps'][1]['date']}']").wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "lesson-file.png"))
        assert page.blocked == [] and page.errors == []
    finally:
        page.context.close()


def test_hostile_lesson_text_is_shown_as_text(browser: Any, layers_copy: Any, tmp_path: Path) -> None:
    from geo.cli import main

    lesson = json.loads((layers_copy.root / "lessons" / "corridors.json").read_text(encoding="utf-8"))
    lesson["title"] = HOSTILE_HTML
    lesson["steps"][0]["title"] = HOSTILE_HTML
    lesson["steps"][0]["caption"] = HOSTILE_HTML + " " + lesson["steps"][0]["caption"][:200]
    (layers_copy.root / "lessons" / "corridors.json").write_text(json.dumps(lesson), encoding="utf-8")
    assert geo.load_bundle(layers_copy.root).lessons[0].title == HOSTILE_HTML
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--layers", str(layers_copy.root)]) == 0
    page = offline(browser)
    try:
        page.page.goto(out.as_uri())
        page.page.get_by_role("tab", name="Lessons").click()
        assert HOSTILE_HTML in page.page.locator("#gcm-pane-lessons").inner_text()
        page.page.get_by_role("button", name="Start the lesson").click()
        pane = page.page.locator("#gcm-pane-lessons")
        assert pane.inner_text().count(HOSTILE_HTML) >= 3  # lesson title, step title, caption
        assert page.page.evaluate("() => document.querySelectorAll('img[src=x], b').length") == 0
        assert page.page.evaluate("() => window.gcmPwned === undefined") and page.errors == []
        assert date.fromisoformat(page.page.locator(".gcm-root").get_attribute("data-gcm-date") or "")
    finally:
        page.context.close()


def test_leaving_a_step_by_the_date_controls_is_said_and_undone(page: Page, app_url: str) -> None:
    step = LESSON["steps"][1]
    frame = page.open(f"{app_url}/?lesson={LESSON['id']}&step=2")
    shown(frame, step["date"])
    frame.get_by_role("button", name="Next change").click()  # the date, not the step
    frame.locator(".gcm-lesson-away").wait_for()
    # The link is now the view the reader sees, not the step it left.
    page.page.wait_for_function("() => !new URLSearchParams(location.search).has('lesson')")
    bar = frame.locator(".gcm-lessonbar")
    assert "Back to lesson step 2" in bar.inner_text()
    bar.get_by_role("button", name="Back to lesson step 2 of", exact=False).click()
    shown(frame, step["date"])
    assert frame.locator(".gcm-lesson-away").count() == 0
    page.page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '2'")
