"""WCAG 2.1 AA (issue 9): axe-core finds nothing serious or critical, on the page or in the map frame.

axe-core comes from npm (``npm ci``; pinned in package-lock.json) and is injected into the page
from node_modules, so the check runs offline like the other browser tests. Skipped without it,
unless GCM_REQUIRE_BROWSER=1 (as in CI), where that is a failure. Every finding, of any impact,
is saved in artifacts/a11y/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browsing import ARTIFACTS, SCREENS, Viewer, viewer
from tests.test_browser import REQUIRED, ROOT, app_url, browser

__all__ = ["app_url", "browser", "viewer"]  # fixtures, shared with the other browser tests

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    // The map frame is checked on its own (its own document, its own run); the iframe element
    // itself (its title) is still checked here.
    iframes: false,
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE.relative_to(ROOT)} missing): run `npm ci`"
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def axe(target: Any, source: str) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.1 A/AA rules in a Playwright Page or Frame; return the violations.

    The script goes in as text, never fetched: the tests block every request outside
    127.0.0.1, and the map frame (srcdoc) has no URL to fetch from. It is evaluated through the
    DevTools protocol, not added as a <script>: the map page's Content-Security-Policy runs no
    inline script but its own (and that is tested in tests/test_csp_browser.py).
    """
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(f"(() => {{ {source}\n}})(); void 0")
    violations: list[dict[str, Any]] = target.evaluate(RUN_AXE, WCAG_21_AA)
    return violations


def selector(target: list[Any]) -> str:
    """axe's target: a CSS selector a frame or shadow root, innermost last (shadow roots nest)."""
    return " >> ".join(" ⇒ ".join(t) if isinstance(t, list) else str(t) for t in target)


def report(where: str, violations: list[dict[str, Any]]) -> str:
    """One line a violation: id, impact, help, node count and the first 3 target selectors."""
    lines = [f"{len(violations)} serious or critical axe violation(s) {where}:"]
    for v in violations:
        targets = ", ".join(selector(n["target"]) for n in v["nodes"][:3])
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} nodes): {targets}{more}")
        why = [s.strip() for s in (v["nodes"][0]["summary"] or "").splitlines()[1:] if s.strip()]
        if why:
            lines.append(f"    first: {why[0][:240]}")
    lines.append(f"Details (HTML, failure summaries, every impact): {ARTIFACTS.relative_to(ROOT)}/")
    return "\n".join(lines)


def check(target: Any, source: str, where: str, name: str) -> None:
    violations = axe(target, source)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, report(where, blocking)


@pytest.mark.parametrize("viewer", SCREENS, indirect=True)
def test_the_page_has_no_serious_axe_violation(axe_source: str, viewer: Viewer, app_url: str) -> None:
    viewer.open_map(f"{app_url}/?date=2024-08-22")
    check(viewer.page, axe_source, f"on the page, {viewer.screen}", f"page-{viewer.screen.name}")
    assert viewer.blocked == [], "the page tried to load from outside 127.0.0.1"


@pytest.mark.parametrize("viewer", SCREENS, indirect=True)
def test_the_map_frame_has_no_serious_axe_violation(axe_source: str, viewer: Viewer, app_url: str) -> None:
    frame = viewer.open_map(f"{app_url}/?date=2024-08-22")
    frame.wait_for_selector("[data-gcm-date='2024-08-22']", state="attached")
    check(frame, axe_source, f"in the map frame, {viewer.screen}", f"frame-{viewer.screen.name}")
    assert viewer.blocked == [], "the page tried to load from outside 127.0.0.1"


@pytest.mark.parametrize("viewer", SCREENS, indirect=True)
def test_every_tab_and_open_detail_has_no_serious_axe_violation(
    axe_source: str, viewer: Viewer, app_url: str
) -> None:
    """What a reader opens is checked too: each tab, a source, the layers menu, a lesson's step,
    a day after the data (its notice) and a day before it."""
    frame = viewer.open_map(f"{app_url}/?date=2025-02-10")
    frame.wait_for_selector("#gcm-panels[data-gcm-date='2025-02-10']", state="attached")
    frame.locator("#gcm-pane-today .gcm-chip").first.click()  # a source opened in place
    frame.locator(".gcm-toggles > summary").click()  # the layers and parties menu
    check(
        frame, axe_source, f"with a source and the layers open, {viewer.screen}", f"open-{viewer.screen.name}"
    )
    frame.locator(".gcm-toggles > summary").click()
    for tab in ("Positions", "Sources", "Lessons", "Share", "About"):
        frame.get_by_role("tab", name=tab).click()
        check(frame, axe_source, f"on the {tab} tab, {viewer.screen}", f"tab-{tab}-{viewer.screen.name}")
    frame.get_by_role("tab", name="Lessons").click()
    frame.get_by_role("button", name="Start the lesson").click()  # a lesson's step, and its bar
    check(frame, axe_source, f"in a lesson's step, {viewer.screen}", f"lesson-{viewer.screen.name}")
    frame.get_by_role("button", name="Leave the lesson").click()
    for day in ("2031-01-01", "2001-01-01"):
        frame.evaluate(f"() => window.gcm.setDate('{day}')")
        frame.get_by_role("tab", name="On this date").click()
        check(frame, axe_source, f"on {day}, {viewer.screen}", f"day-{day}-{viewer.screen.name}")


@pytest.mark.parametrize("viewer", SCREENS, indirect=True)
def test_the_embed_layout_has_no_serious_axe_violation(axe_source: str, viewer: Viewer, app_url: str) -> None:
    """?embed=true: the map and its date control alone, then with the text opened over it."""
    frame = viewer.open_map(f"{app_url}/?date=2024-08-22&embed=true")
    frame.wait_for_selector("html.gcm-embed[data-gcm-ready]", state="attached")
    check(frame, axe_source, f"embedded, {viewer.screen}", f"embed-{viewer.screen.name}")
    frame.locator("button.gcm-text-btn").click()
    check(
        frame, axe_source, f"embedded with the text open, {viewer.screen}", f"embed-text-{viewer.screen.name}"
    )
