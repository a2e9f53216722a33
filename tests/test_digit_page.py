"""The drawing pad on the page (AppTest): offered on the image sets only, its keys, the trained tutorial network
naming a drawn 1 and 0 in both engines, a reading that leaves the run as it was, Clear, what the pad may not send,
MNIST's images, and the pad in Chinese."""
import numpy as np
import pytest

from conftest import read_charts, read_live
from playground.data import MNIST_VARIABLE
from playground.ui.controls import forget_data_sets
from test_handwriting import ZERO, on_pad, payload
from waits import run_until

ONE = on_pad(np.ones((48, 7)), 8, 28)  # a stroke down the pad's middle
ZERO_INK = np.kron(ZERO, np.ones((8, 8)))


def draw(at, ink):
    """What the pad does at a stroke's end: its ink comes to the page (the component's trigger, then its callback)."""
    at.session_state.page.draw_digit_payload = payload(ink)
    return at.run()


def reading(at):
    return [m.value for m in at.markdown if "reads" in m.value or "认" in m.value]


def test_the_pad_is_a_tool_of_the_image_sets_only(app):
    at = app()
    assert "Draw a digit" not in at.segmented_control(key="tool").options
    at = app(dataset="digits", tool="digit")
    assert at.segmented_control(key="tool").options[-1] == "Draw a digit"
    pad = read_live(at)["draw_digit"]
    assert pad["cells"] == 64 and pad["labels"]["name"] == "Drawing pad: draw a digit" and "8 × 8" in pad["labels"]["hint"]
    assert at.button(key="draw_digit_clear").label == "Clear" and not at.exception
    assert any("appears here as you draw" in i.value for i in at.info)
    at.selectbox(key="dataset").set_value("circle").run()  # off the image sets the pad goes, and no tool is open
    assert at.session_state.tool is None and "draw_digit" not in read_live(at) and not at.exception


@pytest.mark.parametrize("engine", ["numpy", "keras"])
def test_the_trained_tutorial_network_names_a_drawn_one_and_zero_and_keeps_nothing(app, engine):
    at = app(timeout=180, engine=engine)
    at.button(key="preset_source").click().run()  # the tutorial's network on digits, trained 10 epochs
    run_until(at, lambda at: (at.session_state.page.run is not None and at.session_state.page.run.dataset.name == "digits"
                              and at.session_state.page.run.snapshot.epoch == 10), timeout=120,
              what="the tutorial's network trained on digits")  # a Keras run is built while TensorFlow loads
    at = at.segmented_control(key="tool").set_value("digit").run()
    run = at.session_state.page.run
    assert run.dataset.name == "digits" and run.snapshot.epoch == 10 and run.engine_name == engine
    before = run.weights()
    assert reading(draw(at, ONE)) == [r"**The network reads a 1 \(probability " + reading(at)[0].split("probability ")[1]]
    bars = read_charts(at)["chart_draw_digit"]["data"][0]
    assert bars["x"] == [str(d) for d in range(10)] and np.argmax(bars["y"]) == 1 and abs(sum(bars["y"]) - 1) < 1e-3
    assert "The network reads a 0" in reading(draw(at, ZERO_INK))[0]
    after = run.weights()
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(before, after))
    assert at.session_state.page.run.refresh().epoch == 10 and not at.exception


def test_clear_empties_the_pad_and_the_reading(app):
    at = draw(app(dataset="digits", tool="digit"), ONE)
    assert reading(at) and "chart_draw_digit" in read_charts(at)
    cleared = read_live(at)["draw_digit"]["clear"]
    at.button(key="draw_digit_clear").click().run()
    assert read_live(at)["draw_digit"]["clear"] == cleared + 1 and not reading(at)
    assert any("appears here as you draw" in i.value for i in at.info) and not at.exception


@pytest.mark.parametrize("text, says", [("A" * 100_000, "at most"), ("@@@", "not base64"), ("AAAA", "has 3 pixels")])
def test_what_the_pad_may_not_send_is_refused_and_the_last_drawing_stays(app, text, says):
    at = draw(app(dataset="digits", tool="digit"), ONE)
    shown = reading(at)
    at.session_state.page.draw_digit_payload = text
    at.run()
    assert any(says in e.value for e in at.error) and reading(at) == shown and not at.exception


def test_on_mnist_the_pad_makes_28_by_28_images_for_the_network(tmp_path, monkeypatch, app, mnist_writer):
    mnist_writer(tmp_path / "mnist.npz", n_train=40, n_test=10)
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    forget_data_sets()
    at = draw(app(dataset="mnist", tool="digit"), ZERO_INK)
    assert at.session_state.page.run.spec.n_inputs == 784 and "28 × 28" in read_live(at)["draw_digit"]["labels"]["hint"]
    assert reading(at) and len(read_charts(at)["chart_draw_digit"]["data"][0]["y"]) == 10 and not at.exception
    forget_data_sets()


def test_the_pad_in_chinese(app):
    at = draw(app(dataset="digits", tool="digit", lang="zh"), ONE)
    pad = read_live(at)["draw_digit"]
    assert "数字" in pad["labels"]["name"] and at.button(key="draw_digit_clear").label != "Clear"
    assert reading(at) and "network" not in reading(at)[0] and not at.exception
