"""The tool "the data as a layer sees it": the training points and the plane's grid lines mapped through a hidden
layer (`space_layer`), drawn by the browser (live_view/layer_space.js) from the run's frames, which carry the view
while this tool is open (RunHandle.show_space; the mapping is playground/space.py's)."""
import base64

import streamlit as st

from .. import frames
from ..i18n import _, ngettext, sentences
from ..space import SpaceView, point_indices
from . import live, state
from .channel import PREFIX, token
from .live_view import _CSS
from .safe import labels

# The component's script loads layer_space.js, which adds its view to live.js's and mounts it as live.js mounts the others.
_STUB = """
export default function (component) {
  const {parentElement, data, setTriggerValue} = component;
  let el = parentElement.querySelector("div.live");
  if (!el) {
    el = document.createElement("div");
    el.className = "live";
    parentElement.appendChild(el);
  }
  let cleanup = null, gone = false;
  import(new URL("%s/layer_space.js", window.location.href).href).then((space) => {
    if (!gone) cleanup = space.mount(el, data, setTriggerValue);
  });
  return () => { gone = true; if (cleanup) cleanup(); };
}
""" % PREFIX
_component = st.components.v2.component("playground_space", js=_STUB, css=_CSS)


def why_not(run):
    """The sentence that says why the view cannot be shown for `run`'s data and network, or None if it can."""
    if run.dataset.points_train is None:
        return _("This view maps the points of a data set in the plane through a hidden layer: choose one of the "
                 "2-D data sets in the sidebar.")
    if not run.spec.hidden:
        return _("This network has no hidden layer, so there is no space of its own to show: add a hidden layer in "
                 "the sidebar.")
    return None


def space_section(run):
    """The hidden layer's selector, the view, and what it shows in words."""
    sentence = why_not(run)
    if sentence is not None:
        run.show_space(None)
        st.info(sentence)
        return
    spec, ds = run.spec, run.dataset
    layers = list(range(len(spec.hidden)))
    if st.session_state.get("space_layer") not in layers:
        st.session_state.space_layer = layers[-1]
    layer = st.selectbox(_("Hidden layer"), layers, key="space_layer", format_func=labels(layers, lambda i: ngettext(
        "layer {layer}: {width} neuron, {activation}", "layer {layer}: {width} neurons, {activation}",
        spec.hidden[i]).format(layer=i + 1, width=spec.hidden[i], activation=spec.activations[i])))
    run.show_space(layer)
    targets = ds.y_train[point_indices(len(ds.y_train))]
    regression = ds.task == "regression"
    height = live.PRESENTATION_HEIGHT if st.session_state.presentation else live.HEIGHT
    view, words = st.columns([2, 3], gap="medium")
    with view, st.container(key="chart_space"):
        _component(data={"view": "space", "token": token(run), "run": run.id, "height": height,
                         "past": _replayed(run, layer), "scale": 1.5 if st.session_state.presentation else 1.0,
                         "label": (targets.astype(float).round(4) if regression else targets.astype(int)).tolist(),
                         "regression": regression, "range": list(frames.value_range(ds)),
                         "classes": [live._label(name, 200) for name in ds.class_names] if not regression else [],
                         **live.MARKS, "labels": _words(layer), "table": _table_words()},
                   key="live_space", height="content")
    with words:
        st.caption(explanation(spec, ds, layer))


def _replayed(run, layer):
    """A replayed epoch's frame with the view (base64), when the paused run is replayed (replay.scrub's choice);
    else None. Its principal axes are matched to the last replayed frame's."""
    s, snapshot = st.session_state, run.snapshot
    epoch = s.get("replay_epoch")
    p = state.page_state()
    if snapshot.active or epoch is None or epoch >= snapshot.epoch or p.replay_for != (run.id, snapshot.epoch):
        return None
    past = state.on_run(run.replay_at, epoch)
    if past is None:
        return None
    view = p.space_replayed
    if not isinstance(view, SpaceView) or view.layer != layer:
        view = p.space_replayed = SpaceView(layer)
    return base64.b64encode(frames.still(run.spec, past, run.dataset, view)).decode()


def explanation(spec, ds, layer):
    """What the view shows, in words: its axes, and the output's boundary (or why none is drawn)."""
    width, number = spec.hidden[layer], layer + 1
    if width == 1:
        axes = _("Layer {layer} has one neuron: each training point is drawn at its activation, across, the points of "
                 "each class on a row of their own (for a regression, at the height of their target). The grid lines "
                 "fold onto that one axis and are not drawn.").format(layer=number)
    elif width == 2:
        axes = _("Layer {layer} has two neurons: each training point is drawn at their two activations, neuron 1 across "
                 "and neuron 2 up. The grey lines are the plane's grid lines, bent by the layer.").format(layer=number)
    else:
        axes = _("Layer {layer} has {width} neurons: the view shows its first two principal components, the two "
                 "directions in which its activations of the training points vary most, matched from frame to frame "
                 "so that the picture does not flip. The share of the variance they show is written above it. The grey "
                 "lines are the plane's grid lines, bent by the layer.").format(layer=number, width=width)
    if layer != len(spec.hidden) - 1:
        line = _("The output's boundary is drawn on the last hidden layer only.")
    elif ds.task == "regression":
        line = _("A regression has no class boundary: its output is a weighted sum of this layer's activations.")
    elif spec.n_outputs > 2:
        line = _("With {k} classes the output has a neuron per class; two classes meet where their outputs are equal, "
                 "one straight line per pair of classes in this layer's activations. They are not drawn: the "
                 "decision boundary above shows where each class wins.").format(k=spec.n_outputs)
    else:
        line = _("This is the last hidden layer: the output neuron can only draw a straight line here, the dashed "
                 "line, where its output is 0.5. The two classes come apart only once this layer has moved them to "
                 "either side of a line.")
    return sentences(axes, line)


def _words(layer):
    return {"name": _("The data as layer {layer} sees it").format(layer=layer + 1),
            "neuron": _("neuron {n}"), "component": _("component {n} ({share})"),
            "activation": _("its neuron's activation"), "boundary": _("the output's boundary"),
            "shown": _("{share} of the variance shown"),
            "waiting": _("The view appears with the run's next frame."),
            "alt_two": _("Layer {layer} at epoch {epoch}, in its two activations: {points} training points and the "
                         "plane's grid lines."),
            "alt_components": _("Layer {layer} at epoch {epoch}, in its first two principal components ({share} of the "
                                "variance): {points} training points and the plane's grid lines."),
            "alt_one": _("Layer {layer} at epoch {epoch}, along its one neuron's activation: {points} training points."),
            "alt_line": _("The output's boundary is the line {p}·u + {q}·v + {r} = 0.")}


def _table_words():
    return {**live._table_words(), "caption": _("Each training point where the layer puts it, at epoch {epoch}"),
            "number": _("Training point"), "class": _("Class"), "target": _("Value")}
