"""Data: the playground's data sets, input features, image sets and CSV uploads.

    make_dataset(name, ...)  any set of DATASETS by name (catalog.py)
    load_csv(source, ...)    an uploaded table; dataset_to_csv(ds) writes one (csv_io.py)
    FEATURES                 the input features of the 2-D sets (features.py)
    Dataset                  what both return (dataset.py)

Nothing here imports TensorFlow; the MNIST loader imports Keras when it is called.
"""
from .catalog import DATASETS, DatasetInfo, make_dataset
from .columns import MAX_CLASSES
from .csv_io import (HARD_MAX_FEATURES, HARD_MAX_ROWS, MAX_FEATURES, MAX_MEGABYTES, MAX_ROWS,
                     dataset_to_csv, load_csv)
from .dataset import SCALES, Dataset
from .features import FEATURES
from .images import MNIST_VARIABLE, MnistUnavailable

__all__ = ["DATASETS", "DatasetInfo", "FEATURES", "SCALES", "Dataset", "make_dataset",
           "load_csv", "dataset_to_csv", "MNIST_VARIABLE", "MnistUnavailable", "MAX_MEGABYTES", "MAX_ROWS",
           "HARD_MAX_ROWS", "MAX_FEATURES", "HARD_MAX_FEATURES", "MAX_CLASSES"]
