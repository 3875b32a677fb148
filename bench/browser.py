"""The browser side of the benchmark: Debian's Chromium through Playwright, timed inside the page.

Readiness is judged in the page, by the same kind of event for the app and the bare page: the
first paint after the main content exists (the map frame's ``data-gcm-ready``; the bare page's
title), timed from the top page's navigation start on the absolute high-resolution clock
(``performance.timeOrigin + performance.now()``). Playwright only collects the marks afterwards,
so its polling and round trips are not counted.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.server import CHROMIUM, CHROMIUM_FLAGS

WAIT_MS = 30_000
BARE_TITLE = "Bare Streamlit page"
# The map frame's "drawn" flag: on <html> once the client draws map and panels (issue 9), on the
# map's root before that. Either counts, so the bench works before and after that change.
READY = "html[data-gcm-ready], .gcm-root[data-gcm-ready]"

# Notes, in one document, when each landmark first exists ("seen") and the first paint after that
# ("painted": a task queued from the next animation frame runs once that frame is drawn).
FRAME_JS = """(() => {
  // Once per document: a frame's first document (about:blank) may hand its window on to the next.
  if (document.__gcmBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const B = document.__gcmBench = window.__gcmBench = { seen: {}, painted: {}, ws: [] };
  const TESTS = {
    ready: () => document.querySelector(__READY__),
    panels: () => document.querySelector('#gcm-panels'),
    title: () => [...document.querySelectorAll('h1')].some((h) => h.textContent.includes(__TITLE__)),
    element: () => document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]'),
  };
  // After these a document has nothing more to note; the app's page, 2 s after its first element.
  const LAST = ['ready', 'title'];
  let obs = null;
  const stop = () => { if (obs) { obs.disconnect(); obs = null; } };
  const check = () => {
    for (const k of Object.keys(TESTS)) {
      if (k in B.seen || !TESTS[k]()) continue;
      B.seen[k] = now();
      requestAnimationFrame(() => setTimeout(() => { B.painted[k] = now(); }, 0));
      if (LAST.includes(k)) stop();
      if (k === 'element') setTimeout(stop, 2000);
    }
  };
  obs = new MutationObserver(check);
  obs.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  setTimeout(stop, 60000);
})();""".replace("__READY__", repr(READY)).replace("__TITLE__", repr(BARE_TITLE))

# Runs in the top page before its own scripts (a Playwright init script). Besides the marks, it
# notes when each websocket message arrives (to split the cold load into the server's script run
# and the browser's work), and puts the marks at the head of every srcdoc frame's page: Playwright's
# init scripts do not reliably reach a srcdoc document that reuses its frame's first window.
MARKS_JS = (
    FRAME_JS
    + """
(() => {
  if (window.top !== window || window.__gcmHooks) return;
  window.__gcmHooks = true;
  const now = () => performance.timeOrigin + performance.now();
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => window.__gcmBench.ws.push([now(), e.data]));
    }
  };
  const tag = '<script>' + __FRAME__ + '<' + '/script>';
  const d = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'srcdoc');
  Object.defineProperty(HTMLIFrameElement.prototype, 'srcdoc', {
    configurable: true, enumerable: d.enumerable,
    get() { return d.get.call(this); },
    set(v) {
      v = String(v);
      const head = /<head(\\s[^>]*)?>/i.exec(v);
      const at = head ? head.index + head[0].length : 0;
      d.set.call(this, v.slice(0, at) + tag + v.slice(at));
    },
  });
})();""".replace("__FRAME__", json.dumps(FRAME_JS).replace("</", "<\\/"))
)

WS_DUMP = """async () => {
  const out = [];
  for (const [t, d] of window.__gcmBench.ws) {
    const buf = d instanceof Blob ? await d.arrayBuffer() : (typeof d === 'string' ? null : d);
    if (!buf) { out.push([t, '']); continue; }
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.push([t, btoa(s)]);
  }
  return out;
}"""

MARKS = """() => { const B = window.__gcmBench;
  return B && { origin: performance.timeOrigin, seen: B.seen, painted: B.painted }; }"""


# Every request that would leave 127.0.0.1 goes to a proxy that is not there (the discard port,
# closed), so it fails in the browser's network stack; loopback is never proxied. Refusing them
# with Playwright's request interception instead would send every request, the app's own too,
# through a round trip to this Python process: 5-50 ms each, which a reader never pays, and it
# fell unevenly (the app makes two rounds of requests after its first element, a bare page none).
OFFLINE_FLAGS = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost")


def _outside(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:", "chrome")):
        return False
    host = url.split("/")[2].rsplit(":", 1)[0] if "://" in url else ""
    return host not in ("127.0.0.1", "localhost", "[::1]")


class Browser:
    """Debian's Chromium via Playwright, with every request outside 127.0.0.1 refused (and counted)."""

    def __init__(self, extra_args: tuple[str, ...] = ()) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *OFFLINE_FLAGS, *extra_args]
        )

    def page(
        self, *, width: int = 1400, height: int = 1000, mobile: bool = False
    ) -> tuple[Any, Any, dict[str, int]]:
        extra: dict[str, Any] = (
            {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if mobile else {}
        )
        context = self.browser.new_context(viewport={"width": width, "height": height}, **extra)
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(MARKS_JS)
        traffic = {"http": 0, "ws": 0, "blocked": 0}

        def on_request(r: Any) -> None:
            if _outside(r.url):
                traffic["blocked"] += 1

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

        page = context.new_page()
        page.on("request", on_request)
        page.on("response", on_response)
        page.on("websocket", on_ws)
        return context, page, traffic

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()


def map_frame(page: Any, wait_ms: int = WAIT_MS) -> Any:
    """The map's srcdoc frame, once it has drawn (``ready`` painted). Looked up afresh every
    100 ms, because the component may replace its frame while the page starts; the time itself
    is taken in the page, so the period of this check does not enter any figure."""
    deadline = time.monotonic() + wait_ms / 1000
    while time.monotonic() < deadline:
        for f in page.frames:
            if f is page.main_frame or not f.url.startswith("about:srcdoc"):
                continue
            try:
                marks = f.evaluate(MARKS)
            except Exception:  # noqa: BLE001 - a frame being replaced or detached: look again
                continue
            if marks and "ready" in marks["painted"]:
                return f
        page.wait_for_timeout(100)
    seen = []
    for f in page.frames:
        try:
            seen.append((f.url[:40], f.evaluate(DIAGNOSE)))
        except Exception as e:  # noqa: BLE001 - a diagnosis only
            seen.append((f.url[:40], str(e)[:80]))
    raise TimeoutError(f"the map frame did not draw within {wait_ms / 1000:.0f} s: {seen}")


DIAGNOSE = """() => ({
  bench: window.__gcmBench ? { seen: window.__gcmBench.seen, painted: window.__gcmBench.painted } : null,
  ready: !!document.querySelector(__READY__), timings: window.gcmTimings || null,
  visibility: document.visibilityState })""".replace("__READY__", repr(READY))


def wait_mark(frame: Any, mark: str, wait_ms: int = WAIT_MS) -> None:
    """Wait until ``mark`` has been painted in ``frame`` (checked every 100 ms: the time itself
    is taken in the page, so the check's period does not enter the figure)."""
    frame.wait_for_function(
        f"() => window.__gcmBench && window.__gcmBench.painted[{mark!r}] !== undefined",
        polling=100,
        timeout=wait_ms,
    )


def script_run(page: Any) -> dict[str, float | None]:
    """When the server's messages arrived, from the websocket log: the session's start
    (``new_session``), the first and the last element (``delta``), and ``script_finished``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out: dict[str, float | None] = {"new_session": None, "first_delta": None, "last_delta": None}
    out["script_finished"] = None
    for t, data in page.evaluate(WS_DUMP):
        if not data:
            continue
        try:
            kind = ForwardMsg.FromString(base64.b64decode(data)).WhichOneof("type")
        except Exception:  # noqa: BLE001 - not every frame need be a ForwardMsg
            continue
        if kind == "new_session" and out["new_session"] is None:
            out["new_session"] = t
        elif kind == "delta":
            out["first_delta"] = out["first_delta"] or t
            out["last_delta"] = t
        elif kind == "script_finished" and out["script_finished"] is None:
            out["script_finished"] = t
    return out


def cold_load(
    browser: Browser,
    url: str,
    *,
    app: bool,
    mobile: bool = False,
    cdp: Any = None,
    panel_text: str | None = None,
) -> dict[str, Any]:
    """One cold load in a fresh context; every time in ms from the top page's navigation start.

    ``cdp``, if given, is called with the fresh context and page before navigating (to throttle
    it). ``panel_text``: also note when Streamlit's panels show it (``panel``), if the map frame
    does not draw the panels itself (then ``ready`` includes them)."""
    width, height = (375, 812) if mobile else (1400, 1000)
    context, page, traffic = browser.page(width=width, height=height, mobile=mobile)
    try:
        if cdp is not None:
            cdp(context, page)
        page.goto(url, wait_until="commit")
        if panel_text is not None:
            page.evaluate(STREAMLIT_PANEL.replace("3000", str(WAIT_MS)), panel_text)
        if app:
            frame = map_frame(page, wait_ms=4 * WAIT_MS if mobile else WAIT_MS)
            inner = frame.evaluate(MARKS)
            timings = frame.evaluate("() => window.gcmTimings || null")
        else:
            wait_mark(page.main_frame, "title", wait_ms=4 * WAIT_MS if mobile else WAIT_MS)
            inner, timings = None, None
        top = page.evaluate(MARKS)
        page.wait_for_timeout(300)  # let the last frames arrive before counting bytes
        origin = top["origin"]

        def rel(t: float | None) -> float | None:
            return None if t is None else round(t - origin, 1)

        out: dict[str, Any] = {
            "ready": rel(inner["painted"]["ready"] if app else top["painted"]["title"]),
            "first_element": rel(top["painted"].get("element")),
            "bytes": traffic["http"] + traffic["ws"],
            "blocked": traffic["blocked"],
        }
        ws = script_run(page)
        out.update({k: rel(v) for k, v in ws.items()})
        if app:
            out["frame_start"] = rel(inner["origin"])  # the component has mounted the frame
            if panel_text is not None:
                in_frame = frame.evaluate("() => !!document.querySelector('#gcm-panels')")
                t_panel = inner["painted"]["ready"] if in_frame else page.evaluate("() => window.__gcmPanel")
                out["panel"] = None if t_panel < 0 else rel(t_panel)
                out["date"] = frame.evaluate(
                    "() => document.querySelector('.gcm-root').getAttribute('data-gcm-date')"
                )
            if timings:
                out["frame_script_start"] = rel(inner["origin"] + timings["scriptStart"])
                out["frame_drawn"] = rel(inner["origin"] + timings["ready"])
        return out
    finally:
        context.close()


# ---- date changes ----------------------------------------------------------------------------------

# In the map frame: change the date (by script if the client offers it, else a click on "Next
# change", or a key on the slider), then look for the new date on the map's root and on the
# panels: at once, and then at every animation frame, for at most 2 s. Times in ms from the input.
CHANGE_AND_FOLLOW = """([how, target]) => new Promise((resolve) => {
  const now = () => performance.now();
  const root = document.querySelector('.gcm-root');
  const panels = () => document.querySelector('#gcm-panels');
  const at = (el) => !!el && el.getAttribute('data-gcm-date') === target;
  let used = how;
  const t0 = now();
  if (how === 'script' && window.gcm && typeof window.gcm.setDate === 'function') window.gcm.setDate(target);
  else if (how === 'key') {
    const s = document.querySelector('.gcm-slider');
    s.value = String(Number(s.value) + 1);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  } else {
    used = 'click';
    document.querySelector("button[aria-label='Next change']").click();
  }
  const sync = now() - t0;
  const r = { how: used, t0abs: performance.timeOrigin + t0, sync, map: null, both: null, frame: null,
    render: null, date: null, panels: !!panels() };
  const look = () => {
    const t = now() - t0;
    if (r.map === null && at(root)) r.map = t;
    if (r.both === null && at(root) && at(panels())) r.both = t;
  };
  look();
  const started = now();
  const tick = () => {
    look();
    if (r.frame === null) r.frame = now() - t0;
    if ((r.map !== null && (r.both !== null || !panels())) || now() - started > 2000) {
      r.render = window.gcmLastRenderMs === undefined ? null : window.gcmLastRenderMs;
      r.date = root.getAttribute('data-gcm-date');
      r.panels = !!panels();
      resolve(r);
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""

# The panels drawn by Streamlit, before the client draws them: a promise parked in the top page
# that resolves when a Markdown element shows ``text`` (-1 after 3 s).
STREAMLIT_PANEL = """(text) => { window.__gcmPanel = new Promise((resolve) => {
  const now = () => performance.timeOrigin + performance.now();
  const seen = () => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .some((e) => e.textContent.includes(text));
  if (seen()) return resolve(now());
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); resolve(now()); } });
  obs.observe(document, { subtree: true, childList: true, characterData: true });
  setTimeout(() => { obs.disconnect(); resolve(-1); }, 3000);
}); return true; }"""


def date_changes(
    browser: Browser, url: str, days: list[str], start: str, how: str, reps: int
) -> dict[str, Any]:
    """``reps`` date changes from ``start`` to each next change date, by ``how`` (script, click
    or key). Returns lists of ms (None where a measure does not apply)."""
    context, page, _ = browser.page()
    try:
        page.goto(f"{url}/?date={start}")
        frame = map_frame(page)
        has_panels = bool(frame.evaluate("() => !!document.querySelector('#gcm-panels')"))
        if how == "key" and not frame.evaluate("() => !!document.querySelector('.gcm-slider')"):
            return {"skipped": "no .gcm-slider in the map frame"}
        out: dict[str, Any] = {k: [] for k in ("sync", "map", "both", "frame", "render", "streamlit_panel")}
        current = start
        for _ in range(reps):
            later = [d for d in days if d > current]
            if not later:  # wrap round: jump back to the start without timing it
                frame.evaluate(CHANGE_AND_FOLLOW, ["script", start])
                current, later = start, [d for d in days if d > start]
            nxt = later[0]
            if not has_panels:
                page.evaluate(STREAMLIT_PANEL, _as_of(nxt))  # parks a promise; does not wait
            r = frame.evaluate(CHANGE_AND_FOLLOW, [how, nxt])
            if r["date"] != nxt:
                raise RuntimeError(f"expected the map at {nxt}, it is at {r['date']} ({r['how']})")
            out["how"] = r["how"]
            for k in ("sync", "map", "both", "frame", "render"):
                out[k].append(r[k])
            if not has_panels:
                t_panel = page.evaluate("() => window.__gcmPanel")  # absolute clock, like t0abs
                out["streamlit_panel"].append(None if t_panel < 0 else t_panel - r["t0abs"])
            current = nxt
            page.wait_for_timeout(150)  # a reader's pause; lets a rerun settle
        out["panels_in_frame"] = has_panels
        return out
    finally:
        context.close()


def _as_of(day: str) -> str:
    """The old client's panel line, "As of 7 May 2024" (used only while Streamlit drew the panels)."""
    from datetime import date

    d = date.fromisoformat(day)
    return f"As of {d.day} {d:%b %Y}"


# ---- the whole browser stage ------------------------------------------------------------------------


def _median(values: list[Any]) -> float | None:
    import statistics

    xs = [v for v in values if v is not None]
    return round(statistics.median(xs), 1) if xs else None


def bench_browser(reps: int, *, logs: Path, summary: Any) -> dict[str, Any]:
    """Cold loads of the app, the bare page and the bare page with the app's server fix
    (TCP_NODELAY, serving.py) interleaved (app, bare, fixed, app, ...) against three servers
    running side by side, then date changes and deep links in the app."""
    import geo
    from bench.server import ROOT, streamlit

    days = [d.isoformat() for d in geo.load_bundle().timeline.change_dates]
    out: dict[str, Any] = {}
    with (
        streamlit(ROOT / "bench" / "bare_app.py", log=logs / "bare.log") as bare,
        streamlit(ROOT / "bench" / "bare_fixed_app.py", log=logs / "bare-fixed.log") as fixed,
        streamlit(ROOT / "streamlit_app.py", log=logs / "app.log") as app,
    ):
        browser = Browser()
        try:
            app_url = f"{app.url}/?date=2024-08-22"
            print(f"  browser: app on {app.url}, bare page on {bare.url}", file=sys.stderr)
            cold_load(browser, app_url, app=True)  # warm-up: each server's first session, not counted
            cold_load(browser, bare.url, app=False)
            cold_load(browser, fixed.url, app=False)
            loads: dict[str, list[dict[str, Any]]] = {"app": [], "bare": [], "bare_fixed": []}
            for _ in range(reps):
                loads["app"].append(cold_load(browser, app_url, app=True))
                loads["bare"].append(cold_load(browser, bare.url, app=False))
                loads["bare_fixed"].append(cold_load(browser, fixed.url, app=False))
            for name, runs in loads.items():
                out[name] = {
                    "cold_load_ms": summary([r["ready"] for r in runs]),
                    "bytes_per_load": summary([r["bytes"] for r in runs]),
                    "blocked_requests": sum(r["blocked"] for r in runs),
                    "stages_median_ms": {
                        k: _median([r.get(k) for r in runs]) for k in runs[0] if k not in ("bytes", "blocked")
                    },
                }
            print(
                f"  cold: app {out['app']['cold_load_ms']['median']:.0f} ms, "
                f"bare {out['bare']['cold_load_ms']['median']:.0f} ms, "
                f"bare with the fix {out['bare_fixed']['cold_load_ms']['median']:.0f} ms",
                file=sys.stderr,
            )
            for how in ("script", "key"):
                r = date_changes(browser, app.url, days, "2024-08-22", how, reps)
                if "skipped" in r:
                    out["app"][f"date_change_{how}"] = r
                    continue
                res: dict[str, Any] = {"how": r["how"], "panels_in_frame": r["panels_in_frame"]}
                for k in ("sync", "map", "both", "frame", "render", "streamlit_panel"):
                    xs = [v for v in r[k] if v is not None]
                    res[k + "_ms"] = summary(xs) if xs and len(xs) == len(r[k]) else None
                out["app"][f"date_change_{how}"] = res
            deep = []
            for i in range(reps):
                day = days[(i * 7) % len(days)]
                r = cold_load(
                    browser, f"{app.url}/?date={day}&layers=demands", app=True, panel_text=_as_of(day)
                )
                if r["date"] != day:
                    raise RuntimeError(f"a deep link to {day} drew the map at {r['date']}")
                deep.append(None if r["panel"] is None else max(r["ready"], r["panel"]))
            out["app"]["deep_link_ms"] = summary([d for d in deep if d is not None])
        finally:
            browser.close()
        out["app"]["server_peak_rss_mb"] = app.peak_rss_mb()
        out["bare"]["server_peak_rss_mb"] = bare.peak_rss_mb()
        out["bare_fixed"]["server_peak_rss_mb"] = fixed.peak_rss_mb()
    out["cold_load_ratio_median"] = round(
        out["app"]["cold_load_ms"]["median"] / out["bare"]["cold_load_ms"]["median"], 2
    )
    # The app's own extra, against a floor that has the same server fix.
    out["cold_load_ratio_fixed_median"] = round(
        out["app"]["cold_load_ms"]["median"] / out["bare_fixed"]["cold_load_ms"]["median"], 2
    )
    return out
