"""Initial weights, drawn as Keras draws them; biases always start at zero.

Each initializer is called as init(rng, n_in, n_out) and gives W of shape (n_in, n_out). Beside
its math it carries `name` (its key in the page's link), `formula` (how W is drawn, in LaTeX, for
the step-through) and `keras_code` (the Keras initializer that draws alike, for the exported code).

The registry, INITIALIZERS, is the one list of initializers; both engines start from the weights
it draws (`initial_weights` in playground/engines/base.py).
"""
import numpy as np

TRUNCATION = 0.87962566103423978  # the std of N(0, 1) truncated at ±2: Keras divides σ by it

# The output layer's weights are the initializer's draw times OUTPUT_GAIN. At full size its logits reach
# ±2.8 on standardized inputs (glorot_uniform, 2 → 1), and the untrained network's loss can be 1.7 times that
# of guessing the class shares; a tenth keeps it within 7% on every 2-D set, while every layer still gets a
# gradient from the first step.
OUTPUT_GAIN = 0.1


def truncated_normal(rng, stddev, shape):
    """N(0, σ²) redrawn wherever it falls beyond 2σ, as Keras's truncated normal draws."""
    w = rng.normal(0.0, stddev, size=shape)
    outside = np.abs(w) > 2 * stddev
    while outside.any():
        w[outside] = rng.normal(0.0, stddev, size=outside.sum())
        outside = np.abs(w) > 2 * stddev
    return w


class Initializer:
    name = ""
    formula = ""
    keras_code = ""

    def __call__(self, rng, n_in, n_out):
        raise NotImplementedError

    def keras_code_times(self, gain):
        """The Keras initializer that draws as this one, its weights times `gain`."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class GlorotUniform(Initializer):
    """W ~ U(−l, l) with l = √(6 / (n_in + n_out)): Keras's default for Dense."""
    name, keras_code = "glorot_uniform", '"glorot_uniform"'
    formula = r"W \sim U\!\left(-\sqrt{\tfrac{6}{n_{in} + n_{out}}},\ \sqrt{\tfrac{6}{n_{in} + n_{out}}}\right)"

    def __call__(self, rng, n_in, n_out):
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=(n_in, n_out))

    def keras_code_times(self, gain):
        return _variance_scaling(gain * gain, "fan_avg", "uniform")


class HeNormal(Initializer):
    """W ~ N(0, σ²) truncated at 2σ, σ = √(2 / n_in) / 0.8796 (Keras's correction for the truncation)."""
    name, keras_code = "he_normal", '"he_normal"'
    formula = r"W \sim N\!\left(0,\ \tfrac{2}{n_{in}}\right) \text{ truncated at } 2\sigma"

    def __call__(self, rng, n_in, n_out):
        return truncated_normal(rng, np.sqrt(2.0 / n_in) / TRUNCATION, (n_in, n_out))

    def keras_code_times(self, gain):
        return _variance_scaling(2 * gain * gain, "fan_in", "truncated_normal")


class LecunNormal(Initializer):
    """W ~ N(0, σ²) truncated at 2σ, σ = √(1 / n_in) / 0.8796, as Keras's lecun_normal."""
    name, keras_code = "lecun_normal", '"lecun_normal"'
    formula = r"W \sim N\!\left(0,\ \tfrac{1}{n_{in}}\right) \text{ truncated at } 2\sigma"

    def __call__(self, rng, n_in, n_out):
        return truncated_normal(rng, np.sqrt(1.0 / n_in) / TRUNCATION, (n_in, n_out))

    def keras_code_times(self, gain):
        return _variance_scaling(gain * gain, "fan_in", "truncated_normal")


class SmallNormal(Initializer):
    """W ~ N(0, 0.01²): small random weights, whatever the layer's size."""
    name, keras_code = "small_normal", "keras.initializers.RandomNormal(stddev=0.01)"
    formula = r"W \sim N(0,\ 0.01^2)"
    stddev = 0.01

    def __call__(self, rng, n_in, n_out):
        return rng.normal(0.0, self.stddev, size=(n_in, n_out))

    def keras_code_times(self, gain):
        return f"keras.initializers.RandomNormal(stddev={round(self.stddev * gain, 12)!r})"


class Zeros(Initializer):
    """W = 0: every neuron of a layer computes the same, gets the same gradient, and stays the same."""
    name, keras_code = "zeros", '"zeros"'
    formula = r"W = 0"

    def __call__(self, rng, n_in, n_out):
        return np.zeros((n_in, n_out))

    def keras_code_times(self, gain):
        return self.keras_code


def _variance_scaling(scale, mode, distribution):
    """Keras's VarianceScaling: glorot_uniform is scale 1 over fan_avg, uniform; he_normal scale 2 over fan_in."""
    return (f"keras.initializers.VarianceScaling(scale={round(scale, 12)!r}, mode={mode!r}, "
            f"distribution={distribution!r})")


INITIALIZERS = {f.name: f for f in (GlorotUniform(), HeNormal(), LecunNormal(), SmallNormal(), Zeros())}
