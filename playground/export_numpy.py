"""Export to NumPy: a trained network as one standalone Python file whose only import is NumPy.

The file holds the network's weights, the activations it uses (each one's `numpy_code`, the same
forward pass as playground/nn), the data set's input features and scaling, and `predict(X)`: the
forward pass of playground/nn, z = a·W + b then a = f(z), layer by layer, written out for a student
to read. X is what the data set is made of: the points (x1, x2) of a set in the plane, the pixels of
an image set, the feature columns of an uploaded table.
"""
import numpy as np

from .data.features import FEATURE_CODE
from .nn import get_activation

CODE_LINE_WIDTH = 110


def numpy_code(spec, weights, dataset):
    """The Python source of a standalone file: `predict(X)` gives what the run's predict gives on
    `dataset`'s inputs for X, up to float rounding, with `weights` (a list of (W, b) per layer)."""
    names = (*spec.activations, spec.output_activation)
    sizes = " → ".join(map(str, spec.sizes))
    arrays = "\n".join(f"W{l} = {_array(W, spec.dtype)}\nb{l} = {_array(b, spec.dtype)}"
                       for l, (W, b) in enumerate(weights, start=1))
    activations = "\n\n\n".join(_activation(name) for name in dict.fromkeys(names))
    layers = ", ".join(f"(W{l}, b{l}, {name})" for l, name in enumerate(names, start=1))
    inputs, prepare = _inputs(dataset, spec.dtype)
    return f'''"""A neural network trained in Neural Playground on {dataset.name}, as plain NumPy (its only import).

Layers {sizes}: each Dense layer computes z = a·W + b, then a = f(z), as playground/nn does. A batch is
a matrix with one example per row, and W has shape (inputs, neurons), as in Keras.

predict(X) takes X of shape (n, {_input_width(dataset)}): {_what_x(dataset)}.
It returns {_what_out(spec, dataset)}.
"""
import numpy as np

{arrays}


{activations}


LAYERS = [{layers}]
{inputs}

def predict(X):
    """The network's outputs for X: the forward pass, layer by layer."""
{prepare}
    for W, b, f in LAYERS:
        z = a @ W + b   # z = a·W + b
        a = f(z)        # a = f(z)
    return a
'''


def _array(A, dtype):
    """A as NumPy source: float32 values written in their shortest exact form."""
    A = np.asarray(A, dtype)
    text = np.array2string(A, separator=", ", threshold=A.size + 1, max_line_width=CODE_LINE_WIDTH,
                           floatmode="unique", formatter={"float_kind": _number})
    return f"np.array({text}, dtype=np.{dtype})"


def _number(v):
    return str(v) if np.isfinite(v) else f'float("{v}")'


def _activation(name):
    f = get_activation(name)
    summary = type(f).__doc__.split(";")[0].strip()
    body = "\n".join("    " + line for line in f.numpy_code.splitlines())
    return f'def {name}(z):\n    """{summary}"""\n{body}'


def _plane(dataset):
    """Whether the data set's inputs are computed from points (x1, x2) by the named input features."""
    return dataset.featurize is not None and set(dataset.feature_names) <= set(FEATURE_CODE)


def _input_width(dataset):
    return 2 if _plane(dataset) else len(dataset.feature_names)


def _what_x(dataset):
    if _plane(dataset):
        return "points (x1, x2), one per row"
    if dataset.image_shape is not None:
        shape = "×".join(map(str, dataset.image_shape))
        return f"images of {shape} pixels, each flattened into a row, with the values of the original data"
    return "one column per feature (" + ", ".join(dataset.feature_names) + "), unscaled"


def _what_out(spec, dataset):
    if dataset.task == "regression":
        return "the predicted value, one column"
    classes = ", ".join(dataset.class_names)
    if spec.n_outputs == 1:
        return f"the probability of class {dataset.class_names[-1]}, one column (classes {classes})"
    return f"one column per class ({classes}): the probability of each"


def _inputs(dataset, dtype):
    """(the source that defines the input features and the scaling, predict's first lines)."""
    parts, steps = [], ["    a = np.asarray(X, np.float64)"]
    if _plane(dataset):
        columns = ", ".join(FEATURE_CODE[name] for name in dataset.feature_names)
        parts.append(f'def features(points):\n    """The input features of each point: '
                     f'{", ".join(dataset.feature_names)}."""\n'
                     f"    x1, x2 = points[:, 0], points[:, 1]\n    return np.column_stack([{columns}])")
        steps.append("    a = features(a)")
    scaler = dataset.scaler
    if scaler is not None and hasattr(scaler, "mean_"):
        parts.append(f"MEAN = {_array(scaler.mean_, 'float64')}\nSTD = {_array(scaler.scale_, 'float64')}\n\n\n"
                     f'def scale(rows):\n    """Standardized as in training: (rows − MEAN) / STD, MEAN and STD '
                     f'of the training rows."""\n    return (rows - MEAN) / STD')
        steps.append("    a = scale(a)")
    elif scaler is not None:
        parts.append(f"SCALE = {_array(scaler.scale_, 'float64')}\nMIN = {_array(scaler.min_, 'float64')}\n\n\n"
                     f'def scale(rows):\n    """Scaled as in training: rows·SCALE + MIN maps the training range '
                     f'onto [0, 1]."""\n    return rows * SCALE + MIN')
        steps.append("    a = scale(a)")
    steps.append(f"    a = a.astype(np.{dtype})")
    inputs = "".join(f"\n\n{part}\n" for part in parts)
    return inputs, "\n".join(steps)
