"""Engines: one contract (see base.py), several implementations.

ENGINES maps a name to the engine's class, loaded on first use, so that the NumPy engine
never imports TensorFlow. A new engine is one module and one entry here.
"""
import importlib

from .base import Engine, dropout_masks, epoch_batches, initial_weights

ENGINES = {
    "numpy": "playground.engines.numpy_engine:NumpyEngine",
    "keras": "playground.engines.keras_engine:KerasEngine",
}


def engine_class(name):
    if name not in ENGINES:
        raise ValueError(f"Unknown engine {name!r}: choose one of {', '.join(map(repr, ENGINES))}.")
    module, cls = ENGINES[name].split(":")
    return getattr(importlib.import_module(module), cls)


def create_engine(name, spec):
    return engine_class(name)(spec)
