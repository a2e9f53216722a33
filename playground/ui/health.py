"""Gradient health, drawn in the live part: each layer's gradient norm and update ratio over time,
a badge when gradients vanish or explode, and the hidden units that are dead or saturated."""
import streamlit as st

from .. import inspect, plots
from ..i18n import N_, _
from .chart import chart

BADGES = {"healthy": (":green-badge[{}]", N_("healthy")), "vanishing": (":orange-badge[{}]", N_("vanishing")),
          "exploding": (":red-badge[{}]", N_("exploding")), "saturated": (":orange-badge[{}]", N_("saturated"))}


def health_view(run):
    health = run.snapshot.health
    chart(plots.health_figure(health["epochs"], health["norms"], health["ratios"]), key="chart_health",
               height=300)
    kind, sentence = inspect.describe(*health["diagnosis"])
    badge, word = BADGES[kind]
    st.markdown(badge.format(_(word)) + " " + sentence)  # a badge, then its sentence
    st.markdown(units_summary(health["units"], health["unit_sample"]))


def units_summary(layers, examples):
    """One line per hidden layer: how many of its units are dead (ReLU) or saturated (sigmoid, tanh)."""
    if not layers:
        return _("No hidden layers: no hidden units to be dead or saturated.")
    parts = []
    for l, layer in enumerate(layers, start=1):
        counts = []
        if layer["dead"] is not None:
            counts.append(_("{count} of {units} dead").format(count=layer["dead"], units=layer["units"]))
        if layer["saturated"] is not None:
            counts.append(_("{count} of {units} saturated").format(count=layer["saturated"], units=layer["units"]))
        if layer.get("off"):
            counts.append(_("{count} switched off").format(count=layer["off"]))
        parts.append(_("layer {layer} ({activation}): {counts}").format(
            layer=l, activation=layer["activation"], counts=_(", ").join(counts) or _("cannot be dead or saturated")))
    return _("Hidden units over {examples} training examples — {layers}. Dead: a ReLU whose z ≤ 0 for every "
             "example, so it never learns again. Saturated: a sigmoid or tanh on its flat part for 90% of the "
             "examples, where f′(z) ≈ 0.").format(examples=examples, layers=_("; ").join(parts))
