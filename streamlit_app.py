"""Gaza Corridors Map: a thin Streamlit shell over the `geo` core.

The page the reader sees (map, date controls, the text of the day, sources) is one
self-contained client page, drawn in the browser from every date's state embedded once.
Python hosts it and keeps the URL: read the URL once -> mount the page -> take the state it
reports -> write the URL. Nothing else is rendered, so nothing delays the map.
"""

from __future__ import annotations

import hashlib

import streamlit as st

import geo
from geo import urlstate
from geo.i18n import t
from geo.mapping import ASSETS, base_html, with_view

st.set_page_config(page_title=t("app.title"), layout="wide")


@st.cache_resource
def load_bundle() -> geo.Bundle:
    return geo.load_bundle()


@st.cache_resource
def base_page() -> str:
    return base_html(load_bundle())


def map_page(view: urlstate.View, warnings: tuple[str, ...]) -> tuple[str, str]:
    html = with_view(base_page(), view, warnings)  # ~1 ms: the page is built once, the view spliced in
    return html, hashlib.sha256(html.encode()).hexdigest()[:16]


MAP = st.components.v2.component("gcm_map", js=(ASSETS / "bridge.js").read_text(encoding="utf-8"))

bundle = load_bundle()
actors = list(bundle.actors)
if "gcm_initial" not in st.session_state:  # seed once: later reruns must not re-read the URL
    view, problems = urlstate.parse(st.query_params.to_dict(), default_date=bundle.data_as_of, actors=actors)
    st.session_state.gcm_initial = view
    # Plain text for the page, which shows it as text (never as Markdown or HTML).
    st.session_state.gcm_warnings = tuple(t(w.key, value=w.value[:80]) for w in problems)
initial: urlstate.View = st.session_state.gcm_initial

html, digest = map_page(initial, st.session_state.gcm_warnings)
result = MAP(
    data={"html": html, "hash": digest, "title": t("app.map_title")},
    key="gcm_map",
    on_state_change=lambda: None,
)
current = urlstate.from_map(getattr(result, "state", None), fallback=initial, actors=actors)
if st.query_params.to_dict() != current.to_params():
    st.query_params.from_dict(current.to_params())
