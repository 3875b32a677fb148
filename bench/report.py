"""Render the benchmark's results as the tables of docs/PERFORMANCE.md (between markers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

START, END = "<!-- results:start -->", "<!-- results:end -->"


def _n(v: float) -> str:
    return f"{v:,.3f}" if v < 1 else f"{v:,.1f}"


def _s(x: dict[str, float], unit: str = "ms") -> str:
    return f"{_n(x['median'])} / {_n(x['p95'])} / {_n(x['max'])} {unit}"


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def render(r: dict[str, Any]) -> str:
    m, c = r["machine"], r["core"]
    lines = [
        f"Run of {m['date']}: {m['cpus']} cores, Python {m['python']}, {m['chromium']}; "
        f"{r['reps']} repetitions; median / p95 / max.",
        "",
    ]
    if "browser" in r:
        lines += _browser(r["browser"])
    lines += [
        "| core | result |",
        "| --- | --- |",
        f"| `load_bundle()` | {_s(c['load_bundle_ms'])} |",
        f"| `state_at`, per call over all {c['change_dates']} change dates | {_s(c['state_at_ms_per_call'])} |",
        f"| `state_dict` (the public JSON) | {_s(c['state_dict_ms'])} |",
        f"| building the map page | {_s(c['build_map_ms'])} |",
        f"| the map page | {_mb(c['map_page_bytes'])} ({_mb(c['map_page_gzip_bytes'])} gzip) |",
        "",
    ]
    if "scale" in r:
        lines += [
            "| facts | change dates | bundle load | `state_at` per call | map payload | gzip | payload build |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for n, v in r["scale"]["facts"].items():
            lines.append(
                f"| {int(n):,} | {v['change_dates']:,} | {_s(v['load_ms'])} | {v['state_at_ms_per_call']:.3f} ms "
                f"| {_mb(v['payload_bytes'])} | {_mb(v['payload_gzip_bytes'])} | {v['payload_ms']:,.0f} ms |"
            )
        u = r["scale"]["user_layer_10000"]
        lines += [
            "",
            f"User layer of 10,000 dated points: {_mb(u['raw_geojson_bytes'])} as GeoJSON; aggregated "
            f"to {u['cells']} cells × {u['months']} months ({u['deltas']:,} count changes): "
            f"{_mb(u['aggregated_bytes'])} ({_mb(u['aggregated_gzip_bytes'])} gzip), in {u['aggregate_ms']:.0f} ms.",
        ]
    if "phone" in r and "skipped" not in r["phone"]:
        lines += ["", *_phone(r["phone"])]
    if "lighthouse" in r and "skipped" not in r["lighthouse"]:
        lines += ["", *_lighthouse(r["lighthouse"])]
    if "filedraw" in r and "skipped" not in r["filedraw"]:
        lines += ["", *_filedraw(r["filedraw"])]
    return "\n".join(lines)


def _filedraw(f: dict[str, Any]) -> list[str]:
    verdict = "met" if f["met"] else "not met"
    return [
        f"Single-file export (`python -m geo export --out map.html`, {_mb(f['file_bytes'])}) opened from "
        f"`file://` in a fresh context, every request refused, {f['ready_ms']['n']} cold loads, run of "
        f"{f.get('date', '?')}:",
        "",
        "| single file from `file://`, offline | result |",
        "| --- | --- |",
        f"| navigation to the first paint after `html[data-gcm-ready]` | {_s(f['ready_ms'])} |",
        f"| target: median ≤ {f['target_ms']:.0f} ms | **{verdict}** |",
        f"| requests the page made (all refused) | {f['blocked_requests']} |",
    ]


def _opt(x: dict[str, float] | None, unit: str = "ms") -> str:
    return "—" if not x else _s(x, unit)


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


STAGES = (
    ("first_element", "first Streamlit element painted"),
    ("new_session", "the script starts (its first message arrives)"),
    ("script_finished", "the script has finished (its last message arrives)"),
    ("frame_start", "the map frame's document starts (the component has mounted it)"),
    ("frame_script_start", "the map's script starts (after parsing the frame's page)"),
    ("frame_drawn", "the map is drawn (`data-gcm-ready` set)"),
    ("ready", "**ready**: first paint after that (bare: after its title)"),
)


def _browser(b: dict[str, Any]) -> list[str]:
    a, bare = b["app"], b["bare"]
    # Runs before the server fix was measured have no third page.
    fx: dict[str, Any] | None = b.get("bare_fixed")
    head3 = " | bare page, same server fix" if fx else ""
    sep3 = " | ---" if fx else ""

    def third(text: str) -> str:
        return f" | {text}" if fx else ""

    lines = [
        f"| measure | app | bare Streamlit page{head3} |",
        f"| --- | --- | ---{sep3} |",
        f"| cold load, navigation to ready (interleaved) | {_s(a['cold_load_ms'])} | {_s(bare['cold_load_ms'])}"
        + third(_s(fx["cold_load_ms"]) if fx else "")
        + " |",
        f"| ratio of the medians, app to this page | **{b['cold_load_ratio_median']}** | 1"
        + third(f"**{b['cold_load_ratio_fixed_median']}**" if fx else "")
        + " |",
        f"| deep link (`?date=…&layers=demands`) to map and panels at that date | {_s(a['deep_link_ms'])} | —"
        + third("—")
        + " |",
        f"| bytes per cold load (websocket counted decompressed) | {_mb(a['bytes_per_load']['median'])} | "
        f"{_mb(bare['bytes_per_load']['median'])}"
        + third(_mb(fx["bytes_per_load"]["median"]) if fx else "")
        + " |",
        f"| server peak memory | {a['server_peak_rss_mb']:.0f} MB | {bare['server_peak_rss_mb']:.0f} MB"
        + third(f"{fx['server_peak_rss_mb']:.0f} MB" if fx else "")
        + " |",
        f"| requests refused for leaving 127.0.0.1 | {a['blocked_requests']} | {bare['blocked_requests']}"
        + third(str(fx["blocked_requests"]) if fx else "")
        + " |",
        "",
        f"| where a cold load goes: medians, ms from navigation start | app | bare Streamlit page{head3} |",
        f"| --- | --- | ---{sep3} |",
    ]
    sa, sb = a["stages_median_ms"], bare["stages_median_ms"]
    sf = fx["stages_median_ms"] if fx else {}
    for key, label in STAGES:
        if sa.get(key) is None and sb.get(key) is None:
            continue
        lines.append(f"| {label} | {_ms(sa.get(key))} | {_ms(sb.get(key))}" + third(_ms(sf.get(key))) + " |")
    script, key = a["date_change_script"], a["date_change_key"]
    how = "`window.gcm.setDate`" if script.get("how") == "script" else "click on Next change"
    lines += [
        "",
        f"| date change, ms from the input | {how} | key on the date slider |",
        "| --- | --- | --- |",
    ]
    for k, label in (
        ("sync_ms", "input handler (redraws synchronously)"),
        ("render_ms", "of which the client's render"),
        ("map_ms", "the map holds the new date"),
        ("both_ms", "**map and panels both hold it** (polled each animation frame)"),
        ("frame_ms", "the next animation frame"),
        ("streamlit_panel_ms", "Streamlit's panel shows it (a rerun; the old client)"),
    ):
        if script.get(k) is None and key.get(k) is None:
            continue
        lines.append(f"| {label} | {_opt(script.get(k))} | {_opt(key.get(k))} |")
    lines.append("")
    return lines


def _phone(p: dict[str, Any]) -> list[str]:
    f = p["profile"]
    lines = [
        f"Throttled phone ({f['viewport']} px, CPU ÷{f['cpu_slowdown']}, {f['down_kbps'] / 1000:g} Mbps down, "
        f"{f['rtt_ms']} ms round trip), {p['reps']} cold loads each, interleaved, run of {p.get('date', '?')}:",
        "",
        "| served | app: to ready | app: bytes | bare page: to ready | bare page: bytes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for mode, label in (
        ("direct", "by Streamlit (uncompressed)"),
        ("gzip", "through nginx, gzip (`deploy/nginx.conf`)"),
    ):
        a, b = p[f"app_{mode}"], p[f"bare_{mode}"]
        lines.append(
            f"| {label} | {_s(a['cold_load_ms'])} | {_mb(a['bytes_per_load']['median'])} "
            f"| {_s(b['cold_load_ms'])} | {_mb(b['bytes_per_load']['median'])} |"
        )
    return lines


def _lighthouse(h: dict[str, Any]) -> list[str]:
    lines = [
        f"Lighthouse {h.get('bare', {}).get('median_run', {}).get('lighthouse', '')} mobile profile, performance only, "
        f"{h['runs']} runs each, run of {h.get('date', '?')} (medians):",
        "",
        "| | performance score | total blocking time | largest contentful paint | layout shift |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in (("app", "app"), ("bare", "bare Streamlit page")):
        x = h[name]
        if "error" in x:
            lines.append(f"| {label} | no score: Lighthouse's `{x['error']}` | — | — | — |")
            continue
        lines.append(
            f"| {label} | {x['score_median']:.0f} (runs: {', '.join(str(s) for s in x['scores'])}) "
            f"| {x['tbt_ms_median']:,.0f} ms | {x['lcp_ms_median'] / 1000:.1f} s | {x.get('cls_median', 0):.3f} |"
        )
    return lines


def update(doc: Path, results: dict[str, Any]) -> None:
    """Replace the section between the markers of ``doc`` with the rendered results."""
    replace_section(doc, START, END, render(results))


def replace_section(doc: Path, start: str, end: str, body: str) -> None:
    """Replace what lies between the markers ``start`` and ``end`` in ``doc`` with ``body``."""
    text = doc.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise ValueError(f"{doc} has no {start} ... {end} section")
    block = f"{start}\n{body}\n{end}"
    doc.write_text(
        re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S),
        encoding="utf-8",
    )
