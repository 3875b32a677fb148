"""The view in the URL: parsing, defaults on bad values, round trips, and the map's reports."""

from __future__ import annotations

from datetime import date

import pytest

from geo.urlstate import OVERLAYS, View, from_map, parse

DEFAULT = date(2026, 5, 28)
ACTORS = ["IDF", "Hamas", "Egypt"]


def p(**params: str) -> tuple[View, list[str]]:
    view, warnings = parse(params, default_date=DEFAULT, actors=ACTORS)
    return view, [w.key for w in warnings]


def test_empty_url_gives_the_defaults() -> None:
    assert p() == (View(date=DEFAULT), [])


def test_every_part_is_read() -> None:
    view, warnings = p(date="2024-08-22", layers="demands", actors="Hamas,Egypt", view="31.3,34.3,12")
    assert warnings == []
    assert view == View(date(2024, 8, 22), ("demands",), ("Hamas", "Egypt"), (31.3, 34.3), 12.0)


@pytest.mark.parametrize(
    ("params", "warning"),
    [
        ({"date": "22/08/2024"}, "url.bad_date"),
        ({"date": "2024-02-30"}, "url.bad_date"),
        ({"date": "<script>alert(1)</script>"}, "url.bad_date"),
        ({"layers": "presence,tanks"}, "url.bad_layers"),
        ({"layers": ""}, "url.bad_layers"),
        ({"actors": "Hamas,Narnia"}, "url.bad_actors"),
        ({"view": "31.3,34.3"}, "url.bad_view"),
        ({"view": "48.85,2.35,12"}, "url.bad_view"),
        ({"view": "31.3,34.3,99"}, "url.bad_view"),
        ({"view": "nan,nan,nan"}, "url.bad_view"),
    ],
)
def test_a_bad_value_warns_and_falls_back(params: dict[str, str], warning: str) -> None:
    view, warnings = p(**params)
    assert warnings == [warning]
    partial = params.get("actors") == "Hamas,Narnia"  # the known actor is kept
    assert view == (View(DEFAULT, actors=("Hamas",)) if partial else View(DEFAULT))


def test_known_actors_are_kept_when_some_are_unknown() -> None:
    view, warnings = p(actors="Hamas,Narnia")
    assert view.actors == ("Hamas",) and warnings == ["url.bad_actors"]


def test_none_means_nothing_shown() -> None:
    view, _ = p(layers="none", actors="none")
    assert view.overlays == () and view.actors == ()
    assert view.to_params() == {"date": DEFAULT.isoformat(), "layers": "none", "actors": "none"}


@pytest.mark.parametrize(
    "view",
    [
        View(DEFAULT),
        View(date(2024, 8, 22), ("presence",), ("IDF",), (31.38, 34.34), 11.5),
        View(date(2025, 2, 10), (), (), None, None),
    ],
)
def test_params_round_trip(view: View) -> None:
    params = view.to_params()
    assert p(**params) == (view, [])


def test_multiple_values_take_the_last() -> None:
    view, _ = parse({"date": ["2024-01-01", "2024-08-22"]}, default_date=DEFAULT, actors=ACTORS)
    assert view.date == date(2024, 8, 22)


def test_the_map_report_is_checked_like_a_url() -> None:
    fallback = View(DEFAULT)
    good = {"date": "2025-02-10", "overlays": ["presence"], "actors": None, "view": [31.4, 34.4, 11]}
    assert from_map(good, fallback=fallback, actors=ACTORS) == View(
        date(2025, 2, 10), ("presence",), None, (31.4, 34.4), 11
    )
    for bad in (
        None,
        "2025-02-10",
        {"date": "soon"},
        {"date": "2025-02-10", "overlays": ["x"]},
        {"date": "2025-02-10", "view": [1, 2, 3]},
    ):
        assert from_map(bad, fallback=fallback, actors=ACTORS) == fallback


def test_overlays_keep_their_canonical_order() -> None:
    assert p(layers="demands,presence")[0].overlays == OVERLAYS


def test_links_are_the_ones_the_browser_writes() -> None:
    """tests/js/share_cases.json: the same views through View.to_params and GCMShare.params."""
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).parent / "js" / "share_cases.json").read_text("utf-8"))["cases"]
    for c in cases:
        s = c["state"]
        v = s["view"]
        view = View(
            date=date.fromisoformat(s["date"]),
            overlays=tuple(s["overlays"]),
            actors=None if s["actors"] is None else tuple(s["actors"]),
            center=None if v is None else (v[0], v[1]),
            zoom=None if v is None else float(v[2]),
            version=c["version"],
            lesson=s.get("lesson"),
            step=s.get("step"),
        )
        assert list(view.to_params().items()) == [tuple(p) for p in c["params"]], c


def test_version_lesson_and_step_are_read_and_checked() -> None:
    view, warnings = parse(
        {"date": "2024-08-22", "v": "ABCDEF123456", "lesson": "corridors", "step": "4"},
        default_date=date(2026, 1, 1),
        actors=[],
        lessons=["corridors"],
    )
    assert (view.version, view.lesson, view.step, warnings) == ("abcdef123456", "corridors", 4, [])
    view, warnings = parse(
        {"v": "<script>", "lesson": "nope", "step": "x"},
        default_date=date(2026, 1, 1),
        actors=[],
        lessons=["a"],
    )
    assert (view.version, view.lesson) == (None, None)
    assert [w.key for w in warnings] == ["url.bad_version", "url.bad_lesson"]
    view, warnings = parse(
        {"lesson": "a", "step": "0"}, default_date=date(2026, 1, 1), actors=[], lessons=["a"]
    )
    assert (view.lesson, view.step, [w.key for w in warnings]) == ("a", 1, ["url.bad_step"])


def test_a_reported_state_drops_the_cited_version_but_keeps_the_lesson_step() -> None:
    start = View(date=date(2024, 8, 22), version="abcdef123456")
    moved = from_map(
        {"date": "2024-09-01", "overlays": ["presence"], "lesson": "a", "step": 2},
        fallback=start,
        actors=[],
        lessons=["a"],
    )
    assert (moved.date, moved.version, moved.lesson, moved.step) == (date(2024, 9, 1), None, "a", 2)


def test_a_links_day_is_held_to_the_datas_horizon() -> None:
    for raw in ("9999-12-31", "1066-10-14"):
        view, warnings = parse({"date": raw}, default_date=date(2026, 1, 1), actors=[])
        assert view.date == date(2026, 1, 1) and [w.key for w in warnings] == ["url.bad_date"]


def test_a_step_number_past_any_end_is_the_last_step_not_the_first() -> None:
    view, warnings = parse(
        {"lesson": "a", "step": "9" * 30}, default_date=date(2026, 1, 1), actors=[], lessons=["a"]
    )
    assert view.step is not None and view.step > 1 and warnings == []  # the app clamps it and says so
