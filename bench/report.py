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
        b, a = r["browser"], r["browser"]["app"]
        lines += [
            "| measure | app | bare Streamlit page |",
            "| --- | --- | --- |",
            f"| cold load (to the overlays drawn; bare: to its title) | {_s(a['cold_load_ms'])} | {_s(b['bare']['cold_load_ms'])} |",
            f"| ratio of the medians | **{b['cold_load_ratio_median']}** | 1 |",
            f"| inside the map frame: parsing the page, then the map's start | {_s(a['frame_parse_ms'])}; {_s(a['frame_init_ms'])} | — |",
            f"| deep link (`?date=…&layers=demands`) to map and panel at that date | {_s(a['deep_link_ms'])} | — |",
            f"| bytes per cold load (websocket counted decompressed) | {_mb(a['bytes_per_load']['median'])} | {_mb(b['bare']['bytes_per_load']['median'])} |",
            f"| server peak memory | {a['server_peak_rss_mb']:.0f} MB | {b['bare']['server_peak_rss_mb']:.0f} MB |",
            f"| requests refused for leaving 127.0.0.1 | {a['blocked_requests']} | {b['bare']['blocked_requests']} |",
            "",
            "| date change | click on Next change | key on the date slider |",
            "| --- | --- | --- |",
        ]
        for key, label in (
            ("handler_ms", "input handler (redraws synchronously)"),
            ("render_ms", "of which the map's render"),
            ("to_next_frame_ms", "input to the next animation frame"),
            ("panel_ms", "input to the panel showing the date"),
        ):
            lines.append(f"| {label} | {_s(a['date_change_click'][key])} | {_s(a['date_change_key'][key])} |")
        lines.append("")
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
    return "\n".join(lines)


def update(doc: Path, results: dict[str, Any]) -> None:
    """Replace the section between the markers of ``doc`` with the rendered results."""
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ValueError(f"{doc} has no {START} ... {END} section")
    block = f"{START}\n{render(results)}\n{END}"
    doc.write_text(
        re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S),
        encoding="utf-8",
    )
