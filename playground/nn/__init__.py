"""The NumPy neural network, written from scratch: numpy is its only import.

The registries (ACTIVATIONS, LOSSES, OPTIMIZERS, SCHEDULES, INITIALIZERS) are the one list of each kind:
what the rest of the playground offers, checks, shows and translates to Keras is read from them.
"""
from .activations import ACTIVATIONS, ActivationFunction, get_activation, hidden_activations, output_activations
from .initializers import INITIALIZERS
from .layers import Dense, Neuron
from .losses import LOSSES, LossFunction, get_loss, losses_for
from .network import NeuralNetwork, forward_layers
from .optimizers import OPTIMIZERS, GradientDescent, get_optimizer
from .schedules import SCHEDULES, LearningRateSchedule, get_schedule, rate_curve, schedule_of
from .targets import targets

Layer = Dense
