"""Initial weights, drawn as Keras draws them; biases always start at zero."""
import numpy as np


def glorot_uniform(rng, n_in, n_out):
    """W ~ U(−l, l) with l = √(6 / (n_in + n_out)): Keras's default for Dense."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he_normal(rng, n_in, n_out):
    """W ~ N(0, σ²) truncated at 2σ, σ = √(2 / n_in) / 0.8796 (Keras's correction for the truncation)."""
    stddev = np.sqrt(2.0 / n_in) / 0.87962566103423978
    w = rng.normal(0.0, stddev, size=(n_in, n_out))
    outside = np.abs(w) > 2 * stddev
    while outside.any():
        w[outside] = rng.normal(0.0, stddev, size=outside.sum())
        outside = np.abs(w) > 2 * stddev
    return w


INITIALIZERS = {"glorot_uniform": glorot_uniform, "he_normal": he_normal}
