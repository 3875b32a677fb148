"""The rules of time, one test (or more) per rule, on small hand-made timelines.

Each rule is written out in ``layers/README.md`` ("How the timeline is read"); each test names
the rule it protects and fails without it.
"""

from __future__ import annotations

from datetime import date, timedelta

from geo.bundle import Bundle
from geo.model import Agreement, AgreementPeriod, AgreementRole
from geo.timeline import Timeline
from tests.conftest import FactMaker

D = date.fromisoformat
STRIP = {"corridor": "strip", "crossing": "strip"}


def agreement(
    gid: str,
    periods: list[tuple[str, str | None]],
    roles: list[tuple[str, str, str]],
    *,
    concluded: str | None = None,
) -> Agreement:
    return Agreement(
        gid,
        f"agreement {gid}",
        D(concluded or periods[0][0]),
        ("X",),
        tuple(
            AgreementPeriod(gid, D(a), D(b) if b else None, "broke_down" if b else "", ("X",), "")
            for a, b in periods
        ),
        tuple(AgreementRole(gid, actor, role, D(since), ("X",), "") for actor, role, since in roles),
    )


# -- presence: a withdrawal means the force was there before it --------------------------------


def test_a_first_withdrawal_implies_presence_from_the_data_start(fact: FactMaker) -> None:
    tl = Timeline([fact("E", "2005-09-01", "event", ""), fact("W", "2005-09-12", status="withdrawn")])
    before = tl.presence_on(("A", "z"), D("2005-09-11"))
    assert before is not None and before.implied_by == "W" and before.present_since == D("2005-09-01")
    assert tl.presence_on(("A", "z"), D("2005-09-12")) is None
    assert tl.presence_on(("A", "z"), D("2005-08-31")) is None  # nothing before the data starts


def test_a_withdrawal_leaves_a_departure_with_its_day(fact: FactMaker) -> None:
    tl = Timeline([fact("P", "2023-11-05"), fact("W", "2025-02-09", status="withdrawn")])
    gone = tl.departure_on(("A", "z"), D("2025-06-01"))
    assert gone is not None and (gone.on, gone.fact, gone.how) == (D("2025-02-09"), "W", "withdrawn")
    assert tl.departure_on(("A", "z"), D("2025-02-08")) is None


def test_an_end_date_also_leaves_a_departure(fact: FactMaker) -> None:
    tl = Timeline([fact("P", "2025-03-19", end="2025-10-10")])
    gone = tl.departure_on(("A", "z"), D("2025-10-10"))
    assert gone is not None and (gone.on, gone.how) == (D("2025-10-10"), "ended")


# -- presence: presence in a zone is presence in the zone that contains it -------------------------


def test_presence_in_a_corridor_is_presence_in_the_strip(fact: FactMaker) -> None:
    tl = Timeline(
        [fact("N", "2023-11-05", zone="corridor"), fact("C", "2024-05-07", zone="crossing")], within=STRIP
    )
    p = tl.presence_on(("A", "strip"), D("2024-08-22"))
    assert p is not None and p.derived_from == ("corridor", "crossing")
    assert p.present_since == D("2023-11-05") and p.fact == "C"  # the latest report within
    assert tl.presence_on(("A", "strip"), D("2023-11-04")) is None


def test_leaving_every_zone_within_is_leaving_the_container(fact: FactMaker) -> None:
    tl = Timeline(
        [fact("E", "2005-09-01", "event", ""), fact("W", "2005-09-12", zone="corridor", status="withdrawn")],
        within=STRIP,
    )
    assert tl.presence_on(("A", "strip"), D("2005-09-11")) is not None
    gone = tl.departure_on(("A", "strip"), D("2005-09-12"))
    assert gone is not None and gone.fact == "W" and gone.derived_from == ("corridor",)


def test_a_later_row_within_overtakes_the_containers_own_status(fact: FactMaker) -> None:
    """A pullback ends 'expanded': the strip's own row stands until a later row within it."""
    tl = Timeline(
        [
            fact("X", "2025-08-10", zone="strip", status="expanded"),
            fact("Y", "2025-10-10", zone="corridor"),
        ],
        within=STRIP,
    )
    own = tl.presence_on(("A", "strip"), D("2025-10-09"))
    assert own is not None and own.status == "expanded" and own.derived_from == ()
    after = tl.presence_on(("A", "strip"), D("2026-03-01"))
    assert after is not None and after.status == "established" and after.derived_from == ("corridor",)
    assert after.present_since == D("2025-08-10")  # one continuous presence
    changed = [c for c in tl.changes_on(D("2025-10-10")) if c.zone == "strip"]
    assert [(c.type, c.detail) for c in changed] == [("status_changed", "expanded>established")]


def test_leaving_a_part_is_not_leaving_the_whole(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("N", "2024-01-01", zone="corridor"),
            fact("X", "2025-08-10", zone="strip", status="expanded"),
            fact("W", "2025-09-01", zone="corridor", status="withdrawn"),
        ],
        within=STRIP,
    )
    p = tl.presence_on(("A", "strip"), D("2025-09-02"))
    assert p is not None and p.fact == "X"


# -- positions: overtaken by a later statement --------------------------------------------------


def test_a_later_statement_on_the_container_overtakes(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P1", "2024-08-22", "demand", "withdraw", zone="corridor", actor="B"),
            fact("P2", "2025-08-18", "demand", "withdraw", zone="strip", actor="B"),
        ],
        within=STRIP,
    )
    assert tl.position_on(("B", "corridor"), D("2025-08-17")).standing == "in_force"  # type: ignore[union-attr]
    p = tl.position_on(("B", "corridor"), D("2025-08-18"))
    assert p is not None and p.standing == "overtaken"
    assert p.overtaken is not None and (p.overtaken.kind, p.overtaken.fact, p.overtaken.zone) == (
        "statement",
        "P2",
        "strip",
    )
    state = tl.state_at(D("2025-09-01"))
    assert [x.fact for x in state.demands_on("corridor")] == []
    assert [x.fact for x in state.overtaken_on("corridor")] == ["P1"]


def test_an_other_statement_does_not_overtake_a_named_position(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P1", "2024-08-22", "demand", "withdraw", zone="corridor", actor="B"),
            fact("P2", "2024-09-03", "demand", "other", zone="corridor", actor="B"),
            fact("P3", "2024-10-01", "demand", "other", zone="strip", actor="B"),
        ],
        within=STRIP,
    )
    p = tl.position_on(("B", "corridor"), D("2024-11-01"))
    assert p is not None and p.standing == "in_force" and p.statements == ("P1", "P2")


def test_a_new_position_replaces_and_a_restatement_keeps_its_first_date(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P1", "2023-12-30", "demand", "remain", actor="B"),
            fact("P2", "2024-08-20", "demand", "remain", actor="B"),
            fact("P3", "2024-09-01", "demand", "other", actor="B"),
            fact("P4", "2024-10-01", "demand", "other", actor="B"),
        ]
    )
    p = tl.position_on(("B", "z"), D("2024-08-21"))
    assert p is not None and (p.since, p.last_stated, p.statements) == (
        D("2023-12-30"),
        D("2024-08-20"),
        ("P1", "P2"),
    )
    # two 'other' statements say different things: the later one stands, alone
    tl2 = Timeline(
        [
            fact("O1", "2024-01-01", "demand", "other", actor="B"),
            fact("O2", "2024-02-01", "demand", "other", actor="B"),
        ]
    )
    q = tl2.position_on(("B", "z"), D("2024-03-01"))
    assert q is not None and q.fact == "O2" and q.statements == ("O2",)


# -- positions: overtaken by an agreement the actor took part in -----------------------------------


def test_an_agreement_overtakes_the_positions_of_its_parties_and_brokers(fact: FactMaker) -> None:
    g = agreement(
        "deal",
        [("2025-01-19", "2025-03-18")],
        [("A", "party", "2025-01-15"), ("group", "broker", "2025-01-15")],
        concluded="2025-01-15",
    )
    facts = [
        fact("T", "2025-01-15", "agreement", "", zone="strip", actor="A", agreement="deal"),
        fact("P", "2024-07-07", "demand", "monitoring", zone="corridor", actor="A"),
        fact("M", "2024-08-22", "demand", "monitoring", zone="corridor", actor="member"),
        fact("O", "2024-08-22", "demand", "withdraw", zone="corridor", actor="outsider"),
        fact("L", "2025-02-27", "demand", "remain", zone="corridor", actor="A"),
    ]
    tl = Timeline(facts, within=STRIP, agreements=[g], members={"group": ("member",)})
    for actor in ("A", "member"):
        assert tl.position_on((actor, "corridor"), D("2025-01-14")).standing == "in_force"  # type: ignore[union-attr]
        p = tl.position_on((actor, "corridor"), D("2025-01-15"))
        assert p is not None and p.overtaken is not None
        assert (p.overtaken.kind, p.overtaken.agreement, p.overtaken.fact) == ("agreement", "deal", "T")
    assert tl.position_on(("outsider", "corridor"), D("2025-02-01")).standing == "in_force"  # type: ignore[union-attr]
    # a statement after the agreement starts a new position, with its own date
    later = tl.position_on(("A", "corridor"), D("2025-03-01"))
    assert later is not None and later.standing == "in_force" and later.since == D("2025-02-27")


def test_an_endorser_overtakes_from_the_day_it_endorsed(fact: FactMaker) -> None:
    g = agreement(
        "deal", [("2025-10-10", None)], [("A", "party", "2025-10-09"), ("U", "endorser", "2025-11-17")]
    )
    facts = [
        fact("T", "2025-10-09", "agreement", "", zone="strip", actor="A", agreement="deal"),
        fact("P", "2024-06-10", "demand", "withdraw", zone="strip", actor="U"),
    ]
    tl = Timeline(facts, within=STRIP, agreements=[g])
    assert tl.position_on(("U", "strip"), D("2025-11-16")).overtaken is None  # type: ignore[union-attr]
    assert tl.position_on(("U", "strip"), D("2025-11-17")).overtaken is not None  # type: ignore[union-attr]


def test_an_agreement_on_one_zone_does_not_overtake_another(fact: FactMaker) -> None:
    g = agreement("deal", [("2025-01-19", None)], [("A", "party", "2025-01-15")])
    facts = [
        fact("T", "2025-01-15", "agreement", "", zone="corridor", actor="A", agreement="deal"),
        fact("P", "2024-07-07", "demand", "remain", zone="crossing", actor="A"),
    ]
    tl = Timeline(facts, within=STRIP, agreements=[g])
    assert tl.position_on(("A", "crossing"), D("2025-02-01")).standing == "in_force"  # type: ignore[union-attr]


# -- positions: age ------------------------------------------------------------------------------


def test_a_position_not_restated_for_a_year_is_aged_and_says_how_old(fact: FactMaker) -> None:
    later = fact("E", "2025-09-01", "event", actor="V")  # the data runs past the age
    tl = Timeline([fact("P", "2024-06-10", "demand", "withdraw", actor="U"), later])
    assert tl.position_on(("U", "z"), D("2025-06-09")).standing == "in_force"  # type: ignore[union-attr]
    p = tl.position_on(("U", "z"), D("2025-08-10"))
    assert p is not None and p.standing == "aged" and p.age_days == 426
    state = tl.state_at(D("2025-08-10"))
    assert state.demands == () and [x.fact for x in state.aged] == ["P"]
    assert [c.type for c in tl.changes_on(D("2025-06-10"))] == ["position_aged"]


def test_past_the_data_nothing_ages_the_last_documented_day_stands(fact: FactMaker) -> None:
    # Past the last dated fact nobody has looked for a restatement: a day after the data shows
    # the last documented situation, and no change (an ageing) is dated after the data's end.
    tl = Timeline(
        [
            fact("P", "2024-06-10", "demand", "withdraw", actor="U"),
            fact("Q", "2024-12-01", "demand", "remain", actor="W"),
            fact("E", "2025-08-01", "event", actor="V"),
        ]
    )
    assert tl.last_date == D("2025-08-01")
    aged = tl.position_on(("U", "z"), D("2027-01-01"))
    assert aged is not None and aged.standing == "aged"
    assert aged.age_days == (D("2025-08-01") - D("2024-06-10")).days
    fresh = tl.position_on(("W", "z"), D("2027-01-01"))  # would have aged on 2025-12-01
    assert fresh is not None and fresh.standing == "in_force" and fresh.age_days == 243
    assert [x.fact for x in tl.state_at(D("2027-01-01")).demands] == ["Q"]
    assert all(d <= tl.last_date for d in tl.position_breakpoints(("W", "z")))
    assert tl.changes_on(D("2025-12-01")) == ()


def test_a_position_says_what_was_asked_in_its_latest_gist(fact: FactMaker) -> None:
    # A restatement may word the ask anew; an 'other' statement kept beside a named position
    # is about something else, so its gist is not the named position's.
    tl = Timeline(
        [
            fact("P", "2024-01-01", "demand", "withdraw", actor="U", gist="leave the corridor"),
            fact("Q", "2024-02-01", "demand", "other", actor="U", gist="talks should resume"),
            fact("R", "2024-03-01", "demand", "withdraw", actor="U", gist="leave the corridor now"),
            fact("S", "2024-04-01", "demand", "withdraw", actor="U"),
        ]
    )
    days = ("2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15")
    gists = [tl.position_on(("U", "z"), D(d)).gist for d in days]  # type: ignore[union-attr]
    first, later = "leave the corridor", "leave the corridor now"
    assert gists == [first, first, later, later]


def test_a_restatement_renews_a_position(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P", "2024-06-10", "demand", "withdraw", actor="U"),
            fact("Q", "2025-05-01", "demand", "withdraw", actor="U"),
        ]
    )
    p = tl.position_on(("U", "z"), D("2025-08-10"))
    assert p is not None and p.standing == "in_force" and p.since == D("2024-06-10")


# -- positions: a met demand -----------------------------------------------------------------------


def test_a_withdrawal_demand_says_when_it_was_met(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("N", "2023-11-05", actor="IDF"),
            fact("H", "2024-08-18", "demand", "withdraw", actor="Hamas"),
            fact("W", "2025-02-09", actor="IDF", status="withdrawn"),
        ]
    )
    assert tl.position_on(("Hamas", "z"), D("2025-02-08")).met is None  # type: ignore[union-attr]
    p = tl.position_on(("Hamas", "z"), D("2025-02-09"))
    assert p is not None and p.met is not None and (p.met.on, p.met.fact) == (D("2025-02-09"), "W")


# -- agreements in force ---------------------------------------------------------------------------


def test_agreements_are_in_force_over_their_periods_only(fact: FactMaker) -> None:
    g = agreement(
        "ama",
        [("2005-11-25", "2007-06-13"), ("2025-02-01", "2025-03-18")],
        [("A", "party", "2005-11-15"), ("B", "party", "2005-11-15"), ("EU", "broker", "2025-01-31")],
        concluded="2005-11-15",
    )
    tl = Timeline(
        [fact("T", "2005-11-15", "agreement", "", zone="crossing", actor="A+B", agreement="ama")],
        agreements=[g],
    )
    assert tl.agreements_on(D("2005-11-24")) == ()
    assert [a.agreement.id for a in tl.agreements_on(D("2005-11-25"))] == ["ama"]
    assert tl.agreements_on(D("2007-06-13")) == ()  # the end is exclusive
    assert tl.agreements_on(D("2010-01-01")) == ()
    first = tl.agreements_on(D("2006-01-01"))[0]
    assert [r.actor for r in first.roles] == ["A", "B"]  # EU's role is dated later
    assert dict(first.terms) == {"crossing": ("T",)}
    assert [r.actor for r in tl.agreements_on(D("2025-02-01"))[0].roles] == ["A", "B", "EU"]
    assert D("2025-03-18") in tl.change_dates and D("2005-11-25") in tl.change_dates
    assert {c.type for c in tl.changes_on(D("2025-03-18"))} == {"agreement_ended"}


# -- changes on a day -------------------------------------------------------------------------------


def test_every_day_names_what_changed_on_it_including_withdrawals(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P", "2023-11-05", zone="corridor"),
            fact("W", "2025-02-09", zone="corridor", status="withdrawn"),
            fact("S", "2025-02-09", "demand", "remain", zone="corridor", actor="B"),
        ],
        within=STRIP,
    )
    changes = {(c.type, c.zone, c.fact) for c in tl.changes_on(D("2025-02-09"))}
    assert ("presence_ended", "corridor", "W") in changes
    assert ("presence_ended", "strip", "W") in changes
    assert ("position_stated", "corridor", "S") in changes
    assert tl.changes_on(D("2025-02-10")) == ()


# -- nothing dated after the day ---------------------------------------------------------------------


def test_a_day_never_sees_a_later_statement_or_end(fact: FactMaker) -> None:
    tl = Timeline(
        [
            fact("P1", "2024-01-01", "demand", "remain", actor="B"),
            fact("P2", "2024-06-01", "demand", "remain", actor="B", end="2024-09-01"),
        ]
    )
    p = tl.position_on(("B", "z"), D("2024-03-01"))
    assert p is not None and p.statements == ("P1",) and p.last_stated == D("2024-01-01")


def test_the_change_index_equals_the_day_by_day_definition(bundle: Bundle) -> None:
    """changes_on looks changes up in an index; on every day from before the data to after it,
    it must say exactly what comparing every key with the day before says."""
    tl = bundle.timeline
    day, last = tl.first_date - timedelta(days=2), tl.last_date + timedelta(days=800)
    seen = 0
    while day <= last:
        assert tl.changes_on(day) == tl._changes_scan(day), day
        seen += bool(tl.changes_on(day))
        day += timedelta(days=1)
    assert seen >= len(tl.change_dates) // 2  # the index is not empty
