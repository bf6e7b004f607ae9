"""The training engine of every neural estimator: flat parameters outside,
a skorch net inside, one loop.

:class:`NeuralEngine` owns the loop, as scikit-learn's boosting base owns
boosting: given a dataset, it builds (or continues) the torch module, builds
a skorch net from the shared training parameters, trains it and keeps it in
``net_``. A family changes one named seam and nothing else:

- ``_build_module(n_features, n_outputs)`` and ``_make_criterion()``;
- ``_net_class()`` and ``_net_params(run)``: the skorch net (its train step,
  its batches, its optimizers) and the keyword arguments it takes;
- ``_split(dataset, seed)``: a validation split (none by default);
- ``_schedule_callback(run)`` and ``_extra_callbacks(run)``: per-epoch and
  per-batch work;
- the capabilities a class declares: ``_supports_warmup``,
  ``_supports_augment``, ``_supports_accelerator``, and the shared training
  parameters it takes, ``training_parameter_names`` (the others keep their
  declared defaults, :meth:`NeuralEngine._options`).

What one call of ``fit`` needs (the target domain's rows, the first epoch of
its schedule) travels in a :class:`TrainingRun`, never on ``self``.
"""

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, ProgressBar
from skorch.helper import predefined_split

from ..utils.parallel import torch_threads_for_task
from ._callbacks import (
    GradientClipping,
    GradientNormRecorder,
    LowestLossEarlyStopping,
    ScheduledLearningRate,
    StopOnNonFiniteLoss,
)
from ._nets import OPTIMIZERS, AcceleratedNet, Net, float64_call, resolve_device
from ._training_params import TRAINING_PARAMETERS
from ._transfer import (
    capture_layer,
    copy_matching_weights,
    freeze_layers,
    initialize_weights,
)

__all__ = ["NeuralEngine", "TrainingRun"]

_MAX_SEED = np.iinfo(np.int32).max


@dataclass
class TrainingRun:
    """What one call of ``fit`` or ``partial_fit`` trains with.

    Attributes
    ----------
    epochs : int
        Epochs this call runs.
    first_epoch : int
        History length at which this run's epoch 0 starts: 0 for a fresh
        fit and for ``partial_fit`` (its schedule runs on over the calls),
        the epochs already run for a warm ``fit`` (its schedule starts anew).
    n_train : int
        Training rows.
    batch_size : int
        Rows per mini-batch.
    extras : dict
        A family's per-fit data (DANN: the target domain's inputs).
    """

    epochs: int
    first_epoch: int
    n_train: int
    batch_size: int
    extras: dict = field(default_factory=dict)


def _silent(*args):
    """A message sink that drops the messages (picklable, unlike a lambda)."""


def _continuation_seed(seed, epochs_done):
    """The seed of a continuation after ``epochs_done`` epochs: a function
    of the estimator's seed and its state, so that two continuations of one
    state are identical and successive ones differ."""
    if epochs_done == 0:
        return seed
    return int(np.random.RandomState([seed, epochs_done]).randint(_MAX_SEED))


def _optimizer_settings(group):
    return {k: v for k, v in group.items() if k not in ("params", "lr")}


def _same_optimizer_settings(old, new):
    """Whether ``new`` (a fresh optimizer) has ``old``'s class, parameters
    and hyper-parameters (the learning rate aside, which the schedule sets),
    so that ``old``'s state (momenta, Adam's moments) carries over."""
    if type(old) is not type(new) or len(old.param_groups) != len(new.param_groups):
        return False
    for a, b in zip(old.param_groups, new.param_groups):
        if [id(p) for p in a["params"]] != [id(p) for p in b["params"]]:
            return False
        if _optimizer_settings(a) != _optimizer_settings(b):
            return False
    return True


class NeuralEngine(BaseEstimator, metaclass=ABCMeta):
    """The loop shared by every neural estimator; not for direct use."""

    training_parameter_names = tuple(TRAINING_PARAMETERS)

    _supports_warmup = False  # has ``warmup_epochs``
    _supports_augment = False  # has ``augment``
    _supports_accelerator = True  # the train step runs under a DDP wrapper

    @abstractmethod
    def _build_module(self, n_features, n_outputs):
        """The torch module for data with ``n_features`` and ``n_outputs``."""

    @abstractmethod
    def _make_criterion(self):
        """A loss class with ``reduction="none"`` semantics."""

    def _options(self):
        """Every shared training parameter: the estimator's value for those
        it declares in ``training_parameter_names``, the declared default
        for the others (a GAN has no early stopping)."""
        declared = self.training_parameter_names
        return SimpleNamespace(
            **{
                name: getattr(self, name) if name in declared else parameter.default
                for name, parameter in TRAINING_PARAMETERS.items()
            }
        )

    # -- data -------------------------------------------------------------

    def _reads_tokens(self):
        """Whether ``X`` holds integer token ids (kept as int64 tensors)."""
        return False

    def _inputs_tensor(self, X):
        dtype = np.int64 if self._reads_tokens() else np.float32
        return torch.from_numpy(np.require(X, dtype, ["C", "W"]))

    def _split(self, dataset, seed):
        """The training and validation sets; no validation by default."""
        return dataset, None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    # -- seams ------------------------------------------------------------------

    def _net_class(self):
        """The skorch net class: its train step and its batches."""
        if self._supports_accelerator and self._options().accelerator is not None:
            return AcceleratedNet
        return Net

    def _net_params(self, run):
        """Extra keyword arguments of the net class."""
        return {}

    def _schedule_callback(self, run):
        """The per-epoch learning-rate schedule (None: a family sets it)."""
        return ScheduledLearningRate(
            {"optimizer_": self.learning_rate},
            self.lr_schedule,
            self.lr_decay,
            self.lr_step_size,
            self.max_epochs,
            warmup=self.warmup_epochs if self._supports_warmup else 0,
            first_epoch=run.first_epoch,
        )

    def _extra_callbacks(self, run):
        """A family's own callbacks, run after the built-in ones."""
        return []

    def _training_threads(self, n_features, n_outputs, batch_size):
        """At most this many torch threads while training (None: torch's
        own number); a family whose batches are too small to share sets it."""
        return None

    def _same_task(self, source):
        """Whether ``source`` was fitted for this task, so that its output
        layer carries over (classifiers: the same classes)."""
        return True

    # -- the net ----------------------------------------------------------------

    def _callbacks(self, run, options):
        user = options.callbacks or []
        for callback in user:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "callbacks must hold skorch callbacks (instances of "
                    f"skorch.callbacks.Callback); got {callback!r}."
                )
        callbacks = [(f"user_{i}", cb) for i, cb in enumerate(user)]
        callbacks.append(("finite_loss", StopOnNonFiniteLoss()))
        schedule = self._schedule_callback(run)
        if schedule is not None:
            callbacks.append(("lr_schedule", schedule))
        clip_norm, clip_value = options.gradient_clip_norm, options.gradient_clip_value
        if clip_norm is not None or clip_value is not None:
            callbacks.append(
                ("gradient_clipping", GradientClipping(clip_norm, clip_value))
            )
        if options.record_gradient_norms:
            callbacks.append(("gradient_norms", GradientNormRecorder()))
        if options.early_stopping:
            sink = print if self.verbose else _silent
            stopper = LowestLossEarlyStopping(options.patience, options.min_delta, sink)
            callbacks.append(("early_stopping", stopper))
        if self.verbose >= 2:
            callbacks.append(("progress", ProgressBar()))
        return callbacks + self._extra_callbacks(run)

    def _optimizer_params(self, options):
        params = {"weight_decay": options.weight_decay}
        if self.optimizer == "sgd":
            params.update(momentum=options.momentum, nesterov=options.nesterov)
        return {f"optimizer__{k}": v for k, v in params.items()}

    def _make_net(self, module, valid, seed, run):
        options = self._options()
        if options.nesterov and (self.optimizer != "sgd" or options.momentum == 0):
            raise ValueError("nesterov=True needs optimizer='sgd' and momentum > 0.")
        net_class = self._net_class()
        placement = dict(device=resolve_device(self.device))
        if issubclass(net_class, AcceleratedNet):
            placement = dict(
                accelerator=options.accelerator, device=None, unwrap_after_train=False
            )
        return net_class(
            module,
            criterion=self._make_criterion(),
            optimizer=OPTIMIZERS[self.optimizer],
            lr=self.learning_rate,
            max_epochs=run.epochs,
            batch_size=run.batch_size,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(run, options),
            verbose=int(self.verbose >= 1),
            l1=options.l1,
            shuffle_seed=seed,
            augment=self.augment if self._supports_augment else None,
            lr_factors=self._lr_factors(module, options),
            frozen=self.frozen_,
            **placement,
            **self._optimizer_params(options),
            **self._net_params(run),
        )

    def _lr_factors(self, module, options):
        if options.init_from is None or options.fine_tune_lr_factor == 1.0:
            return None
        copied = set(self.copied_layers_)
        return {
            name: options.fine_tune_lr_factor
            for name, _ in module.named_parameters()
            if name.rsplit(".", 1)[0] in copied
        }

    def _new_module(self, n_features, n_outputs):
        """A freshly initialised module, with ``init_from``'s weights copied."""
        options = self._options()
        module = self._build_module(n_features, n_outputs)
        initialize_weights(module, options.weight_init)
        self.copied_layers_, self.new_layers_ = [], []
        source = options.init_from
        if source is not None:
            check_is_fitted(source, "net_")
            self.copied_layers_, self.new_layers_ = copy_matching_weights(
                source.net_.module_, module, self._same_task(source)
            )
        return module

    def _build_net(self, n_features, n_outputs, previous, valid, seed, run):
        if previous is None:
            module = self._new_module(n_features, n_outputs)
        else:
            module = previous.module_
        self.frozen_ = freeze_layers(module, self._options().freeze)
        net = self._make_net(module, valid, seed, run)
        net.initialize()
        if previous is not None:
            net.history = previous.history
            for name in net._optimizers:
                old, new = getattr(previous, name + "_"), getattr(net, name + "_")
                if _same_optimizer_settings(old, new):
                    new.load_state_dict(old.state_dict())
        return net

    # -- the loop ---------------------------------------------------------------

    def _run(self, dataset, n_features, n_outputs, continuing, partial, extras):
        """Train on ``dataset``: a new network, or, when ``continuing``, the
        fitted one for ``max_epochs`` more epochs (one when ``partial``)."""
        previous = self.net_ if continuing else None
        done = len(previous.history) if previous is not None else 0
        seed = int(check_random_state(self.random_state).randint(_MAX_SEED))
        train, valid = self._split(dataset, seed)
        epochs = 1 if partial else self.max_epochs
        run = TrainingRun(
            epochs=epochs,
            first_epoch=done if continuing and not partial else 0,
            n_train=len(train),
            batch_size=self._batch_size(len(train)),
            extras=extras,
        )
        threads = None
        if resolve_device(self.device) == "cpu":
            threads = self._training_threads(n_features, n_outputs, run.batch_size)
        with torch.random.fork_rng(devices=[]), torch_threads_for_task(threads):
            run_seed = _continuation_seed(seed, done)
            torch.manual_seed(run_seed)
            try:
                net = self._build_net(
                    n_features, n_outputs, previous, valid, run_seed, run
                )
            except BaseException:
                if previous is None:  # a continuation keeps its fitted state
                    self._forget_fit()
                raise
            try:
                net.partial_fit(train, epochs=epochs)
            except BaseException:
                self._forget_fit()  # an interrupted fit does not look fitted
                raise
        self.net_ = net
        self._probe_input_ = torch.ones_like(train.X[:1]).numpy()
        self._record_history()
        return self

    def _forget_fit(self):
        for name in [k for k in vars(self) if k.endswith("_") and k[:2] != "__"]:
            delattr(self, name)

    def _record_history(self):
        history = self.net_.history
        self.n_epochs_ = len(history)
        self.loss_curve_ = np.array(history[:, "train_loss"], dtype=float)
        if self._options().early_stopping:
            self.validation_loss_curve_ = np.array(
                [row.get("valid_loss", np.nan) for row in history], dtype=float
            )
            stopper = dict(self.net_.callbacks_)["early_stopping"]
            self.best_epoch_ = int(stopper.best_epoch_)
        if any("gradient_norms" in row for row in history):
            names = dict.fromkeys(
                name for row in history for name in row.get("gradient_norms", {})
            )
            self.gradient_norms_ = {
                name: np.array(
                    [row.get("gradient_norms", {}).get(name, np.nan) for row in history]
                )
                for name in names
            }

    # -- prediction ---------------------------------------------------------

    def _forward(self, X, capture=False, layer=None):
        """Raw network outputs for validated ``X`` in evaluation mode, or,
        with ``capture``, the output of ``layer`` (None: the input of the
        output layer) flattened per sample; float64 (see
        :func:`~ml2learn.neural._nets.float64_call`)."""
        module = self.net_.module_
        inputs = self._inputs_tensor(X)
        if not capture:
            return float64_call(module, inputs).numpy()
        with capture_layer(module, layer) as captured:
            float64_call(module, inputs)
        return torch.cat([c.cpu() for c in captured]).numpy().astype(np.float64)
