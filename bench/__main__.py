"""Benchmark the map as users feel it: ``python -m bench`` (results: docs/PERFORMANCE.md).

Starts the app and a bare Streamlit page on 127.0.0.1, drives Debian's headless Chromium, and
reports median, p95 and max of each measure; then times the core alone and its growth with
synthetic data. Every wait is bounded; every process started is stopped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.server import CHROMIUM, CHROMIUM_FLAGS, ROOT, streamlit

RESULTS = ROOT / "docs" / "bench" / "results.json"
LOGS = ROOT / "artifacts" / "bench"
WAIT_MS = 30_000


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "median": round(statistics.median(ordered), 3),
        "p95": round(p95, 3),
        "max": round(ordered[-1], 3),
    }


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


# ---- the core ------------------------------------------------------------------------------


def bench_core(reps: int) -> dict[str, Any]:
    import geo
    from geo import report
    from geo.mapping import map_html
    from geo.urlstate import View

    bundle = geo.load_bundle()
    days = bundle.timeline.change_dates
    per_call = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for d in days:
            bundle.state_at(d)
        per_call.append((time.perf_counter() - t0) * 1000 / len(days))
    html = map_html(bundle, view=View(bundle.data_as_of))
    return {
        "load_bundle_ms": summary(timed(geo.load_bundle, reps)),
        "state_at_ms_per_call": summary(per_call),
        "state_dict_ms": summary(timed(lambda: report.state_dict(bundle, date(2024, 8, 22)), reps)),
        "build_map_ms": summary(timed(lambda: map_html(bundle, view=View(bundle.data_as_of)), reps)),
        "change_dates": len(days),
        "map_page_bytes": len(html.encode()),
        "map_page_gzip_bytes": len(gzip.compress(html.encode())),
    }


# ---- scale ----------------------------------------------------------------------------------


def bench_scale(sizes: list[int], reps: int) -> dict[str, Any]:
    import geo
    from bench.synthetic import geojson_bytes, synthetic_layers, synthetic_user_layer
    from geo.aggregate import grid_counts
    from geo.mapping import payload
    from geo.urlstate import View

    out: dict[str, Any] = {"facts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = synthetic_layers(n, Path(tmp) / f"layers_{n}")
            loads = timed(lambda path=path: geo.load_bundle(path), max(1, reps if n <= 10_000 else 3))
            bundle = geo.load_bundle(path)
            days = bundle.timeline.change_dates
            sample = days[:: max(1, len(days) // 200)]
            t0 = time.perf_counter()
            for d in sample:
                bundle.state_at(d)
            per_call = (time.perf_counter() - t0) * 1000 / len(sample)
            t0 = time.perf_counter()
            data = payload(bundle, view=View(bundle.data_as_of))
            payload_ms = (time.perf_counter() - t0) * 1000
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
            out["facts"][str(n + 80)] = {
                "load_ms": summary(loads),
                "state_at_ms_per_call": round(per_call, 4),
                "change_dates": len(days),
                "payload_ms": round(payload_ms, 1),
                "payload_bytes": len(text),
                "payload_gzip_bytes": len(gzip.compress(text)),
            }
            print(
                f"  scale {n + 80} facts: load {out['facts'][str(n + 80)]['load_ms']['median']:.0f} ms, "
                f"state_at {per_call:.4f} ms, payload {len(text) / 1e6:.2f} MB",
                file=sys.stderr,
            )
    layer = synthetic_user_layer(10_000)
    t0 = time.perf_counter()
    grid = grid_counts(layer, cell_m=1000)
    agg_ms = (time.perf_counter() - t0) * 1000
    agg = json.dumps(grid.to_json(), separators=(",", ":")).encode()
    raw = geojson_bytes(layer)
    out["user_layer_10000"] = {
        "raw_geojson_bytes": raw,
        "aggregated_bytes": len(agg),
        "aggregated_gzip_bytes": len(gzip.compress(agg)),
        "cells": len(grid.centres),
        "months": len(grid.months),
        "deltas": len(grid.deltas),
        "aggregate_ms": round(agg_ms, 1),
    }
    return out


# ---- in the browser -------------------------------------------------------------------------


class Browser:
    """Debian's Chromium via Playwright, with every request outside 127.0.0.1 refused."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))

    def page(self, *, width: int = 1400, height: int = 1000) -> tuple[Any, Any, dict[str, int]]:
        context = self.browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        traffic = {"http": 0, "ws": 0, "blocked": 0}

        def route(r: Any) -> None:
            host = r.request.url.split("/")[2].split(":")[0] if "://" in r.request.url else ""
            if r.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                traffic["blocked"] += 1
                r.abort()

        def on_response(resp: Any) -> None:
            try:
                sizes = resp.request.sizes()
                traffic["http"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:  # noqa: BLE001 - a request cancelled mid-flight has no sizes
                pass

        def on_ws(ws: Any) -> None:
            ws.on(
                "framereceived",
                lambda payload: traffic.__setitem__(
                    "ws", traffic["ws"] + (len(payload) if isinstance(payload, (bytes, str)) else 0)
                ),
            )

        context.route("**/*", route)
        page = context.new_page()
        page.on("response", on_response)
        page.on("websocket", on_ws)
        return context, page, traffic

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()


def _frame(page: Any) -> Any:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        for f in page.frames:
            if f is not page.main_frame and f.url.startswith("about:srcdoc"):
                return f
        page.wait_for_timeout(20)
    raise TimeoutError("the map frame did not appear")


PANEL_WAIT = """(text) => { window.__gcmPanel = new Promise((resolve) => {
  const now = () => performance.timeOrigin + performance.now();
  const seen = () => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .some((e) => e.innerText.includes(text));
  if (seen()) return resolve(now());
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); resolve(now()); } });
  obs.observe(document.body, { subtree: true, childList: true, characterData: true });
  setTimeout(() => { obs.disconnect(); resolve(-1); }, 10000);
}); return true; }"""

CLICK_AND_TIME = """(how) => new Promise((resolve) => {
  const now = () => performance.timeOrigin + performance.now();
  const root = document.querySelector('.gcm-root');
  const before = root.getAttribute('data-gcm-date');
  const t0 = now();
  if (how === 'click') document.querySelector("button[aria-label='Next change']").click();
  else {
    const s = document.querySelector('.gcm-slider');
    s.value = String(Number(s.value) + 1);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const t1 = now();
  requestAnimationFrame(() => resolve({ t0, sync: t1 - t0, frame: now() - t0,
    render: window.gcmLastRenderMs, date: root.getAttribute('data-gcm-date'), before }));
})"""


def _as_of(day: str) -> str:
    from geo.panels import day as words

    return "As of " + words(day)


def bench_app(url: str, browser: Browser, reps: int, *, bare: bool) -> dict[str, Any]:
    cold, cold_bytes, blocked = [], [], 0
    frame_parse, frame_init = [], []
    for _ in range(reps):
        context, page, traffic = browser.page()
        t0 = time.perf_counter()
        page.goto(url if bare else f"{url}/?date=2024-08-22", wait_until="commit")
        if bare:
            page.get_by_text("Bare Streamlit page").wait_for()
        else:
            page.frame_locator("iframe.gcm-map").locator(".gcm-root[data-gcm-date='2024-08-22']").wait_for()
        cold.append((time.perf_counter() - t0) * 1000)
        if not bare:  # inside the map frame: parsing the page, then the map's own start
            timings = _frame(page).evaluate("() => window.gcmTimings")
            frame_parse.append(timings["scriptStart"])
            frame_init.append(timings["ready"] - timings["scriptStart"])
        page.wait_for_timeout(300)  # let the last frames arrive before counting bytes
        cold_bytes.append(traffic["http"] + traffic["ws"])
        blocked += traffic["blocked"]
        context.close()
    result: dict[str, Any] = {
        "cold_load_ms": summary(cold),
        "bytes_per_load": summary(cold_bytes),
        "blocked_requests": blocked,
    }
    if bare:
        return result
    result["frame_parse_ms"] = summary(frame_parse)
    result["frame_init_ms"] = summary(frame_init)
    import geo

    days = [d.isoformat() for d in geo.load_bundle().timeline.change_dates]
    for how in ("click", "key"):
        context, page, _ = browser.page()
        page.goto(f"{url}/?date=2024-08-22")
        page.frame_locator("iframe.gcm-map").locator(".gcm-root[data-gcm-ready]").wait_for()
        page.get_by_text(_as_of("2024-08-22")).wait_for()
        frame = _frame(page)
        sync, frame_ms, render, panel = [], [], [], []
        current = "2024-08-22"
        for _ in range(reps):
            nxt = days[days.index(current) + 1] if current in days else next(d for d in days if d > current)
            page.evaluate(PANEL_WAIT, _as_of(nxt))  # parks a promise; does not wait
            r = frame.evaluate(CLICK_AND_TIME, how)
            if r["date"] != nxt:
                raise RuntimeError(f"expected the map at {nxt}, it is at {r['date']}")
            t_panel = page.evaluate("() => window.__gcmPanel")
            if t_panel < 0:
                raise TimeoutError(f"the panel did not show {nxt} within 10 s")
            sync.append(r["sync"])
            frame_ms.append(r["frame"])
            render.append(r["render"])
            panel.append(t_panel - r["t0"])
            current = nxt
            page.wait_for_timeout(150)  # a reader's pause; lets the rerun settle
        context.close()
        result[f"date_change_{how}"] = {
            "handler_ms": summary(sync),
            "to_next_frame_ms": summary(frame_ms),
            "render_ms": summary(render),
            "panel_ms": summary(panel),
        }
    deep = []
    for i in range(reps):
        day = days[(i * 7) % len(days)]
        context, page, _ = browser.page()
        t0 = time.perf_counter()
        page.goto(f"{url}/?date={day}&layers=demands", wait_until="commit")
        page.frame_locator("iframe.gcm-map").locator(f".gcm-root[data-gcm-date='{day}']").wait_for()
        page.get_by_text(_as_of(day)).wait_for()
        deep.append((time.perf_counter() - t0) * 1000)
        context.close()
    result["deep_link_ms"] = summary(deep)
    return result


def bench_browser(reps: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    browser = Browser()
    try:
        for name, script, bare in (
            ("bare", ROOT / "bench" / "bare_app.py", True),
            ("app", ROOT / "streamlit_app.py", False),
        ):
            with streamlit(script, log=LOGS / f"{name}.log") as server:
                print(f"  browser: {name} on {server.url}", file=sys.stderr)
                result = bench_app(server.url, browser, reps, bare=bare)
                result["server_peak_rss_mb"] = server.peak_rss_mb()
                out[name] = result
    finally:
        browser.close()
    out["cold_load_ratio_median"] = round(
        out["app"]["cold_load_ms"]["median"] / out["bare"]["cold_load_ms"]["median"], 2
    )
    return out


def machine() -> dict[str, Any]:
    import os
    import subprocess

    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "chromium": chromium,
        "date": date.today().isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each measure (default 20)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic fact counts")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(), "reps": args.reps}
    print("core...", file=sys.stderr)
    results["core"] = bench_core(args.reps)
    if not args.skip_scale:
        print("scale...", file=sys.stderr)
        results["scale"] = bench_scale([int(s) for s in args.sizes.split(",")], args.reps)
    if not args.skip_browser:
        print("browser...", file=sys.stderr)
        results["browser"] = bench_browser(args.reps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.out == RESULTS and not args.skip_browser and not args.skip_scale:
        from bench.report import update

        update(ROOT / "docs" / "PERFORMANCE.md", results)  # the tables there come from this run
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
