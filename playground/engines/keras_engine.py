"""The Keras engine: a keras.Sequential on TensorFlow behind the Engine contract.

Keras's own Dense layers, activations, losses, L1L2 penalty and optimizers do the math; the
start (`initial_weights`) and the batch order (`epoch_batches`) are those every engine shares,
so it follows the NumPy engine's trajectory up to float rounding. Keras and TensorFlow are
imported when the first engine is created. Each engine owns its model and optimizer.

The model ends in the output layer's logits z; predict applies the output activation.
Cross-entropy after its partner activation (sigmoid, softmax) is computed from z, the stable
form Keras uses, like the NumPy engine. Training runs in tf.functions: a whole epoch is one
call that loops over the batches inside TensorFlow.
"""
import numpy as np

from .keras_support import import_keras, keras_optimizer
from ..nn import LOSSES
from .base import Engine, check_weights, initial_weights


class KerasEngine(Engine):
    name = "keras"

    def __init__(self, spec):
        super().__init__(spec)
        keras = import_keras()
        import tensorflow as tf
        self._tf = tf
        dense = [keras.layers.Dense(width, activation=f, dtype=spec.dtype)
                 for width, f in zip(spec.hidden, spec.activations)]
        dense.append(keras.layers.Dense(spec.n_outputs, dtype=spec.dtype))
        self.model = keras.Sequential([keras.Input((spec.n_inputs,), dtype=spec.dtype), *dense])
        self.output_activation = keras.activations.get(spec.output_activation)
        self.from_logits = LOSSES[spec.loss].logits_activation == spec.output_activation
        self.loss_function = keras.losses.get(spec.loss)
        self.set_weights(initial_weights(spec))
        x = tf.TensorSpec([None, spec.n_inputs], spec.dtype)
        y = tf.TensorSpec([None, spec.n_outputs], spec.dtype)
        self._signatures = x, y
        self._predict = tf.function(lambda x: self.output_activation(self.model(x, training=False)),
                                    input_signature=[x])
        self._loss = tf.function(self._data_loss, input_signature=[x, y])
        self._new_optimizer()

    def _new_optimizer(self):
        self.optimizer = keras_optimizer(self.spec)
        self.optimizer.build(self.model.trainable_variables)
        self._trace()

    def _trace(self):
        """New tf.functions, traced on first call: the penalty and the optimizer are baked into them."""
        keras, tf, spec = import_keras(), self._tf, self.spec
        self.penalty = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2) if spec.l1 or spec.l2 else None
        x, y = self._signatures
        self._gradients = tf.function(self._total_gradients, input_signature=[x, y])
        self._train_step = tf.function(self._step, input_signature=[x, y])
        self._train_epoch = tf.function(self._epoch, input_signature=[
            x, y, tf.TensorSpec([None], tf.int64), tf.TensorSpec([], tf.int64)])

    def _apply_training_settings(self, old):
        if self.spec.optimizer != old.optimizer:
            self._new_optimizer()
        else:
            self.optimizer.learning_rate = self.spec.learning_rate
            if (self.spec.l1, self.spec.l2) != (old.l1, old.l2):
                self._trace()

    def get_weights(self):
        return [(layer.kernel.numpy(), layer.bias.numpy()) for layer in self.model.layers]

    def set_weights(self, weights):
        check_weights(weights, self.spec)
        for layer, (W, b) in zip(self.model.layers, weights):
            layer.kernel.assign(np.asarray(W, self.spec.dtype))
            layer.bias.assign(np.asarray(b, self.spec.dtype))

    def predict(self, X):
        return self._predict(self._prepare(X)).numpy()

    def loss(self, X, Y):
        return float(self._loss(self._prepare(X), self._prepare(Y)))

    def gradients(self, X, Y):
        _, grads = self._gradients(self._prepare(X), self._prepare(Y))
        grads = [g.numpy() for g in grads]
        return list(zip(grads[::2], grads[1::2]))

    def train_batch(self, X, Y):
        return float(self._train_step(self._prepare(X), self._prepare(Y)))

    def _train_batches(self, X, Y, batches):
        """The whole epoch in one call into TensorFlow; the batches are consecutive slices of one order."""
        return float(self._train_epoch(X, Y, np.concatenate(batches), len(batches[0])))

    def trace(self, X, Y):
        """Each Dense layer's z = a_in·W + b and a = f(z), recorded under a GradientTape, which
        then gives δ = ∂L/∂z and ∂L/∂W, ∂L/∂b. Eager: it is called for one example now and then."""
        tf = self._tf
        a, y = tf.constant(self._prepare(X)), tf.constant(self._prepare(Y))
        steps = []
        with tf.GradientTape() as tape:
            for layer in self.model.layers:
                z = tf.matmul(a, layer.kernel) + layer.bias
                f = self.output_activation if layer is self.model.layers[-1] else layer.activation
                steps.append({"a_in": a, "z": z, "a": f(z)})
                a = steps[-1]["a"]
            loss = self._loss_of_logits(z, y) + self._penalty_loss()
        variables = self.model.trainable_variables
        grads = tape.gradient(loss, [step["z"] for step in steps] + variables)
        deltas, dW, db = grads[:len(steps)], grads[len(steps)::2], grads[len(steps) + 1::2]
        for step, delta, gW, gb in zip(steps, deltas, dW, db):
            step.update(delta=delta, dW=gW, db=gb)
        return [{k: np.asarray(v) for k, v in step.items()} for step in steps]

    def preview_update(self, X, Y):
        """One real train_batch, then the weights and every optimizer variable are assigned back."""
        before = self.get_weights()
        state = [v.numpy() for v in self.optimizer.variables]
        self.train_batch(X, Y)
        after = self.get_weights()
        self.set_weights(before)
        for variable, value in zip(self.optimizer.variables, state):
            variable.assign(value)
        return [(W1 - W0, b1 - b0) for (W0, b0), (W1, b1) in zip(before, after)]

    def _data_loss(self, x, y):
        return self._loss_of_logits(self.model(x, training=True), y)

    def _loss_of_logits(self, z, y):
        if self.from_logits:
            return self._tf.reduce_mean(self.loss_function(y, z, from_logits=True))
        return self._tf.reduce_mean(self.loss_function(y, self.output_activation(z)))

    def _penalty_loss(self):
        return sum(self.penalty(layer.kernel) for layer in self.model.layers) if self.penalty else 0.0

    def _total_loss(self, x, y):
        return self._data_loss(x, y) + self._penalty_loss()

    def _total_gradients(self, x, y):
        with self._tf.GradientTape() as tape:
            loss = self._total_loss(x, y)
        return loss, tape.gradient(loss, self.model.trainable_variables)

    def _step(self, x, y):
        """One optimizer step by Keras's own `update_step`, as `optimizer.apply` makes it. Not `apply`
        itself: its tf.distribute all-reduce registers a gradient function globally in each trace,
        which TensorFlow never frees, so every engine would leave its graphs behind."""
        loss, grads = self._total_gradients(x, y)
        learning_rate = self.optimizer.learning_rate
        for grad, variable in zip(grads, self.model.trainable_variables):
            self.optimizer.update_step(grad, variable, learning_rate)
        self.optimizer.iterations.assign_add(1)
        return loss

    def _epoch(self, X, Y, order, batch_size):
        tf = self._tf
        n = tf.shape(order, out_type=tf.int64)[0]
        total = tf.zeros([], self.spec.dtype)
        for start in tf.range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss = self._step(tf.gather(X, batch), tf.gather(Y, batch))
            total += loss * tf.cast(tf.shape(batch)[0], self.spec.dtype)
        return total / tf.cast(n, self.spec.dtype)
