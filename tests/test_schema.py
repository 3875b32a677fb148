"""The public JSON validates against its versioned JSON Schema (geo/schemas/), and the schema bites."""

from __future__ import annotations

import copy
import fnmatch
import itertools
import json
import re
import tomllib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import geo
from geo import report, schema
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema.load(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, doc: Any) -> list[str]:
    """Every way ``doc`` breaks the schema, as "path: message" lines (empty when it is valid)."""
    found = sorted(validator(name).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]


def schema_version(name: str) -> str:
    match = re.search(r"-(\d+\.\d+)\.json$", schema.load(name)["$id"])
    assert match, "the $id names the version"
    return match.group(1)


# A hand-built state document that uses every part of the shape (see README, "The state JSON").
SOURCE = {
    "id": "S1",
    "title": "A briefing",
    "publisher": "A publisher",
    "url": None,
    "published": "2025-01-16",
}
FACT = {
    "date": "2025-01-15",
    "date_precision": "day",
    "end_date": None,
    "kind": "agreement",
    "zone": "netzarim",
    "actors": ["Israel_government", "Hamas"],
    "status": None,
    "summary": "The parties agreed terms for the corridor.",
    "confidence": "high",
    "source": SOURCE,
}
DEMAND = {
    "actor": "Hamas",
    "position": "withdraw",
    "since": "2024-08-18",
    "fact": "T2",
    "confidence": "high",
    "statements": ["T2"],
    "last_stated": "2024-08-18",
    "met": {"on": "2025-02-09", "fact": "T4"},
}
EXAMPLE_STATE: dict[str, Any] = {
    "schema_version": "2.0",
    "date": "2025-02-09",
    "data_as_of": "2026-05-28",
    "data_from": "2005-08-15",
    "researched": None,
    "after_data": False,
    "before_data": False,
    "notice": None,
    "zones": {
        "netzarim": {
            "name": "Netzarim Corridor",
            "name_ar": "محور نتساريم",
            "name_he": None,
            "mapped": True,
            "area_km2": 13.081,
            "share_of_strip": 0.036,
            "length_km": None,
            "quality": "schematic",
            "width_m": 2000.0,
            "note": None,
            "within": "gaza_strip",
            "presence": [],
            "left": [{"actor": "IDF", "on": "2025-02-09", "fact": "T4", "how": "withdrawn"}],
            "demands": [DEMAND],
            "demands_aged": [{**DEMAND, "actor": "UN", "met": None, "age_days": 400}],
            "demands_overtaken": [
                {
                    **DEMAND,
                    "actor": "Israel_government",
                    "position": "monitoring",
                    "met": None,
                    "overtaken_on": "2025-01-15",
                    "overtaken_by": {
                        "kind": "agreement",
                        "fact": "T3",
                        "zone": "netzarim",
                        "agreement": "ceasefire_2025_01",
                    },
                }
            ],
            "agreements": ["ceasefire_2025_01"],
            "reported_figures": [],
        },
        "gaza_strip": {
            "name": "Gaza Strip",
            "name_ar": None,
            "name_he": None,
            "mapped": True,
            "area_km2": 363.744,
            "share_of_strip": 1.0,
            "length_km": None,
            "quality": "derived",
            "width_m": None,
            "note": None,
            "within": None,
            "presence": [
                {
                    "actor": "IDF",
                    "status": "established",
                    "since": "2024-05-29",
                    "fact": "T1",
                    "confidence": "high",
                    "present_since": "2023-10-27",
                    "derived_from": ["philadelphi"],
                    "implied_by": None,
                }
            ],
            "left": [],
            "demands": [],
            "demands_aged": [],
            "demands_overtaken": [],
            "agreements": [],
            "reported_figures": [
                {
                    "measure": "share_of_strip",
                    "value_low": 53.0,
                    "value_high": None,
                    "unit": "percent",
                    "wording": "about 53%",
                    "counted_by": "IDF",
                    "fact": "T5",
                    "date": "2025-10-10",
                }
            ],
        },
    },
    "events": [{"fact": "T4", **FACT, "kind": "event"}],
    "agreements": [
        {
            "id": "ceasefire_2025_01",
            "name": "January 2025 ceasefire and hostage-release agreement",
            "concluded": "2025-01-15",
            "in_force_since": "2025-01-19",
            "period_fact_ids": ["T3"],
            "note": None,
            "roles": [
                {"actor": "Israel_government", "role": "party", "since": "2025-01-15", "facts": ["T3"]},
                {"actor": "mediators", "role": "broker", "since": "2025-01-15", "facts": []},
            ],
            "terms": {"netzarim": ["T3"]},
        }
    ],
    "changes": [
        {"type": "presence_ended", "zone": "netzarim", "actor": "IDF", "fact": "T4", "detail": "withdrawn"},
        {"type": "event", "zone": None, "actor": None, "fact": None, "detail": None},
    ],
    "facts": {"T1": FACT, "T3": FACT},
}

Edit = Callable[[dict[str, Any]], object]


def edited(edit: Edit) -> dict[str, Any]:
    doc = copy.deepcopy(EXAMPLE_STATE)
    edit(doc)
    return doc


def test_the_schemas_are_valid_draft_2020_12_with_a_versioned_id() -> None:
    for name in schema.NAMES:
        s = schema.load(name)
        Draft202012Validator.check_schema(s)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert re.fullmatch(r"\d+\.\d+", schema_version(name)), name


def test_load_names_only_the_shipped_schemas() -> None:
    with pytest.raises(ValueError, match="no schema named"):
        schema.load("../pyproject")


def test_the_schemas_ship_with_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["geo"]
    shipped = sorted(p.relative_to(ROOT / "geo").as_posix() for p in (ROOT / "geo" / "schemas").glob("*"))
    assert shipped == sorted(f"schemas/{n}.schema.json" for n in schema.NAMES)
    for path in shipped:
        assert any(fnmatch.fnmatch(path, g) for g in globs), f"{path} is not in package-data"


def test_the_hand_built_example_is_valid() -> None:
    assert problems("state", EXAMPLE_STATE) == []


def test_a_reader_may_meet_keys_added_later() -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["a_later_key"] = 1
        doc["zones"]["gaza_strip"]["a_later_key"] = {}
        doc["zones"]["gaza_strip"]["presence"][0]["a_later_key"] = None
        doc["agreements"][0]["roles"][0]["a_later_key"] = []
        doc["schema_version"] = "2.1"

    assert problems("state", edited(add)) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(lambda d: d.pop("schema_version"), "'schema_version' is a required", id="no-version"),
        pytest.param(lambda d: d.update(schema_version="1.0"), "does not match", id="other-major-version"),
        pytest.param(lambda d: d["zones"]["netzarim"].pop("left"), "'left' is a required", id="no-left"),
        pytest.param(
            lambda d: d["zones"]["netzarim"]["demands"][0].pop("met"), "'met' is a required", id="no-met"
        ),
        pytest.param(
            lambda d: d["zones"]["gaza_strip"]["presence"][0].pop("derived_from"),
            "'derived_from' is a required",
            id="no-derived-from",
        ),
        pytest.param(
            lambda d: d["zones"]["netzarim"]["demands_aged"][0].pop("age_days"),
            "'age_days' is a required",
            id="no-age",
        ),
        pytest.param(
            lambda d: d["zones"]["gaza_strip"]["presence"][0].update(status="withdrawn"),
            "is not one of",
            id="absent-status-in-presence",
        ),
        pytest.param(
            lambda d: d["zones"]["netzarim"]["demands"][0].update(position="leave"),
            "is not one of",
            id="bad-position",
        ),
        pytest.param(lambda d: d["changes"][0].update(type="moved"), "is not one of", id="bad-change"),
        pytest.param(
            lambda d: d["agreements"][0]["roles"][0].update(role="guarantor"), "is not one of", id="bad-role"
        ),
        pytest.param(lambda d: d["facts"]["T1"].update(confidence="sure"), "is not one of", id="bad-conf"),
        pytest.param(lambda d: d.update(date="2024-02-30"), "is not a 'date'", id="not-a-calendar-day"),
        pytest.param(lambda d: d.update(date="22/08/2024"), "does not match", id="not-iso"),
        pytest.param(lambda d: d.update(after_data=True), "is not of type 'string'", id="after-data-silent"),
        pytest.param(lambda d: d.update(before_data="no"), "is not of type 'boolean'", id="bool"),
    ],
)
def test_the_schema_rejects_a_broken_document(edit: Edit, expected: str) -> None:
    found = problems("state", edited(edit))
    assert found and any(expected in p for p in found), found


def days_to_check(bundle: geo.Bundle) -> list[date]:
    days = list(bundle.timeline.change_dates)
    return [*days, bundle.data_from - timedelta(days=1), bundle.data_as_of + timedelta(days=1)]


def test_the_state_validates_on_every_day_that_changes_and_outside_the_data(bundle: geo.Bundle) -> None:
    version = schema_version("state")
    bad: dict[str, list[str]] = {}
    for day in days_to_check(bundle):
        doc = report.state_dict(bundle, day)
        found = problems("state", doc)
        if doc.get("schema_version") != version:
            found.append(f"schema_version {doc.get('schema_version')!r} is not {version!r}")
        if found:
            bad[day.isoformat()] = found[:5]
    assert bad == {}, json.dumps(dict(list(bad.items())[:3]), indent=1, ensure_ascii=False)


def test_the_state_says_where_the_data_ends(bundle: geo.Bundle) -> None:
    after = report.state_dict(bundle, bundle.data_as_of + timedelta(days=1))
    before = report.state_dict(bundle, bundle.data_from - timedelta(days=1))
    inside = report.state_dict(bundle, bundle.data_as_of)
    assert (after["after_data"], after["before_data"]) == (True, False)
    assert (before["after_data"], before["before_data"]) == (False, True)
    assert (inside["after_data"], inside["before_data"]) == (False, False)
    assert after["notice"]


def test_the_diff_validates_over_spans(bundle: geo.Bundle) -> None:
    days = list(bundle.timeline.change_dates)
    spans = [
        (days[0], days[-1]),
        (bundle.data_from - timedelta(days=1), bundle.data_as_of + timedelta(days=1)),
        (days[len(days) // 2], days[len(days) // 2]),
        *itertools.pairwise(days),
    ]
    bad = {
        f"{a}..{b}": found[:5]
        for a, b in spans
        if (found := problems("diff", report.diff_dict(bundle, a, b)))
    }
    assert bad == {}, json.dumps(dict(list(bad.items())[:3]), indent=1, ensure_ascii=False)


def test_the_command_line_json_validates(bundle: geo.Bundle) -> None:
    for day in ("2024-08-22", (bundle.data_as_of + timedelta(days=1)).isoformat()):
        r = run("state", "--date", day, "--json")
        assert r.returncode == 0, r.stderr
        assert problems("state", json.loads(r.stdout)) == [], day
    r = run("diff", "--from", "2025-01-01", "--to", "2025-03-20", "--json")
    assert r.returncode == 0, r.stderr
    assert problems("diff", json.loads(r.stdout)) == []
