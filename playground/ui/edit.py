"""The weight editor: one weight or bias set by hand, and a hidden neuron switched off or on.

A unit of the network is chosen by its column (`edit_layer`: 0 the inputs, then each layer, the output last)
and its place in that column (`edit_from`); `edit_to` says which of its numbers: the weight of its link to a
neuron of the next column, or "bias", its own bias. A click on a link or a neuron of the network view chooses
them too (`pick`). The run takes the new value at once (`RunHandle.edit`), paused or playing, and keeps its
other weights and its optimizer's state.
"""
import streamlit as st

from .. import settings
from ..i18n import N_, _
from ..spec import MAX_EDIT
from . import state
from .safe import guarded, labels, md

BIAS = "bias"
VALUE_LENGTH = 24   # characters of a typed value ("-0.000123456789", "1e-05")
# What Apply may say, kept as templates until the editor is drawn: a callback runs before the page knows its language.
NOT_A_NUMBER = N_("“{text}” is not a number: type one such as 0.5, −2 or 1e-3. Nothing was changed.")
OUT_OF_RANGE = N_("{value} is out of range: a weight or bias must lie between −{most} and {most}. Nothing was changed.")
TOO_MANY_OFF = N_("No more neurons can be switched off: switch one on first.")


def column_name(spec, column):
    last = len(spec.sizes) - 1
    return _("inputs") if column == 0 else _("output") if column == last else _("layer {layer}").format(layer=column)


def unit_name(features, column, unit):
    """An input's feature name (user text, shown as text), or a neuron's number from 1."""
    if column == 0:
        return str(features[unit]) if unit < len(features) else f"x{unit + 1}"
    return _("neuron {neuron}").format(neuron=unit + 1)


def targets(spec, column):
    """What of the unit can be set: its links to the next column's neurons (their indices), and its bias."""
    last = len(spec.sizes) - 1
    links = list(range(spec.sizes[column + 1])) if column < last else []
    return links + [BIAS] * (column > 0)


def place(column, unit, to):
    """(Dense layer from 1, row or None for a bias, column) of the number chosen."""
    return (column, None, unit) if to == BIAS else (column + 1, unit, to)


def weight_name(features, layer, row, column):
    """w[1][x1→2] for layer 1's weight from input x1 to neuron 2; b[2][3] for layer 2's neuron 3's bias."""
    if row is None:
        return f"b[{layer}][{column + 1}]"
    source = (str(features[row]) if row < len(features) else f"x{row + 1}") if layer == 1 else str(row + 1)
    return f"w[{layer}][{source}→{column + 1}]"


def value_of(weights, layer, row, column):
    W, b = weights[layer - 1]
    return float(b[column] if row is None else W[row, column])


def _fit(spec):
    """Keeps the choice among the options this network has (a smaller network, a new data set)."""
    s = st.session_state
    if s.get("edit_layer") not in range(len(spec.sizes)):
        s.edit_layer = 1 if spec.hidden else 0
    if s.get("edit_from") not in range(spec.sizes[s.edit_layer]):
        s.edit_from = 0
    if s.get("edit_to") not in targets(spec, s.edit_layer):
        s.edit_to = targets(spec, s.edit_layer)[0]


@guarded(N_("the weight editor"))
def _show_value():
    """The value box shows the chosen number as it is now."""
    s = st.session_state
    run = state.page_state().run
    _fit(run.spec)
    s.edit_value = f"{value_of(run.snapshot.weights, *place(s.edit_layer, s.edit_from, s.edit_to)):.4g}"


@guarded(N_("the weight editor"))
def on_pick():
    """on_change of the network view: a click on a link chooses its weight, on a neuron its bias (on an input,
    its first link)."""
    value = st.session_state.get("live_network")
    pick = value.get("pick") if hasattr(value, "get") else None
    if not isinstance(pick, dict):
        return
    spec, s = state.page_state().run.spec, st.session_state
    column, unit, to = pick.get("layer"), pick.get("from"), pick.get("to")
    if not all(type(n) is int for n in (column, unit)) or (to is not None and type(to) is not int):
        return   # the browser sends whole numbers; anything else is not a click
    if column not in range(len(spec.sizes)) or unit not in range(spec.sizes[column]):
        return
    to = BIAS if to is None and column > 0 else 0 if to is None else to
    if to not in targets(spec, column):
        return
    s.edit_layer, s.edit_from, s.edit_to = column, unit, to
    _show_value()


def chosen():
    """What the network view marks as chosen: [column, unit, neuron of the next column or None for the bias]."""
    s = st.session_state
    if "edit_layer" not in s:
        return None
    return [s.edit_layer, s.edit_from, None if s.edit_to == BIAS else s.edit_to]


def parse_value(text):
    """The typed value as a float, or None if it is not a number written in digits (a minus sign may be −)."""
    text = str(text).strip().replace("−", "-")
    if len(text) > VALUE_LENGTH or not settings.DECIMAL.fullmatch(text):
        return None
    return float(text)


@guarded(N_("the weight editor"))
def _apply():
    s, p = st.session_state, state.page_state()
    run = p.run
    _fit(run.spec)
    value = parse_value(s.edit_value)
    if value is None:
        p.edit_message = ("error", NOT_A_NUMBER, {"text": str(s.edit_value)[:VALUE_LENGTH]})
        return
    if abs(value) > MAX_EDIT:
        p.edit_message = ("error", OUT_OF_RANGE, {"value": signed(f"{value:g}"), "most": f"{MAX_EDIT:g}"})
        return
    layer, row, column = place(s.edit_layer, s.edit_from, s.edit_to)
    snapshot = state.on_run(run.edit, layer, row, column, value)
    if snapshot is not None and snapshot.edits:
        p.edit_message = ("success", None, {})


def edit_line(features, edit):
    """epoch 120: w[1][x1→2] 0.42 → 3.00"""
    return _("epoch {epoch}: {weight} {old} → {new}").format(
        epoch=edit.epoch, weight=weight_name(features, edit.layer, edit.row, edit.column),
        old=signed(f"{edit.old:.2f}"), new=signed(f"{edit.new:.2f}"))


def signed(number):
    """A number as the page writes it, with a minus sign rather than a hyphen."""
    return number.replace("-", "−")


def neuron_key(column, unit):
    return f"{column}.{unit + 1}"


@guarded(N_("the weight editor"))
def _switch():
    """on_change of `neuron_off`: the chosen hidden neuron joins or leaves the setting `off` (and the link)."""
    s = st.session_state
    name = neuron_key(s.edit_layer, s.edit_from)
    off = set(s.get("off", ())) - {name}
    if s.neuron_off:
        off.add(name)
    try:
        s.off = settings.neurons(",".join(off))
    except ValueError:   # more than a link can carry
        s.neuron_off = False
        state.page_state().edit_message = ("error", TOO_MANY_OFF, {})


def editor(run):
    """The editor below the live view: the chosen unit and number, its value now, the value to set, Apply; for a
    hidden neuron the switch; the run's edits so far."""
    s, spec, features = st.session_state, run.spec, list(run.dataset.feature_names)
    _fit(spec)
    if "edit_value" not in s:
        _show_value()
    last = len(spec.sizes) - 1
    with st.container(key="weight_editor", border=True):
        st.markdown("**" + _("Edit a weight or a bias") + "**")
        row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
        columns = list(range(len(spec.sizes)))
        with row:
            st.selectbox(_("Layer"), columns, key="edit_layer", on_change=_show_value,
                         format_func=labels(columns, lambda c: column_name(spec, c)))
            units = list(range(spec.sizes[s.edit_layer]))
            st.selectbox(_("From"), units, key="edit_from", on_change=_show_value,
                         format_func=labels(units, lambda u: unit_name(features, s.edit_layer, u)))
            options = targets(spec, s.edit_layer)
            st.selectbox(_("To"), options, key="edit_to", on_change=_show_value,
                         format_func=labels(options, lambda t: _("bias") if t == BIAS
                                            else unit_name(features, s.edit_layer + 1, t)))
            st.text_input(_("Value"), key="edit_value", max_chars=VALUE_LENGTH,
                          help=_("A number from −{most} to {most}.").format(most=f"{MAX_EDIT:g}"))
            st.button(_("Apply"), key="edit_apply", on_click=_apply)
        where = place(s.edit_layer, s.edit_from, s.edit_to)
        st.caption(_("{weight} is {value} at epoch {epoch}.").format(
            weight=md(weight_name(features, *where)), value=signed(f"{value_of(run.snapshot.weights, *where):.4f}"),
            epoch=run.snapshot.epoch))
        if 0 < s.edit_layer < last:
            s.neuron_off = neuron_key(s.edit_layer, s.edit_from) in s.get("off", ())
            st.toggle(_("Switch this neuron off"), key="neuron_off", on_change=_switch,
                      help=_("Its output is held at 0 and its weights stop learning until it is switched on again."))
        message = state.page_state().take("edit_message")
        if message is not None and message[0] == "error":
            st.error(md(_(message[1]).format(**message[2]), 400))
        elif message is not None and run.snapshot.edits:
            st.success(md(edit_line(features, run.snapshot.edits[-1]), 400))
        if run.snapshot.edits:
            st.caption(_("Edits so far"))
            st.text("\n".join(edit_line(features, edit) for edit in run.snapshot.edits[-8:]))
