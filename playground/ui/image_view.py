"""Where a set in the plane has its decision boundary: a confusion matrix and labelled test images.

Data without a plane but with an image shape (digits, MNIST) gets both views; an upload with
other than two features gets the confusion matrix, or for regression a note.
"""
import numpy as np
import streamlit as st

from .. import plots
from ..training import predicted_classes
from .live_chart import live_chart

SHOWN, COLUMNS = 32, 8   # the first 32 test images, 8 to a row


def image_views(run):
    ds = run.dataset
    if ds.task != "classification":
        st.info("This data set does not lie in the (x1, x2) plane, so there is no decision boundary to draw.")
        return
    outputs = run.engine.predict(ds.X_test)
    predicted = predicted_classes(outputs) if np.isfinite(outputs).all() else np.zeros(len(outputs), int)
    live_chart(plots.confusion_figure(ds.y_test, predicted, ds.class_names), key="chart_confusion", height=380)
    if ds.image_shape is not None:
        shown = min(SHOWN, len(ds.y_test))
        live_chart(plots.image_grid_figure(_sheet(run, shown), ds.image_shape, COLUMNS, ds.y_test[:shown],
                                            predicted[:shown], ds.class_names), key="chart_images", height=380)


def _sheet(run, shown):
    """The PNG of the first test images, made once per run."""
    cache, ds = st.session_state.get("image_sheet"), run.dataset
    if cache is None or cache[0] != run.id:
        pixels = ds.X_test[:shown].reshape(shown, *ds.image_shape)
        cache = st.session_state.image_sheet = (run.id, plots.image_sheet(pixels - pixels.min(), COLUMNS))
    return cache[1]
