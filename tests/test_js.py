"""The browser's date logic (geo/assets/gcm_time.js) against the Python timeline, day by day.

Python writes the page's payload and, for many days, what ``state_dict`` and
``timeline.neighbours`` say of them; ``node --test tests/js/`` then checks that
``GCMTime.stateOf`` and ``GCMTime.citedFacts`` say the same. Skipped when Node is missing,
unless GCM_REQUIRE_BROWSER=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.mapping import payload
from geo.report import day_words, state_dict
from geo.urlstate import View
from tests.conftest import LayersCopy

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
REQUIRED = os.environ.get("GCM_REQUIRE_BROWSER") == "1"
NODE = shutil.which("node")


def _node() -> str:
    if NODE is None:
        reason = "node not found (Node 20 runs tests/js/ with its built-in test runner)"
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    return NODE


def case_days(bundle: geo.Bundle, page: dict[str, Any]) -> list[date]:
    """Every change day and every day a segment of the page starts or ends, the days either side,
    the data's edges, the day before the data and a day long after it."""
    edges = {*page["days"], bundle.data_from.isoformat(), bundle.data_as_of.isoformat()}
    for key in ("presence", "left", "demands", "overtaken"):
        edges |= {d for row in page[key] for d in row[2:4]}
    edges |= {d for e in page["events"] for d in e[1:3]}
    for g in page["agreements"]:
        edges |= (
            {d for p in g["periods"] for d in p[:2]} | {r[2] for r in g["roles"]} | {t[2] for t in g["terms"]}
        )
    edges |= {f["date"] for f in page["figures"]}
    one = timedelta(days=1)
    days = {date.fromisoformat(d) + k * one for d in edges if d for k in (-1, 0, 1)}
    return sorted(days | {bundle.data_as_of + timedelta(days=400)})


def _rows(items: list[dict[str, Any]], *keys: str) -> list[list[Any]]:
    return sorted(([item[k] for k in keys] for item in items), key=json.dumps)


def expected(bundle: geo.Bundle, on: date) -> dict[str, Any]:
    """What Python says of ``on``, in the shape tests/js/time.test.mjs compares."""
    s = state_dict(bundle, on)
    before, after = bundle.timeline.neighbours(on)
    return {
        "notice": "after" if s["after_data"] else "before" if s["before_data"] else None,
        "day": day_words(on),  # the day as the page writes it, from the same locale strings
        "zones": {
            zid: {
                "presence": _rows(z["presence"], "actor", "status", "fact"),
                "left": _rows(z["left"], "actor", "fact"),
                "demands": _rows(z["demands"], "actor", "position", "fact"),
                "aged": _rows(z["demands_aged"], "actor", "position", "fact"),
                "overtaken": _rows(z["demands_overtaken"], "actor", "position", "fact"),
                "agreements": sorted(z["agreements"]),
            }
            for zid, z in s["zones"].items()
        },
        "previous": before.isoformat() if before else None,
        "next": after.isoformat() if after else None,
        "events": sorted(e["fact"] for e in s["events"]),
        "facts": sorted(s["facts"]),
        "changes": _rows(s["changes"], "actor", "zone", "fact"),
    }


def run_parity(bundle: geo.Bundle, tmp_path: Path) -> None:
    node = _node()
    page = payload(bundle, view=View(bundle.data_as_of))
    cases = [{"date": d.isoformat(), "expected": expected(bundle, d)} for d in case_days(bundle, page)]
    data = {"payload": page, "cases": cases}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run(
        [node, "--test", str(JS_TESTS)],
        env={**os.environ, "GCM_CASES": str(path)},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert r.returncode == 0, f"node --test failed ({len(cases)} days):\n{r.stdout}\n{r.stderr}"
    assert f"{len(cases)} days agree" in r.stdout, r.stdout  # the parity test ran, not skipped


def test_the_browser_reads_every_day_as_python_does(bundle: geo.Bundle, tmp_path: Path) -> None:
    run_parity(bundle, tmp_path)


def test_the_browser_reads_an_edited_copy_as_python_does(layers_copy: LayersCopy, tmp_path: Path) -> None:
    """The same check on other data: a point event made to last, a demand restated later."""
    rows = layers_copy.rows("timeline.csv")
    event = next(r for r in rows if r["kind"] == "event" and not r["end_date"] and r["date"] > "2024")
    layers_copy.edit_row("timeline.csv", "id", event["id"], end_date=_plus(event["date"], 40))
    demand = next(r for r in rows if r["kind"] == "demand" and r["date"] > "2025")
    latest = max(layers_copy.rows("sources.csv"), key=lambda s: s["published"])  # cites the new row
    day = min(_plus(demand["date"], 200), latest["published"])
    layers_copy.add_row("timeline.csv", **{**demand, "id": "T990", "date": day, "source_id": latest["id"]})
    bundle = geo.load_bundle(layers_copy.root)
    assert bundle.fact("T990").date > bundle.fact(demand["id"]).date
    run_parity(bundle, tmp_path)


def _plus(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()
