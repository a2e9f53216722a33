"""Neural Playground: `streamlit run app.py`."""
import streamlit as st

st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")

from playground.ui import main, setup  # noqa: E402  (set_page_config must come first)

setup()
main()
