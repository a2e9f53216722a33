"""A sweep's results: a thumbnail per run (its final decision boundary, or confusion matrix, over its
test loss curve) and one chart of the final test figure over the grid of values, the best marked."""
import io

import numpy as np
from PIL import Image, ImageDraw

from ..i18n import _
from ..nn import forward_layers
from .animation import plane_image
from . import colours
from .charts import TEST_COLOR, _axis, _figure

THUMB = 150   # pixels of a thumbnail's picture; its loss curve is a strip under it
CURVE = 40


def thumbnail(result, spec, dataset):
    """PNG bytes: the run's final outputs over the plane with the training points (or its confusion matrix
    on the test set), and its test loss curve under it."""
    if dataset.points_train is not None:
        x, y, grid = dataset.plane_grid
        outputs = forward_layers(result.weights, (*spec.activations, spec.output_activation), grid, spec.dtype)[-1]
        picture = plane_image(x, y, outputs, dataset.points_train, dataset.y_train, dataset.task, dataset.n_classes,
                              THUMB, 2)
    else:
        picture = _confusion_image(result, spec, dataset)
    image = Image.new("RGB", (THUMB, THUMB + CURVE), "white")
    image.paste(picture)
    _curve(ImageDraw.Draw(image), result.history["epoch"], result.history["test_loss"])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _confusion_image(result, spec, dataset):
    outputs = forward_layers(result.weights, (*spec.activations, spec.output_activation), dataset.X_test,
                             spec.dtype)[-1]
    k = max(dataset.n_classes, 2)
    predicted = outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5).astype(int)
    counts = np.bincount(np.asarray(dataset.y_test, int) * k + predicted, minlength=k * k).reshape(k, k)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    blue = np.array([8, 81, 156], np.float32)
    rgb = (255 - (255 - blue) * share[..., None]).astype(np.uint8)
    return Image.fromarray(rgb).resize((THUMB, THUMB), Image.NEAREST)


def _curve(draw, epochs, losses):
    epochs, losses = np.asarray(epochs, float), np.asarray(losses, float)
    keep = np.isfinite(losses)
    if keep.sum() < 2:
        return
    epochs, losses = epochs[keep], losses[keep]
    low, high = losses.min(), losses.max()
    u = 4 + (epochs - epochs[0]) / max(epochs[-1] - epochs[0], 1) * (THUMB - 8)
    v = THUMB + CURVE - 5 - (losses - low) / max(high - low, 1e-12) * (CURVE - 10)
    draw.line(list(zip(u, v)), fill=TEST_COLOR, width=2)


def sweep_figure(plan, results, height=320, names=None):
    """The final test figure of each finished run over the grid: a heatmap for two settings, a line for
    one; the best run marked by its shape, not by colour alone (a dark double frame and a ★ with the word
    "best"), so that every reader finds it. `names` maps a varied setting to its name on the page."""
    higher = plan.dataset.task == "classification"
    figure_name = _("test accuracy") if higher else _("test R²")
    keys = plan.varied
    titles = [(names or {}).get(key, key) for key in keys]
    values = [tuple(dict(plan.variations)[key]) for key in keys]
    shown = [[_text(v) for v in vs] for vs in values]
    scores = {r.index: r.test_score for r in results if np.isfinite(r.test_score)}
    best = max(scores, key=scores.get) if scores else None
    if len(keys) == 1:
        xs = [shown[0][values[0].index(run.varied[keys[0]])] for run in plan.runs]
        ys = [scores.get(run.index, np.nan) for run in plan.runs]
        data = [{"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": figure_name,
                 "line": {"color": colours.POSITIVE, "width": 2.5}, "marker": {"size": 9}}]
        if best is not None:
            data.append({"type": "scatter", "mode": "markers+text", "x": [xs[best]], "y": [ys[best]],
                         "name": _("best"), "text": ["★ " + _("best")], "textposition": "top center",
                         "textfont": {"color": colours.OUTLINE, "size": 13},
                         "marker": {"size": 20, "symbol": "star", "color": colours.BEST,
                                    "line": {"width": 2, "color": colours.OUTLINE}}})
        return _figure(data, height, figure_name, xaxis=_axis(title={"text": titles[0]}, type="category"),
                       yaxis=_axis(title={"text": figure_name}))
    z = np.full((len(values[1]), len(values[0])), np.nan)
    for run in plan.runs:
        z[values[1].index(run.varied[keys[1]]), values[0].index(run.varied[keys[0]])] = scores.get(run.index, np.nan)
    # Each cell's figure; the best one's with a ★ and the word, so it is found by its text as well as its frame.
    text = [["" if not np.isfinite(v) else f"{v:.3f}" for v in row] for row in z]
    layout = {}
    if best is not None:
        run = plan.runs[best]
        i, j = values[1].index(run.varied[keys[1]]), values[0].index(run.varied[keys[0]])
        text[i][j] = "★ " + _("best") + "<br>" + text[i][j]
        cell = {"type": "rect", "xref": "x", "yref": "y", "x0": j - 0.5, "x1": j + 0.5, "y0": i - 0.5, "y1": i + 0.5}
        # A dark frame with a white one inside it: it stands out on the palest cell and on the darkest.
        layout["shapes"] = [{**cell, "line": {"color": colours.OUTLINE, "width": 5}},
                            {**cell, "x0": j - 0.43, "x1": j + 0.43, "y0": i - 0.43, "y1": i + 0.43,
                             "line": {"color": "#ffffff", "width": 2}}]
    data = [{"type": "heatmap", "x": shown[0], "y": shown[1], "z": np.round(z, 3).tolist(),
             "colorscale": colours.SCORE_SCALE, "text": text, "texttemplate": "%{text}", "colorbar": {"thickness": 10},
             "hovertemplate": f"{titles[0]} %{{x}}<br>{titles[1]} %{{y}}<br>" + figure_name
                              + " %{z:.3f}<extra></extra>"}]
    return _figure(data, height, figure_name, xaxis=_axis(title={"text": titles[0]}, type="category"),
                   yaxis=_axis(title={"text": titles[1]}, type="category"), **layout)


def _text(value):
    return f"{value:g}" if isinstance(value, float) else str(value)
