"""A plotly chart of the page that is not live (the weights, gradient health, the tools' charts): drawn
by Streamlit's own plotly chart, whose plotly.js the page loads once, and drawn again only when the
page's script runs (the live view draws itself: ui/live_view)."""
import streamlit as st


def chart(figure, key, height):
    """Draws `figure` (a plotly Figure or a dict with "data" and "layout") `height` pixels high, as wide as its
    container; `key` is stable, so the chart keeps its place from one run of the page to the next."""
    if isinstance(figure, dict):
        figure = {**figure, "layout": {**figure.get("layout", {}), "height": int(height)}}
    else:
        figure.update_layout(height=int(height))
    st.plotly_chart(figure, key=key, config={"displayModeBar": False, "responsive": True})
