"""The panels: attributed sentences, tables and sources, all from the same state, all escaped."""

from __future__ import annotations

import re
from datetime import date

from geo import panels
from geo.bundle import Bundle
from geo.urlstate import View
from tests.conftest import LayersCopy

AUG_22 = View(date(2024, 8, 22))


def test_on_this_date_answers_the_philadelphi_question(bundle: Bundle) -> None:
    text = "\n".join(panels.on_this_date(bundle, AUG_22))
    assert "Israel Defense Forces \\(IDF\\): present since 29 May 2024 (T018" in text
    assert "Israeli government: Israeli forces should stay (since 30 Dec 2023; T009" in text
    assert "Hamas: Israeli forces should withdraw (since 18 Aug 2024; T024" in text
    assert "Egypt: Israeli forces should withdraw (since 22 Aug 2024; T029" in text
    assert "1.3 km²" in text  # the measured band, with its caveat
    assert "schematic band" in text


def test_changes_since_the_previous_change_are_described(bundle: Bundle) -> None:
    text = "\n".join(panels.on_this_date(bundle, View(date(2025, 2, 9))))
    assert "What changed on 9 Feb 2025" in text
    assert "left Netzarim Corridor" in text and "T048" in text
    later = "\n".join(panels.on_this_date(bundle, View(date(2025, 2, 20))))
    assert "latest change before this date, 9 Feb 2025" in later


def test_actor_filter_hides_other_parties(bundle: Bundle) -> None:
    text = "\n".join(panels.on_this_date(bundle, View(date(2024, 8, 22), actors=("Egypt",))))
    assert "Egypt: Israeli forces should withdraw" in text and "Hamas:" not in text


def test_overlays_off_leave_out_their_sentences(bundle: Bundle) -> None:
    text = "\n".join(panels.on_this_date(bundle, View(date(2024, 8, 22), overlays=("demands",))))
    assert "present since" not in text and "should withdraw" in text


def test_dates_outside_the_data_say_so(bundle: Bundle) -> None:
    assert "Later events are not shown" in panels.on_this_date(bundle, View(date(2030, 1, 1)))[0]
    assert "Nothing is documented" in panels.on_this_date(bundle, View(date(1990, 1, 1)))[0]


def test_positions_table_is_actor_by_zone(bundle: Bundle) -> None:
    table = panels.positions_table(bundle, AUG_22)
    phil = "Philadelphi Corridor (Salah al-Din axis)"
    assert table.loc["Egypt", phil] == "↩ leave (T029)"
    assert table.loc["Israeli government", phil] == "■ stay (T009)"
    assert table.loc["Israeli government", "Netzarim Corridor"] == "◉ monitoring (T022)"


def test_presence_and_sources_tables(bundle: Bundle) -> None:
    held = panels.presence_table(bundle, AUG_22)
    assert {("Philadelphi Corridor (Salah al-Din axis)", "Israel Defense Forces (IDF)")} <= set(
        zip(held["Zone"], held["Force"], strict=True)
    )
    sources = panels.sources_table(bundle, AUG_22)
    row = sources.set_index("Fact").loc["T018"]
    assert row["Publisher"] == "Israel Defense Forces" and row["Link"].startswith("https://")
    assert "T054" not in set(sources["Fact"])  # a fact not in force that day is not listed


def test_markdown_escaping_defuses_hostile_data(layers_copy: LayersCopy) -> None:
    import geo

    layers_copy.edit_row(
        "actors.csv", "id", "Egypt", name="**Egypt** [click](javascript:alert(1)) <img src=x>"
    )
    layers_copy.edit_row("sources.csv", "id", "S004", publisher="$\\evil$ `code`")
    bundle = geo.load_bundle(layers_copy.root)
    text = "\n".join(panels.on_this_date(bundle, AUG_22))
    assert "**Egypt**" not in text and "](javascript" not in text
    assert re.search(r"(?<!\\)<", text) is None  # every "<" is escaped
    assert "\\*\\*Egypt\\*\\*" in text and "\\$" in text and "\\`code\\`" in text


def test_names_keep_their_order_in_any_direction() -> None:
    assert panels.names("Gaza Strip", "قطاع غزة", None, "רצועת עזה") == (
        "Gaza Strip / \u2068قطاع غزة\u2069 / \u2068רצועת עזה\u2069"
    )


def test_tables_render_as_escaped_markdown(bundle: Bundle) -> None:
    table = panels.table_md(panels.positions_table(bundle, AUG_22), index=True)
    lines = table.splitlines()
    assert lines[0].startswith("| Party | Gaza Strip |") and lines[1].startswith("|---|")
    assert "| Egypt |" in table and "↩ leave \\(T029\\)" in table
    sources = panels.table_md(panels.sources_table(bundle, AUG_22), links={"Title": "Link"})
    assert "| Link |" not in sources.splitlines()[0]
    assert "[Press Briefing by IDF Spokesperson RAdm\\. Daniel Hagari" in sources


def test_md_link_only_links_http() -> None:
    assert panels.md_link("x", "https://example.org/a_(b)") == "[x](https://example.org/a_%28b%29)"
    assert panels.md_link("x", "javascript:alert(1)") == "x"
    assert panels.md_link("a]b", None) == "a\\]b"
