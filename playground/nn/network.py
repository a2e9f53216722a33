"""NeuralNetwork: Dense layers in a row, trained by backpropagation and gradient descent.

Forward propagation runs layer by layer: a⁽⁰⁾ = X, z⁽ˡ⁾ = a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f(z⁽ˡ⁾).
Backpropagation applies the chain rule from the output back:
∂L/∂W⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ · ∂a⁽ˡ⁾/∂z⁽ˡ⁾ · ∂z⁽ˡ⁾/∂W⁽ˡ⁾, then the optimizer moves every parameter.

A hidden neuron may be switched off: its output is held at 0, in training and in evaluation, and its
incoming weights and bias are frozen (no gradient, and no optimizer step moves them) until it is on again.
`off` names such neurons as (layer, neuron) pairs counted from 1, layer 1 the first hidden layer.
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
    `switch_off(off)` holds the named hidden neurons' outputs at 0 and freezes their incoming weights.
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
        self.switch_off(())

    def switch_off(self, off):
        """Holds the hidden neurons `off` ((layer, neuron) pairs from 1) at 0 from now on, and the others on:
        `keep` is a 0/1 mask per hidden layer (None: all on), `frozen` marks their W columns and b in `params`."""
        self.keep = keep_masks(off, [layer.n_out for layer in self.layers[:-1]], self.dtype)
        frozen = [np.zeros(layer.n_out, bool) for layer in self.layers]
        for layer, neuron in off:
            frozen[layer - 1][neuron - 1] = True
        # A neuron's column of W (an entry of each of its rows) and its b, in the order of `params`.
        self.frozen = np.concatenate([np.r_[np.tile(f, layer.n_in), f]
                                      for f, layer in zip(frozen, self.layers)]) if off else None

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
        hidden layer (None for a layer without dropout), and that layer passes on a⁽ˡ⁾ ⊙ m⁽ˡ⁾. A layer with
        neurons switched off passes on a⁽ˡ⁾ ⊙ keep⁽ˡ⁾ too."""
        a = np.asarray(X, self.dtype)
        self.masks = self._masks(masks)
        for i, layer in enumerate(self.layers):
            a = layer.forward(a)
            if i < len(self.masks) and self.masks[i] is not None:
                a = a * self.masks[i]
        return a

    def _masks(self, masks):
        """Per hidden layer the dropout mask times the switched-off neurons' mask (None: the layer as it is)."""
        masks = masks or [None] * len(self.keep)
        return [m if k is None else k if m is None else m * k for m, k in zip(masks, self.keep)]

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
            if self.masks[i] is not None:
                grad = grad * self.masks[i]   # ∂L/∂a = ∂L/∂(a ⊙ m) ⊙ m: a dropped output gets no gradient
            grad = self.layers[i].backward(grad, input_grad=i > 0)
        for layer in self.layers:
            if self.l1:
                layer.dW += self.l1 * np.sign(layer.W)
            if self.l2:
                layer.dW += (2 * self.l2) * layer.W
        if self.frozen is not None:
            self.grads[self.frozen] = 0   # a switched-off neuron's weights are not trained, penalty included
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
        for layer, keep in zip(self.layers, [*self.keep, None]):
            a = layer.apply(a)
            if keep is not None:
                a *= keep
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
        self.step(optimizer)
        return loss

    def step(self, optimizer):
        """The optimizer's update of `params` from `grads`; a switched-off neuron's weights stay as they are,
        however the optimizer's state (momentum, Adam's averages) would move them."""
        if self.frozen is None:
            optimizer.step(self.params, self.grads)
            return
        kept = self.params[self.frozen]
        optimizer.step(self.params, self.grads)
        self.params[self.frozen] = kept

    def get_weights(self):
        return [(layer.W.copy(), layer.b.copy()) for layer in self.layers]

    def set_weights(self, weights):
        """Copies each (W, b) into its layer. The shapes are not checked here: the engine checks
        them once, naming the layer that does not fit (`check_weights` in playground/engines/base.py)."""
        for layer, (W, b) in zip(self.layers, weights):
            layer.W[...] = W
            layer.b[...] = b


def keep_masks(off, widths, dtype="float32"):
    """Per hidden layer of `widths`, a mask of 1 per neuron on and 0 per neuron of `off` ((layer, neuron)
    pairs from 1); None for a layer with every neuron on."""
    masks = [None] * len(widths)
    for layer, neuron in off:
        if masks[layer - 1] is None:
            masks[layer - 1] = np.ones(widths[layer - 1], dtype)
        masks[layer - 1][neuron - 1] = 0
    return masks


def forward_layers(weights, activations, X, dtype="float32", off=()):
    """Every layer's output [a⁽¹⁾, …, a⁽ᴸ⁾] for the inputs a⁽⁰⁾ = X, from a list of (W, b) and one
    activation name per layer: a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾), by Dense.forward, computed in `dtype`; the hidden
    neurons `off` ((layer, neuron) pairs from 1) output 0.

    A pure function of the weights, whichever engine trained them: both engines compute the same
    formulas, so this is their forward pass up to rounding.
    """
    a, outputs = np.asarray(X, dtype), []
    keep = keep_masks(off, [np.shape(W)[1] for W, _ in weights[:-1]], dtype)
    for (W, b), name, mask in zip(weights, activations, [*keep, None]):
        layer = Dense(*np.shape(W), get_activation(name), dtype)
        layer.W, layer.b = np.asarray(W, dtype), np.asarray(b, dtype)
        a = layer.forward(a)
        if mask is not None:
            a = a * mask
        outputs.append(a)
    return outputs
