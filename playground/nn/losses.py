"""Loss functions: `forward(p, y)` is the mean loss, `backward(p, y)` is ∂L/∂p.

As in Keras, a loss is averaged over the outputs of each example, then over the batch.
Probabilities are clipped to [1e-7, 1 − 1e-7] before a logarithm, as Keras does.

Which path trains: cross-entropy right after its partner activation (binary after sigmoid,
categorical after softmax) is computed from the logits z, the output layer's input to its
activation. That fused form is stable for any z, and its gradient with respect to z is
simply (p − y) / n; `forward_from_logits` and `backward_from_logits` do it, and the network
uses them whenever the output activation is the loss's partner, as Keras does. The
probability form, `forward` and `backward`, is the textbook chain rule ∂L/∂p · f′(z): it
trains every other pair (mse after any output), and it is kept for cross-entropy too, to
check the fused form against (the tests) and to show what it replaces.

The registry, LOSSES, is the one list of losses: which outputs fit each loss, the tasks it
serves, its formulas and its Keras name all live on its class.
"""
import numpy as np

EPSILON = 1e-7


class LossFunction:
    """What the playground knows of a loss, beside its math:

    name        Keras's identifier of the same loss ("mse"), used everywhere, Keras included
    formula     L in LaTeX, for the step-through
    derivative  ∂L/∂ŷ in LaTeX, for the output's δ = ∂L/∂ŷ ⊙ f′(z) by the chain rule
    outputs     the output activations it fits; None: any output activation
    tasks       the tasks it serves: "binary", "multiclass", "regression"
    targets     what its targets y hold, in words
    logits_activation, logits_delta
                the output activation whose logits z it takes (the fused form), and δ = ∂L/∂z then
    """
    name = ""
    formula = ""
    derivative = ""
    outputs = None
    tasks = ()
    targets = "real values"
    logits_activation = None
    logits_delta = ""

    @property
    def keras_name(self):
        """The identifier Keras knows it by: the playground uses Keras's names."""
        return self.name

    def fits(self, output_activation):
        return self.outputs is None or output_activation in self.outputs

    def output_delta(self, output_activation):
        """δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ in LaTeX: from the logits after the partner activation, else the chain rule."""
        if output_activation == self.logits_activation:
            return self.logits_delta
        return self.derivative + r" \odot f'(z^{(L)})"

    def forward(self, p, y):
        raise NotImplementedError

    def backward(self, p, y):
        raise NotImplementedError


class MeanSquaredError(LossFunction):
    """L = mean((p − y)²);  ∂L/∂p = 2·(p − y) / n, n = batch size × outputs."""
    name = "mse"
    formula = r"L = \frac{1}{k}\sum_i (\hat y_i - y_i)^2"
    derivative = r"\frac{2}{k}(\hat y - y)"
    tasks = ("binary", "multiclass", "regression")

    def forward(self, p, y):
        return np.mean(np.square(p - y))

    def backward(self, p, y):
        return (2.0 / p.size) * (p - y)


class BinaryCrossentropy(LossFunction):
    """L = −mean(y·log p + (1 − y)·log(1 − p));  from logits: mean(max(z,0) − z·y + log(1 + e^−|z|))."""
    name = "binary_crossentropy"
    formula = r"L = -\frac{1}{k}\sum_i \big(y_i \log \hat y_i + (1 - y_i)\log(1 - \hat y_i)\big)"
    outputs = ("sigmoid",)
    tasks = ("binary",)
    targets = "0 or 1"
    logits_activation, logits_delta = "sigmoid", r"\frac{\hat y - y}{k}"

    def forward(self, p, y):
        p = np.clip(p, EPSILON, 1 - EPSILON)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, p, y):
        p = np.clip(p, EPSILON, 1 - EPSILON)
        return (p - y) / (p * (1 - p)) / p.size

    def forward_from_logits(self, z, y):
        return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))

    def backward_from_logits(self, p, y):
        """∂L/∂z = (σ(z) − y) / n, given p = σ(z)."""
        return (p - y) / p.size


class CategoricalCrossentropy(LossFunction):
    """L = −mean over the batch of Σᵢ yᵢ·log pᵢ;  from logits: Σᵢ yᵢ·(logsumexp(z) − zᵢ)."""
    name = "categorical_crossentropy"
    formula = r"L = -\sum_i y_i \log \hat y_i"
    outputs = ("softmax",)
    tasks = ("binary", "multiclass")
    targets = "one-hot"
    logits_activation, logits_delta = "softmax", r"\hat y - y"

    def forward(self, p, y):
        p = np.clip(p, EPSILON, 1 - EPSILON)
        return -np.mean(np.sum(y * np.log(p), axis=1))

    def backward(self, p, y):
        p = np.clip(p, EPSILON, 1 - EPSILON)
        return -y / p / len(p)

    def forward_from_logits(self, z, y):
        m = z.max(axis=1, keepdims=True)
        log_sum = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
        return np.mean(np.sum(y * (log_sum - z), axis=1))

    def backward_from_logits(self, p, y):
        """∂L/∂z = (p·Σy − y) / batch, given p = softmax(z); p − y for one-hot y."""
        return (p * y.sum(axis=1, keepdims=True) - y) / len(p)


class Huber(LossFunction):
    """L = mean(½e² if |e| ≤ δ else δ·(|e| − ½δ)), e = p − y, δ = 1 (Keras's default);
    ∂L/∂p = clip(e, −δ, δ) / n: squared error near the target, absolute error far from it, so an
    outlier pulls with a force of at most δ."""
    name = "huber"
    formula = (r"L = \frac{1}{k}\sum_i \begin{cases} \tfrac12 e_i^2 & |e_i| \le \delta \\ "
               r"\delta\,(|e_i| - \tfrac12\delta) & |e_i| > \delta \end{cases},\quad e = \hat y - y,\ \delta = 1")
    derivative = r"\frac{1}{k}\,\operatorname{clip}(\hat y - y,\ -\delta,\ \delta)"
    tasks = ("regression",)
    delta = 1.0

    def forward(self, p, y):
        e = np.abs(p - y)
        return np.mean(np.where(e <= self.delta, 0.5 * e * e, self.delta * (e - 0.5 * self.delta)))

    def backward(self, p, y):
        return np.clip(p - y, -self.delta, self.delta) / p.size


LOSSES = {f.name: f for f in (MeanSquaredError(), BinaryCrossentropy(), CategoricalCrossentropy(), Huber())}


def get_loss(name):
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(LOSSES)}.")
    return LOSSES[name]


def losses_for(output_activation, task):
    """The losses that fit `output_activation` on `task`: its partner's cross-entropy first, then the registry's order."""
    fitting = [name for name, f in LOSSES.items() if f.fits(output_activation) and task in f.tasks]
    return tuple(sorted(fitting, key=lambda name: LOSSES[name].logits_activation != output_activation))
