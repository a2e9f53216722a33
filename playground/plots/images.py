"""The image sets' views: a confusion matrix, and test images with their predicted and true labels.

Like the other live charts, each is a plain figure dict with a fixed height. The images are
one grey PNG that does not change while the network trains, so only the labels move.
"""
import base64
import io

import numpy as np
from PIL import Image

from ..i18n import _
from .charts import text
from .colours import CLASS_COLORS, SYMBOL_GLYPHS, class_color, class_symbol

MISTAKE, CORRECT = "#d62728", "#374151"
# White for none, and already a clear tint for a few, so that mistakes show beside the diagonal.
COUNT_SCALE = [[0.0, "#ffffff"], [0.01, "#deebf7"], [0.1, "#9ecae1"], [1.0, "#08519c"]]


def confusion_figure(y_true, y_pred, class_names, height=380):
    """counts[i, j] = how many test images of class i were predicted as class j."""
    k = len(class_names)
    counts = np.bincount(np.asarray(y_true) * k + np.asarray(y_pred), minlength=k * k).reshape(k, k)
    names = [text(name) for name in class_names]
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    data = [{"type": "heatmap", "z": counts.astype(np.int32), "x": names, "y": names, "colorscale": COUNT_SCALE,
             "showscale": False, "texttemplate": "%{z}", "textfont": {"size": 12},
             "hovertemplate": _("true %{y}, predicted %{x}: %{z} images") + "<extra></extra>"}]
    return {"data": data, "layout": {
        "height": height, "margin": {"l": 50, "r": 10, "t": 40, "b": 45}, "uirevision": "keep",
        "title": {"text": _("Confusion matrix: {accuracy:.1%} of test images right").format(accuracy=accuracy), "x": 0,
                  "font": {"size": 14}},
        "xaxis": {"title": {"text": _("predicted")}, "type": "category", "side": "bottom", "fixedrange": True,
                  **_class_ticks(names)},
        "yaxis": {"title": {"text": _("true")}, "type": "category", "autorange": "reversed", "fixedrange": True,
                  "scaleanchor": "x", "constrain": "domain", **_class_ticks(names)},
        "paper_bgcolor": "white", "plot_bgcolor": "white"}}


def _class_ticks(names):
    """Each class's name after its mark as on the plane (its shape, in its colour), when every class has its own;
    nothing to add when there are more classes than colours."""
    if len(names) > len(CLASS_COLORS):
        return {}
    return {"tickvals": names, "ticktext": [f'<span style="color:{class_color(k)}">{SYMBOL_GLYPHS[class_symbol(k)]}</span> '
                                            f"{name}" for k, name in enumerate(names)]}


def _steps(shape):
    """Pixels from one image's corner to the next: across, and down (room for a label)."""
    h, w = shape
    return w + max(2, round(0.15 * w)), h + round(0.7 * h)


def image_sheet(images, columns):
    """The images (n, h, w) in rows of `columns`, dark ink on white, as a PNG data URI.

    Pixel values are taken as 0 (background) to their maximum (ink)."""
    n, h, w = images.shape
    across, down = _steps((h, w))
    rows = -(-n // columns)
    ink = images / max(float(images.max()), 1e-9)
    sheet = np.ones((rows * down, columns * across))
    for i, image in enumerate(ink):
        r, c = divmod(i, columns)
        sheet[r * down:r * down + h, c * across:c * across + w] = 1 - image
    buffer = io.BytesIO()
    Image.fromarray(np.rint(255 * sheet).astype(np.uint8), "L").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def image_grid_figure(sheet, shape, columns, y_true, y_pred, class_names, height=380):
    """Test images (the `image_sheet` of them) with "predicted / true" under each; mistakes in red, framed."""
    h, w = shape
    across, down = _steps(shape)
    n = len(y_true)
    rows = -(-n // columns)
    annotations, shapes = [], []
    for i, (true, pred) in enumerate(zip(y_true, y_pred)):
        r, c = divmod(i, columns)
        x, y = c * across, r * down
        wrong = true != pred
        annotations.append({"text": f"{text(class_names[pred])} / {text(class_names[true])}", "x": x + w / 2, "y": y + h,
                            "yanchor": "top", "showarrow": False,
                            "font": {"size": 12, "color": MISTAKE if wrong else CORRECT}})
        if wrong:
            shapes.append({"type": "rect", "x0": x - 0.5, "x1": x + w + 0.5, "y0": y - 0.5, "y1": y + h + 0.5,
                           "line": {"color": MISTAKE, "width": 2}})
    mistakes = int(np.sum(np.asarray(y_true) != np.asarray(y_pred)))
    return {"data": [{"type": "image", "source": sheet, "x0": 0.5, "y0": 0.5, "dx": 1, "dy": 1,
                      "hoverinfo": "skip"}],
            "layout": {
                "height": height, "margin": {"l": 5, "r": 5, "t": 40, "b": 5}, "uirevision": "keep",
                "title": {"text": _("{n} test images, predicted / true: {wrong} wrong, framed in red").format(
                              n=n, wrong=mistakes),
                          "x": 0, "font": {"size": 14}},
                "annotations": annotations, "shapes": shapes, "paper_bgcolor": "white", "plot_bgcolor": "white",
                "xaxis": {"visible": False, "fixedrange": True, "range": [-1, columns * across],
                          "constrain": "domain"},
                "yaxis": {"visible": False, "fixedrange": True, "range": [rows * down, -1],
                          "scaleanchor": "x", "constrain": "domain"}}}


def drawn_digit_figure(outputs, class_names, probabilities=True, height=300):
    """The network's output for each class, for a digit drawn on the pad: a bar each, the largest in the colour of
    a correct answer, the others grey. `probabilities`: the outputs are a softmax's (0 to 1, summing to 1)."""
    outputs = np.asarray(outputs, float)
    names = [text(name) for name in class_names]
    best = int(np.argmax(outputs))
    if probabilities:
        title, name, shown, axis = (_("The network's probability for each digit"), _("probability"), "%{y:.0%}",
                                    {"range": [0, 1.15], "tickformat": ".0%"})
    else:
        title, name, shown, axis = _("The network's output for each digit"), _("output"), "%{y:.2f}", {}
    return {"data": [{"type": "bar", "x": names, "y": outputs.round(4), "name": name,
                      "marker": {"color": [CORRECT if k == best else "#b8c0cc" for k in range(len(names))]},
                      "texttemplate": shown, "textposition": "outside", "hovertemplate": "%{x}: %{y:.3f}<extra></extra>"}],
            "layout": {"height": height, "margin": {"l": 45, "r": 10, "t": 40, "b": 40}, "uirevision": "keep",
                       "title": {"text": title, "x": 0, "font": {"size": 14}},
                       "xaxis": {"title": {"text": _("digit")}, "type": "category", "fixedrange": True},
                       "yaxis": {"fixedrange": True, **axis},
                       "paper_bgcolor": "white", "plot_bgcolor": "white"}}
