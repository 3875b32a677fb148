"""The floor with the app's server fix: the bare page, with TCP_NODELAY on its connections.

Streamlit's server leaves Nagle's algorithm on (see serving.py); the app turns it off for its own
readers, which makes every later request on a kept-alive connection up to 40 ms sooner, the
bare page's own boot included. Measured beside the stock bare page, so the app's own extra cost
stays visible: docs/PERFORMANCE.md."""

import streamlit as st

import serving

serving.no_delay()
st.title("Bare Streamlit page")
st.write("Nothing else: the cost Streamlit itself sets.")
