"""The plain data that travels between a run and whoever drives it: the data a run trains on, and what the page
draws of a run at one moment."""
from dataclasses import dataclass

import numpy as np

HISTORY = ("epoch", "train_loss", "test_loss", "train_score", "test_score")  # the columns of a run's history


@dataclass(eq=False)
class TrainingData:
    """What a run needs of a data set, in plain arrays: it travels to a worker process without the
    data set's code (features, scalers). `grid` holds the network's inputs under the decision
    boundary, for a set in the plane."""
    name: str
    task: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    grid: np.ndarray = None

    @classmethod
    def of(cls, dataset):
        return cls(dataset.name, dataset.task, dataset.X_train, dataset.X_test, dataset.y_train, dataset.y_test,
                   dataset.grid)


@dataclass
class Snapshot:
    """What the page draws of a run at one moment; plain data, so it travels between processes."""
    run_id: int
    epoch: int
    batch: int              # batches done in the epoch under way
    batches: int            # batches in an epoch
    diverged: bool
    last_finite_epoch: int  # where "go back" leads: the last epoch whose training loss was at most its epoch-0 value
    history: dict           # HISTORY's columns at ≤ MAX_POINTS epochs, the latest always among them
    thinned_before: int     # the history keeps every epoch from this one on; fewer before it
    health: dict            # "epochs", "norms", "ratios" (rows like history's), "units" and "diagnosis"
    weights: list
    boundary: object = None   # the outputs on the data set's plane grid, for a set in the plane
    predicted: object = None  # the predicted class of each test example, for other classification sets
    stopped: tuple = None     # (epoch, what, value) when a stop condition paused the run at this epoch
    mode: str = "paused"      # "paused" | "playing" | "stepping", set by whoever drives the run
    error: str = None
    seq: int = 0
    edits: tuple = ()         # the weights set by hand (weights.Edit), oldest first

    @property
    def latest(self):
        """The latest epoch's losses and scores."""
        return {name: float(values[-1]) for name, values in self.history.items()}

    @property
    def active(self):
        return self.mode != "paused"
