"""Step through one example: the forward pass, the loss, the backward pass and the update, with the numbers.

The numbers come from the engine in use (`trace` and `preview_update` of the engine contract),
for a batch of one training example; nothing is changed in the run.
"""
import math

import numpy as np
import streamlit as st

from ..export import input_scaling
from ..i18n import N_, _, sentences
from ..nn import INITIALIZERS, OPTIMIZERS, get_activation, get_loss, targets
from ..nn.initializers import OUTPUT_GAIN
from . import state
from .live_view import clicked

SHOW = 6  # rows and columns shown of a wide vector or matrix

CONVENTION = N_("Row vectors, as in Keras: an example is a row **a**, W has shape (inputs × neurons), and a layer "
                "computes **z = a·W + b**. Many textbooks (the tutorial too) write one example as a column, "
                "**z = W·a + b** with W of shape (neurons × inputs): the same numbers, transposed.")


def formulas(spec):
    """The formulas shown for `spec`, in LaTeX, read from the registries: "activations" (f(z) of each
    layer, the output layer's last), "init" (how the weights were drawn), "loss" (L), "output_delta"
    (δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾) and "update"."""
    loss = get_loss(spec.loss)
    return {"activations": [get_activation(f).formula for f in (*spec.activations, spec.output_activation)],
            "init": INITIALIZERS[spec.initializer].formula,
            "loss": loss.formula, "output_delta": loss.output_delta(spec.output_activation),
            "update": OPTIMIZERS[spec.optimizer].formula}


def pick_clicked_point():
    """on_change of the boundary chart: a click on a training point picks that example (its customdata)
    and opens the step-through tool on it."""
    click = clicked()
    if click and click.get("meta") == "train" and isinstance(click.get("customdata"), int):
        st.session_state.step_index = click["customdata"]
        state.page_state().step_picked = True
        st.session_state.tool = "step"


def follow_click():
    """After a click picked a point, the whole page reruns, so this section (outside the live part) shows it."""
    if state.page_state().take("step_picked"):
        st.rerun()


def step_through_section(run):
    # Its key: a click on a training point scrolls this container into view once it shows that example (live.js).
    with st.container(key="step_through"):
        _section(run)


def _section(run):
    st.subheader(_("Step through one example"))
    s, ds, n = st.session_state, run.dataset, len(run.dataset.X_train)
    if s.get("step_index", 0) >= n:
        s.step_index = 0
    s.setdefault("step_index", 0)
    st.number_input(_("Training example (0 to {last}), or click a training point on the decision boundary")
                    .format(last=n - 1), min_value=0, max_value=n - 1, step=1, key="step_index")
    i = int(s.step_index)
    traced = state.on_run(run.trace, i)
    if traced is None:
        return
    weights, trace, update, loss, epoch = traced
    Y = targets(ds.y_train[i:i + 1], ds.task, run.spec.n_outputs)
    st.caption(sentences(_("Example {example} at epoch {epoch}, computed by the {engine} engine, as a batch of this one "
                           "example (training averages over batches of {batch}). The numbers follow the run when it "
                           "is paused or stepped.").format(example=i, epoch=epoch, engine=run.engine_name,
                                                           batch=run.spec.batch_size), _(CONVENTION)))
    forward, loss_tab, backward, step = st.tabs([_("Forward pass"), _("Loss"), _("Backward pass"), _("Update")],
                                                key="step_tabs")
    with forward:
        _scaling(ds, trace[0]["a_in"])
        _forward(run.spec, trace, weights)
    with loss_tab:
        _loss(run.spec, trace, Y, loss)
    with backward:
        _backward(run.spec, trace)
    with step:
        _update(run.spec, update)


def _scaling(ds, a0):
    """The first step: the example's features x scaled as in training, x → (x − μ)/σ, with its numbers."""
    scaling = input_scaling(ds.scaler)
    if scaling is None:
        return
    kind, shift, divide = scaling
    if kind == "standard":
        st.markdown(_("**The inputs**, standardized as in training: μ and σ are each feature's mean and standard "
                      "deviation over the training data, so every input has mean 0 and variance 1."))
        shift_name, divide_name, formula = r"\mu", r"\sigma", r"\frac{x - \mu}{\sigma}"
    else:
        st.markdown(_("**The inputs**, scaled as in training: each feature's range over the training data, from its "
                      "minimum m to m + r, is mapped onto 0 to 1."))
        shift_name, divide_name, formula = "m", "r", r"\frac{x - m}{r}"
    _formulas(rf"x \mapsto a^{{(0)}} = {formula}", rf"x = {_matrix(ds.unscaled(a0))}",
              rf"{shift_name} = {_matrix(shift[None])}", rf"{divide_name} = {_matrix(divide[None])}",
              rf"a^{{(0)}} = {_matrix(a0)}")


def _forward(spec, trace, weights):
    names, shown = (*spec.activations, spec.output_activation), formulas(spec)["activations"]
    st.markdown(_("The weights started as ${formula}$ ({initializer}), the output layer's at {gain} times that "
                  "(so the untrained network starts near a guess), the biases at 0.").format(
        formula=formulas(spec)["init"], initializer=spec.initializer, gain=OUTPUT_GAIN))
    for l, (layer, (W, b), f, formula) in enumerate(zip(trace, weights, names, shown), start=1):
        st.markdown(_("**Layer {layer}** ({activation}, {inputs} → {neurons})").format(
            layer=l, activation=f, inputs=layer["a_in"].shape[1], neurons=layer["z"].shape[1])
            + _note(layer["a_in"].shape[1], layer["z"].shape[1]))
        _formulas(rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}}", rf"a^{{({l})}} = f(z^{{({l})}})",
                  rf"f(z) = {formula}")
        _formulas(rf"a^{{({l - 1})}} = {_matrix(layer['a_in'])}")
        _formulas(rf"W^{{({l})}} = {_matrix(W)}", rf"b^{{({l})}} = {_matrix(b[None])}")
        _formulas(rf"z^{{({l})}} = {_matrix(layer['z'])}", rf"a^{{({l})}} = {_matrix(layer['a'])}")


def _loss(spec, trace, Y, loss):
    outputs = _("outputs")
    _formulas(formulas(spec)["loss"], rf"k = {Y.shape[1]} \text{{ {outputs}}}")
    _formulas(rf"\hat y = a^{{({len(trace)})}} = {_matrix(trace[-1]['a'])}", rf"y = {_matrix(Y)}")
    before, _w, after = _("the penalty on {W}").partition("{W}")  # the words around the formula's W
    penalty = rf"\quad (+\ \text{{{before}}} W \text{{{after}}})" if spec.l1 or spec.l2 else ""
    _formulas(rf"L = {_number(loss)}" + penalty)


def _backward(spec, trace):
    L, delta = len(trace), formulas(spec)["output_delta"]
    _formulas(rf"\delta^{{(l)}} = \frac{{\partial L}}{{\partial z^{{(l)}}}}", rf"\delta^{{({L})}} = {delta}",
              rf"\delta^{{(l)}} = \big(\delta^{{(l+1)}}\, W^{{(l+1)\top}}\big) \odot f'(z^{{(l)}})")
    penalty = r" + \frac{\partial\,\text{" + _("penalty") + r"}}{\partial W}" if spec.l1 or spec.l2 else ""
    _formulas(rf"\frac{{\partial L}}{{\partial W^{{(l)}}}} = a^{{(l-1)\top}} \delta^{{(l)}}{penalty}",
              rf"\frac{{\partial L}}{{\partial b^{{(l)}}}} = \delta^{{(l)}}")
    for l in range(L, 0, -1):
        layer = trace[l - 1]
        st.markdown(_("**Layer {layer}**").format(layer=l) + _note(layer["dW"].shape[0], layer["dW"].shape[1]))
        _formulas(rf"\delta^{{({l})}} = {_matrix(layer['delta'])}")
        _formulas(rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = {_matrix(layer['dW'])}",
                  rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = {_matrix(layer['db'][None])}")


def _update(spec, update):
    _formulas(formulas(spec)["update"], rf"\alpha = {_number(spec.learning_rate)}")
    st.caption(_("What one {optimizer} step on this example alone would add to the weights, from the optimizer's "
                 "current state. It is not taken: the run is unchanged.").format(optimizer=spec.optimizer))
    if any(spec.dropout_rates) or spec.clip_norm:
        st.caption(_("As in training, this step drops the outputs its dropout mask drops and clips the gradient to "
                     "the norm set, if any; the forward and backward passes above use the whole network."))
    for l, (dW, db) in enumerate(update, start=1):
        st.markdown(_("**Layer {layer}**").format(layer=l) + _note(dW.shape[0], dW.shape[1]))
        _formulas(rf"\Delta W^{{({l})}} = {_matrix(dW)}", rf"\Delta b^{{({l})}} = {_matrix(db[None])}")


def _formulas(*parts):
    """Formulas side by side, each whole, centred in a row that wraps where they do not fit the column: none is cut
    at its edge (one wider than the column alone scrolls inside it)."""
    with st.container(horizontal=True, horizontal_alignment="center", vertical_alignment="center", gap="medium"):
        for part in parts:
            st.latex(part, width="content")


def _note(n_in, n_out):
    """Says which part of a wide layer is shown."""
    parts = []
    if n_in > SHOW:
        parts.append(_("the first {shown} of {n} inputs").format(shown=SHOW, n=n_in))
    if n_out > SHOW:
        parts.append(_("the first {shown} of {n} neurons").format(shown=SHOW, n=n_out))
    return " " + _("— showing {parts}").format(parts=_(" and ").join(parts)) if parts else ""


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
