"""NeuralNetwork: Dense layers in a row, trained by backpropagation and gradient descent.

Forward propagation runs layer by layer: a⁽⁰⁾ = X, z⁽ˡ⁾ = a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f(z⁽ˡ⁾).
Backpropagation applies the chain rule from the output back:
∂L/∂W⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ · ∂a⁽ˡ⁾/∂z⁽ˡ⁾ · ∂z⁽ˡ⁾/∂W⁽ˡ⁾, then the optimizer moves every parameter.
"""
import numpy as np

from .activations import get_activation
from .layers import Dense
from .losses import get_loss


class NeuralNetwork:
    """`sizes` = [n_inputs, hidden widths..., n_outputs]; one activation name per Dense layer.

    The penalty is Keras's L1L2 on the weights, not the biases: l1·Σ|W| + l2·ΣW².
    `clip_norm` c, when set, clips the gradient by its global norm before each step, as Keras's
    `global_clipnorm` does: g ← g·c / max(‖g‖, c), ‖g‖ = √(Σ g²) over every W and b at once.
    Every W and b is a view into one flat array, `params`, and every ∂L/∂W, ∂L/∂b into `grads`,
    so an optimizer updates the whole network in a few vectorized passes.
    """

    def __init__(self, sizes, activations, loss, l1=0.0, l2=0.0, dtype="float32", clip_norm=None):
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"{len(sizes) - 1} layers need {len(sizes) - 1} activations, not {len(activations)}.")
        self.dtype = np.dtype(dtype)
        self.layers = [Dense(n_in, n_out, get_activation(f), self.dtype)
                       for n_in, n_out, f in zip(sizes[:-1], sizes[1:], activations)]
        self.loss_function = get_loss(loss)
        self.fused = self.loss_function.logits_activation == activations[-1]
        self.l1, self.l2, self.clip_norm = l1, l2, clip_norm
        n = sum(layer.W.size + layer.b.size for layer in self.layers)
        self.params, self.grads = np.zeros(n, self.dtype), np.zeros(n, self.dtype)
        offset = 0
        for layer in self.layers:
            for name in ("W", "b"):
                shape = getattr(layer, name).shape
                size = int(np.prod(shape))
                setattr(layer, name, self.params[offset:offset + size].reshape(shape))
                setattr(layer, "d" + name, self.grads[offset:offset + size].reshape(shape))
                offset += size

    def __repr__(self):
        """NeuralNetwork(2 → 4 → 2 → 1, tanh, tanh, sigmoid; loss binary_crossentropy; 25 parameters): its shape,
        activations, loss and number of trainable parameters, and the penalty and clipping when set."""
        sizes = " → ".join(str(n) for n in [self.layers[0].n_in] + [layer.n_out for layer in self.layers])
        parts = [sizes + ", " + ", ".join(layer.activation.name for layer in self.layers),
                 f"loss {self.loss_function.name}", f"{self.params.size} parameters"]
        parts += [f"{name} {value:g}" for name, value in (("l1", self.l1), ("l2", self.l2)) if value]
        parts += [f"clip_norm {self.clip_norm:g}"] if self.clip_norm else []
        return f"NeuralNetwork({'; '.join(parts)})"

    def forward(self, X, masks=None):
        """a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾), layer by layer. In training with dropout, `masks` holds one mask per
        hidden layer (None for a layer without dropout), and that layer passes on a⁽ˡ⁾ ⊙ m⁽ˡ⁾."""
        a = np.asarray(X, self.dtype)
        self.masks = masks
        for i, layer in enumerate(self.layers):
            a = layer.forward(a)
            if masks is not None and i < len(masks) and masks[i] is not None:
                a = a * masks[i]
        return a

    def data_loss(self, Y):
        """The mean loss of the last forward pass; from the logits when the output fits the loss."""
        out = self.layers[-1]
        if self.fused:
            return float(self.loss_function.forward_from_logits(out.z, Y))
        return float(self.loss_function.forward(out.a, Y))

    def penalty(self):
        total = 0.0
        for layer in self.layers:
            if self.l1:
                total += self.l1 * float(np.abs(layer.W).sum())
            if self.l2:
                total += self.l2 * float(np.square(layer.W).sum())
        return total

    def backward(self, Y):
        """Fills `grads` with ∂(loss + penalty)/∂θ for the last forward pass."""
        Y = np.asarray(Y, self.dtype)
        out = self.layers[-1]
        if self.fused:
            delta = self.loss_function.backward_from_logits(out.a, Y)
        else:
            delta = out.activation.backward(out.z, out.a, self.loss_function.backward(out.a, Y))
        grad = out.backward_z(delta, input_grad=len(self.layers) > 1)
        for i in range(len(self.layers) - 2, -1, -1):
            if self.masks is not None and self.masks[i] is not None:
                grad = grad * self.masks[i]   # ∂L/∂a = ∂L/∂(a ⊙ m) ⊙ m: a dropped output gets no gradient
            grad = self.layers[i].backward(grad, input_grad=i > 0)
        for layer in self.layers:
            if self.l1:
                layer.dW += self.l1 * np.sign(layer.W)
            if self.l2:
                layer.dW += (2 * self.l2) * layer.W
        return self.grads

    def clip_gradients(self):
        """With clip_norm c: grads ← grads·c / max(‖grads‖, c), one scale for the whole network, so the
        step keeps its direction and its length is at most c (times the learning rate)."""
        if self.clip_norm:
            norm = np.sqrt(np.dot(self.grads, self.grads))
            self.grads *= self.clip_norm / np.maximum(norm, self.clip_norm)

    def predict(self, X):
        """The output layer's a for X, by the same steps as `forward` (no dropout), keeping nothing."""
        a = np.asarray(X, self.dtype)
        for layer in self.layers:
            a = layer.apply(a)
        return a

    def forget(self):
        """Every layer drops what its last passes kept (`Dense.forget`)."""
        for layer in self.layers:
            layer.forget()

    def loss(self, X, Y):
        """The mean data loss on X; the pass's values are not kept."""
        self.forward(X)
        try:
            return self.data_loss(np.asarray(Y, self.dtype))
        finally:
            self.forget()

    def gradients(self, X, Y):
        """∂(loss + penalty)/∂θ on X, per layer; the pass's values are not kept."""
        self.forward(X)
        try:
            self.backward(Y)
            return [(layer.dW.copy(), layer.db.copy()) for layer in self.layers]
        finally:
            self.forget()

    def train_batch(self, X, Y, optimizer, masks=None):
        """One step: forward (with dropout `masks`, if any), loss, backward, clipping, update. Returns the loss
        before the step (data + penalty)."""
        self.forward(X, masks)
        Y = np.asarray(Y, self.dtype)
        loss = self.data_loss(Y) + self.penalty()
        self.backward(Y)
        self.clip_gradients()
        optimizer.step(self.params, self.grads)
        return loss

    def get_weights(self):
        return [(layer.W.copy(), layer.b.copy()) for layer in self.layers]

    def set_weights(self, weights):
        """Copies each (W, b) into its layer. The shapes are not checked here: the engine checks
        them once, naming the layer that does not fit (`check_weights` in playground/engines/base.py)."""
        for layer, (W, b) in zip(self.layers, weights):
            layer.W[...] = W
            layer.b[...] = b


def forward_layers(weights, activations, X, dtype="float32"):
    """Every layer's output [a⁽¹⁾, …, a⁽ᴸ⁾] for the inputs a⁽⁰⁾ = X, from a list of (W, b) and one
    activation name per layer: a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾), by Dense.forward, computed in `dtype`.

    A pure function of the weights, whichever engine trained them: both engines compute the same
    formulas, so this is their forward pass up to rounding.
    """
    a, outputs = np.asarray(X, dtype), []
    for (W, b), name in zip(weights, activations):
        layer = Dense(*np.shape(W), get_activation(name), dtype)
        layer.W, layer.b = np.asarray(W, dtype), np.asarray(b, dtype)
        a = layer.forward(a)
        outputs.append(a)
    return outputs
