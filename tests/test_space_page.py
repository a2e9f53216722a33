"""The tool `space` on the page (AppTest): opened by its link, its hidden layer chosen with `space_layer`, the run's
frames carrying the view only while it is shown, a replayed epoch shown in it, and a plain sentence where it cannot
be drawn."""
import base64

from playground import frames


def test_the_link_opens_the_view_of_the_last_hidden_layer_and_space_layer_chooses_another(app, live):
    at = app(tool="space", dataset="spiral", layers="2", width_1="5", width_2="2")
    assert not at.exception
    assert at.segmented_control(key="tool").value == "space"
    chooser = at.selectbox(key="space_layer")
    assert chooser.value == 1 and chooser.options == ["layer 1: 5 neurons, tanh", "layer 2: 2 neurons, tanh"]
    run = at.session_state.page.run
    assert run.space_layer == 1
    part = live(at)["live_space"]
    assert part["view"] == "space" and part["labels"]["name"] == "The data as layer 2 sees it"
    assert len(part["label"]) == len(run.dataset.X_train)  # every training point's class, in the frames' order
    said = " ".join(caption.value for caption in at.caption)
    assert "two neurons" in said and "the dashed line" in said
    chooser.set_value(0).run()
    assert run.space_layer == 0 and live(at)["live_space"]["labels"]["name"] == "The data as layer 1 sees it"
    said = " ".join(caption.value for caption in at.caption)
    assert "principal components" in said and "last hidden layer only" in said
    at.segmented_control(key="tool").set_value("compare").run()
    assert run.space_layer is None and "live_space" not in live(at)  # the frames no longer carry it


def test_a_replayed_epoch_is_shown_in_the_view_too(app, live):
    at = app(tool="space")
    for _ in range(3):
        at.button(key="step").click().run()
    at.slider(key="replay_epoch").set_value(1).run()
    header = frames.unpack(base64.b64decode(live(at)["live_space"]["past"]))[0]
    assert header["epoch"] == 1 and header["space"]["layer"] == 1 and header["space"]["kind"] == "two"
    at.slider(key="replay_epoch").set_value(3).run()  # now: the run's own frames
    assert live(at)["live_space"]["past"] is None


def test_without_a_plane_or_a_hidden_layer_a_sentence_says_why(app, live):
    at = app(tool="space", layers="0")
    assert not at.exception and "live_space" not in live(at)
    assert any("no hidden layer" in info.value for info in at.info)
    assert at.session_state.page.run.space_layer is None
    at = app(tool="space", dataset="digits")
    assert not at.exception and "live_space" not in live(at)
    assert any("2-D data sets" in info.value for info in at.info)


def test_with_several_classes_it_says_what_the_boundary_is_and_draws_none(app, live):
    at = app(tool="space", dataset="blobs", classes="4")
    said = " ".join(caption.value for caption in at.caption)
    assert "With 4 classes" in said and "They are not drawn" in said
    assert len(live(at)["live_space"]["classes"]) == 4 and live(at)["live_space"]["regression"] is False


def test_the_view_is_in_chinese(app, live):
    at = app(tool="space", lang="zh")
    assert at.selectbox(key="space_layer").options[-1] == "第 2 层：2 个神经元，tanh"
    assert live(at)["live_space"]["labels"]["name"] == "第 2 层眼中的数据"
    assert "隐藏层" in " ".join(caption.value for caption in at.caption)
