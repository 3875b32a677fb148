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

from bench.server import CHROMIUM, ROOT

RESULTS = ROOT / "docs" / "bench" / "results.json"
LOGS = ROOT / "artifacts" / "bench"


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
    # The readers' limits (geo/settings.py: 20,000 rows, 20 MB per file) protect the app from a
    # hostile folder; this stage measures how the core scales past them, on its own data.
    from unittest import mock

    from geo import settings

    with (
        tempfile.TemporaryDirectory() as tmp,
        mock.patch.object(settings, "MAX_TABLE_ROWS", 10 * max(sizes)),
        mock.patch.object(settings, "MAX_FILE_BYTES", 2_000_000_000),
    ):
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


def _optional(stage: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """An optional stage that fails is reported as skipped; the other results are still written."""
    try:
        return stage()
    except Exception as e:  # noqa: BLE001 - reported in the results, and on stderr
        print(f"  failed: {e!r}"[:500], file=sys.stderr)
        return {"skipped": f"failed: {e!r}"[:500]}


def _today() -> str:
    return date.today().isoformat()


OPTIONAL_STAGES = ("phone", "lighthouse", "filedraw")


def _stage(name: str, args: argparse.Namespace) -> dict[str, Any]:
    if name == "phone":
        from bench.phone import bench_phone

        return bench_phone(args.phone_reps, logs=LOGS, summary=summary)
    if name == "lighthouse":
        from bench.lighthouse import bench_lighthouse

        return bench_lighthouse(args.lighthouse_runs, logs=LOGS)
    from bench.filedraw import bench_filedraw

    return bench_filedraw(args.filedraw_reps, summary=summary)


def _only(name: str, args: argparse.Namespace) -> int:
    """Run one optional stage and merge it into the earlier results (the rest is not rerun)."""
    results: dict[str, Any] = (
        json.loads(args.out.read_text(encoding="utf-8"))
        if args.out.exists()
        else {"machine": machine(), "reps": args.reps}
    )
    print(f"{name} only...", file=sys.stderr)
    stage = _optional(lambda: _stage(name, args))
    if "skipped" in stage:
        print(json.dumps(stage, indent=1))
        return 1
    results[name] = {**stage, "date": _today()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.out == RESULTS and "browser" in results and "scale" in results:
        from bench.report import update

        update(ROOT / "docs" / "PERFORMANCE.md", results)
    print(json.dumps(results[name], indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each measure (default 20)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic fact counts")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument(
        "--phone",
        action="store_true",
        help="also load app and bare page on a throttled phone, served directly and gzipped by nginx",
    )
    parser.add_argument(
        "--phone-reps", type=int, default=3, help="loads of each kind on the phone (default 3)"
    )
    parser.add_argument(
        "--lighthouse",
        action="store_true",
        help="also run Lighthouse (mobile, performance) on app and bare page; needs the npm package",
    )
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (default 3)")
    parser.add_argument(
        "--filedraw",
        action="store_true",
        help="also time the single-file export (python -m geo export) drawn from file:// offline",
    )
    parser.add_argument("--filedraw-reps", type=int, default=10, help="cold draws of the file (default 10)")
    parser.add_argument(
        "--only",
        choices=OPTIONAL_STAGES,
        help="run just this optional stage and merge it into the results of the last run (and the tables)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.only:
        return _only(args.only, args)
    results: dict[str, Any] = {"machine": machine(), "reps": args.reps}
    print("core...", file=sys.stderr)
    results["core"] = bench_core(args.reps)
    if not args.skip_scale:
        print("scale...", file=sys.stderr)
        results["scale"] = bench_scale([int(s) for s in args.sizes.split(",")], args.reps)
    if not args.skip_browser:
        from bench.browser import bench_browser

        print("browser...", file=sys.stderr)
        results["browser"] = bench_browser(args.reps, logs=LOGS, summary=summary)
    if args.phone:
        from bench.phone import bench_phone

        print("throttled phone...", file=sys.stderr)
        results["phone"] = {
            **_optional(lambda: bench_phone(args.phone_reps, logs=LOGS, summary=summary)),
            "date": _today(),
        }
    if args.lighthouse:
        from bench.lighthouse import bench_lighthouse

        print("lighthouse...", file=sys.stderr)
        results["lighthouse"] = {
            **_optional(lambda: bench_lighthouse(args.lighthouse_runs, logs=LOGS)),
            "date": _today(),
        }
    if args.filedraw:
        from bench.filedraw import bench_filedraw

        print("single-file export from file://...", file=sys.stderr)
        results["filedraw"] = {
            **_optional(lambda: bench_filedraw(args.filedraw_reps, summary=summary)),
            "date": _today(),
        }
    if args.out == RESULTS and RESULTS.exists():  # keep the slow optional stages of an earlier run
        earlier = json.loads(RESULTS.read_text(encoding="utf-8"))
        for stage in OPTIONAL_STAGES:
            if stage not in results and stage in earlier and "skipped" not in earlier[stage]:
                results[stage] = earlier[stage]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.out == RESULTS and not args.skip_browser and not args.skip_scale:
        from bench.report import update

        update(ROOT / "docs" / "PERFORMANCE.md", results)  # the tables there come from this run
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
