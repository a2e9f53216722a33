"""Export to Keras: a network as a keras.Model holding its weights, or as the Python source
a student would write for it.

Keras is imported only inside these functions, so importing this module loads no TensorFlow.

Also the files a run can be taken away as: weights (.npz), history (CSV), a saved .keras model.
"""
import csv
import io
import os
import tempfile
import zipfile

import numpy as np

from .engines.keras_support import CLASSIFICATION_LOSSES, KERAS_OPTIMIZERS

MAX_WEIGHT_VALUES = 10_000_000   # far more than the largest network the page builds


def keras_code(spec):
    """The Python source of `build_neural_network()`, which returns this network as a compiled
    keras.Sequential. Running the source builds the model; it loads no data and trains nothing."""
    options = "".join([
        f', kernel_initializer="{spec.initializer}"' if spec.initializer != "glorot_uniform" else "",
        ", kernel_regularizer=penalty" if spec.l1 or spec.l2 else "",
        f', dtype="{spec.dtype}"' if spec.dtype != "float32" else "",
    ])
    penalty = (f"    penalty = keras.regularizers.L1L2(l1={spec.l1!r}, l2={spec.l2!r})  # on every layer's weights\n"
               if spec.l1 or spec.l2 else "")
    layers = [f'        keras.layers.Dense({width}, activation="{f}"{options}),'
              for width, f in zip(spec.hidden, spec.activations)]
    layers.append(f'        keras.layers.Dense(n_outputs, activation="{spec.output_activation}"{options}),')
    name, extra = KERAS_OPTIMIZERS[spec.optimizer]
    optimizer = ", ".join([f"learning_rate={spec.learning_rate!r}"] + [f"{k}={v!r}" for k, v in extra.items()])
    metrics = ', metrics=["accuracy"]' if spec.loss in CLASSIFICATION_LOSSES else ""
    targets = {"binary_crossentropy": "0 or 1", "categorical_crossentropy": "one-hot"}.get(spec.loss, "real values")
    return f'''import keras


def build_neural_network(n_inputs={spec.n_inputs}, n_outputs={spec.n_outputs}):
    """A neural network of Dense layers, compiled with its optimizer and loss."""
{penalty}    model = keras.Sequential([
        keras.Input(shape=(n_inputs,)),
{chr(10).join(layers)}
    ])
    model.compile(optimizer=keras.optimizers.{name}({optimizer}),
                  loss="{spec.loss}"{metrics})
    return model


if __name__ == "__main__":
    model = build_neural_network()
    model.summary()
    # Train it on your data: X_train of shape (n, {spec.n_inputs}), Y_train of shape (n, {spec.n_outputs}) ({targets}).
    # model.fit(X_train, Y_train, epochs=10, batch_size={spec.batch_size}, validation_split=0.1)
    # model.evaluate(X_test, Y_test)
'''


def weights_npz(weights):
    """The weights as the bytes of an .npz file: arrays W1, b1, W2, b2, …, layer 1 next to the inputs."""
    arrays = {f"{name}{i}": array for i, (W, b) in enumerate(weights, start=1) for name, array in (("W", W), ("b", b))}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def weights_from_npz(content):
    """The list of (W, b) in the bytes of an .npz file as weights_npz writes it.

    Raises ValueError saying what is wrong: not an .npz file, an array missing or unexpected, an
    array of Python objects (nothing is unpickled), of text, too large, or not finite. Whether the
    shapes fit a network is the engine's check (`set_weights`).
    """
    try:
        archive = np.load(io.BytesIO(content), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile):
        raise ValueError("This is not an .npz file of weights: save one with the weights download "
                         "(or numpy.savez with arrays W1, b1, W2, b2, …).") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError("This is a single .npy array, not an .npz file with arrays W1, b1, W2, b2, ….")
    with archive:
        names = set(archive.files)
        layers = next(i for i in range(1, len(names) + 2) if f"W{i}" not in names) - 1
        expected = [f"{kind}{i}" for i in range(1, max(layers, 1) + 1) for kind in "Wb"]
        missing = [name for name in expected if name not in names]
        if missing:
            raise ValueError(f"The file has no array named {missing[0]}: it needs W1, b1, W2, b2, … "
                             "for each layer in turn.")
        unexpected = sorted(names - set(expected))
        if unexpected:
            raise ValueError(f"The file has an array named {unexpected[0]}, which is no layer's weights or biases "
                             "(expected W1, b1, W2, b2, …).")
        _check_headers(archive, expected)
        return [(_numbers(archive, f"W{i}"), _numbers(archive, f"b{i}")) for i in range(1, layers + 1)]


def _check_headers(archive, names):
    """Reads each array's header, before its data: numbers only, and no more than any network holds."""
    total = 0
    for name in names:
        try:
            with archive.zip.open(f"{name}.npy") as file:
                npy = np.lib.format
                version = npy.read_magic(file)
                header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
                shape, _, dtype = header(file)
        except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile):
            raise ValueError(f"{name} in this file is not a readable NumPy array.") from None
        if dtype.hasobject:
            raise ValueError(f"{name} holds Python objects, which this page does not load "
                             "(unpickling a file can run any code): save plain arrays of numbers.")
        if dtype.kind not in "fiu":
            raise ValueError(f"{name} holds {dtype} values, not numbers.")
        total += int(np.prod(shape, dtype=np.int64))
    if total > MAX_WEIGHT_VALUES:
        raise ValueError(f"The file holds {total:,} values, more than any network here has.")


def _numbers(archive, name):
    """One array of the archive as float64; ValueError if it cannot be read or is not finite."""
    try:
        array = archive[name].astype(np.float64)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile):
        raise ValueError(f"{name} in this file is not a readable NumPy array.") from None
    if not (np.abs(array) <= np.finfo(np.float32).max).all():  # the network computes in float32
        raise ValueError(f"{name} holds values that are not finite numbers (NaN, infinity, or too large).")
    return array


def history_csv(history):
    """CSV text of a run's history: one row per epoch, one column per series (epoch, train_loss, …)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(history))
    writer.writerows(zip(*history.values()))
    return out.getvalue()


def keras_file(model):
    """The bytes of `model` saved as a .keras file (Keras's zip of config and weights)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as file:
            return file.read()
