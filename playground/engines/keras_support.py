"""Keras for the engines and the export: imported lazily, set up once, and one translation of a
NetworkSpec into Keras's optimizers and models, shared by the Keras engine, `to_keras()` and the
code export. The Keras names come from the registries in playground.nn (`keras_name`,
`keras_arguments`): nothing here lists activations, losses or optimizers by hand."""
import functools
import os

from ..nn import LOSSES, OPTIMIZERS, get_activation, schedule_of


@functools.cache
def import_keras():
    """keras on the TensorFlow backend, with TensorFlow's thread pools sized for this machine."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ notes would flood the server's console
    import keras
    import tensorflow as tf
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(f"The playground needs Keras on TensorFlow, not {keras.backend.backend()!r}: "
                           "unset KERAS_BACKEND or set it to 'tensorflow'.")
    # Each engine traces its own tf.functions once; TensorFlow counts those as retracing one function.
    # The filter is process-wide, and set here on purpose rather than at start: only a process that
    # loads TensorFlow has that logger, and this function is the one call that loads it (once).
    tf.get_logger().addFilter(lambda record: "triggered tf.function retracing" not in record.getMessage())
    cores = int(os.environ.get("PLAYGROUND_THREADS") or len(os.sched_getaffinity(0)))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(cores)
        tf.config.threading.set_inter_op_parallelism_threads(cores)
    except RuntimeError:
        pass  # TensorFlow already ran an op in this process: its pools are fixed now.
    return keras


def keras_learning_rate(spec):
    """spec's learning rate as Keras takes it: a number for a constant rate, else the Keras schedule
    (keras.optimizers.schedules) that gives the same α at every step as spec's schedule."""
    schedule = schedule_of(spec)
    if schedule.keras_name is None:
        return spec.learning_rate
    return getattr(import_keras().optimizers.schedules, schedule.keras_name)(**schedule.keras_arguments())


def keras_optimizer(spec):
    """A new Keras optimizer for spec.optimizer at spec's learning rate (or schedule), with Keras's defaults,
    clipping gradients by their global norm at spec.clip_norm (None: no clipping)."""
    optimizer = OPTIMIZERS[spec.optimizer]
    keras_class = getattr(import_keras().optimizers, optimizer.keras_name)
    return keras_class(learning_rate=keras_learning_rate(spec), global_clipnorm=spec.clip_norm,
                       **optimizer.keras_arguments)


def keras_activations(spec):
    """Keras's name of each Dense layer's activation, the output layer's last."""
    return [get_activation(f).keras_name for f in (*spec.activations, spec.output_activation)]


def keras_metrics(spec):
    """["accuracy"] for a loss that serves classification only, as Keras would report it; else none."""
    return [] if "regression" in LOSSES[spec.loss].tasks else ["accuracy"]


def keras_model(spec, weights, scaling=None):
    """A compiled keras.Sequential of Dense layers with spec's activations, penalty and optimizer, a Dropout
    layer after each hidden layer with a dropout rate, holding `weights` (a list of (W, b) per Dense layer).
    scaling: (shift, divide) per input, x → (x − shift) / divide, as a first Normalization layer (no weights)."""
    keras = import_keras()
    penalty = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2) if spec.l1 or spec.l2 else None
    layers = [keras.Input((spec.n_inputs,), dtype=spec.dtype)]
    if scaling is not None:
        shift, divide = scaling
        layers.append(keras.layers.Normalization(mean=shift, variance=divide ** 2, dtype=spec.dtype))
    for width, f, rate in zip(spec.sizes[1:], keras_activations(spec), (*spec.dropout_rates, 0)):
        layers.append(keras.layers.Dense(width, activation=f, kernel_regularizer=penalty, dtype=spec.dtype))
        if rate:
            layers.append(keras.layers.Dropout(rate, dtype=spec.dtype))
    model = keras.Sequential(layers)
    model.set_weights([array for W, b in weights for array in (W, b)])
    model.compile(optimizer=keras_optimizer(spec), loss=LOSSES[spec.loss].keras_name, metrics=keras_metrics(spec))
    model.optimizer.build(model.trainable_variables)  # saved with its slots, it loads without a warning
    return model
