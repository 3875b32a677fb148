"""The dated model: presence, demands, events, changes, contradictions (pure, no files)."""

from __future__ import annotations

from datetime import date

import pytest

from geo.contradictions import contradictions
from geo.timeline import Timeline, state_at
from tests.conftest import FactMaker

D = date.fromisoformat


def present(tl: Timeline, on: str, actor: str = "A", zone: str = "z") -> bool:
    return tl.presence_on((actor, zone), D(on)) is not None


# -- presence ------------------------------------------------------------------------------


def test_presence_boundaries_of_an_end_dated_row(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-05-07", end="2024-06-10")])
    assert not present(tl, "2024-05-06")  # the day before the start
    assert present(tl, "2024-05-07")  # the start
    assert present(tl, "2024-06-09")  # the day before the end
    assert not present(tl, "2024-06-10")  # the end is exclusive


def test_open_ended_presence_holds_forever(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-05-07")])
    assert present(tl, "2024-05-07")
    assert present(tl, "2099-01-01")


def test_latest_change_decides_and_withdrawal_ends_presence(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2023-11-05"),
            fact("F2", "2024-03-06", status="expanded"),
            fact("F3", "2025-02-09", status="withdrawn"),
            fact("F4", "2025-03-19", status="reoccupied"),
        ]
    )
    assert tl.presence_on(("A", "z"), D("2024-03-05")).status == "established"  # type: ignore[union-attr]
    p = tl.presence_on(("A", "z"), D("2024-03-06"))
    assert p is not None and p.status == "expanded" and p.fact == "F2"
    assert p.present_since == D("2023-11-05")  # one continuous presence
    assert present(tl, "2025-02-08")
    assert not present(tl, "2025-02-09")
    assert not present(tl, "2025-03-18")
    again = tl.presence_on(("A", "z"), D("2025-03-19"))
    assert again is not None and again.present_since == D("2025-03-19")


def test_a_withdrawal_as_first_row_means_absent(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2005-09-12", status="withdrawn"), fact("F2", "2024-05-29")])
    assert not present(tl, "2010-01-01")
    assert present(tl, "2024-05-29")


def test_joint_actors_each_hold_the_fact(fact: FactMaker) -> None:
    state = state_at([fact("F1", "2025-01-27", actor="A+B")], D("2025-02-01"))
    assert {p.actor for p in state.presence} == {"A", "B"}
    assert all(p.fact == "F1" for p in state.presence)


def test_state_before_any_fact_is_empty(fact: FactMaker) -> None:
    state = state_at([fact("F1", "2024-01-01")], D("2000-01-01"))
    assert state.presence == () and state.demands == () and state.events == ()


# -- demands ------------------------------------------------------------------------------


def test_a_new_position_supersedes_the_old_one(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2024-01-22", "demand", "monitoring"),
            fact("F2", "2024-08-22", "demand", "withdraw"),
        ]
    )
    assert tl.position_on(("A", "z"), D("2024-08-21")).position == "monitoring"  # type: ignore[union-attr]
    new = tl.position_on(("A", "z"), D("2024-08-22"))
    assert new is not None and new.position == "withdraw" and new.statements == ("F2",)


def test_restating_a_position_keeps_its_start(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2023-12-30", "demand", "remain"),
            fact("F2", "2024-08-20", "demand", "remain", confidence="medium"),
        ]
    )
    p = tl.position_on(("A", "z"), D("2024-09-01"))
    assert p is not None
    assert (p.since, p.fact, p.confidence) == (D("2023-12-30"), "F1", "high")
    assert p.statements == ("F1", "F2")


def test_an_other_statement_does_not_erase_a_named_position(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2024-08-26", "demand", "withdraw"),
            fact("F2", "2024-09-03", "demand", "other"),
            fact("F3", "2024-09-18", "demand", "withdraw"),
        ]
    )
    p = tl.position_on(("A", "z"), D("2024-09-10"))
    assert p is not None and p.position == "withdraw" and p.statements == ("F1", "F2")
    assert tl.position_on(("A", "z"), D("2024-09-18")).statements == ("F1", "F2", "F3")  # type: ignore[union-attr]


def test_an_other_statement_stands_when_nothing_else_does(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-01-22", "demand", "other")])
    assert tl.position_on(("A", "z"), D("2024-01-22")).position == "other"  # type: ignore[union-attr]


def test_a_position_lapses_on_its_end_date(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2025-10-18", "demand", "other", end="2026-02-01")])
    assert tl.position_on(("A", "z"), D("2026-01-31")) is not None
    assert tl.position_on(("A", "z"), D("2026-02-01")) is None


def test_a_statement_after_a_lapsed_position_starts_afresh(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2025-01-01", "demand", "remain", end="2025-02-01"),
            fact("F2", "2025-03-01", "demand", "remain"),
        ]
    )
    p = tl.position_on(("A", "z"), D("2025-03-01"))
    assert p is not None and p.since == D("2025-03-01") and p.statements == ("F2",)


def test_demands_are_per_actor_and_zone(fact: FactMaker) -> None:
    state = state_at(
        [
            fact("F1", "2024-08-18", "demand", "withdraw", actor="Hamas"),
            fact("F2", "2024-08-22", "demand", "withdraw", actor="Egypt"),
            fact("F3", "2024-08-29", "demand", "remain", actor="Israel", zone="other_zone"),
        ],
        D("2024-08-22"),
    )
    assert {(p.actor, p.zone, p.position) for p in state.demands} == {
        ("Hamas", "z", "withdraw"),
        ("Egypt", "z", "withdraw"),
    }


# -- events -------------------------------------------------------------------------------


def test_point_events_show_on_their_day_only(fact: FactMaker) -> None:
    tl = Timeline([fact("E1", "2024-08-22", "event", "")])
    assert [e.id for e in tl.state_at(D("2024-08-22")).events] == ["E1"]
    assert tl.state_at(D("2024-08-23")).events == ()


def test_interval_events_cover_their_half_open_interval(fact: FactMaker) -> None:
    tl = Timeline([fact("E1", "2026-02-02", "event", "", end="2026-02-28")])
    assert tl.state_at(D("2026-02-01")).events == ()
    assert tl.state_at(D("2026-02-27")).events != ()
    assert tl.state_at(D("2026-02-28")).events == ()


# -- changes and navigation -----------------------------------------------------------------


def test_changes_report_gains_losses_positions_and_facts_between(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2023-11-05", actor="IDF"),
            fact("F2", "2025-02-09", status="withdrawn", actor="IDF"),
            fact("F3", "2025-01-27", actor="mediators", end="2025-03-18"),
            fact("D1", "2024-08-18", "demand", "withdraw", actor="Hamas"),
            fact("D2", "2025-01-15", "demand", "other", actor="US"),
        ]
    )
    ch = tl.changes(D("2024-09-01"), D("2025-03-01"))
    assert [p.actor for p in ch.gained] == ["mediators"]
    assert [p.actor for p in ch.lost] == ["IDF"]
    assert [(old, new.actor if new else None) for old, new in ch.positions] == [(None, "US")]
    assert [f.id for f in ch.facts] == ["D2", "F3", "F2"]
    assert ch.zones == ("z",)
    with pytest.raises(ValueError, match="after end"):
        tl.changes(D("2025-03-01"), D("2024-09-01"))


def test_no_changes_between_equal_states(fact: FactMaker) -> None:
    ch = Timeline([fact("F1", "2023-11-05")]).changes(D("2024-01-01"), D("2024-06-01"))
    assert (ch.gained, ch.lost, ch.positions, ch.facts) == ((), (), (), ())


def test_neighbours_give_previous_and_next_change_dates(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-01-01", end="2024-03-01"), fact("F2", "2024-02-01")])
    assert tl.change_dates == (D("2024-01-01"), D("2024-02-01"), D("2024-03-01"))
    assert tl.neighbours(D("2024-02-01")) == (D("2024-01-01"), D("2024-03-01"))
    assert tl.neighbours(D("2024-02-15")) == (D("2024-02-01"), D("2024-03-01"))
    assert tl.neighbours(D("2023-01-01")) == (None, D("2024-01-01"))
    assert tl.neighbours(D("2030-01-01")) == (D("2024-03-01"), None)


# -- contradictions -----------------------------------------------------------------------


def test_a_withdrawal_inside_a_present_interval_is_a_contradiction(fact: FactMaker) -> None:
    # The shape of the shared data's T007 / T045 rows.
    tl = Timeline(
        [
            fact("T007", "2023-11-05", end="2025-02-09"),
            fact("T045", "2025-01-27", status="withdrawn"),
            fact("T048", "2025-02-09", status="withdrawn", end="2025-03-19"),
            fact("T054", "2025-03-19", status="reoccupied", end="2025-10-10"),
        ]
    )
    messages = [c.message for c in contradictions(tl)]
    assert any("T045" in m and "T007" in m and "falls inside" in m for m in messages)
    assert any("T048" in m and "already absent" in m for m in messages)


def test_the_corrected_netzarim_rows_are_consistent(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("T007", "2023-11-05", end="2025-02-09"),
            fact("T040", "2024-12-02", status="expanded"),
            fact("T048", "2025-02-09", status="withdrawn", end="2025-03-19"),
            fact("T054", "2025-03-19", status="reoccupied", end="2025-10-10"),
        ]
    )
    assert contradictions(tl) == []
    assert not present(tl, "2025-10-10")


def test_an_open_row_carrying_presence_past_an_end_date_is_reported(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2023-11-05", end="2025-02-09"), fact("F2", "2024-12-02", status="expanded")])
    [c] = contradictions(tl)
    assert c.field == "end_date" and "keeps it present past that date" in c.message


def test_a_withdrawal_with_an_end_needs_a_row_on_that_day(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-01-01"), fact("F2", "2025-02-09", status="withdrawn", end="2025-03-19")])
    [c] = contradictions(tl)
    assert "no row" in c.message and [f.id for f in c.facts] == ["F2"]


def test_two_statuses_on_one_day_are_reported(fact: FactMaker) -> None:
    tl = Timeline([fact("F1", "2024-01-01"), fact("F2", "2024-01-01", status="withdrawn")])
    assert any("disagree" in c.message for c in contradictions(tl))


def test_two_positions_on_one_day_are_reported(fact: FactMaker) -> None:
    tl = Timeline(
        [fact("D1", "2024-01-01", "demand", "remain"), fact("D2", "2024-01-01", "demand", "withdraw")]
    )
    [c] = contradictions(tl)
    assert "two positions" in c.message


def test_same_status_restated_is_not_a_contradiction(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("F1", "2024-01-01"),
            fact("F2", "2024-04-07"),
            fact("F3", "2024-05-01", "demand", "remain"),
            fact("F4", "2024-06-01", "demand", "remain"),
        ]
    )
    assert contradictions(tl) == []
