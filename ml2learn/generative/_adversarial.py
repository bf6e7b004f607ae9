"""What every adversarial estimator shares (GAN, DCGAN, Pix2Pix, CycleGAN):
a skorch net with one optimizer per network and a step that updates them in
turn, and the estimator side that declares their training parameters.

The net's module holds ``generator`` and ``discriminator`` (each may be a
container of several networks, as CycleGAN's two of each); the generator's
optimizer is skorch's ``optimizer_``, the discriminator's
``optimizer_discriminator_``, and both follow the engine's learning-rate
schedule. A family writes its ``train_step`` and names the per-batch values
it records (``history_keys``); their epoch means land in ``history_``.
"""

from numbers import Integral, Real

import numpy as np
from skorch.callbacks import Callback, PassthroughScoring

from ..neural._callbacks import ScheduledLearningRate
from ..neural._nets import OPTIMIZERS, Net
from ..neural._schedules import SCHEDULES
from ..utils._param_validation import Interval, StrOptions

__all__ = [
    "AdversarialNet",
    "AdversarialTraining",
    "epochs_doc",
    "optimization_doc",
    "set_requires_grad",
]


def set_requires_grad(module, flag):
    """Switch the gradients of all of ``module``'s parameters on or off."""
    for p in module.parameters():
        p.requires_grad_(flag)


def _optimizer(name, params, lr, beta1, momentum):
    if name == "adam" or name == "adamw":
        return OPTIMIZERS[name](params, lr=lr, betas=(beta1, 0.999))
    if name == "sgd":
        return OPTIMIZERS[name](params, lr=lr, momentum=momentum)
    return OPTIMIZERS[name](params, lr=lr)


class AdversarialNet(Net):
    """The skorch net of an adversarial pair: two optimizers, and an epoch
    table that marks no "best" epoch (a lower sum of a generator's and a
    discriminator's losses is not a better model)."""

    def __init__(self, *args, optimizers=None, **kwargs):
        super().__init__(*args, **kwargs)
        # {"generator"/"discriminator": (optimizer name, kwargs)}
        self.optimizers = optimizers

    def get_default_callbacks(self):
        return [
            (
                name,
                PassthroughScoring("train_loss", lower_is_better=None, on_train=True),
            )
            if name == "train_loss"
            else (name, callback)
            for name, callback in super().get_default_callbacks()
        ]

    def initialize_optimizer(self, *args, **kwargs):
        generator, discriminator = self.module_.generator, self.module_.discriminator
        name, settings = self.optimizers["generator"]
        self.optimizer_ = _optimizer(name, generator.parameters(), **settings)
        name, settings = self.optimizers["discriminator"]
        self.optimizer_discriminator_ = _optimizer(
            name, discriminator.parameters(), **settings
        )
        return self

    def record(self, **values):
        """Record this batch's scalar tensors under their names."""
        for key, value in values.items():
            self.history.record_batch(key, float(value.detach()))


class _EpochMeans(Callback):
    """Records the epoch means of the batch values named ``keys``."""

    def __init__(self, keys):
        self.keys = keys

    def on_epoch_end(self, net, **kwargs):
        batches = net.history[-1, "batches"]
        for key in self.keys:
            values = [b[key] for b in batches if key in b]
            net.history.record(key, float(np.mean(values)) if values else np.nan)


class AdversarialTraining:
    """The estimator side: the training parameters an adversarial fit takes,
    the two optimizers and their schedule, and the epoch means.

    A family sets ``history_keys`` (the per-batch values its step records)
    and, where it needs more, extends ``_adversarial_net_params``.
    """

    history_keys = ()

    training_parameter_names = (
        "optimizer",
        "learning_rate",
        "momentum",
        "lr_schedule",
        "lr_decay",
        "lr_step_size",
        "max_epochs",
        "batch_size",
        "warm_start",
        "random_state",
        "device",
        "verbose",
    )
    # the step calls the networks apart, not through one DDP-wrapped module
    _supports_accelerator = False

    _parameter_constraints: dict = {
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "discriminator_optimizer": [StrOptions(set(OPTIMIZERS)), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "discriminator_learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            None,
        ],
        "beta1": [Interval(Real, 0, 1, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "lr_schedule": [StrOptions(set(SCHEDULES)), None],
        "lr_decay": [Interval(Real, 0, None, closed="left")],
        "lr_step_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
    }

    def _make_criterion(self):
        import torch

        return torch.nn.BCEWithLogitsLoss  # the step computes its own losses

    def _discriminator_lr(self):
        return self.discriminator_learning_rate or self.learning_rate

    def _net_params(self, run):
        shared = dict(beta1=self.beta1, momentum=self.momentum)
        return dict(
            optimizers={
                "generator": (self.optimizer, dict(lr=self.learning_rate, **shared)),
                "discriminator": (
                    self.discriminator_optimizer or self.optimizer,
                    dict(lr=self._discriminator_lr(), **shared),
                ),
            }
        )

    def _schedule_callback(self, run):
        """Both optimizers' learning rates scaled by the schedule's factor."""
        return ScheduledLearningRate(
            {
                "optimizer_": self.learning_rate,
                "optimizer_discriminator_": self._discriminator_lr(),
            },
            self.lr_schedule,
            self.lr_decay,
            self.lr_step_size,
            self.max_epochs,
            first_epoch=run.first_epoch,
        )

    def _extra_callbacks(self, run):
        return [("epoch_means", _EpochMeans(self.history_keys))]

    def _record_history(self):
        super()._record_history()
        history = self.net_.history
        self.history_ = {
            key: np.array(history[:, key], dtype=float) for key in self.history_keys
        }


def optimization_doc(learning_rate="2e-4", lr_schedule="None"):
    """The numpydoc text of the two optimizers and their schedule, with the
    defaults an estimator's signature gives."""
    return f"""\
    optimizer : {{"adam", "adamw", "sgd", "rmsprop", "adagrad", "adadelta"}}, \
default="adam"
        The generator's optimizer.
    discriminator_optimizer : str, default=None
        The discriminator's; None uses ``optimizer``.
    learning_rate : float, default={learning_rate}
        The generator's learning rate.
    discriminator_learning_rate : float, default=None
        The discriminator's; None uses ``learning_rate``.
    beta1 : float, default=0.5
        Adam's first-moment decay (0.5, as Radford et al.; Adam's own
        default 0.9 makes GAN training oscillate).
    momentum : float, default=0.9
        Momentum of ``"sgd"``.
    lr_schedule : {{"time", "step", "exponential", "cosine"}}, default={lr_schedule}
        Multiplies both learning rates every epoch by the schedule's factor
        (see :func:`~ml2learn.neural.schedule_factor`); None keeps them.
    lr_decay : float, default=0.1
        Decay of the ``"time"``, ``"step"`` and ``"exponential"`` schedules.
    lr_step_size : int, default=10
        Epochs between the ``"step"`` schedule's drops.
"""


OPTIMIZATION_DOC = optimization_doc()


def epochs_doc(n_epochs, batch_size, rows, batch_note=None):
    """The numpydoc text of the epoch, batch and run parameters."""
    note = f" ({batch_note})" if batch_note else ""
    return f"""    max_epochs : int, default={n_epochs}
        Passes over the {rows}.
    batch_size : int, default={batch_size}
        {rows[0].upper() + rows[1:]} per mini-batch{note}.
    warm_start : bool, default=False
        Continue training the fitted networks on the next ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the batches and the noise.
    device : {{"cpu", "cuda", "auto"}}, default="cpu"
        Where the networks train.
    verbose : int, default=0
        1 prints skorch's epoch table, 2 adds a progress bar."""
