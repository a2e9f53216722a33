"""Take it away: the run as files (weights, Keras model, Keras code, NumPy code, data, history), and weights back in.

Each download's bytes are made when it is clicked (a callable given to `st.download_button`),
from the run as it is then: nothing is built while the page trains, and the `.keras` file,
the only one that needs TensorFlow, loads it only on that click. The data's file, the same for
every run on that data, is made once and kept for the last two data sets.
"""
import logging
import re
from dataclasses import dataclass

import streamlit as st

from ..data import Dataset, dataset_to_csv
from ..export import history_csv, keras_code, weights_from_npz, weights_npz
from ..export_numpy import numpy_code
from .. import i18n
from ..i18n import N_, _
from ..trainer import RunFailed, RunLost
from . import replay
from .safe import md
from .state import page_state

log = logging.getLogger("playground.page")


@dataclass(frozen=True)
class Download:
    key: str
    label: str
    file_name: str
    mime: str
    make: object     # () -> bytes or text, asked of the run when clicked
    help: str
    job: str = None  # the run's command that makes it, if it may take seconds: the button waits while it is under way


def downloads(run):
    """The files the run can be taken away as."""
    name = file_stem(run.dataset.name)
    return [
        Download("download_weights", _("Weights (.npz)"), f"{name}-weights.npz", "application/octet-stream",
                 lambda: weights_npz(run.weights(), run.dataset.scaler),
                 _("Arrays W1, b1, W2, b2, … and the inputs' scaling (input_mean and input_std when standardized): "
                   "numpy.load(file) reads them; upload them here to restore.")),
        Download("download_keras", _("Keras model (.keras)"), f"{name}-model.keras", "application/zip",
                 run.keras_file,
                 _("This network with its trained weights, its inputs scaled as in training: keras.saving.load_model(file). "
                   "Built on click; the first time loads TensorFlow (a few seconds)."), "keras_file"),
        Download("download_code", _("Keras code (.py)"), f"{name}-network.py", "text/x-python",
                 lambda: keras_code(run.spec, run.dataset.scaler),
                 _("The Python source that builds this network in Keras, its inputs scaled as in training.")),
        Download("download_numpy", _("NumPy code (.py)"), f"{name}-numpy.py", "text/x-python",
                 lambda: numpy_code(run.spec, run.weights(), run.dataset),
                 _("A standalone Python file that needs only NumPy: the trained weights, the input features and "
                   "scaling, and predict(X), the forward pass layer by layer.")),
        Download("download_data", _("Data (.csv)"), f"{name}.csv", "text/csv", lambda: data_file(run.dataset),
                 _("The data set as the network sees it: the input features, the label and the split.")),
        Download("download_history", _("History (.csv)"), f"{name}-history.csv", "text/csv",
                 lambda: history_csv(*run.history_table()),
                 _("Loss and score per epoch, for training and test (a long run keeps fewer of its older epochs: "
                   "the column thinned says where).")),
    ] + ([] if run.dataset.points_train is None else [
        Download("export_gif", _("Animation (.gif)"), f"{name}-boundary.gif", "image/gif", lambda: replay.animation(run),
                 _("The decision boundary over the run, with its epoch and loss: up to 100 frames, for slides."),
                 "replay_frames")])


def data_file(dataset):
    """The data download's bytes, made once per data set: writing a 100,000 × 100 upload takes seconds of the
    server's time, which each click took again."""
    return _data_file(dataset)[1]


@st.cache_resource(max_entries=2, show_spinner=False, hash_funcs={Dataset: id})
def _data_file(dataset):
    # The entry holds the data set too, so that no other object can take its id while the entry is kept.
    return dataset, dataset_to_csv(dataset).encode("utf-8")


def file_stem(name):
    """A data set's name as the start of a file name: letters, digits, dots and dashes only."""
    return re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._")[:60] or "data"


def _made(make):
    """A download's maker whose failure is a sentence (the browser shows it), its traceback in the log.
    The maker runs on click, outside the page's run: its sentences are translated now."""
    unavailable = _("The run is not available: start it again, then download.")
    failed = _("This file could not be made; the run is unchanged.")
    language = i18n.language()  # for the words in the file itself (the animation's captions)

    def made():
        i18n.set_language(language)
        try:
            return make()
        except (RunLost, RunFailed):
            raise RuntimeError(unavailable) from None
        except Exception:
            log.exception("A download failed")
            raise RuntimeError(failed) from None
    return made


def restore_weights(run, content):
    """Puts the weights in an .npz file's bytes into the run; ValueError, and the run untouched,
    if the file is not weights for this network."""
    run.restore(weights_from_npz(content))


def _restore():
    """The uploader's callback: restores a newly chosen file and keeps a message for the run."""
    s = page_state()
    file, run = st.session_state.get("weights_file"), s.run
    if file is None or run is None:
        return
    # The message is said when the page is drawn, in its reader's language: kept here as (kind, text, reason).
    try:
        restore_weights(run, file.getvalue())
    except ValueError as error:
        s.weights_message = (run.id, "error", N_("{file} was not loaded: {reason} The run is unchanged."), str(error))
    except (RunLost, RunFailed):
        s.weights_message = (run.id, "error", N_("{file} was not loaded: the run is not available. Start it again."),
                             "")
    except Exception:
        log.exception("Restoring weights from %r failed", file.name)
        s.weights_message = (run.id, "error", N_("{file} was not loaded: something went wrong reading it. The run "
                                                 "is unchanged."), "")
    else:
        s.weights_message = (run.id, "success", N_("The weights of {file} are in the network now, and the loss and "
                                                   "accuracy are measured again."), "")
    s.weights_message += (file.name,)


def takeaway_section(run):
    """A download button for each file, and the uploader that restores weights."""
    st.subheader(_("Take it away"))
    if page_state().weights_for != run.id:  # a new network: the last file was for another
        st.session_state.pop("weights_file", None)
        page_state().weights_for = run.id
    with st.container(horizontal=True):
        for d in downloads(run):
            st.download_button(d.label, _made(d.make), file_name=d.file_name, mime=d.mime, key=d.key, help=d.help,
                               on_click="ignore", disabled=d.job is not None and run.pending(d.job))
    st.file_uploader(_("Restore weights from an .npz file"), type=["npz"], key="weights_file", on_change=_restore,
                     help=_("A file of the weights download, for a network of the same layers and neurons."))
    message = page_state().weights_message
    if message is not None and message[0] == run.id:
        _run, kind, text, reason, name = message
        getattr(st, kind)(_(text).format(file=md(name), reason=md(reason, limit=600)))
