"""The learning-rate finder, after fastai's `lr_find` and PyTorch Lightning's tuner (Smith, "Cyclical
Learning Rates for Training Neural Networks", 2015).

A short trial run on a copy of the network: one optimizer step per batch while the learning rate
grows exponentially, from START_RATE to END_RATE over MAX_STEPS steps, with each batch's loss
recorded. The loss falls slowly at rates too small to matter, fast at good ones, and blows up at
rates too large; the trial stops once the smoothed loss passes DIVERGENCE times its best so far.

Pure: it trains its own NumPy network from the weights it is given, with a fresh optimizer of the
spec's kind, on the batches in the order a run draws them, so whatever run asked is untouched.
"""
import math
from dataclasses import dataclass

import numpy as np

from .engines import epoch_batches
from .nn import NeuralNetwork, get_optimizer
from .nn.schedules import ExponentialDecay

START_RATE, END_RATE, MAX_STEPS = 1e-5, 10.0, 300
BETA = 0.98        # the loss's smoothing, fastai's and Lightning's
DIVERGENCE = 4.0   # stop past 4× the best smoothed loss: fastai's stop_div, Lightning's early_stop_threshold
SKIP = MAX_STEPS // 10  # points the suggestion leaves out at the start, as fastai does: the average rests on few losses
RULE = "The rate at the lowest smoothed loss, divided by 10 (fastai's minimum/10), and no less than 1e-5."


@dataclass
class LRFinderResult:
    """What the finder saw: per step, the rate, the batch's loss and the smoothed loss; its suggestion."""
    rates: np.ndarray       # α of each step: START_RATE · (END_RATE / START_RATE)^(t / (MAX_STEPS − 1))
    losses: np.ndarray      # each batch's loss (data + penalty) just before its step at that rate
    smoothed: np.ndarray    # the losses' exponential moving average, bias-corrected
    suggestion: float       # the suggested learning rate, by `rule`
    rule: str               # how the suggestion was chosen, in one sentence
    stopped_early: bool     # True when the smoothed loss passed DIVERGENCE × its best (or was no longer finite)


def batches(n, batch_size, seed, epoch):
    """Row indices of each batch in a run's order, from the start of `epoch` on, epoch after epoch."""
    while True:
        order, slices = epoch_batches(n, batch_size, seed, epoch)
        for s in slices:
            yield order[s]
        epoch += 1


def find(spec, weights, X, Y, epoch=0):
    """The finder's trial from `weights` (a list of (W, b), left as they are) on X, Y (the training data,
    targets as the engines take them), batches drawn as a run of `spec` draws them from the start of
    `epoch`, with a fresh optimizer of spec's kind. The loss is smoothed as fastai and Lightning smooth
    it: m_t = β·m_{t−1} + (1 − β)·loss_t from m_0 = 0, divided by 1 − βᵗ (t counts from 1), β = 0.98.
    Returns an LRFinderResult; its suggestion follows `suggest`."""
    network = NeuralNetwork(spec.sizes, (*spec.activations, spec.output_activation), spec.loss, spec.l1, spec.l2,
                            spec.dtype)
    network.set_weights(weights)
    # The climb α₀ · r^(t / T) is Keras's ExponentialDecay with a factor r above 1.
    ramp = ExponentialDecay(START_RATE, decay_steps=MAX_STEPS - 1, decay_rate=END_RATE / START_RATE)
    optimizer = get_optimizer(spec.optimizer, ramp)
    X, Y = np.ascontiguousarray(X, spec.dtype), np.ascontiguousarray(Y, spec.dtype)
    rates, losses, smoothed = [], [], []
    average, best, stopped = 0.0, math.inf, False
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is what the trial looks for
        for t, rows in zip(range(1, MAX_STEPS + 1), batches(len(X), spec.batch_size, spec.seed, epoch)):
            rates.append(optimizer.learning_rate)
            losses.append(network.train_batch(X[rows], Y[rows], optimizer))
            average = BETA * average + (1 - BETA) * losses[-1]
            smoothed.append(average / (1 - BETA**t))
            best = min(best, smoothed[-1])
            if not math.isfinite(smoothed[-1]) or smoothed[-1] > DIVERGENCE * best:
                stopped = True
                break
    rates, smoothed = np.array(rates), np.array(smoothed)
    return LRFinderResult(rates, np.array(losses), smoothed, suggest(rates, smoothed), RULE, stopped)


def suggest(rates, smoothed):
    """The rate at the lowest smoothed loss, divided by 10 (fastai's "minimum/10"), and no less than
    START_RATE; the first SKIP points are left out when there are later ones.

    Why not the steepest descent (the rate where the smoothed loss falls fastest against log α)? Here
    batches are small (10 examples by default), so even the smoothed curve wobbles, and its slope
    wobbles more: measured on the page's data sets, the steepest point was often at about 5e-5, in the
    flat start (20 epochs there learned no more than at 1e-5), and once at 3.0 for RMSprop, which
    diverged. The minimum is a landmark that noise moves little, and a tenth of it stays clear of the
    rates where the loss blows up: 0.17 on the default network, whose loss falls from 0.75 to 0.09 in
    20 epochs at that rate.
    """
    finite = np.flatnonzero(np.isfinite(smoothed))
    candidates = finite[finite >= SKIP] if np.any(finite >= SKIP) else finite
    if not len(candidates):
        return START_RATE
    return max(float(rates[candidates[np.argmin(smoothed[candidates])]]) / 10, START_RATE)
