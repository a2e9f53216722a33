"""Demo for the browser test: four charts redrawn about 3 times a second.

LIVE_CHART_MODE=plotly_chart draws them with st.plotly_chart instead of live_chart,
to measure the difference (st.plotly_chart remounts, so its charts blink).
"""
import os
import sys

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from playground.ui.live_chart import install_plotly_js, live_chart  # noqa: E402

install_plotly_js()

MODE = os.environ.get("LIVE_CHART_MODE", "live_chart")
HEIGHT = 260
GRID = np.linspace(-1, 1, 100, dtype=np.float32)
rng = np.random.default_rng(0)
POINTS = rng.uniform(-1, 1, (200, 2)).astype(np.float32)
LABELS = (POINTS[:, 0] * POINTS[:, 1] > 0).astype(int)


def layout(title, **kw):
    return dict(title=title, height=HEIGHT, margin=dict(l=40, r=10, t=30, b=30), showlegend=False, **kw)


def figures(t):
    steps = np.arange(t + 1)
    loss = (np.exp(-steps / 30) + 0.05 * rng.random(t + 1)).astype(np.float32)
    acc = (1 - 0.5 * np.exp(-steps / 40)).astype(np.float32)
    xx, yy = np.meshgrid(GRID, GRID)
    z = np.tanh(3 * np.sin(0.1 * t) * xx * yy + 0.5 * xx).astype(np.float32).round(3)
    counts, edges = np.histogram(rng.normal(0, 1 + 0.01 * t, 500), bins=30, range=(-4, 4))
    return [
        go.Figure(go.Scatter(x=steps, y=loss, mode="lines"), layout("loss")),
        go.Figure(
            [go.Heatmap(x=GRID, y=GRID, z=z, zmin=-1, zmax=1, colorscale="RdBu", showscale=False),
             go.Scatter(x=POINTS[:, 0], y=POINTS[:, 1], mode="markers",
                        marker=dict(color=LABELS, colorscale=[[0, "orange"], [1, "blue"]], size=6))],
            layout("decision boundary", xaxis=dict(range=[-1, 1]), yaxis=dict(range=[-1, 1])),
        ),
        go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts), layout("weights", yaxis=dict(range=[0, 120]))),
        go.Figure(go.Scatter(x=steps, y=acc, mode="lines"), layout("accuracy", yaxis=dict(range=[0, 1]))),
    ]


@st.fragment(run_every=0.3)
def live():
    t = st.session_state.tick = st.session_state.get("tick", 0) + 1
    cols = st.columns(2) + st.columns(2)
    for i, (col, fig) in enumerate(zip(cols, figures(t))):
        with col:
            if MODE == "plotly_chart":
                st.plotly_chart(fig, key=f"chart{i}", config={"displayModeBar": False})
            else:
                click = live_chart(fig, key=f"chart{i}", height=HEIGHT, events=("click",) if i == 1 else ())
                if click:
                    st.caption(f"clicked {click}")


st.title("live charts")
st.caption(MODE)
live()
