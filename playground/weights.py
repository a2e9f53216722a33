"""Weights put into a run from outside its training: one set by hand (`edit`), all of them put back (`restore`).
Both are commands of a run (playground/commands.py); the optimizer carries on, and the epoch is measured again."""
from dataclasses import dataclass

from .spec import MAX_EDIT


@dataclass(frozen=True)
class Edit:
    """A weight set by hand at `epoch`: W[row, column] of Dense layer `layer` (from 1), or b[column] when `row`
    is None; its value before and after."""
    epoch: int
    layer: int
    row: object
    column: int
    old: float
    new: float


def restore(run, weights):
    """Puts `weights` in the run's network (ValueError, and nothing changed, if they do not fit) and measures this
    epoch again; the optimizer carries on, and the restored weights count as finite."""
    with run.lock:
        run.engine.set_weights(weights)
        run.measure_again()


def edit(run, layer, row, column, value):
    """Sets W[row, column] of Dense layer `layer` (from 1), or b[column] when `row` is None, to `value`; every other
    weight and the optimizer's state stay, this epoch is measured again (as `restore` does) and the edit is kept in
    the run's timeline. Returns the Edit. ValueError, and nothing changed, for a value that is not a number within
    ±MAX_EDIT or a place the network does not have."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= MAX_EDIT:
        raise ValueError(f"A weight must be a number from −{MAX_EDIT:g} to {MAX_EDIT:g}, not {value!r}.")
    with run.lock:
        weights, timeline = run.engine.get_weights(), run.timeline
        if not 1 <= layer <= len(weights) or not 0 <= column < weights[layer - 1][1].size or (
                row is not None and not 0 <= row < weights[layer - 1][0].shape[0]):
            raise ValueError(f"The network has no weight at layer {layer}, row {row}, column {column}.")
        W, b = weights[layer - 1]
        target, index = (b, column) if row is None else (W, (row, column))
        old = float(target[index])
        target[index] = value
        diverged, last_finite = run.diverged, timeline.last_finite
        restore(run, weights)
        if diverged:   # one weight set by hand does not undo a divergence: Roll back still goes back
            run.diverged, timeline.last_finite = diverged, last_finite
        timeline.edits.append(Edit(run.epoch, layer, row, column, old, float(value)))
        return timeline.edits[-1]
