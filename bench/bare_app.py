"""The floor: a bare Streamlit page, measured side by side with the app."""

import streamlit as st

st.title("Bare Streamlit page")
st.write("Nothing else: the cost Streamlit itself sets.")
