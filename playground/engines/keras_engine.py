"""The Keras engine: a keras.Sequential on TensorFlow behind the Engine contract.

Keras's own Dense layers, activations, losses, L1L2 penalty, optimizers and learning-rate
schedules do the math, and Keras's gradient clipping (`global_clipnorm`); the start (`initial_weights`),
the batch order (`epoch_batches`) and the dropout masks (`dropout_masks`, applied to the hidden layers'
outputs in training steps) are those every engine shares, so it follows the NumPy engine's trajectory
up to float rounding. A switched-off neuron (`spec.off`) is a mask of 0 on its layer's output in every pass,
its incoming weights get no gradient, and each step puts them back as they were, as the NumPy engine does.
Keras and TensorFlow are imported when the first engine is created. Each engine owns its model
and optimizer.

The model ends in the output layer's logits z; predict applies the output activation.
Cross-entropy after its partner activation (sigmoid, softmax) is computed from z, the stable
form Keras uses, like the NumPy engine. Training runs in tf.functions: a whole epoch is one
call that loops over the batches inside TensorFlow. What a run records at the end of each epoch
(`evaluate`: predictions and losses, health gradients, weights) is computed in the same call as
the epoch's last batches (`train_and_evaluate`).
"""
import numpy as np

from ..nn import LOSSES, schedule_of
from ..nn.network import keep_masks
from .base import Engine, check_weights, dropout_masks, initial_weights
from .keras_support import import_keras, keras_activations, keras_optimizer


class KerasEngine(Engine):
    name = "keras"

    def __init__(self, spec):
        super().__init__(spec)
        self._tensors = {}
        keras = import_keras()
        import tensorflow as tf
        self._tf = tf
        *hidden, output = keras_activations(spec)
        dense = [keras.layers.Dense(width, activation=f, dtype=spec.dtype) for width, f in zip(spec.hidden, hidden)]
        dense.append(keras.layers.Dense(spec.n_outputs, dtype=spec.dtype))
        self.model = keras.Sequential([keras.Input((spec.n_inputs,), dtype=spec.dtype), *dense])
        self.output_activation = keras.activations.get(output)
        loss = LOSSES[spec.loss]
        self.from_logits = loss.logits_activation == spec.output_activation
        self.loss_function = keras.losses.get(loss.keras_name)
        self.set_weights(initial_weights(spec))
        x = tf.TensorSpec([None, spec.n_inputs], spec.dtype)
        y = tf.TensorSpec([None, spec.n_outputs], spec.dtype)
        self._signatures = x, y
        self._new_optimizer()

    def _new_optimizer(self, carry=None):
        """A Keras optimizer for the spec; with `carry`, an optimizer of the same kind, the new one takes
        over its step count and slots (every variable but the learning rate), so it goes on where that
        one stops. The variables of one optimizer over one model are named alike in each."""
        self.optimizer = keras_optimizer(self.spec)
        self.optimizer.build(self.model.trainable_variables)
        if carry is not None:
            state = {v.name: v for v in carry.variables if v.name != "learning_rate"}
            for variable in self.optimizer.variables:
                if variable.name in state:
                    variable.assign(state[variable.name])
        self._trace()

    def _trace(self):
        """New tf.functions, traced on first call (`_function` keeps the rest): the penalty, the optimizer,
        which hidden layers drop outputs (`_dropped`, each one taking a mask per step) and the neurons switched
        off (`_keep`, a mask per hidden layer; `_frozen`, per variable the entries no step may move) are baked
        into them."""
        keras, tf, spec = import_keras(), self._tf, self.spec
        self.penalty = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2) if spec.l1 or spec.l2 else None
        self._dropped = [i for i, p in enumerate(spec.dropout_rates) if p > 0]
        self._keep = [None if k is None else tf.constant(k) for k in keep_masks(spec.off, spec.hidden, spec.dtype)]
        off = [None if k is None else tf.equal(k, 0) for k in (*self._keep, None)]
        self._frozen = [mask for layer in off for mask in (layer, layer)]  # a layer's W and b, as its variables
        masks = [tf.TensorSpec([None, spec.hidden[i]], spec.dtype) for i in self._dropped]
        x, y = self._signatures
        self._predict = tf.function(lambda x: self.output_activation(self._logits(x)), input_signature=[x])
        self._loss = tf.function(self._data_loss, input_signature=[x, y])
        self._batches_signature = [x, y, tf.TensorSpec([None], tf.int64), tf.TensorSpec([], tf.int64), *masks]
        self._gradients = tf.function(self._total_gradients, input_signature=[x, y])
        self._train_step = tf.function(self._step, input_signature=[x, y, *masks])
        self._functions = {}

    def _apply_training_settings(self, old):
        """A new optimizer starts afresh. A new schedule takes a new optimizer of the same kind that carries
        the old one's state on: Keras lets a schedule replace a number, but not a number a schedule, and its
        schedule is baked into the traced functions. A new constant rate is assigned to the rate's variable."""
        schedule, before = schedule_of(self.spec), schedule_of(old)
        if self.spec.optimizer != old.optimizer:
            self._new_optimizer()
        elif schedule != before and (schedule.keras_name or before.keras_name):
            self._new_optimizer(carry=self.optimizer)
        else:
            if schedule.keras_name is None:
                self.optimizer.learning_rate = self.spec.learning_rate
            self.optimizer.global_clipnorm = self.spec.clip_norm
            if (self.spec.l1, self.spec.l2, self.spec.clip_norm, self.spec.dropout_rates, self.spec.off) != (
                    old.l1, old.l2, old.clip_norm, old.dropout_rates, old.off):
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
        return float(self._train_step(self._prepare(X), self._prepare(Y), *self._masks([len(X)])))

    def _masks(self, sizes):
        """The dropout masks of the coming steps, one batch of each size in `sizes` per step (`dropout_masks`),
        each dropping layer's masks in one array, the batches' rows one after the other."""
        if not self._dropped:
            return []
        step = int(self.optimizer.iterations.numpy())
        masks = [dropout_masks(self.spec, step + k, n) for k, n in enumerate(sizes)]
        return [np.concatenate([batch[i] for batch in masks]) for i in self._dropped]

    def train_batches(self, X, Y, batches):
        """All the batches in one call into TensorFlow; they are consecutive slices of one order, all of
        the first one's size but the last. The data's tensors are kept between calls."""
        return float(self._function(self._epoch, self._batches_signature)(*self._batches(X, Y, batches)))

    def evaluate(self, sets, health):
        """One call into TensorFlow for all of it, each set's logits computed once; the arrays' tensors
        are kept between calls, as train_batches keeps them (a run evaluates the same arrays each epoch)."""
        function = self._function(self._evaluate, [self._signatures] * (len(sets) + 1))
        return self._evaluation(function(*self._sets(sets, health)))

    def train_and_evaluate(self, X, Y, batches, sets, health):
        """Both in one call into TensorFlow."""
        function = self._function(self._epoch_and_evaluate,
                                  self._batches_signature + [self._signatures] * (len(sets) + 1))
        total, evaluation = function(*self._batches(X, Y, batches), *self._sets(sets, health))
        return float(total), self._evaluation(evaluation)

    def _function(self, python, signature):
        """`python` traced for `signature` into a concrete function, on first use: a call to it costs
        about half of a call through tf.function's dispatch, which is much of a small network's epoch."""
        key = python.__name__, len(signature)
        if key not in self._functions:
            self._functions[key] = self._tf.function(python, input_signature=signature).get_concrete_function()
        return self._functions[key]

    def _batches(self, X, Y, batches):
        return (self._tensor(X), self._tensor(Y), np.concatenate(batches), len(batches[0]),
                *self._masks([len(i) for i in batches]))

    def _sets(self, sets, health):
        return [(self._tensor(X), self._tensor(Y)) for X, Y in (*sets, health)]

    def _evaluation(self, evaluation):
        results, grads, weights = evaluation
        results = [(outputs.numpy(), float(loss)) for outputs, loss in results]
        grads, weights = [g.numpy() for g in grads], [w.numpy() for w in weights]
        return results, list(zip(grads[::2], grads[1::2])), list(zip(weights[::2], weights[1::2]))

    def _evaluate(self, *sets):
        *sets, (x, y) = sets
        results = []
        for xs, ys in sets:
            z = self._logits(xs)
            results.append((self.output_activation(z), self._loss_of_logits(z, ys)))
        _, grads = self._total_gradients(x, y)
        return results, grads, [self._tf.identity(v) for v in self.model.trainable_variables]

    def _epoch_and_evaluate(self, X, Y, order, batch_size, *masks_and_sets):
        """The evaluation reads the variables after the epoch's updates: a tf.function runs the stateful
        operations on one variable in the order the Python code gives them."""
        masks, sets = masks_and_sets[:len(self._dropped)], masks_and_sets[len(self._dropped):]
        return self._epoch(X, Y, order, batch_size, *masks), self._evaluate(*sets)

    def _tensor(self, A):
        """A as a tensor, converted once: a run trains on the same arrays slice after slice, and
        converting MNIST's would copy 190 MB each time."""
        cached = self._tensors.get(id(A))
        if cached is None or cached[0] is not A:
            if len(self._tensors) >= 8:
                self._tensors.clear()
            cached = self._tensors[id(A)] = (A, self._tf.constant(self._prepare(A)))
        return cached[1]

    def trace(self, X, Y):
        """Each Dense layer's z = a_in·W + b and a = f(z), recorded under a GradientTape, which
        then gives δ = ∂L/∂z and ∂L/∂W, ∂L/∂b. Eager: it is called for one example now and then."""
        tf = self._tf
        a, y = tf.constant(self._prepare(X)), tf.constant(self._prepare(Y))
        steps = []
        with tf.GradientTape() as tape:
            for layer, keep in zip(self.model.layers, (*self._keep, None)):
                z = tf.matmul(a, layer.kernel) + layer.bias
                f = self.output_activation if layer is self.model.layers[-1] else layer.activation
                steps.append({"a_in": a, "z": z, "a": f(z) if keep is None else f(z) * keep})
                a = steps[-1]["a"]
            loss = self._loss_of_logits(z, y) + self._penalty_loss()
        variables = self.model.trainable_variables
        grads = tape.gradient(loss, [step["z"] for step in steps] + variables)
        grads = grads[:len(steps)] + self._unfrozen(grads[len(steps):])
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

    def _data_loss(self, x, y, masks=()):
        return self._loss_of_logits(self._logits(x, masks), y)

    def _logits(self, x, masks=()):
        """The output layer's z; with dropout, each dropping hidden layer's output a is multiplied by its mask,
        and a layer with neurons switched off by its `_keep` mask."""
        if not masks and not any(k is not None for k in self._keep):
            return self.model(x, training=False)
        masks, a = dict(zip(self._dropped, masks)), x
        for i, layer in enumerate(self.model.layers):
            a = layer(a)
            if i in masks:
                a = a * masks[i]
            if i < len(self._keep) and self._keep[i] is not None:
                a = a * self._keep[i]
        return a

    def _loss_of_logits(self, z, y):
        if self.from_logits:
            return self._tf.reduce_mean(self.loss_function(y, z, from_logits=True))
        return self._tf.reduce_mean(self.loss_function(y, self.output_activation(z)))

    def _penalty_loss(self):
        return sum(self.penalty(layer.kernel) for layer in self.model.layers) if self.penalty else 0.0

    def _total_loss(self, x, y, masks=()):
        return self._data_loss(x, y, masks) + self._penalty_loss()

    def _total_gradients(self, x, y, masks=()):
        with self._tf.GradientTape() as tape:
            loss = self._total_loss(x, y, masks)
        return loss, self._unfrozen(tape.gradient(loss, self.model.trainable_variables))

    def _unfrozen(self, grads):
        """The gradients with a switched-off neuron's entries at 0 (its penalty's share too)."""
        return [g if f is None else self._tf.where(f, self._tf.zeros_like(g), g) for g, f in zip(grads, self._frozen)]

    def _step(self, x, y, *masks):
        """One optimizer step by Keras's own gradient clipping (`global_clipnorm`) and `update_step`, as
        `optimizer.apply` makes it. Not `apply` itself: its tf.distribute all-reduce registers a gradient
        function globally in each trace, which TensorFlow never frees, so every engine would leave its
        graphs behind."""
        loss, grads = self._total_gradients(x, y, masks)
        grads = self.optimizer._clip_gradients(grads)
        learning_rate = self.optimizer.learning_rate
        for grad, variable, frozen in zip(grads, self.model.trainable_variables, self._frozen):
            kept = None if frozen is None else self._tf.identity(variable)
            self.optimizer.update_step(grad, variable, learning_rate)
            if frozen is not None:
                variable.assign(self._tf.where(frozen, kept, variable))
        self.optimizer.iterations.assign_add(1)
        return loss

    def _epoch(self, X, Y, order, batch_size, *masks):
        """Σ batch loss × batch size over the batches order[0:batch_size], order[batch_size:2·batch_size], …,
        each step with its rows of the dropout masks."""
        tf = self._tf
        n = tf.shape(order, out_type=tf.int64)[0]
        total = tf.zeros([], self.spec.dtype)
        for start in tf.range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss = self._step(tf.gather(X, batch), tf.gather(Y, batch), *(m[start:start + batch_size] for m in masks))
            total += loss * tf.cast(tf.shape(batch)[0], self.spec.dtype)
        return total
