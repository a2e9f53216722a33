"""What a network is trained to output for each label: its targets Y, one row per example."""
import numpy as np


def targets(y, task, n_outputs, dtype="float32"):
    """Engine targets for labels y, (n, n_outputs): the real values for regression, the 0/1 class
    for one output, one-hot rows otherwise (for 3+ classes, and for 2 classes on a softmax of 2)."""
    if task == "regression" or n_outputs == 1:
        return np.asarray(y, dtype).reshape(-1, 1)
    return np.eye(n_outputs, dtype=dtype)[np.asarray(y, int)]
