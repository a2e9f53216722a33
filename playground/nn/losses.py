"""Loss functions: `forward(p, y)` is the mean loss, `backward(p, y)` is ∂L/∂p.

As in Keras, a loss is averaged over the outputs of each example, then over the batch.
Probabilities are clipped to [1e-7, 1 − 1e-7] before a logarithm, as Keras does.

Cross-entropy after sigmoid or softmax is better computed from the logits z, the output
layer's input to its activation: the fused form is stable for any z, and its gradient
with respect to z is simply (p − y) / n. `forward_from_logits` and `backward_from_logits`
do that; the network uses them whenever the output activation is the loss's partner.
"""
import numpy as np

EPSILON = 1e-7


class LossFunction:
    name = ""
    logits_activation = None   # the output activation whose logits this loss can take

    def forward(self, p, y):
        raise NotImplementedError

    def backward(self, p, y):
        raise NotImplementedError


class MeanSquaredError(LossFunction):
    """L = mean((p − y)²);  ∂L/∂p = 2·(p − y) / n, n = batch size × outputs."""
    name = "mse"

    def forward(self, p, y):
        return np.mean(np.square(p - y))

    def backward(self, p, y):
        return (2.0 / p.size) * (p - y)


class BinaryCrossentropy(LossFunction):
    """L = −mean(y·log p + (1 − y)·log(1 − p));  from logits: mean(max(z,0) − z·y + log(1 + e^−|z|))."""
    name = "binary_crossentropy"
    logits_activation = "sigmoid"

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
    logits_activation = "softmax"

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


LOSSES = {f.name: f for f in (MeanSquaredError(), BinaryCrossentropy(), CategoricalCrossentropy())}


def get_loss(name):
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(LOSSES)}.")
    return LOSSES[name]
