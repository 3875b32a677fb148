"""Cold loads on a throttled phone, with Streamlit's files served as they are and gzipped by nginx.

The profile: a 375 x 812 px touch screen, the CPU slowed 4x, 1.6 Mbps down, 750 kbps up, 150 ms
round trip (Chromium's own emulation, through the DevTools protocol). The sandboxed map frame is
kept in the page's process (``--disable-features=IsolateSandboxedIframes``), as on a phone, so
that the CPU throttle applies to it as well.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench.browser import Browser, cold_load
from bench.proxy import available, nginx

PROFILE: dict[str, Any] = {
    "cpu_slowdown": 4,
    "down_kbps": 1600,
    "up_kbps": 750,
    "rtt_ms": 150,
    "viewport": "375x812",
}
ONE_PROCESS = ("--disable-features=IsolateSandboxedIframes",)


def throttle(context: Any, page: Any) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": PROFILE["rtt_ms"],
            "downloadThroughput": PROFILE["down_kbps"] * 1000 / 8,
            "uploadThroughput": PROFILE["up_kbps"] * 1000 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PROFILE["cpu_slowdown"]})


def bench_phone(reps: int, *, logs: Path, summary: Any) -> dict[str, Any]:
    """``reps`` cold loads of each of app and bare page, each served directly and through nginx,
    interleaved; in ms to ready (see bench.browser) and bytes over the wire."""
    from bench.server import ROOT, streamlit

    if not available():
        print("  phone: skipped, nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return {"skipped": "nginx is not installed"}
    runs: dict[str, list[dict[str, Any]]] = {}
    with (
        streamlit(ROOT / "bench" / "bare_app.py", log=logs / "phone-bare.log") as bare,
        streamlit(ROOT / "streamlit_app.py", log=logs / "phone-app.log") as app,
        nginx(bare.url, log=logs / "nginx-bare.log") as bare_gz,
        nginx(app.url, log=logs / "nginx-app.log") as app_gz,
    ):
        targets = {
            "app_direct": (f"{app.url}/?date=2024-08-22", True),
            "app_gzip": (f"{app_gz}/?date=2024-08-22", True),
            "bare_direct": (bare.url, False),
            "bare_gzip": (bare_gz, False),
        }
        browser = Browser(ONE_PROCESS)
        try:
            for url, is_app in targets.values():  # warm-up: each server's first session
                cold_load(browser, url, app=is_app)
            for i in range(reps):
                for name, (url, is_app) in targets.items():
                    r = cold_load(browser, url, app=is_app, mobile=True, cdp=throttle)
                    runs.setdefault(name, []).append(r)
                    ms, mb = r["ready"], r["bytes"] / 1e6
                    print(f"  phone {i + 1}/{reps} {name}: {ms / 1000:.1f} s, {mb:.1f} MB", file=sys.stderr)
        finally:
            browser.close()
    out: dict[str, Any] = {"profile": PROFILE, "reps": reps}
    for name, rs in runs.items():
        out[name] = {
            "cold_load_ms": summary([r["ready"] for r in rs]),
            "bytes_per_load": summary([r["bytes"] for r in rs]),
        }
    return out
