"""Where a set in the plane has its decision boundary: a confusion matrix and labelled test images.

Data without a plane but with an image shape (digits, MNIST) gets both views; an upload with
other than two features gets the confusion matrix, or for regression a note.
"""
import streamlit as st

from .. import plots
from ..i18n import _
from .chart import chart
from .state import page_state

SHOWN, COLUMNS = 32, 8   # the first 32 test images, 8 to a row


def confusion_view(run, snapshot, height):
    """The confusion matrix of the test examples, where a set in the plane has its decision boundary."""
    ds = run.dataset
    if ds.task != "classification":
        st.info(_("This data set does not lie in the (x1, x2) plane, so there is no decision boundary to draw."))
        return
    chart(plots.confusion_figure(ds.y_test, snapshot.predicted, ds.class_names, height),
               key="chart_confusion", height=height)


def image_grid_view(run, snapshot):
    """The first test images with their predicted and true labels (image sets only)."""
    ds = run.dataset
    if ds.image_shape is None or ds.task != "classification":
        return
    shown = min(SHOWN, len(ds.y_test))
    chart(plots.image_grid_figure(_sheet(run, shown), ds.image_shape, COLUMNS, ds.y_test[:shown],
                                       snapshot.predicted[:shown], ds.class_names), key="chart_images", height=380)


def _sheet(run, shown):
    """The PNG of the first test images, made once per run."""
    cache, ds = page_state().image_sheet, run.dataset
    if cache is None or cache[0] != run.id:
        pixels = ds.X_test[:shown].reshape(shown, *ds.image_shape)
        cache = page_state().image_sheet = (run.id, plots.image_sheet(pixels - pixels.min(), COLUMNS))
    return cache[1]
