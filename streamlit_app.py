"""Gaza Corridors Map: a thin Streamlit shell over the `geo` core.

Read the URL once -> mount the map (every date embedded; it changes date in the browser) ->
take the state the map reports -> write the URL -> show the panels for that state.
"""

from __future__ import annotations

import hashlib

import streamlit as st

import geo
from geo import panels, urlstate
from geo.i18n import LOCALE_DIR, t
from geo.mapping import ASSETS, base_html, with_view

st.set_page_config(page_title=t("app.title"), layout="wide")


@st.cache_resource
def load_bundle() -> geo.Bundle:
    return geo.load_bundle()


@st.cache_resource
def base_page() -> str:
    return base_html(load_bundle())


def map_page(view: urlstate.View) -> tuple[str, str]:
    html = with_view(base_page(), view)  # ~1 ms: the page is built once, the view spliced in
    return html, hashlib.sha256(html.encode()).hexdigest()[:16]


MAP = st.components.v2.component("gcm_map", js=(ASSETS / "bridge.js").read_text(encoding="utf-8"))

bundle = load_bundle()
actors = list(bundle.actors)
if "gcm_initial" not in st.session_state:  # seed once: later reruns must not re-read the URL
    view, warnings = urlstate.parse(st.query_params.to_dict(), default_date=bundle.data_as_of, actors=actors)
    st.session_state.gcm_initial, st.session_state.gcm_warnings = view, warnings
initial: urlstate.View = st.session_state.gcm_initial

st.title(t("app.title"))
st.caption(t("app.subtitle"))
for w in st.session_state.gcm_warnings:
    st.warning(t(w.key, value=panels.md(w.value[:80])))
header = st.empty()

map_column, panel_column = st.columns([3, 2], gap="medium")
html, digest = map_page(initial)
with map_column:
    result = MAP(
        data={"html": html, "hash": digest, "title": t("app.map_title"), "height": "78vh"},
        key="gcm_map",
        on_state_change=lambda: None,
    )
    st.caption(t("app.map_hint"))
current = urlstate.from_map(getattr(result, "state", None), fallback=initial, actors=actors)
if st.query_params.to_dict() != current.to_params():
    st.query_params.from_dict(current.to_params())

header.markdown(
    t("app.as_of", date=panels.day(current.date))
    + " · "
    + t("app.data_to", data_as_of=panels.day(bundle.data_as_of), researched=panels.day(bundle.researched))
)
today, positions, sources, about = panel_column.tabs(
    [t("app.tab_today"), t("app.tab_positions"), t("app.tab_sources"), t("app.tab_about")]
)
with today:
    for paragraph in panels.on_this_date(bundle, current):
        st.markdown(paragraph)
# Tables as Markdown, not st.dataframe: the data grid's code is 1.3 MB a reader would load for a
# dozen rows (docs/PERFORMANCE.md).
with positions:
    st.subheader(t("app.presence_heading"))
    held = panels.presence_table(bundle, current)
    if len(held):
        st.markdown(panels.table_md(held))
    else:
        st.info(t("app.no_presence"))
    st.subheader(t("app.positions_heading"))
    table = panels.positions_table(bundle, current)
    if len(table):
        st.markdown(panels.table_md(table, index=True))
    else:
        st.info(t("app.no_positions"))
with sources:
    facts = panels.sources_table(bundle, current)
    if len(facts):
        st.markdown(panels.table_md(facts, links={t("panel.title"): t("panel.link")}))
    else:
        st.info(t("app.no_sources"))
with about:
    st.markdown((LOCALE_DIR / "about.en.md").read_text(encoding="utf-8"))
