"""Take it away: the run as files (weights, Keras model, Keras code, data, history), and weights back in.

Each download's bytes are made when it is clicked (a callable given to `st.download_button`),
from the run as it is then: nothing is built while the page trains, and the `.keras` file,
the only one that needs TensorFlow, loads it only on that click.
"""
from dataclasses import dataclass

import streamlit as st

from ..data import dataset_to_csv
from ..export import history_csv, keras_code, keras_file, weights_from_npz, weights_npz


@dataclass(frozen=True)
class Download:
    key: str
    label: str
    file_name: str
    mime: str
    make: object     # () -> bytes or text, read from the run under its lock
    help: str


def downloads(run):
    """The files the run can be taken away as."""
    name = run.dataset.name.replace(" ", "_")

    def locked(read):
        def make():
            with run.lock:
                return read()
        return make

    return [
        Download("download_weights", "Weights (.npz)", f"{name}-weights.npz", "application/octet-stream",
                 locked(lambda: weights_npz(run.engine.get_weights())),
                 "Arrays W1, b1, W2, b2, …: numpy.load(file) reads them; upload them here to restore."),
        Download("download_keras", "Keras model (.keras)", f"{name}-model.keras", "application/zip",
                 lambda: keras_file(locked(run.engine.to_keras)()),
                 "This network with its trained weights: keras.saving.load_model(file). Built on click; "
                 "the first time loads TensorFlow (a few seconds)."),
        Download("download_code", "Keras code (.py)", f"{name}-network.py", "text/x-python",
                 locked(lambda: keras_code(run.spec)), "The Python source that builds this network in Keras."),
        Download("download_data", "Data (.csv)", f"{name}.csv", "text/csv", lambda: dataset_to_csv(run.dataset),
                 "The data set as the network sees it: the input features, the label and the split."),
        Download("download_history", "History (.csv)", f"{name}-history.csv", "text/csv",
                 locked(lambda: history_csv(run.history)), "Loss and score per epoch, for training and test."),
    ]


def restore_weights(run, content):
    """Puts the weights in an .npz file's bytes into the run; ValueError, and the run untouched,
    if the file is not weights for this network."""
    weights = weights_from_npz(content)
    with run.lock:
        run.restore(weights)


def _restore():
    """The uploader's callback: restores a newly chosen file and keeps a message for the run."""
    s = st.session_state
    file, run = s.get("weights_file"), s.get("run")
    if file is None or run is None:
        return
    try:
        restore_weights(run, file.getvalue())
    except ValueError as error:
        s.weights_message = (run.id, "error", f"{file.name} was not loaded: {error} The run is unchanged.")
    else:
        s.weights_message = (run.id, "success", f"The weights of {file.name} are in the network now, and the "
                                                "loss and accuracy are measured again.")


def takeaway_section(run):
    """A download button for each file, and the uploader that restores weights."""
    st.subheader("Take it away")
    for column, d in zip(st.columns(5), downloads(run)):
        column.download_button(d.label, d.make, file_name=d.file_name, mime=d.mime, key=d.key, help=d.help,
                               on_click="ignore", width="stretch")
    st.file_uploader("Restore weights from an .npz file", type=["npz"], key="weights_file", on_change=_restore,
                     help="A file of the weights download, for a network of the same layers and neurons.")
    message = st.session_state.get("weights_message")
    if message is not None and message[0] == run.id:
        getattr(st, message[1])(message[2])
