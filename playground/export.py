"""Export to Keras: a network as a keras.Model holding its weights, or as the Python source
a student would write for it.

Keras is imported only inside these functions, so importing this module loads no TensorFlow.

Also the files a run can be taken away as: weights (.npz), history (CSV), a saved .keras model.
The inputs' scaling goes with the weights: the network was trained on scaled inputs, so each export
carries the scaling (`input_scaling`) as arrays, as a Normalization layer or as code.
"""
import copy
import io
import json
import math
import os
import struct
import tempfile
import tokenize
import zipfile
import zlib

import numpy as np

from .csvfile import write_csv
from .engines.keras_support import keras_activations, keras_metrics
from .nn import INITIALIZERS, LOSSES, OPTIMIZERS, schedule_of
from .nn.initializers import OUTPUT_GAIN

MAX_WEIGHT_VALUES = 10_000_000   # far more than the largest network the page builds
MAX_WEIGHT_FILE_BYTES = MAX_WEIGHT_VALUES * 8 + 2 ** 20   # those values in float64, and the zip around them
MAX_ARRAYS = 66                  # W and b of 32 layers, and the inputs' scaling
SCALING_NAMES = {"standard": ("input_mean", "input_std"), "minmax": ("input_min", "input_range")}
NPY_HEADER_BYTES = 16_384        # numpy writes headers of about 128 bytes and reads none past 10,000
ZIP_FLAGS_OF_NUMPY = 0x080E      # deflate options, sizes after the data, UTF-8 names: nothing else
# What zipfile and zlib raise on a damaged zip (NotImplementedError: a zip version or method it lacks)
UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


def input_scaling(scaler):
    """The inputs' scaling as (kind, shift, divide), x → (x − shift) / divide per feature, from a fitted
    scikit-learn scaler: "standard" (shift μ, divide σ of the training rows) or "minmax" (the training range
    onto [0, 1]); None without scaling. A feature that was constant divides by 1, as scikit-learn does."""
    if scaler is None:
        return None
    if hasattr(scaler, "mean_"):
        return "standard", np.asarray(scaler.mean_, np.float64), np.asarray(scaler.scale_, np.float64)
    return "minmax", -scaler.min_ / scaler.scale_, 1 / np.asarray(scaler.scale_, np.float64)


def keras_code(spec, scaler=None):
    """The Python source of `build_neural_network()`, which returns this network as a compiled
    keras.Sequential. Running the source builds the model; it loads no data and trains nothing.
    With the data set's fitted `scaler`, the model's first layer scales the inputs as in training."""
    initializer = INITIALIZERS[spec.initializer]
    others = "".join([
        ", kernel_regularizer=penalty" if spec.l1 or spec.l2 else "",
        f', dtype="{spec.dtype}"' if spec.dtype != "float32" else "",
    ])
    options = (f", kernel_initializer={initializer.keras_code}" if spec.initializer != "glorot_uniform" else "") + others
    # The output layer starts at OUTPUT_GAIN times the initializer's draw, as in the playground.
    output_options = f",\n            kernel_initializer={initializer.keras_code_times(OUTPUT_GAIN)}{others}"
    penalty = (f"    penalty = keras.regularizers.L1L2(l1={spec.l1!r}, l2={spec.l2!r})  # on every layer's weights\n"
               if spec.l1 or spec.l2 else "")
    *hidden, output = keras_activations(spec)
    layers = []
    for width, f, rate in zip(spec.hidden, hidden, spec.dropout_rates):
        layers.append(f'        keras.layers.Dense({width}, activation="{f}"{options}),')
        if rate:
            layers.append(f"        keras.layers.Dropout({rate!r}),  # in training only")
    layers.append(f'        keras.layers.Dense(n_outputs, activation="{output}"{output_options}),')
    optimizer_class, loss = OPTIMIZERS[spec.optimizer], LOSSES[spec.loss]
    targets = loss.targets
    learning_rate, schedule_line = _learning_rate_code(spec)
    optimizer = ", ".join([f"learning_rate={learning_rate}"]
                          + [f"{k}={v!r}" for k, v in optimizer_class.keras_arguments.items()]
                          + ([f"global_clipnorm={spec.clip_norm!r}"] if spec.clip_norm else []))
    metrics = f", metrics={json.dumps(keras_metrics(spec))}" if keras_metrics(spec) else ""
    scaling, inputs = _scaling_code(input_scaling(scaler)), "unscaled inputs" if scaler is not None else "inputs"
    return f'''import keras
{scaling[0]}

def build_neural_network(n_inputs={spec.n_inputs}, n_outputs={spec.n_outputs}):
    """A neural network of Dense layers, compiled with its optimizer and loss."""
{penalty}    model = keras.Sequential([
        keras.Input(shape=(n_inputs,)),
{scaling[1]}{chr(10).join(layers)}
    ])
{schedule_line}    model.compile(optimizer=keras.optimizers.{optimizer_class.keras_name}({optimizer}),
                  loss="{loss.keras_name}"{metrics})
    return model


if __name__ == "__main__":
    model = build_neural_network()
    model.summary()
    # Train it on your data: X_train of shape (n, {spec.n_inputs}) ({inputs}), Y_train of shape (n, {spec.n_outputs}) ({targets}).
    # model.fit(X_train, Y_train, epochs=10, batch_size={spec.batch_size}, validation_split=0.1)
    # model.evaluate(X_test, Y_test)
'''


def _scaling_code(scaling):
    """(the lines that define the scaling's numbers, the model's scaling layer), both empty without scaling."""
    if scaling is None:
        return "", ""
    kind, shift, divide = scaling
    if not shift.any() and np.all(divide == divide[0]):
        return "", f"        keras.layers.Rescaling(1 / {divide[0]!r}),  # x → x / {divide[0]!r}, as in training\n"
    names = SCALING_NAMES[kind]
    what = "mean and standard deviation" if kind == "standard" else "minimum and range"
    lines = (f"\n# The inputs are scaled as in training: x → (x − {names[0].upper()}) / {names[1].upper()}, "
             f"the {what} of each feature over the training data.\n"
             f"{names[0].upper()} = {[float(v) for v in shift]!r}\n{names[1].upper()} = {[float(v) for v in divide]!r}\n")
    layer = (f"        keras.layers.Normalization(mean={names[0].upper()}, "
             f"variance=[s * s for s in {names[1].upper()}]),  # x → (x − μ) / σ\n")
    return lines, layer


def _learning_rate_code(spec):
    """(the optimizer's learning_rate argument, the source lines that define it): a number and no lines
    for a constant rate, else the Keras schedule that gives spec's schedule."""
    schedule = schedule_of(spec)
    if schedule.keras_name is None:
        return repr(spec.learning_rate), ""
    arguments = ", ".join(f"{k}={v!r}" for k, v in schedule.keras_arguments().items())
    return "learning_rate", ("    # The learning rate changes with each optimizer step, that is with each batch.\n"
                             f"    learning_rate = keras.optimizers.schedules.{schedule.keras_name}(\n"
                             f"        {arguments})\n")


def weights_npz(weights, scaler=None):
    """The weights as the bytes of an .npz file: arrays W1, b1, W2, b2, …, layer 1 next to the inputs; with the
    data set's fitted `scaler`, also the inputs' scaling x → (x − shift) / divide: input_mean and input_std
    (standardized) or input_min and input_range (min-max)."""
    arrays = {f"{name}{i}": array for i, (W, b) in enumerate(weights, start=1) for name, array in (("W", W), ("b", b))}
    scaling = input_scaling(scaler)
    if scaling is not None:
        kind, shift, divide = scaling
        arrays.update(zip(SCALING_NAMES[kind], (shift, divide)))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def weights_from_npz(content):
    """The list of (W, b) in the bytes of an .npz file as weights_npz writes it.

    The file is a zip of .npy arrays, and nothing in it is trusted. Before any array is read, its
    zip directory, member names and sizes, and each array's header are checked: plain numbers, at
    most 2 dimensions, no dimension below zero, no more values than any network holds, and as many
    bytes in the zip as the header says. Then no array is decompressed past the size it declares.
    Raises ValueError with a sentence saying what is wrong and what to do: not an .npz file, an
    array missing or unexpected, an array of Python objects (nothing is unpickled), of text, too
    large, damaged, or not finite. Whether the shapes fit a network is the engine's check
    (`set_weights`).
    """
    if content.startswith(b"\x93NUMPY"):
        raise ValueError("This is a single .npy array, not an .npz file with arrays W1, b1, W2, b2, ….")
    if len(content) > MAX_WEIGHT_FILE_BYTES:
        raise ValueError(f"The file is {len(content) / 2 ** 20:,.0f} MB, larger than the weights of any network "
                         "here. Upload the weights download of a network built on this page.")
    _check_zip_directory(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except UNZIP_ERRORS:
        raise ValueError("This is not an .npz file of weights: save one with the weights download "
                         "(or numpy.savez with arrays W1, b1, W2, b2, …).") from None
    with archive:
        names = _member_names(archive)
        layers = next(i for i in range(1, len(names) + 2) if f"W{i}" not in names) - 1
        expected = [f"{kind}{i}" for i in range(1, max(layers, 1) + 1) for kind in "Wb"]
        missing = [name for name in expected if name not in names]
        if missing:
            raise ValueError(f"The file has no array named {missing[0]}: it needs W1, b1, W2, b2, … "
                             "for each layer in turn.")
        scaling = {name for pair in SCALING_NAMES.values() for name in pair}
        unexpected = sorted(set(names) - set(expected) - scaling)
        if unexpected:
            raise ValueError(f"The file has an array named {_shown(unexpected[0])}, which is no layer's weights or "
                             "biases (expected W1, b1, W2, b2, …).")
        headers = _check_headers(archive, expected)
        return [(_numbers(archive, f"W{i}", headers[f"W{i}"]), _numbers(archive, f"b{i}", headers[f"b{i}"]))
                for i in range(1, layers + 1)]


def _damaged(what):
    return ValueError(f"The file is damaged, or was not written by numpy.savez: {what}. Save the weights "
                      "again with the weights download.")


def _check_zip_directory(content):
    """Refuses a zip whose end record declares more members, or a larger directory, than a weights file
    has, before zipfile builds an entry for each. The record is found where zipfile looks for it: in the
    last 22 bytes, else at the last signature within a comment's reach of the end."""
    end = len(content) - 22
    if not (end >= 0 and content.startswith(b"PK\x05\x06", end) and content.endswith(b"\0\0")):
        end = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(content):
        return  # no end record: zipfile refuses the file
    members, directory = struct.unpack_from("<HI", content, end + 10)
    if members > MAX_ARRAYS or directory > MAX_ARRAYS * 256 or content[max(0, end - 20):end].startswith(b"PK\x06\x07"):
        raise ValueError(f"The file holds {members:,} files or more (a ZIP64 or very large archive), but weights "
                         f"files hold at most {MAX_ARRAYS} arrays. Upload the weights download of a network "
                         "built on this page.")


def _member_names(archive):
    """The arrays' names of the members (W1 for W1.npy); refuses too many members, a name twice over,
    and a member that is no .npy file."""
    members = archive.infolist()
    if len(members) > MAX_ARRAYS:
        raise ValueError(f"The file holds {len(members):,} files, but weights files hold at most {MAX_ARRAYS} "
                         "arrays. Upload the weights download of a network built on this page.")
    files = [info.filename for info in members]
    twice = next((name for i, name in enumerate(files) if name in files[:i]), None)
    if twice is not None:
        raise _damaged(f"it holds two files named {_shown(twice)}")
    other = next((name for name in files if not name.endswith(".npy")), None)
    if other is not None:
        raise ValueError(f"The file holds {_shown(other)}, which is not an .npy array: a weights file holds "
                         "only W1.npy, b1.npy, W2.npy, b2.npy, ….")
    return [name[:-4] for name in files]


def _shown(name):
    """A member's name as a message can show it: escaped, and cut short."""
    return name.encode("unicode_escape").decode("ascii")[:40] or "a file with no name"


def _check_headers(archive, names):
    """Reads each array's header, before any data: plain numbers, at most 2 dimensions, none below zero,
    no more values than any network holds, and as many bytes in the zip as the header describes.
    Returns {name: (shape, fortran_order, dtype, offset of the data)}."""
    headers, total = {}, 0
    for name in names:
        info = archive.getinfo(f"{name}.npy")
        if info.flag_bits & ~ZIP_FLAGS_OF_NUMPY or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(f"{name} is encrypted or compressed in a way numpy.savez never uses")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _damaged(f"{name} is stored uncompressed in {info.compress_size:,} bytes, but says it holds "
                           f"{info.file_size:,}")
        shape, fortran_order, dtype, offset = _read_header(archive, info, name)
        shape = tuple(map(int, shape))  # numpy's header check lets True and False pass as sizes
        if dtype.hasobject:
            raise ValueError(f"{name} holds Python objects, which this page does not load "
                             "(unpickling a file can run any code): save plain arrays of numbers.")
        if dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
            raise ValueError(f"{name} holds {dtype} values, not numbers: save arrays of floats.")
        if len(shape) > 2:
            raise ValueError(f"{name} has {len(shape)} dimensions, but weights have 2 (W) and biases 1 (b): "
                             "save each layer's W and b as they are.")
        if any(size < 0 for size in shape):
            raise _damaged(f"{name} declares the shape {shape}, and no array has a size below zero")
        count = math.prod(shape)
        total += count
        if total > MAX_WEIGHT_VALUES:
            raise ValueError(f"The file holds {total:,} values or more (in {name} and before it), more than any "
                             f"network here has ({MAX_WEIGHT_VALUES:,} at most). Upload the weights of a network "
                             "built on this page.")
        if info.file_size != offset + count * dtype.itemsize:
            raise _damaged(f"{name} takes {info.file_size:,} bytes in the zip, but its header describes "
                           f"{offset + count * dtype.itemsize:,}")
        headers[name] = shape, fortran_order, dtype, offset
    return headers


def _read_header(archive, info, name):
    """(shape, fortran_order, dtype, offset): the .npy header of a member, read from its first bytes only."""
    npy = np.lib.format
    try:
        with _open(archive, info, info.file_size) as file:
            head = io.BytesIO(file.read(min(info.file_size, NPY_HEADER_BYTES)))
    except UNZIP_ERRORS:
        raise _damaged(f"{name} cannot be decompressed") from None
    try:  # the header is a Python literal, which numpy parses with ast and tokenize
        read_header = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}.get(npy.read_magic(head))
        if read_header is None:
            raise ValueError("an .npy version numpy.savez does not write")
        shape, fortran_order, dtype = read_header(head)
    except (ValueError, SyntaxError, tokenize.TokenError):
        raise ValueError(f"{name} in this file is not a readable NumPy array.") from None
    return shape, fortran_order, dtype, head.tell()


def _numbers(archive, name, header):
    """One array of the archive as float64, read from at most the bytes its header declares (and
    one more, which shows data longer than declared); ValueError if it cannot be read or is not finite."""
    shape, fortran_order, dtype, offset = header
    info = archive.getinfo(f"{name}.npy")
    try:
        with _open(archive, info, info.file_size + 1) as file:
            data = file.read(info.file_size + 1)
    except UNZIP_ERRORS:
        raise _damaged(f"{name} cannot be decompressed") from None
    if len(data) != info.file_size:
        longer = "longer" if len(data) > info.file_size else "shorter"
        raise _damaged(f"the data of {name} is {longer} than its header says")
    if zlib.crc32(data) != info.CRC:
        raise _damaged(f"the data of {name} does not match its checksum")
    array = np.frombuffer(data, dtype, math.prod(shape), offset).reshape(shape, order="F" if fortran_order else "C")
    array = array.astype(np.float64)
    if not (np.abs(array) <= np.finfo(np.float32).max).all():  # the network computes in float32
        raise ValueError(f"{name} holds values that are not finite numbers (NaN, infinity, or too large).")
    return array


def _open(archive, info, size):
    """The member `info` opened to give at most `size` bytes: zipfile stops there, and decompresses
    no more. Its checksum is left to the caller, which reads the member whole."""
    bounded = copy.copy(info)
    bounded.file_size, bounded.CRC = size, None
    return archive.open(bounded)


def history_csv(history, thinned_before=0):
    """CSV text of a run's history: one row per epoch kept, one column per series (epoch, train_loss, …),
    written by the spreadsheet-safe writer. A run that played long keeps fewer of its older epochs: then a
    last column, `thinned`, is 1 on the rows before `thinned_before`, where epochs are missing, and 0 after."""
    header, columns = list(history), list(history.values())
    if thinned_before:
        header.append("thinned")
        columns.append([int(epoch < thinned_before) for epoch in history["epoch"]])
    return write_csv(header, zip(*columns))


def keras_file(model):
    """The bytes of `model` saved as a .keras file (Keras's zip of config and weights)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as file:
            return file.read()
