"""The single-file export drawn from file:// with every request blocked (issue 10).

``python -m geo export --out map.html`` writes the app's page as one self-contained file, for
any static host, a CDN, or a reader's disk. This stage writes it, then opens it cold in
Debian's Chromium ``reps`` times, each in a fresh context, from ``file://``, with every request
the page makes refused (it must need none), and times the first paint after the map and the
panels are drawn (``html[data-gcm-ready]``), from navigation start, in the page's own clock
(the same marks as bench/browser.py). Target: median <= 300 ms on the bench machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.browser import FRAME_JS, MARKS, wait_mark
from bench.server import CHROMIUM as CHROMIUM_PATH
from bench.server import CHROMIUM_FLAGS, ROOT

TARGET_MS = 300.0


def export(out: Path) -> int:
    """Run ``python -m geo export --out out`` as a user does; the file's size in bytes."""
    r = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        raise RuntimeError(f"python -m geo export failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return out.stat().st_size


def draw_once(browser: Any, url: str, *, width: int = 1400, height: int = 1000) -> dict[str, Any]:
    """One cold load of ``url`` in a fresh context, every request refused; ms from navigation
    start to the first paint after ``data-gcm-ready``, and what was refused."""
    context = browser.new_context(viewport={"width": width, "height": height})
    blocked: list[str] = []

    def refuse(route: Any) -> None:
        if route.request.url == url:  # the file itself, and nothing else
            route.continue_()
            return
        blocked.append(route.request.url[:120])
        route.abort()

    try:
        context.set_default_timeout(30_000)
        context.add_init_script(FRAME_JS)
        context.route("**/*", refuse)
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        wait_mark(page.main_frame, "ready")
        wall_ms = (time.perf_counter() - t0) * 1000
        marks = page.evaluate(MARKS)
        date = page.evaluate("() => document.querySelector('.gcm-root').getAttribute('data-gcm-date')")
        panels = page.evaluate("() => !!document.querySelector('#gcm-panels')")
        return {
            "ready_ms": round(marks["painted"]["ready"] - marks["origin"], 1),
            "wall_ms": round(wall_ms, 1),
            "date": date,
            "panels": panels,
            "blocked": blocked,
        }
    finally:
        context.close()


def bench_filedraw(reps: int, *, summary: Callable[[list[float]], dict[str, float]]) -> dict[str, Any]:
    """Export the map, then ``reps`` cold draws from file:// (after one warm-up, not counted)."""
    from playwright.sync_api import sync_playwright

    import geo

    expected = geo.load_bundle().data_as_of.isoformat()
    with tempfile.TemporaryDirectory(prefix="gcm-export-") as tmp:
        out = Path(tmp) / "map.html"
        size = export(out)
        url = out.as_uri()
        runs = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_FLAGS))
            try:
                draw_once(browser, url)  # warm-up: the browser's own start
                for _ in range(reps):
                    runs.append(draw_once(browser, url))
            finally:
                browser.close()
    for r in runs:
        if r["date"] != expected:
            raise RuntimeError(f"the exported map drew {r['date']}, expected the data's last date {expected}")
        if not r["panels"]:
            raise RuntimeError("the exported map drew no panels")
    ready = summary([r["ready_ms"] for r in runs])
    out_ = {
        "file_bytes": size,
        "ready_ms": ready,
        "wall_ms": summary([r["wall_ms"] for r in runs]),
        "blocked_requests": sum(len(r["blocked"]) for r in runs),
        "blocked_sample": sorted({u for r in runs for u in r["blocked"]})[:5],
        "target_ms": TARGET_MS,
        "met": ready["median"] <= TARGET_MS,
    }
    print(
        f"  file draw: median {ready['median']:.0f} ms (p95 {ready['p95']:.0f}), {size / 1000:.0f} KB, "
        f"{out_['blocked_requests']} requests refused",
        file=sys.stderr,
    )
    return out_
