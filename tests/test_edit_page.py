"""The weight editor on the page (AppTest): choose a weight or a bias, set it, see it in the run and its log;
switch a neuron off and on, in the run's settings and the link; refuse a value that is no number or too large."""
import numpy as np

from playground.ui.safe import md


def weights(at):
    return at.session_state.page.run.weights()


def test_a_weight_chosen_and_set_is_the_run_s_and_logged(app):
    at = app(timeout=90)
    assert not at.exception
    at.selectbox(key="edit_layer").set_value(0).run()
    at.selectbox(key="edit_from").set_value(0).run()
    at.selectbox(key="edit_to").set_value(1).run()
    before = weights(at)
    assert float(at.text_input(key="edit_value").value) == float(f"{before[0][0][0, 1]:.4g}")
    at.text_input(key="edit_value").set_value("3").run()
    at.button(key="edit_apply").click().run()
    assert not at.exception
    after = weights(at)
    assert after[0][0][0, 1] == 3.0
    after[0][0][0, 1] = before[0][0][0, 1]
    assert all(np.array_equal(a, b) for x, y in zip(after, before) for a, b in zip(x, y))
    line = f"epoch 0: w[1][x1→2] {before[0][0][0, 1]:.2f} → 3.00".replace("-", "−")
    assert any(md(line) in s.value for s in at.success)
    assert any(line in t.value for t in at.text)
    assert at.session_state.page.run.snapshot.edits[-1].new == 3.0


def test_a_bias_is_chosen_by_bias(app):
    at = app(timeout=90)
    at.selectbox(key="edit_layer").set_value(2).run()
    at.selectbox(key="edit_from").set_value(1).run()
    at.selectbox(key="edit_to").set_value("bias").run()
    at.text_input(key="edit_value").set_value("−1.5").run()
    at.button(key="edit_apply").click().run()
    assert not at.exception
    assert weights(at)[1][1][1] == -1.5


def test_a_value_that_is_no_number_or_too_large_says_so_and_changes_nothing(app):
    at = app(timeout=90)
    before = weights(at)
    for text, words in (("three", "is not a number"), ("1e9", "out of range"), ("100.5", "out of range"),
                        ("nan", "is not a number"), ("[x](http://a.b)", "is not a number")):
        at.text_input(key="edit_value").set_value(text).run()
        at.button(key="edit_apply").click().run()
        assert not at.exception
        assert any(words in e.value for e in at.error), text
        assert all(np.array_equal(a, b) for x, y in zip(weights(at), before) for a, b in zip(x, y))
    assert not at.session_state.page.run.snapshot.edits


def test_a_neuron_switched_off_is_in_the_run_s_spec_and_the_link_and_keeps_the_run(app):
    at = app(timeout=90)
    at.button(key="step").click().run()
    run, epoch = at.session_state.page.run, at.session_state.page.run.snapshot.epoch
    at.selectbox(key="edit_layer").set_value(1).run()
    at.selectbox(key="edit_from").set_value(2).run()
    assert at.toggle(key="neuron_off").value is False
    at.toggle(key="neuron_off").set_value(True).run()
    assert not at.exception
    assert at.session_state.page.run is run and run.spec.off == ((1, 3),)
    assert run.snapshot.epoch == epoch
    assert at.query_params["off"] == "1.3"
    at.toggle(key="neuron_off").set_value(False).run()
    assert at.session_state.page.run is run and run.spec.off == ()
    assert "off" not in at.query_params


def test_a_link_with_neurons_off_opens_with_them_off_and_the_toggle_says_so(app):
    at = app(timeout=90, off="1.2")
    assert at.session_state.page.run.spec.off == ((1, 2),)
    at.selectbox(key="edit_layer").set_value(1).run()
    at.selectbox(key="edit_from").set_value(1).run()
    assert at.toggle(key="neuron_off").value is True


def test_a_tampered_off_in_the_link_is_named_and_changes_nothing(app):
    at = app(timeout=90, off="1.2,x")
    assert at.session_state.page.run.spec.off == ()
    assert any("`off`" in w.value for w in at.warning)


def test_the_output_s_bias_is_chosen_and_a_smaller_network_keeps_the_choice_within_it(app):
    at = app(timeout=90)
    at.selectbox(key="edit_layer").set_value(3).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="edit_to").options == ["bias"]
    assert "neuron_off" not in [t.key for t in at.toggle]
    at.slider(key="layers").set_value(1).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="edit_layer").value == 1 and at.session_state.page.run.spec.hidden == (4,)


def test_an_edit_while_playing_is_taken_and_the_run_plays_on(app):
    at = app(timeout=90)
    at.button(key="play").click().run()
    run = at.session_state.page.run
    at.text_input(key="edit_value").set_value("7").run()
    at.button(key="edit_apply").click().run()
    assert not at.exception and not at.error
    assert run.snapshot.mode == "playing" and run.snapshot.edits[-1].new == 7.0
    edited_at = run.snapshot.edits[-1].epoch
    at.button(key="play").click().run()   # Pause
    assert run.snapshot.epoch >= edited_at
    layer, row, column = run.snapshot.edits[-1].layer, run.snapshot.edits[-1].row, run.snapshot.edits[-1].column
    assert abs(run.weights()[layer - 1][0][row, column] - 7.0) < 1.0   # trained on from 7, not from where it was


def test_the_editor_s_messages_are_in_the_page_s_language(app):
    at = app(timeout=90, lang="zh")
    at.text_input(key="edit_value").set_value("abc").run()
    at.button(key="edit_apply").click().run()
    assert any("不是一个数" in e.value for e in at.error)
    at.text_input(key="edit_value").set_value("500").run()
    at.button(key="edit_apply").click().run()
    assert any("超出范围" in e.value for e in at.error)
    at.text_input(key="edit_value").set_value("2").run()
    at.button(key="edit_apply").click().run()
    assert any("第 0 轮" in s.value for s in at.success)
