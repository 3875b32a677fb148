"""Lighthouse's mobile profile (performance only) on the app and the bare page: ``--lighthouse``.

Needs the npm package, kept outside the repository, for example:

    npm install --prefix ~/.cache/gcm-node lighthouse
    export GCM_LIGHTHOUSE=~/.cache/gcm-node/node_modules/.bin/lighthouse

(or ``lighthouse`` on the PATH). It drives Debian's Chromium (``CHROME_PATH``). The sandboxed map
frame is kept in the page's process, as on a phone, so that its work counts on the main thread.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.server import CHROMIUM, ROOT, streamlit

CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-features=IsolateSandboxedIframes"


def find() -> str | None:
    path = os.environ.get("GCM_LIGHTHOUSE") or shutil.which("lighthouse")
    return path if path and Path(path).exists() else None


def run_once(binary: str, url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run; the figures that matter here, and what blocked the main thread."""
    done = subprocess.run(
        [
            binary,
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=False,
        timeout=240,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
    )
    if not out.exists():
        tail = done.stderr.decode(errors="replace")[-300:]
        return {"error": f"lighthouse exited with {done.returncode}: {tail}"}
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    if report.get("runtimeError"):  # e.g. NO_FCP: the top page painted nothing contentful
        return {
            "error": report["runtimeError"].get("code", "?"),
            "message": report["runtimeError"].get("message"),
        }

    def value(key: str) -> float | None:
        v = audits.get(key, {}).get("numericValue")
        return None if v is None else round(float(v), 1)

    tasks = audits.get("long-tasks", {}).get("details", {}).get("items", [])
    work = audits.get("mainthread-work-breakdown", {}).get("details", {}).get("items", [])
    return {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "tbt_ms": value("total-blocking-time"),
        "lcp_ms": value("largest-contentful-paint"),
        "fcp_ms": value("first-contentful-paint"),
        "speed_index_ms": value("speed-index"),
        "cls": audits.get("cumulative-layout-shift", {}).get("numericValue"),
        "layout_shifts": [
            str(i.get("node", {}).get("selector", ""))[-60:] + f" {i.get('score', 0):.3f}"
            for i in audits.get("layout-shifts", {}).get("details", {}).get("items", [])[:5]
        ],
        "long_tasks": [
            {"url": str(t.get("url", ""))[-60:], "ms": round(t.get("duration", 0))}
            for t in sorted(tasks, key=lambda t: -float(t.get("duration", 0)))[:5]
        ],
        "main_thread_ms": {
            str(w.get("groupLabel", w.get("group"))): round(w.get("duration", 0)) for w in work
        },
        "lighthouse": report.get("lighthouseVersion"),
    }


def bench_lighthouse(runs: int, *, logs: Path) -> dict[str, Any]:
    binary = find()
    if binary is None:
        message = (
            "Lighthouse is not installed: npm install --prefix ~/.cache/gcm-node lighthouse, "
            "then set GCM_LIGHTHOUSE=~/.cache/gcm-node/node_modules/.bin/lighthouse"
        )
        print(f"  lighthouse: skipped. {message}", file=sys.stderr)
        return {"skipped": message}
    out: dict[str, Any] = {"runs": runs, "chrome_flags": CHROME_FLAGS}
    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit(ROOT / "bench" / "bare_app.py", log=logs / "lh-bare.log") as bare,
        streamlit(ROOT / "streamlit_app.py", log=logs / "lh-app.log") as app,
    ):
        targets = {"app": f"{app.url}/?date=2024-08-22", "bare": bare.url}
        each: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for i in range(runs):
            for name, url in targets.items():  # interleaved, like the cold loads
                r = run_once(binary, url, Path(tmp) / f"{name}-{i}.json")
                if "error" in r:
                    print(f"  lighthouse {name}: failed, {r['error']}", file=sys.stderr)
                else:
                    print(
                        f"  lighthouse {name}: score {r['score']}, TBT {r['tbt_ms']:.0f} ms", file=sys.stderr
                    )
                each[name].append(r)
        for name, all_runs in each.items():
            rs = [r for r in all_runs if "error" not in r]
            if not rs:
                out[name] = {"error": all_runs[0]["error"], "message": all_runs[0].get("message", "")}
                continue
            middle = sorted(rs, key=lambda r: r["tbt_ms"] or 0)[len(rs) // 2]  # the median run by TBT
            out[name] = {
                "score_median": statistics.median(r["score"] for r in rs),
                "tbt_ms_median": statistics.median(r["tbt_ms"] or 0 for r in rs),
                "lcp_ms_median": statistics.median(r["lcp_ms"] or 0 for r in rs),
                "cls_median": statistics.median(r["cls"] or 0 for r in rs),
                "scores": [r["score"] for r in rs],
                "tbt_ms": [r["tbt_ms"] for r in rs],
                "median_run": middle,
                "errors": [r["error"] for r in all_runs if "error" in r],
            }
    return out
