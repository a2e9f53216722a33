"""The data as a hidden layer sees it (playground/space.py): a layer of two neurons in its own activations, a wider
one in principal components that keep their axes from frame to frame, the share of the variance they show, the
output's boundary in the view's coordinates, and the frames that carry the view only while a page shows it."""
import math

import numpy as np
import pytest

from playground import settings, space
from playground.data import make_dataset
from playground.engines import initial_weights
from playground.frames import FrameMaker, still, unpack
from playground.nn import forward_layers
from playground.space import SpaceView, boundary_line, grid_lines, point_indices, principal_axes
from playground.trainer import RunHandle
from playground.training import TrainingRun
from waits import until


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def spec_for(ds, **changes):
    return settings.network_spec({**settings.defaults(), **changes}, ds)


def activations_of(spec, weights, X, layer):
    return np.asarray(forward_layers(weights[:layer + 1], spec.activations, X, spec.dtype)[-1], np.float64)


def decoded(header, arrays):
    """The view's coordinates (n, 2) from a frame's bytes, as layer_space.js reads them."""
    u0, u1, v0, v1 = header["space"]["bounds"]
    values = arrays["space"].reshape(-1, 2) / 255.0
    return np.column_stack([u0 + values[:, 0] * (u1 - u0), v0 + values[:, 1] * (v1 - v0)])


def test_a_layer_of_two_neurons_is_drawn_at_its_two_activations(circle):
    spec = spec_for(circle, hidden="4,2")
    run = TrainingRun("numpy", spec, circle)
    run.train_epoch()
    weights = run.engine.get_weights()
    header, arrays = unpack(FrameMaker().frame(run, "paused", space_layer=1))
    assert header["space"]["kind"] == "two" and header["space"]["shares"] is None
    n = header["space"]["points"]
    inputs = np.vstack([circle.X_train[point_indices(len(circle.X_train))], grid_lines(circle.grid)])
    expected = activations_of(spec, weights, inputs, 1)
    got = decoded(header, arrays)
    u0, u1, v0, v1 = header["space"]["bounds"]
    assert got.shape == expected.shape and n == len(circle.X_train)
    # A byte a coordinate within the bounds: half a step at most.
    assert np.abs(got[:, 0] - expected[:, 0]).max() <= (u1 - u0) / 510 + 1e-6
    assert np.abs(got[:, 1] - expected[:, 1]).max() <= (v1 - v0) / 510 + 1e-6
    assert len(arrays["space"]) == 2 * (n + 2 * space.LINES * space.LINE_POINTS)


def test_a_neuron_switched_off_sits_at_0_in_the_view(circle):
    spec = spec_for(circle, hidden="4,2", off=("2.1",))
    run = TrainingRun("numpy", spec, circle)
    run.train_epoch()
    header, arrays = unpack(FrameMaker().frame(run, "paused", space_layer=1))
    got = decoded(header, arrays)
    u0, u1, _v0, _v1 = header["space"]["bounds"]
    assert header["space"]["kind"] == "two" and np.abs(got[:, 0]).max() <= (u1 - u0) / 510 + 1e-6
    assert np.ptp(got[:, 1]) > 0.1   # its neighbour still draws the data


def test_the_grid_lines_run_along_the_plane_rows_then_columns(circle):
    lines = grid_lines(circle.grid).reshape(2, space.LINES, space.LINE_POINTS, -1)
    x, y, _inputs = circle.plane_grid
    raw = circle.unscaled(lines.reshape(-1, lines.shape[-1]))[:, :2].reshape(2, space.LINES, space.LINE_POINTS, 2)
    assert np.allclose(raw[0, :, :, 1], raw[0, :, :1, 1], atol=1e-4)  # constant y along a row
    assert np.allclose(raw[1, :, :, 0], raw[1, :, :1, 0], atol=1e-4)  # constant x along a column
    assert math.isclose(raw[0, 0, 0, 1], y[0], abs_tol=1e-4) and math.isclose(raw[0, -1, 0, 1], y[-1], abs_tol=1e-4)


def test_principal_axes_are_matched_in_sign_and_order_to_the_last_frame():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(300, 5)) * [3.0, 2.0, 0.5, 0.2, 0.1]
    mean, basis, shares = principal_axes(A)
    assert np.allclose(np.abs(basis[:, 0]), np.eye(5)[0], atol=0.1)
    _mean, flipped, _shares = principal_axes(A, -basis)
    assert np.allclose(flipped, -basis)
    _mean, swapped, swapped_shares = principal_axes(A, basis[:, ::-1])
    assert np.allclose(swapped, basis[:, ::-1]) and np.allclose(swapped_shares, shares[::-1])


def test_principal_axes_stay_put_between_two_close_weight_sets(circle):
    spec = spec_for(circle, hidden="6")
    weights = initial_weights(spec)
    rng = np.random.default_rng(1)
    close = [(W + rng.normal(scale=1e-3, size=W.shape), b + 1e-3) for W, b in weights]
    view = SpaceView(0)
    first, _ = view.parts(spec, weights, circle)
    basis = view.basis.copy()
    second, _ = view.parts(spec, close, circle)
    assert first["kind"] == second["kind"] == "components"
    assert np.diag(basis.T @ view.basis).min() > 0.99  # the same axes, the same way round
    # A view that did not see the first frame may draw either sign; matched, this one keeps the first frame's.
    X = circle.X_train
    before = (activations_of(spec, weights, X, 0) - activations_of(spec, weights, X, 0).mean(axis=0)) @ basis
    after = (activations_of(spec, close, X, 0) - activations_of(spec, close, X, 0).mean(axis=0)) @ view.basis
    assert np.abs(after - before).max() < 0.05


def test_the_share_of_the_variance_shown_is_the_two_largest_eigenvalues_share(circle):
    spec = spec_for(circle, hidden="5")
    weights = initial_weights(spec)
    header, _ = SpaceView(0).parts(spec, weights, circle)
    A = activations_of(spec, weights, circle.X_train, 0)
    singular = np.linalg.svd(A - A.mean(axis=0), compute_uv=False) ** 2
    shares = header["shares"]
    assert all(0 <= s <= 1 for s in shares) and 0 <= sum(shares) <= 1
    assert shares[0] >= shares[1]
    assert math.isclose(sum(shares), singular[:2].sum() / singular.sum(), abs_tol=1e-3)


@pytest.mark.parametrize("hidden", ["4,2", "2,5", "3,1"])
def test_the_boundary_line_is_where_the_output_is_one_half(circle, hidden):
    spec = spec_for(circle, hidden=hidden)
    run = TrainingRun("numpy", spec, circle)
    for _ in range(5):
        run.train_epoch()
    weights = run.engine.get_weights()
    layer = len(spec.hidden) - 1
    view = SpaceView(layer)
    header, _ = view.parts(spec, weights, circle)
    p, q, r = header["line"]
    A = activations_of(spec, weights, circle.X_train[point_indices(len(circle.X_train))], layer)
    W, b = weights[-1]
    # Points on the line, taken back into the layer's activations, give the output 0.5.
    if header["kind"] == "components":
        mean = A.mean(axis=0)
        on_line = [mean + u * view.basis[:, 0] + (-(p * u + r) / q) * view.basis[:, 1] for u in (-1.0, 0.0, 2.0)]
    elif header["kind"] == "two":
        on_line = [np.array([u, -(p * u + r) / q]) for u in (-0.5, 0.0, 0.5)]
    else:
        assert q == 0
        on_line = [np.array([-r / p])]
    for a in on_line:
        assert math.isclose(1 / (1 + math.exp(-(a @ W[:, 0] + b[0]))), 0.5, abs_tol=1e-4)
    # And each training point's side of the line is the class the network predicts for it.
    points, *_ = view.coordinates(A, A)
    side = p * points[:, 0] + q * points[:, 1] + r > 0
    predicted = forward_layers(weights, (*spec.activations, spec.output_activation), circle.X_train[
        point_indices(len(circle.X_train))], spec.dtype)[-1][:, 0] > 0.5
    assert (side == predicted).mean() > 0.99


def test_the_boundary_line_only_on_the_last_hidden_layer_of_two_classes():
    blobs, plane = make_dataset("blobs"), make_dataset("plane")
    spec = spec_for(blobs, hidden="4,2")
    assert boundary_line(spec, initial_weights(spec), 1, "classification") is None  # three classes: none
    spec = spec_for(plane, hidden="4,2")
    assert boundary_line(spec, initial_weights(spec), 1, "regression") is None
    circle = make_dataset("circle")
    spec = spec_for(circle, hidden="4,2")
    assert boundary_line(spec, initial_weights(spec), 0, "classification") is None
    assert boundary_line(spec, initial_weights(spec), 1, "classification") is not None


def test_a_frame_carries_the_view_only_when_asked_and_a_replayed_epoch_too(circle):
    spec = spec_for(circle)
    run, maker = TrainingRun("numpy", spec, circle), FrameMaker()
    maker.frame(run, "playing")  # the key frame
    plain = maker.frame(run, "playing")
    with_view = maker.frame(run, "playing", space_layer=0)
    assert "space" not in unpack(plain)[0] and "space" in unpack(with_view)[0]
    assert "space" not in unpack(maker.frame(run, "paused"))[0]
    snapshot = run.snapshot()
    assert "space" in unpack(still(spec, snapshot, circle, SpaceView(1)))[0]
    assert "space" not in unpack(still(spec, snapshot, circle))[0]
    header, _ = SpaceView(7).parts(spec, snapshot.weights, circle)  # no such layer: nothing
    assert header is None
    points = len(point_indices(len(circle.X_train)))
    print(f"space view: {len(with_view) - len(plain)} bytes more a frame ({points} points)")


@pytest.mark.parametrize("engine", ["numpy", pytest.param("keras", marks=pytest.mark.slow)])
def test_a_run_shown_in_the_space_view_sends_it_with_every_frame_and_stops_when_told(circle, engine):
    run = RunHandle(engine, spec_for(circle), circle, ("circle", "space"))
    got = []
    run.watch(lambda frame: got.append(None if frame is None else unpack(frame)[0]))
    until(lambda: got, timeout=120)
    run.show_space(1)
    until(lambda: "space" in got[-1])
    run.play()
    until(lambda: sum("space" in h and h["mode"] == "playing" for h in got) > 5, timeout=120)
    assert len({h["space"]["line"][0] for h in got if "space" in h}) > 2  # the view moves as the run trains
    run.show_space(None)
    run.pause()
    until(lambda: got[-1]["mode"] == "paused" and "space" not in got[-1])
    run.close()
