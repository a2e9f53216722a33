"""Keras for the engines and the export: imported lazily, set up once, and one translation of a
NetworkSpec into Keras's optimizers and models, shared by the Keras engine and `to_keras()`."""
import functools
import os

# The Keras optimizer class, and the arguments beyond the learning rate, of each spec optimizer.
KERAS_OPTIMIZERS = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
}
CLASSIFICATION_LOSSES = ("binary_crossentropy", "categorical_crossentropy")


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
    tf.get_logger().addFilter(lambda record: "triggered tf.function retracing" not in record.getMessage())
    cores = len(os.sched_getaffinity(0))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(cores)
        tf.config.threading.set_inter_op_parallelism_threads(cores)
    except RuntimeError:
        pass  # TensorFlow already ran an op in this process: its pools are fixed now.
    return keras


def keras_optimizer(spec):
    """A new Keras optimizer for spec.optimizer at spec.learning_rate, with Keras's defaults."""
    name, options = KERAS_OPTIMIZERS[spec.optimizer]
    return getattr(import_keras().optimizers, name)(learning_rate=spec.learning_rate, **options)


def keras_model(spec, weights):
    """A compiled keras.Sequential of Dense layers with spec's activations, penalty and optimizer,
    holding `weights` (a list of (W, b) per layer)."""
    keras = import_keras()
    penalty = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2) if spec.l1 or spec.l2 else None
    model = keras.Sequential(
        [keras.Input((spec.n_inputs,), dtype=spec.dtype)]
        + [keras.layers.Dense(width, activation=f, kernel_regularizer=penalty, dtype=spec.dtype)
           for width, f in zip(spec.sizes[1:], (*spec.activations, spec.output_activation))])
    model.set_weights([array for W, b in weights for array in (W, b)])
    metrics = ["accuracy"] if spec.loss in CLASSIFICATION_LOSSES else []
    model.compile(optimizer=keras_optimizer(spec), loss=spec.loss, metrics=metrics)
    model.optimizer.build(model.trainable_variables)  # saved with its slots, it loads without a warning
    return model
