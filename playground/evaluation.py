"""What an epoch's end measures of a network: its outputs turned into classes and scores, each layer's outputs, and
the evaluation of a large data set a chunk of rows at a time."""
import math

import numpy as np

from .nn import forward_layers

# Rows (training and test together) that an epoch's end evaluates in one call into the engine; a larger data set
# (MNIST's 70,000 images) is evaluated in slices, a chunk of rows at a time, so that the runs beside it go on.
EVALUATE_AT_ONCE = 5000


def predicted_classes(outputs):
    """Class indices from outputs: above 0.5 for one output, the largest output otherwise."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(int)
    return outputs.argmax(axis=1)


def score(outputs, y, task):
    """Accuracy for classification; R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² for regression."""
    if task == "regression":
        y = np.asarray(y, np.float64)
        residual = float(np.sum((y - outputs[:, 0]) ** 2))
        total = float(np.sum((y - y.mean()) ** 2))
        return 1.0 - residual / total if total > 0 else 0.0
    return float(np.mean(predicted_classes(outputs) == y))


def layer_outputs(spec, weights, X):
    """Each Dense layer's output for inputs X, on `weights` (as get_weights gives them), in the run's dtype:
    nn.forward_layers, the same forward pass for either engine's weights."""
    return forward_layers(weights, (*spec.activations, spec.output_activation), X, spec.dtype, spec.off)


class Evaluation:
    """An epoch's evaluation of a large data set, a chunk of rows at a time: per set (X, Y) its outputs, and its
    mean loss as the mean of the chunks' losses weighted by their rows (the engine's `evaluate`, in pieces).
    `ends_epoch`: it measures the epoch just trained, which ends with it; else it measures the current weights
    again (a new run's epoch 0, restored weights)."""

    def __init__(self, sets, n_outputs, dtype, ends_epoch=True):
        self.sets, self.n_outputs, self.dtype, self.ends_epoch = sets, n_outputs, dtype, ends_epoch
        self.index, self.row = 0, 0
        self.outputs, self.losses = [[] for _ in sets], [0.0 for _ in sets]

    @property
    def done(self):
        return self.index == len(self.sets)

    def advance(self, engine, rows):
        """Evaluates the next `rows` rows (or what is left of the set under way)."""
        X, Y = self.sets[self.index]
        chunk = slice(self.row, min(self.row + rows, len(X)))
        if chunk.stop > chunk.start:
            self.outputs[self.index].append(engine.predict(X[chunk]))
            self.losses[self.index] += engine.loss(X[chunk], Y[chunk]) * (chunk.stop - chunk.start)
        self.row = chunk.stop
        if self.row >= len(X):
            self.index, self.row = self.index + 1, 0

    def results(self):
        """Per set (outputs, mean loss), as `evaluate` gives them: no rows and a NaN loss for an empty set."""
        return [(np.concatenate(outputs), loss / len(X)) if len(X) else
                (np.zeros((0, self.n_outputs), self.dtype), math.nan)
                for (X, _), outputs, loss in zip(self.sets, self.outputs, self.losses)]
