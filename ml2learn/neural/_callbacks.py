"""The engine's per-epoch and per-batch parts, as skorch callbacks.

The learning-rate schedule, early stopping that restores the lowest
validation loss, gradient clipping, the per-layer gradient-norm record and
the guard against a non-finite loss. Each is one small class that the
engine adds to a net; a family's own step (DANN's reversal coefficient, a
GAN's two optimizers) reuses them instead of keeping copies.
"""

import math
import os
import sys

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping
from skorch.callbacks import PrintLog as SkorchPrintLog
from skorch.utils import Ansi

from ._schedules import learning_rate_at

__all__ = [
    "GradientClipping",
    "GradientNormRecorder",
    "LowestLossEarlyStopping",
    "PrintLog",
    "ScheduledLearningRate",
    "StopOnNonFiniteLoss",
    "StopTraining",
    "stops_training",
]


class StopTraining(Exception):
    """Raised by a callback to end training normally (early stopping); a
    ``KeyboardInterrupt`` is never used for that, so Ctrl-C propagates."""


def stops_training(error):
    """Whether ``error`` asks training to end normally: our
    :class:`StopTraining`, or the ``KeyboardInterrupt`` that skorch's own
    :class:`~skorch.callbacks.EarlyStopping` raises to stop (a user may
    pass one in ``callbacks``)."""
    if isinstance(error, StopTraining):
        return True
    if not isinstance(error, KeyboardInterrupt):
        return False
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    owner = None if frame is None else frame.tb_frame.f_locals.get("self")
    return isinstance(owner, EarlyStopping)


class ScheduledLearningRate(Callback):
    """Sets ``eta_t`` at the start of every epoch and records it as ``lr``.

    Parameters
    ----------
    rates : dict
        ``{optimizer attribute: eta_0}``, e.g. ``{"optimizer_": 1e-3}``; a
        GAN passes both of its optimizers.
    schedule, decay, step_size, max_epochs
        As :func:`~ml2learn.neural.learning_rate_at`.
    warmup : int, default=0
        Linear warm-up: epoch ``t < warmup`` uses ``(t + 1) / (warmup + 1)``
        of the scheduled rate.
    first_epoch : int, default=0
        The history length at which this run's epoch 0 starts (a warm
        ``fit`` starts its schedule anew; ``partial_fit`` continues it).

    Notes
    -----
    A parameter group with an ``lr_factor`` (copied layers when fine-tuning)
    gets ``lr_factor * eta_t``.
    """

    def __init__(
        self,
        rates,
        schedule=None,
        decay=0.1,
        step_size=10,
        max_epochs=1,
        warmup=0,
        first_epoch=0,
    ):
        self.rates = rates
        self.schedule = schedule
        self.decay = decay
        self.step_size = step_size
        self.max_epochs = max_epochs
        self.warmup = warmup
        self.first_epoch = first_epoch

    def on_epoch_begin(self, net, **kwargs):
        epoch = len(net.history) - 1 - self.first_epoch
        warmup = (epoch + 1) / (self.warmup + 1) if epoch < self.warmup else 1.0
        recorded = None
        for attribute, rate in self.rates.items():
            lr = warmup * learning_rate_at(
                self.schedule,
                epoch,
                rate,
                decay=self.decay,
                step_size=self.step_size,
                max_epochs=self.max_epochs,
            )
            for group in getattr(net, attribute).param_groups:
                group["lr"] = lr * group.get("lr_factor", 1.0)
            recorded = lr if recorded is None else recorded
        net.history.record("lr", recorded)


class LowestLossEarlyStopping(Callback):
    """Early stopping as the notes' Keras recipe counts it, restoring the
    lowest validation loss.

    The patience counts epochs since the validation loss last fell by more
    than ``min_delta`` below the loss of that reference epoch; training
    stops after ``patience`` such epochs. At the end the weights of the
    epoch with the lowest validation loss are restored, even when it beat
    the reference by less than ``min_delta`` (Keras and skorch restore the
    reference epoch's weights instead).

    Parameters
    ----------
    patience : int
        Epochs without an improvement of ``min_delta``.
    min_delta : float
        The improvement that resets the patience.
    sink : callable
        Where the stopping message goes.
    """

    def __init__(self, patience=5, min_delta=0.0, sink=print):
        self.patience = patience
        self.min_delta = min_delta
        self.sink = sink

    def initialize(self):
        self.reference_ = math.inf
        self.lowest_ = math.inf
        self.misses_ = 0
        self.best_epoch_ = None
        self.best_state_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        self.initialize()

    def on_epoch_end(self, net, **kwargs):
        loss = float(net.history[-1, "valid_loss"])
        if loss < self.lowest_:
            self.lowest_ = loss
            self.best_epoch_ = len(net.history)
            self.best_state_ = {
                k: v.detach().clone() for k, v in net.module_.state_dict().items()
            }
        if loss < self.reference_ - self.min_delta:
            self.reference_ = loss
            self.misses_ = 0
        else:
            self.misses_ += 1
        if self.misses_ >= self.patience:
            self.sink(
                f"Stopping: the validation loss has not fallen by {self.min_delta} "
                f"for {self.patience} epochs; restoring epoch {self.best_epoch_}."
            )
            raise StopTraining

    def on_train_end(self, net, **kwargs):
        if self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)
            self.best_state_ = None  # not pickled with the estimator


class GradientClipping(Callback):
    """Clips the gradients after every backward pass: every component to
    ``[-value, value]``, then the norm of all of them together to
    ``max_norm`` (``g <- g * max_norm / ||g||`` when ``||g|| > max_norm``;
    Pascanu et al., 2013)."""

    def __init__(self, max_norm=None, value=None):
        self.max_norm = max_norm
        self.value = value

    def on_grad_computed(self, net, named_parameters, **kwargs):
        params = [p for _, p in named_parameters if p.grad is not None]
        if self.value is not None:
            torch.nn.utils.clip_grad_value_(params, self.value)
        if self.max_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, self.max_norm)


class GradientNormRecorder(Callback):
    """Records, per epoch, the mean over batches of ``||dJ/dW||_2`` of every
    weight (parameters of two or more dimensions) as the history's
    ``gradient_norms`` and the norm of all gradients together as
    ``gradient_norm``."""

    def on_epoch_begin(self, net, **kwargs):
        self.sums_, self.total_, self.batches_ = {}, 0.0, 0

    def on_grad_computed(self, net, named_parameters, training=True, **kwargs):
        squares = 0.0
        for name, p in named_parameters:
            if p.grad is None:
                continue
            norm = float(p.grad.detach().norm())
            squares += norm**2
            if p.ndim > 1:
                self.sums_[name.removeprefix("module.")] = (
                    self.sums_.get(name.removeprefix("module."), 0.0) + norm
                )
        self.total_ += math.sqrt(squares)
        self.batches_ += 1

    def on_epoch_end(self, net, **kwargs):
        n = max(self.batches_, 1)
        net.history.record("gradient_norms", {k: v / n for k, v in self.sums_.items()})
        net.history.record("gradient_norm", self.total_ / n)


class StopOnNonFiniteLoss(Callback):
    """Stops training with a clear error once an epoch's loss is NaN or inf
    (a non-finite batch loss makes the epoch's mean non-finite), or once a
    weight is: a step can overflow the weights while the loss it was taken
    on was still finite, and such a network predicts only NaN."""

    def on_epoch_end(self, net, **kwargs):
        loss = net.history[-1, "train_loss"]
        epoch = len(net.history)
        if not np.isfinite(loss):
            raise ValueError(
                f"The training loss became {loss} at epoch {epoch}; "
                "lower learning_rate (or check the data for extreme values)."
            )
        for name, parameter in net.module_.named_parameters():
            if not torch.isfinite(parameter).all():
                raise ValueError(
                    f"The weights {name!r} became NaN or infinite at epoch "
                    f"{epoch} (the loss was still finite); lower learning_rate "
                    "(or set gradient_clip_norm)."
                )


def _colour_terminal():
    """Whether standard output is a terminal that takes colours (the
    ``NO_COLOR`` convention, https://no-color.org, turns them off)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


class PrintLog(SkorchPrintLog):
    """skorch's epoch table, with ANSI colours only on a terminal.

    skorch colours the epoch's best values; written to a log file or a
    captured notebook cell the escape codes are noise, so there a best
    value is marked with ``*`` instead.
    """

    def format_row(self, row, key, color):
        formatted = super().format_row(row, key, color)
        if self.sink is not print or _colour_terminal():
            return formatted
        if not isinstance(formatted, str) or Ansi.ENDC.value not in formatted:
            return formatted
        return formatted.replace(color, "").replace(Ansi.ENDC.value, "") + "*"
