"""The panels beside the map, built from the same state as the map: pure, testable, escaped.

Text is returned as Markdown in which every string from the data is escaped, and links are
made only from http(s) addresses, so a hostile value can neither format nor link.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd

from geo.bundle import Bundle
from geo.i18n import t
from geo.report import actor_name, age_words, change_dict, change_words, overtaker_words, state_dict
from geo.style import POSITION_SYMBOLS
from geo.urlstate import View
from geo.zones import SCHEMATIC

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md(text: object) -> str:
    """Escape text for Streamlit Markdown: no formatting, links, HTML or maths survive.

    >>> md("**bold** [x](javascript:alert(1)) $x$ <b>")
    '\\\\*\\\\*bold\\\\*\\\\* \\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\$x\\\\$ \\\\<b\\\\>'
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_link(label: str, url: str | None) -> str:
    r"""A Markdown link if ``url`` is an http(s) address, else the escaped label alone.

    >>> md_link("a [b]", "https://example.org/x_(y)")
    '[a \\[b\\]](https://example.org/x_%28y%29)'
    >>> md_link("x", "javascript:alert(1)")
    'x'
    """
    if not url or not re.match(r"^https?://[^\s<>]+$", url, re.IGNORECASE):
        return md(label)
    safe = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md(label)}]({safe})"


def table_md(frame: pd.DataFrame, *, index: bool = False, links: dict[str, str] | None = None) -> str:
    """A small table as escaped GitHub Markdown: lighter for the page than a data grid.

    ``links`` maps a column to the column holding its URL; that column is then dropped.
    """
    links = links or {}
    shown = [c for c in frame.columns if c not in links.values()]
    head = ([md(frame.index.name or "")] if index else []) + [md(c) for c in shown]
    rows = []
    for key, row in frame.iterrows():
        cells = [md(key)] if index else []
        for c in shown:
            value = "" if pd.isna(row[c]) else str(row[c])
            cells.append(md_link(value, row[links[c]]) if c in links else md(value))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *rows])


def isolate(text: str) -> str:
    """Wrap text in Unicode first-strong isolates, so that Arabic, Hebrew and English names
    side by side keep their order in any paragraph direction."""
    return f"\u2068{text}\u2069"


def names(first: str, *others: str | None) -> str:
    """Escaped names joined by " / ", the others isolated; empty names skipped.

    The first name (in the interface's language) stays unisolated so that it sets the
    direction of a ``dir="auto"`` paragraph.
    """
    return " / ".join([md(first), *(isolate(md(v)) for v in others if v)])


def day(d: str | date | None, lang: str = "en") -> str:
    """A day in words, e.g. ``22 Aug 2024``."""
    if d is None:
        return ""
    value = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{value.day} {t(f'month.{value.month}', lang)} {value.year}"


def _shown(actors: tuple[str, ...] | None, actor: str) -> bool:
    return actors is None or actor in actors


def on_this_date(bundle: Bundle, view: View, lang: str = "en") -> list[str]:
    """Plain, attributed sentences: who holds what, who demands what, what changed, areas."""
    on = view.date
    data = state_dict(bundle, on)
    facts = data["facts"]
    out: list[str] = []
    if data["notice"]:
        out.append("**" + md(data["notice"]) + "**")

    def cite(fid: str) -> str:
        f = facts[fid]
        return t(
            "panel.cite",
            lang,
            fact=md(fid),
            publisher=md(f["source"]["publisher"]),
            confidence=t(f"confidence.{f['confidence']}", lang),
        )

    for zone_id, z in data["zones"].items():
        presence = [p for p in z["presence"] if _shown(view.actors, p["actor"])]
        left = [p for p in z["left"] if _shown(view.actors, p["actor"])]
        demands = [p for p in z["demands"] if _shown(view.actors, p["actor"])]
        aged = [p for p in z["demands_aged"] if _shown(view.actors, p["actor"])]
        overtaken = [p for p in z["demands_overtaken"] if _shown(view.actors, p["actor"])]
        agreements = [a for a in data["agreements"] if a["id"] in z["agreements"]]
        figures = z["reported_figures"]
        if not (presence or demands or figures or left or aged or agreements):
            continue
        lines = [f"**{names(z['name'], z['name_ar'], z['name_he'])}**"]
        if not z["mapped"]:
            lines.append(t("panel.not_mapped", lang))
        elif z["area_km2"] is not None and z["quality"] == SCHEMATIC:
            lines.append(
                t(
                    "panel.area_band",
                    lang,
                    width=f"{z['width_m']:,.0f}",
                    area=f"{z['area_km2']:.1f}",
                    share=f"{z['share_of_strip'] * 100:.1f}%",
                )
            )
        if "presence" in view.overlays:
            if presence:
                for p in presence:
                    note = (
                        ""
                        if p["status"] == "established"
                        else t("panel.status_note", lang, status=t(f"status.{p['status']}", lang))
                    )
                    if p["derived_from"]:
                        note = t(
                            "panel.through",
                            lang,
                            zones=", ".join(md(bundle.zones[x].name) for x in p["derived_from"]),
                        )
                    key = (
                        "panel.present_implied"
                        if p["implied_by"] and not p["derived_from"]
                        else "panel.present"
                    )
                    lines.append(
                        t(
                            key,
                            lang,
                            actor=md(actor_name(bundle, p["actor"])),
                            status=note,
                            since=day(p["present_since"], lang),
                            withdrawn=day(facts[p["fact"]]["date"], lang),
                            cite=cite(p["fact"]),
                        )
                    )
            else:
                lines.append(t("panel.nobody", lang))
            for g in left:
                lines.append(
                    t(
                        "panel.left",
                        lang,
                        actor=md(actor_name(bundle, g["actor"])),
                        on=day(g["on"], lang),
                        cite=cite(g["fact"]),
                    )
                )
        if "demands" in view.overlays:
            for d in demands:
                later = [s for s in d["statements"] if s != d["fact"]]
                lines.append(
                    t(
                        "panel.position",
                        lang,
                        actor=md(actor_name(bundle, d["actor"])),
                        position=t(f"position.{d['position']}", lang),
                        since=day(d["since"], lang),
                        cite=cite(d["fact"]),
                    )
                    + (t("panel.restated", lang, facts=", ".join(md(s) for s in later)) if later else "")
                    + (
                        t("panel.met", lang, on=day(d["met"]["on"], lang), fact=md(d["met"]["fact"]))
                        if d["met"]
                        else ""
                    )
                )
            for d in aged:
                lines.append(
                    t(
                        "panel.aged",
                        lang,
                        actor=md(actor_name(bundle, d["actor"])),
                        position=t(f"position.{d['position']}", lang),
                        last=day(d["last_stated"], lang),
                        age=age_words(d["age_days"]),
                        cite=cite(d["fact"]),
                    )
                )
            for d in overtaken:
                lines.append(
                    t(
                        "panel.overtaken",
                        lang,
                        actor=md(actor_name(bundle, d["actor"])),
                        position=t(f"position.{d['position']}", lang),
                        since=day(d["since"], lang),
                        on=day(d["overtaken_on"], lang),
                        by=md(overtaker_words(bundle, d)),
                    )
                )
        for a in agreements:
            terms = [
                fid
                for zid in (zone_id, *bundle.timeline.ancestors(zone_id))
                for fid in a["terms"].get(zid, [])
            ]
            lines.append(
                t("panel.agreement", lang, name=md(a["name"]), since=day(a["in_force_since"], lang))
                + " "
                + " ".join(f"{md(facts[fid]['summary'])} ({cite(fid)})" for fid in terms)
            )
        for f in figures:
            lines.append(
                t(
                    "panel.figure",
                    lang,
                    counted_by=md(f["counted_by"]),
                    wording=md(f["wording"]),
                    date=day(f["date"], lang),
                    fact=md(f["fact"]),
                )
            )
        out.append("\n".join(f"- {line}" if i else line for i, line in enumerate(lines)))
    if not any(z["presence"] or z["demands"] for z in data["zones"].values()):
        out.append(t("panel.nothing", lang))
    out.extend(_changes(bundle, view, lang))
    if data["events"]:
        out.append(
            t("panel.events", lang)
            + "\n"
            + "\n".join(f"- {md(e['summary'])} ({cite(e['fact'])})" for e in data["events"])
        )
    return out


def _changes(bundle: Bundle, view: View, lang: str) -> list[str]:
    """What changed on the day, or on the latest change before it, in sentences."""
    before, _ = bundle.timeline.neighbours(view.date)
    last = view.date if view.date in bundle.timeline.change_dates else before
    if last is None:
        return []
    lines = [
        md(change_words(bundle, c))
        for c in (change_dict(c) for c in bundle.timeline.changes_on(last))
        if c["actor"] is None or _shown(view.actors, c["actor"])
    ]
    key = "panel.changed_today" if last == view.date else "panel.changed"
    head = t(key, lang, last=day(last, lang))
    if not lines:
        lines = [t("panel.no_change", lang)]
    return [head + "\n" + "\n".join(f"- {line}" for line in lines)]


def positions_table(bundle: Bundle, view: View, lang: str = "en") -> pd.DataFrame:
    """Actor by zone: each party's position that day, with the fact behind it."""
    data = state_dict(bundle, view.date)
    cells: dict[str, dict[str, str]] = {}
    for z in data["zones"].values():
        for d in z["demands"] + z["demands_aged"]:
            if _shown(view.actors, d["actor"]):
                position = d["position"]
                word = t(f"chip.{position}", lang)
                aged = (
                    " " + t("panel.aged_mark", lang, age=age_words(d["age_days"])) if "age_days" in d else ""
                )
                cells.setdefault(actor_name(bundle, d["actor"]), {})[z["name"]] = (
                    f"{POSITION_SYMBOLS.get(position, '')} {word} ({d['fact']}){aged}"
                )
    columns = [z["name"] for z in data["zones"].values() if any(z["name"] in row for row in cells.values())]
    frame = pd.DataFrame.from_dict(cells, orient="index", columns=columns).fillna("")
    frame.index.name = t("panel.party", lang)
    return frame


def presence_table(bundle: Bundle, view: View, lang: str = "en") -> pd.DataFrame:
    """Zone by force: who held what that day."""
    data = state_dict(bundle, view.date)
    rows = [
        {
            t("panel.zone", lang): z["name"],
            t("panel.force", lang): actor_name(bundle, p["actor"]),
            t("panel.status", lang): t(f"status.{p['status']}", lang),
            t("panel.since", lang): p["present_since"],
            t("panel.fact", lang): p["fact"],
            t("panel.confidence", lang): t(f"confidence.{p['confidence']}", lang),
        }
        for z in data["zones"].values()
        for p in z["presence"]
        if _shown(view.actors, p["actor"])
    ]
    return pd.DataFrame(rows)


def sources_table(bundle: Bundle, view: View, lang: str = "en") -> pd.DataFrame:
    """Every fact shown on that day, with its source and a link."""
    data = state_dict(bundle, view.date)
    rows: list[dict[str, Any]] = []
    for fid, f in data["facts"].items():
        if not any(_shown(view.actors, a) for a in f["actors"]):
            continue
        s = f["source"]
        rows.append(
            {
                t("panel.fact", lang): fid,
                t("panel.date", lang): f["date"],
                t("panel.claim", lang): f["summary"],
                t("panel.confidence", lang): t(f"confidence.{f['confidence']}", lang),
                t("panel.publisher", lang): s["publisher"],
                t("panel.title", lang): s["title"],
                t("panel.published", lang): s["published"] or "",
                t("panel.link", lang): s["url"],
            }
        )
    return pd.DataFrame(rows)
