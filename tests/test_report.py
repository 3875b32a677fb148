"""The public state and diff JSON, and the readable text built from the same data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from geo import report
from geo.bundle import Bundle

AUG_22 = date(2024, 8, 22)


def actors(entries: list[dict[str, object]]) -> dict[object, object]:
    return {e["actor"]: e.get("position", e.get("status")) for e in entries}


def test_state_on_22_august_2024_agrees_with_the_sources(bundle: Bundle) -> None:
    s = report.state_dict(bundle, AUG_22)
    phil, netz = s["zones"]["philadelphi"], s["zones"]["netzarim"]
    assert actors(phil["presence"]) == {"IDF": "established"}
    assert actors(netz["presence"]) == {"IDF": "established"}
    demands = actors(phil["demands"])
    assert demands["Israel_government"] == "remain"
    assert demands["Hamas"] == "withdraw"
    assert demands["Egypt"] == "withdraw"
    israel = next(d for d in phil["demands"] if d["actor"] == "Israel_government")
    assert israel["since"] == "2023-12-30" and israel["fact"] == "T009"
    assert israel["statements"] == ["T009", "T021", "T026"]
    assert [e["fact"] for e in s["events"]] == ["T028"]


def test_state_json_has_the_documented_shape(bundle: Bundle) -> None:
    s = json.loads(json.dumps(report.state_dict(bundle, AUG_22)))
    assert {"date", "data_as_of", "zones", "events"} <= s.keys()
    assert s["date"] == "2024-08-22" and s["data_as_of"] == bundle.data_as_of.isoformat()
    assert set(s["zones"]) == set(bundle.zones)
    for zone in s["zones"].values():
        assert {"name", "mapped", "area_km2", "presence", "demands"} <= zone.keys()
        for p in zone["presence"]:
            assert set(p) >= {"actor", "status", "since", "fact", "confidence"}
        for d in zone["demands"]:
            assert set(d) >= {"actor", "position", "since", "fact", "confidence"}
    cited = {p["fact"] for z in s["zones"].values() for p in z["presence"]}
    assert cited <= s["facts"].keys()
    assert all(f["source"]["url"] for f in s["facts"].values())


def test_areas_and_mapping_flags(bundle: Bundle) -> None:
    zones = report.state_dict(bundle, AUG_22)["zones"]
    assert zones["gaza_strip"]["area_km2"] == pytest.approx(363.74, abs=0.01)
    assert zones["gaza_strip"]["share_of_strip"] == 1.0
    assert zones["netzarim"]["width_m"] == 4000 and zones["netzarim"]["quality"] == "schematic"
    assert zones["yellow_line"]["mapped"] is False and zones["yellow_line"]["area_km2"] is None
    assert zones["morag"]["mapped"] is True and zones["morag"]["area_km2"] is None  # no width yet
    assert zones["rafah_crossing"]["area_km2"] is None


def test_yellow_line_reports_figures_with_who_counted(bundle: Bundle) -> None:
    zone = report.state_dict(bundle, date(2026, 4, 1))["zones"]["yellow_line"]
    assert {"T065", "T078"} <= {f["fact"] for f in zone["reported_figures"]}
    assert all(f["counted_by"] and f["date"] <= "2026-04-01" for f in zone["reported_figures"])
    assert actors(zone["presence"]) == {"IDF": "expanded"}


def test_days_outside_the_data_are_answered(bundle: Bundle) -> None:
    late = report.state_dict(bundle, date(2030, 1, 1))
    assert late["data_as_of"] == bundle.data_as_of.isoformat() and late["after_data"]
    assert actors(late["zones"]["philadelphi"]["presence"]) == {"IDF": "established"}
    early = report.state_dict(bundle, date(1990, 1, 1))
    assert all(not z["presence"] and not z["demands"] for z in early["zones"].values())
    shown = f"Documented to {bundle.data_as_of.day} {bundle.data_as_of:%B %Y}. Later events are not shown"
    assert shown in report.state_text(bundle, date(2030, 1, 1))
    assert "Nothing is documented for 1 January 1990" in report.state_text(bundle, date(1990, 1, 1))
    assert report.state_dict(bundle, bundle.data_as_of)["notice"] is None


def test_netzarim_through_the_january_2025_truce(bundle: Bundle) -> None:
    def idf(on: date) -> list[object]:
        return [
            p["status"]
            for p in report.state_dict(bundle, on)["zones"]["netzarim"]["presence"]
            if p["actor"] == "IDF"
        ]

    assert idf(date(2025, 2, 8)) == ["expanded"]
    assert idf(date(2025, 2, 9)) == []
    assert idf(date(2025, 3, 19)) == ["reoccupied"]
    assert idf(date(2025, 10, 10)) == []


def test_diff_across_the_truce(bundle: Bundle) -> None:
    d = report.diff_dict(bundle, date(2025, 1, 1), date(2025, 2, 15))
    netz = d["zones"]["netzarim"]
    assert [p["actor"] for p in netz["presence_lost"]] == ["IDF"]
    assert [p["actor"] for p in netz["presence_gained"]] == ["mediators"]
    buffer = d["zones"]["perimeter_buffer"]["area_km2"]
    assert buffer["from"] > buffer["to"] and buffer["change"] < 0  # 1 km -> 700 m
    assert "T048" in d["facts_between"] and "T048" in d["facts"]
    # the strip counts who is present within it: the EU at the crossing, the mediators' checks
    assert {p["actor"] for p in d["zones"]["gaza_strip"]["presence_gained"]} == {"EU", "mediators"}


def test_diff_of_a_day_with_itself_is_empty(bundle: Bundle) -> None:
    d = report.diff_dict(bundle, AUG_22, AUG_22)
    assert d["zones"] == {} and d["facts_between"] == []
    assert "No change" in report.diff_text(bundle, AUG_22, AUG_22)


def test_text_attributes_positions_and_lists_sources(bundle: Bundle) -> None:
    text = report.state_text(bundle, AUG_22)
    assert "Philadelphi Corridor (Salah al-Din axis)" in text and "ציר פילדלפי" in text
    assert "Egypt: Israeli forces should withdraw (since 2024-08-22) [T029" in text
    assert "present since 2023-11-05" in text  # Netzarim, despite later status reports
    assert "schematic band 100 m wide" in text
    assert "https://m.www.idf.il/" in text  # T018's source


def test_a_day_before_the_first_withdrawal_is_answered_and_cites_it(bundle: Bundle) -> None:
    on = date(2005, 9, 5)
    s = report.state_dict(bundle, on)
    [idf] = s["zones"]["philadelphi"]["presence"]
    assert idf["implied_by"] == "T002" and "T002" in s["facts"]
    assert all(f["date"] <= "2005-09-05" for k, f in s["facts"].items() if k != "T002")
    assert "implies it [T002" in report.state_text(bundle, on)


def test_a_day_never_learns_when_its_facts_end_later(bundle: Bundle) -> None:
    # Every fact with an end: on a day it covers, its end is a later day's news and is not given;
    # on its end day and after, it is.
    checked = 0
    for fact in (f for f in bundle.facts if f.end):
        inside = report.state_dict(bundle, fact.date)
        if fact.id in inside["facts"]:
            assert inside["facts"][fact.id]["end_date"] is None, fact.id
            checked += 1
        assert report.fact_dict(bundle, fact, fact.end)["end_date"] == fact.end.isoformat()  # type: ignore[union-attr]
    assert checked, "no fact with an end was cited on its own day: the check above checked nothing"


def test_the_text_says_which_sources_came_after_the_day(bundle: Bundle) -> None:
    for on in (AUG_22, date(2025, 3, 19), bundle.data_as_of):
        data = report.state_dict(bundle, on)
        for line in report.state_text(bundle, on).splitlines():
            fid = line.strip().split(":", 1)[0]
            if line.startswith("  ") and fid in data["facts"] and "http" in line:
                published = data["facts"][fid]["source"]["published"]
                later = published is not None and published > on.isoformat()
                assert ("published after the day shown" in line) is later, line
