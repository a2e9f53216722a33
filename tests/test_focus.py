"""One neuron on the plane: the selector `focus_neuron` (a click on a neuron of the network view chooses it
too, in the browser: test_focus_browser.py), what the live view's parts are given, and a replayed epoch's
picture of the focused neuron."""
import base64

import numpy as np

from playground import frames
from playground.spec import NetworkSpec
from playground.ui.channel import FOCUS
from playground.ui.live import clicked_focus


def test_the_selector_offers_the_output_then_every_hidden_neuron_and_the_plane_shows_the_chosen(app, live):
    at = app()
    chooser = at.selectbox(key="focus_neuron")
    assert chooser.options == ["The network's output"] + [f"layer 1, neuron {n}: tanh" for n in range(1, 5)] + [
        f"layer 2, neuron {n}: tanh" for n in range(1, 3)]
    parts = live(at)
    assert chooser.value == "output" and parts["live_boundary"]["focus"] is None and parts["live_network"]["focus"] is None
    chooser.select_index(6).run()
    parts = live(at)
    assert at.selectbox(key="focus_neuron").value == (1, 1) and not at.exception
    assert parts["live_boundary"]["focus"] == [1, 1] and parts["live_network"]["focus"] == [1, 1]
    assert parts["live_boundary"]["labels"]["focus_name"] == "layer {layer}, neuron {neuron}: {activation}"
    at.selectbox(key="focus_neuron").select_index(0).run()
    assert live(at)["live_boundary"]["focus"] is None


def test_a_click_on_a_neuron_keeps_it_and_one_on_the_output_or_esc_goes_back():
    spec = NetworkSpec(hidden=(4, 2))
    assert clicked_focus({"focus": {"neuron": [0, 2], "time": 1}}, spec) == (0, 2)
    assert clicked_focus({"focus": {"neuron": None, "time": 2}}, spec) == "output"
    for wrong in ([5, 0], [1, 2], [0, -1]):  # no such neuron: nothing changes
        assert clicked_focus({"focus": {"neuron": wrong, "time": 3}}, spec) is None
    assert clicked_focus(None, spec) == "output"


def test_a_replayed_epoch_shows_the_focused_neurons_picture_of_that_epoch(app, live):
    at = app()
    for _ in range(3):
        at.button(key="step").click().run()
    at.selectbox(key="focus_neuron").select_index(2).run()
    at.slider(key="replay_epoch").set_value(1).run()
    header, arrays = frames.unpack(base64.b64decode(live(at)["live_boundary"]["past"]))
    assert header["epoch"] == 1 and (header["focus"]["layer"], header["focus"]["neuron"]) == (0, 1)
    assert len(arrays["focus"]) == frames.BOUNDARY ** 2 and not at.exception


def test_a_neuron_of_a_network_made_smaller_gives_way_to_the_output(app, live):
    at = app(layers="2", width_2="3")
    at.selectbox(key="focus_neuron").select_index(7).run()
    assert at.selectbox(key="focus_neuron").value == (1, 2)
    at.slider(key="layers").set_value(1).run()
    assert at.selectbox(key="focus_neuron").value == "output" and not at.exception
    assert live(at)["live_boundary"]["focus"] is None
    assert len(at.selectbox(key="focus_neuron").options) == 5


def test_without_a_hidden_layer_there_is_only_the_output_to_show(app):
    at = app(layers="0")
    chooser = at.selectbox(key="focus_neuron")
    assert chooser.options == ["The network's output"] and chooser.disabled and not at.exception


def test_a_data_set_not_in_the_plane_says_so_and_offers_no_neuron(app):
    at = app(dataset="digits", layers="1", width_1="16")
    assert not [s for s in at.selectbox if s.key == "focus_neuron"] and not at.exception
    words = " ".join(c.value for c in at.caption)
    assert "needs a data set in the plane" in words


def test_the_focused_neuron_follows_the_language(app):
    at = app(lang="zh")
    assert "层" in at.selectbox(key="focus_neuron").options[1] and not at.exception
    assert np.all([o != "The network's output" for o in at.selectbox(key="focus_neuron").options])


def test_the_channel_takes_a_hidden_neuron_or_none_and_nothing_else():
    assert all(FOCUS.fullmatch(text) for text in ("focus", "focus 0 0", "focus 2 127"))
    assert not any(FOCUS.fullmatch(text) for text in ("focus 1", "focus -1 2", "focus 1 2 3", "focus a b", "focus "))
