"""The NumPy neural network, written from scratch: numpy is its only import."""
from .activations import ACTIVATIONS, ActivationFunction, get_activation
from .initializers import INITIALIZERS
from .layers import Dense
from .losses import LOSSES, LossFunction, get_loss
from .network import NeuralNetwork
from .optimizers import OPTIMIZERS, GradientDescent, get_optimizer

Layer = Dense
