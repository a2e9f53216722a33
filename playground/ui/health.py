"""Gradient health, drawn in the live part: each layer's gradient norm and update ratio over time,
a badge when gradients vanish or explode, and the hidden units that are dead or saturated."""
import streamlit as st

from .. import inspect, plots
from .live_chart import live_chart

WINDOW = 20  # the latest epochs the badge looks at, so it does not flicker from one epoch to the next
UNIT_SAMPLE = 2000  # training examples over which dead and saturated units are counted
BADGES = {"healthy": ":green-badge[healthy]", "vanishing": ":orange-badge[vanishing]",
          "exploding": ":red-badge[exploding]"}


def health_view(run, weights):
    st.subheader("Gradient health")
    epochs, norms, ratios = run.health.arrays()
    live_chart(plots.health_figure(epochs, norms, ratios), key="chart_health", height=280)
    kind, sentence = inspect.verdict(norms[-WINDOW:], ratios[-WINDOW:])
    st.markdown(f"{BADGES[kind]} {sentence}")
    st.markdown(units_summary(run, weights))


def units_summary(run, weights):
    """One line per hidden layer: how many of its units are dead (ReLU) or saturated (sigmoid, tanh)."""
    X = run.X_train[:UNIT_SAMPLE]
    layers = inspect.unit_health(weights[:-1], run.spec.activations, X)
    if not layers:
        return "No hidden layers: no hidden units to be dead or saturated."
    parts = []
    for l, layer in enumerate(layers, start=1):
        counts = [f"{layer[kind]} of {layer['units']} {kind}" for kind in ("dead", "saturated")
                  if layer[kind] is not None]
        parts.append(f"layer {l} ({layer['activation']}): {', '.join(counts) or 'cannot be dead or saturated'}")
    return (f"Hidden units over {len(X)} training examples — " + "; ".join(parts) + ". Dead: a ReLU whose z ≤ 0 "
            "for every example, so it never learns again. Saturated: a sigmoid or tanh on its flat part for 90% of "
            "the examples, where f′(z) ≈ 0.")
