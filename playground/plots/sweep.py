"""A sweep's results: a thumbnail per run (its final decision boundary, or confusion matrix, over its
test loss curve) and one chart of the final test figure over the grid of values, the best marked."""
import io

import numpy as np
from PIL import Image, ImageDraw

from ..i18n import _
from ..nn import forward_layers
from .animation import plane_image
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


def sweep_figure(plan, results, height=320):
    """The final test figure of each finished run over the grid: a heatmap for two settings, a line for
    one; the best run ringed."""
    higher = plan.dataset.task == "classification"
    figure_name = _("test accuracy") if higher else _("test R²")
    names = plan.varied
    values = [tuple(dict(plan.variations)[name]) for name in names]
    shown = [[_text(v) for v in vs] for vs in values]
    scores = {r.index: r.test_score for r in results if np.isfinite(r.test_score)}
    best = max(scores, key=scores.get) if scores else None
    if len(names) == 1:
        xs = [shown[0][values[0].index(run.varied[names[0]])] for run in plan.runs]
        ys = [scores.get(run.index, np.nan) for run in plan.runs]
        data = [{"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": figure_name,
                 "line": {"color": "#1f6feb", "width": 2.5}, "marker": {"size": 9}}]
        if best is not None:
            data.append({"type": "scatter", "mode": "markers", "x": [xs[best]], "y": [ys[best]], "name": _("best"),
                         "marker": {"size": 18, "symbol": "circle-open", "color": "#e8590c", "line": {"width": 3}}})
        return _figure(data, height, figure_name, xaxis=_axis(title={"text": names[0]}, type="category"),
                       yaxis=_axis(title={"text": figure_name}))
    z = np.full((len(values[1]), len(values[0])), np.nan)
    for run in plan.runs:
        z[values[1].index(run.varied[names[1]]), values[0].index(run.varied[names[0]])] = scores.get(run.index, np.nan)
    data = [{"type": "heatmap", "x": shown[0], "y": shown[1], "z": np.round(z, 3).tolist(), "colorscale": "Blues",
             "texttemplate": "%{z:.3f}", "colorbar": {"thickness": 10},
             "hovertemplate": f"{names[0]} %{{x}}<br>{names[1]} %{{y}}<br>" + figure_name + " %{z:.3f}<extra></extra>"}]
    layout = {}
    if best is not None:
        run = plan.runs[best]
        layout["shapes"] = [{"type": "rect", "xref": "x", "yref": "y", "line": {"color": "#e8590c", "width": 3},
                             "x0": values[0].index(run.varied[names[0]]) - 0.5,
                             "x1": values[0].index(run.varied[names[0]]) + 0.5,
                             "y0": values[1].index(run.varied[names[1]]) - 0.5,
                             "y1": values[1].index(run.varied[names[1]]) + 0.5}]
    return _figure(data, height, figure_name, xaxis=_axis(title={"text": names[0]}, type="category"),
                   yaxis=_axis(title={"text": names[1]}, type="category"), **layout)


def _text(value):
    return f"{value:g}" if isinstance(value, float) else str(value)
