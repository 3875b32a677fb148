"""Gaza Corridors Map: a thin Streamlit shell over the `geo` core."""

from __future__ import annotations

from datetime import date

import streamlit as st

import geo
from geo import report


@st.cache_resource
def load() -> geo.Bundle:
    return geo.load_bundle()


bundle = load()
st.title("Gaza Corridors Map")
day = st.date_input("As of", value=date(2024, 8, 22), min_value=date(2005, 1, 1), max_value=date(2030, 12, 31))
st.text(report.state_text(bundle, day))
