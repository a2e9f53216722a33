"""Step through one example: the forward pass, the loss, the backward pass and the update, with the numbers.

The numbers come from the engine in use (`trace` and `preview_update` of the engine contract),
for a batch of one training example; nothing is changed in the run.
"""
import math

import numpy as np
import streamlit as st

SHOW = 6  # rows and columns shown of a wide vector or matrix

ACTIVATIONS = {
    "linear": "z", "sigmoid": r"\frac{1}{1 + e^{-z}}", "tanh": r"\tanh z", "relu": r"\max(0, z)",
    "leaky_relu": r"\max(0.2z,\ z)", "elu": r"z \text{ if } z > 0 \text{ else } e^{z} - 1",
    "softmax": r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
}
LOSSES = {
    "mse": r"L = \frac{1}{k}\sum_i (\hat y_i - y_i)^2",
    "binary_crossentropy": r"L = -\frac{1}{k}\sum_i \big(y_i \log \hat y_i + (1 - y_i)\log(1 - \hat y_i)\big)",
    "categorical_crossentropy": r"L = -\sum_i y_i \log \hat y_i",
}
UPDATES = {
    "sgd": r"\Delta W = -\alpha\,\frac{\partial L}{\partial W}",
    "momentum": r"v \leftarrow 0.9\,v - \alpha\,\frac{\partial L}{\partial W},\quad \Delta W = v",
    "rmsprop": r"s \leftarrow 0.9\,s + 0.1\,g^2,\quad \Delta W = -\alpha\,\frac{g}{\sqrt{s + \epsilon}}",
    "adam": r"m \leftarrow m + (g - m)(1 - \beta_1),\ v \leftarrow v + (g^2 - v)(1 - \beta_2),\ "
            r"\Delta W = -\alpha\,\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}\,\frac{m}{\sqrt{v} + \epsilon}",
}
CONVENTION = ("Row vectors, as in Keras: an example is a row **a**, W has shape (inputs × neurons), and a layer "
              "computes **z = a·W + b**. Many textbooks write one example as a column, **z = W·a + b** "
              "with W of shape (neurons × inputs): the same numbers, transposed.")


def pick_clicked_point():
    """on_change of the boundary chart: a click on a training point (trace 1) picks that example."""
    click = st.session_state.get("chart_boundary")
    if click and click.get("curve") == 1:
        st.session_state.step_index = int(click["point"])
        st.session_state.step_picked = True


def follow_click():
    """After a click picked a point, the whole page reruns, so this section (outside the live part) shows it."""
    if st.session_state.pop("step_picked", False):
        st.rerun()


def step_through_section(run):
    st.subheader("Step through one example")
    s, n = st.session_state, len(run.X_train)
    if s.get("step_index", 0) >= n:
        s.step_index = 0
    s.setdefault("step_index", 0)
    st.number_input(f"Training example (0 to {n - 1}), or click a training point on the decision boundary",
                    min_value=0, max_value=n - 1, step=1, key="step_index")
    i = int(s.step_index)
    X, Y = run.X_train[i:i + 1], run.Y_train[i:i + 1]
    with run.lock:
        weights, trace, update = run.engine.get_weights(), run.engine.trace(X, Y), run.engine.preview_update(X, Y)
        loss, epoch = run.engine.loss(X, Y), run.epoch
    st.caption(f"Example {i} at epoch {epoch}, computed by the {run.engine_name} engine, as a batch of this one "
               f"example (training averages over batches of {run.spec.batch_size}). The numbers follow the run "
               "when it is paused or stepped. " + CONVENTION)
    forward, loss_tab, backward, step = st.tabs(["Forward pass", "Loss", "Backward pass", "Update"], key="step_tabs")
    with forward:
        _forward(run.spec, trace, weights)
    with loss_tab:
        _loss(run.spec, trace, Y, loss)
    with backward:
        _backward(run.spec, trace)
    with step:
        _update(run.spec, update)


def _forward(spec, trace, weights):
    names = (*spec.activations, spec.output_activation)
    for l, (layer, (W, b), f) in enumerate(zip(trace, weights, names), start=1):
        st.markdown(f"**Layer {l}** ({f}, {layer['a_in'].shape[1]} → {layer['z'].shape[1]}) "
                    + _note(layer["a_in"].shape[1], layer["z"].shape[1]))
        st.latex(rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}}, \qquad a^{{({l})}} = f(z^{{({l})}}),\ "
                 rf"f(z) = {ACTIVATIONS[f]}")
        st.latex(rf"a^{{({l - 1})}} = {_matrix(layer['a_in'])}")
        st.latex(rf"W^{{({l})}} = {_matrix(W)} \qquad b^{{({l})}} = {_matrix(b[None])}")
        st.latex(rf"z^{{({l})}} = {_matrix(layer['z'])} \qquad a^{{({l})}} = {_matrix(layer['a'])}")


def _loss(spec, trace, Y, loss):
    st.latex(LOSSES[spec.loss] + rf",\quad k = {Y.shape[1]} \text{{ outputs}}")
    st.latex(rf"\hat y = a^{{({len(trace)})}} = {_matrix(trace[-1]['a'])} \qquad y = {_matrix(Y)}")
    st.latex(rf"L = {_number(loss)}" + (r"\quad (+\ \text{the penalty on } W)" if spec.l1 or spec.l2 else ""))


def _backward(spec, trace):
    L = len(trace)
    st.latex(rf"\delta^{{(l)}} = \frac{{\partial L}}{{\partial z^{{(l)}}}}:\quad \delta^{{({L})}} = {_output_delta(spec)},"
             rf"\qquad \delta^{{(l)}} = \big(\delta^{{(l+1)}}\, W^{{(l+1)\top}}\big) \odot f'(z^{{(l)}})")
    penalty = r" + \frac{\partial\,\text{penalty}}{\partial W}" if spec.l1 or spec.l2 else ""
    st.latex(rf"\frac{{\partial L}}{{\partial W^{{(l)}}}} = a^{{(l-1)\top}} \delta^{{(l)}}{penalty}, \qquad "
             rf"\frac{{\partial L}}{{\partial b^{{(l)}}}} = \delta^{{(l)}}")
    for l in range(L, 0, -1):
        layer = trace[l - 1]
        st.markdown(f"**Layer {l}** " + _note(layer["dW"].shape[0], layer["dW"].shape[1]))
        st.latex(rf"\delta^{{({l})}} = {_matrix(layer['delta'])}")
        st.latex(rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = {_matrix(layer['dW'])} \qquad "
                 rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = {_matrix(layer['db'][None])}")


def _output_delta(spec):
    """δ at the output: p − y over the outputs from the logits for the fused pairs, the chain rule otherwise."""
    if spec.loss == "categorical_crossentropy":
        return r"\hat y - y"
    if spec.loss == "binary_crossentropy":
        return r"\frac{\hat y - y}{k}"
    return r"\frac{2}{k}(\hat y - y) \odot f'(z^{(L)})"


def _update(spec, update):
    st.latex(UPDATES[spec.optimizer] + rf",\qquad \alpha = {_number(spec.learning_rate)}")
    st.caption(f"What one {spec.optimizer} step on this example alone would add to the weights, from the optimizer's "
               "current state. It is not taken: the run is unchanged.")
    for l, (dW, db) in enumerate(update, start=1):
        st.markdown(f"**Layer {l}** " + _note(dW.shape[0], dW.shape[1]))
        st.latex(rf"\Delta W^{{({l})}} = {_matrix(dW)} \qquad \Delta b^{{({l})}} = {_matrix(db[None])}")


def _note(n_in, n_out):
    """Says which part of a wide layer is shown."""
    parts = [f"the first {SHOW} of {n} {what}" for n, what in ((n_in, "inputs"), (n_out, "neurons")) if n > SHOW]
    return f"— showing {' and '.join(parts)}" if parts else ""


def _matrix(A):
    """A 2-D array as a LaTeX bmatrix, cut to its first SHOW rows and columns, with dots where it is cut."""
    A = np.asarray(A)
    rows = [[_number(v) for v in row[:SHOW]] + ([r"\cdots"] if A.shape[1] > SHOW else []) for row in A[:SHOW]]
    if A.shape[0] > SHOW:
        rows.append([r"\vdots"] * len(rows[0]))
    return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(row) for row in rows) + r"\end{bmatrix}"


def _number(v):
    """Four significant digits; powers of ten as 10^k."""
    v = float(v)
    if not math.isfinite(v):
        return r"\text{" + str(v) + "}"
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\cdot 10^{{{int(exponent)}}}"
    return text
