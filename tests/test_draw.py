"""Drawing a data set: the split rule, the link's text, the data set of the drawn points, and the page
(AppTest): the draw mode, Clear, a drawing brought by a link, and a drawing that changes under a run
that keeps its weights."""
import json

import numpy as np
import pytest

from conftest import read_live
from playground.data import drawn, make_dataset


def boundary_events(at):
    """What a click on the plane does: ["plane"] (a point drawn there) or ["click"] (a training point picked)."""
    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json)
        if data["view"] == "boundary":
            return ["plane"] if data["drawing"] else ["click"]
    raise AssertionError("no decision boundary on the page")


def two_clusters(n=20):
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(-3, 0.5, (n // 2, 2)), rng.normal(3, 0.5, (n // 2, 2))]).astype(np.float32)
    return points, np.repeat([0, 1], n // 2)


def test_a_point_is_added_up_to_the_limit_and_the_nearest_one_erased():
    points, labels = np.array([[0, 0], [1, 1]], np.float32), np.array([0, 1])
    more, their = drawn.add_point(points, labels, (2.0, -1.0), 1)
    assert more.tolist() == [[0, 0], [1, 1], [2, -1]] and their.tolist() == [0, 1, 1] and their.dtype == labels.dtype
    fewer, left = drawn.erase_nearest(more, their, (0.9, 1.2))
    assert fewer.tolist() == [[0, 0], [2, -1]] and left.tolist() == [0, 1]
    assert drawn.erase_nearest(*drawn.cleared(labels), (0, 0))[0].shape == (0, 2)
    full = np.zeros((drawn.MAX_POINTS, 2), np.float32), np.zeros(drawn.MAX_POINTS, int)
    assert len(drawn.add_point(*full, (1.0, 1.0), 1)[0]) == drawn.MAX_POINTS
    assert drawn.digest(more, their) != drawn.digest(fewer, left) == drawn.digest(fewer.copy(), left.copy())


def test_every_fourth_point_drawn_is_a_test_point():
    train, test = drawn.split(10)
    assert list(test) == [3, 7] and list(train) == [0, 1, 2, 4, 5, 6, 8, 9]


def test_three_hundred_points_travel_in_a_short_link_and_come_back_within_a_step():
    rng = np.random.default_rng(1)
    points = rng.uniform(-6, 6, (300, 2)).astype(np.float32)
    labels = rng.integers(0, 2, 300)
    text = drawn.encode(points, labels, "classification")
    assert len(text) < 2000 and text.isascii()
    back, back_labels = drawn.decode(text, "classification", 2)
    assert np.abs(back - points).max() <= 12 / 255 / 2 + 1e-6 and (back_labels == labels).all()
    values = rng.uniform(-1, 1, 300)
    _points, back_values = drawn.decode(drawn.encode(points, values, "regression"), "regression", 1)
    assert np.abs(back_values - values).max() <= 2 / 255 / 2 + 1e-6


@pytest.mark.parametrize("text", ["", "%%%", "abc", "A" * 9000, "eJwDAAAAAAE", "١٢٣"])
def test_a_tampered_drawing_is_refused_with_a_value_error(text):
    with pytest.raises(ValueError):
        drawn.decode(text, "classification", 2)


def test_a_drawing_of_a_class_the_set_lacks_is_refused():
    points, labels = two_clusters()
    with pytest.raises(ValueError, match="class"):
        drawn.decode(drawn.encode(points, labels + 1, "classification"), "classification", 2)


def test_the_drawn_set_computes_its_features_from_the_points():
    points, labels = two_clusters()
    ds = drawn.drawn_dataset(points, labels, "classification", ["a", "b"], ("x1", "x1^2", "sin(x2)"))
    train, _test = drawn.split(len(points))
    assert ds.X_train.shape == (15, 3) and ds.X_test.shape == (5, 3)
    raw = np.column_stack([points[train, 0], points[train, 0] ** 2, np.sin(points[train, 1])])
    assert np.allclose(ds.X_train, (raw - raw.mean(axis=0)) / raw.std(axis=0), atol=1e-5)  # standardized
    assert ds.scale == "standard" and np.allclose(ds.transform(points[train]), ds.X_train)
    with pytest.raises(ValueError, match="at least"):
        drawn.drawn_dataset(points[:3], labels[:3], "classification", ["a", "b"], ("x1", "x2"))


def test_clicks_pick_points_until_a_draw_mode_is_chosen_then_they_draw(app):
    at = app()
    assert at.session_state.draw_mode == "off" and boundary_events(at) == ["click"]
    circle = make_dataset("circle")
    at.segmented_control(key="draw_mode").set_value("draw").run()
    n = len(circle.y_train) + len(circle.y_test)
    assert boundary_events(at) == ["plane"] and len(at.session_state.page.draw_points) == n
    assert any(f"Your drawing: {n} points" in c.value for c in at.caption)
    assert at.query_params.get("drawn") and not at.exception
    at.button(key="draw_clear").click().run()
    assert len(at.session_state.page.draw_points) == 0
    assert any("cannot be trained on yet" in w.value for w in at.sidebar.warning) and not at.exception
    # The plane empties at once (the last run's boundary stays), and nothing above it comes to move it.
    plane = read_live(at)["live_boundary"]
    assert plane["train"]["x"] == [] and plane["test"]["x"] == []
    assert not at.main.warning and any("Draw at least 4 points" in c.value for c in at.caption)


def test_a_drawings_test_points_are_on_the_plane_marked_as_test_points(app):
    points, labels = two_clusters()
    at = app(drawn=drawn.encode(points, labels, "classification"))
    at.segmented_control(key="draw_mode").set_value("draw").run()
    plane = read_live(at)["live_boundary"]
    assert len(plane["train"]["x"]) == 15 and len(plane["test"]["x"]) == 5 and plane["show_test"]
    assert not at.checkbox(key="show_test").value


def test_a_drawing_in_the_link_is_trained_on_and_a_new_point_keeps_the_weights(app):
    points, labels = two_clusters()
    at = app(drawn=drawn.encode(points, labels, "classification"))
    run = at.session_state.page.run
    assert run.dataset.name == "drawn" and len(run.dataset.y_train) == 15 and len(run.dataset.y_test) == 5
    for _ in range(3):
        at.button(key="step").click().run()
    before = [w.copy() for w, _b in at.session_state.page.run.snapshot.weights]
    at.session_state.page.draw_points = np.vstack([at.session_state.page.draw_points, [[-3.0, 3.0]]]).astype(np.float32)
    at.session_state.page.draw_labels = np.append(at.session_state.page.draw_labels, 0)
    at.run()
    after = at.session_state.page.run
    assert len(after.dataset.y_train) + len(after.dataset.y_test) == 21 and after.snapshot.epoch == 3
    assert all(np.array_equal(a, b) for a, (b, _b) in zip(before, after.snapshot.weights))
    at.button(key="step").click().run()
    assert at.session_state.page.run.snapshot.epoch == 4 and not at.exception
