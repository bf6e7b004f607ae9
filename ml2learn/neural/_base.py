"""The training engine of every neural estimator: flat parameters outside,
skorch inside.

:class:`BaseNeuralEstimator` owns the loop, as scikit-learn's boosting base
does: it validates the data, builds (or continues) the torch module, builds a
skorch net from the shared training parameters and trains it, keeping it in
``net_``. A family changes one named seam and nothing else:

- ``_build_module(n_features, n_outputs)``, ``_make_criterion()`` and
  ``_encode_targets(y, reset, classes)``: the network, its loss, its targets;
- ``_net_class()`` and ``_net_params(run)``: the skorch net (its train step,
  its batches) and the keyword arguments it takes;
- ``_dataset(X, y, sample_weight, run)``: what the batches are cut from;
- ``_schedule_callback(run)`` and ``_extra_callbacks(run)``: per-epoch and
  per-batch work;
- the capabilities a class declares: ``_supports_warmup``,
  ``_supports_augment``, ``_supports_accelerator``.

What one call of ``fit`` needs (the target domain's rows, the first epoch of
its schedule) travels in a :class:`TrainingRun`, never on ``self``.
"""

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    is_classifier,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import ProgressBar
from skorch.helper import predefined_split

from ..utils._param_validation import _fit_context
from ..utils.parallel import torch_threads_for_task
from ..utils.validation import check_sample_weight
from ._callbacks import (
    GradientClipping,
    GradientNormRecorder,
    LowestLossEarlyStopping,
    ScheduledLearningRate,
    StopOnNonFiniteLoss,
)
from ._nets import (
    OPTIMIZERS,
    AcceleratedNet,
    Net,
    TensorDataset,
    float64_state,
    resolve_device,
)
from ._training_params import (
    FEATURE_EXTRACTOR_PARAMETERS,
    SUPERVISED_TRAINING_PARAMETERS,
    training_constraints,
)
from ._transfer import (
    capture_layer,
    copy_matching_weights,
    freeze_layers,
    initialize_weights,
)

__all__ = ["BaseNeuralEstimator", "FeatureExtractorMixin", "TrainingRun"]

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


def _continuation_seed(seed, epochs_done):
    """The seed of a continuation after ``epochs_done`` epochs: a function
    of the estimator's seed and its state, so that two continuations of one
    state are identical and successive ones differ."""
    if epochs_done == 0:
        return seed
    return int(np.random.RandomState([seed, epochs_done]).randint(_MAX_SEED))


def _same_optimizer_settings(old, new):
    """Whether ``new`` (a fresh optimizer) has ``old``'s class, parameters
    and hyper-parameters (the learning rate aside, which the schedule sets),
    so that ``old``'s state (momenta, Adam's moments) carries over."""
    if type(old) is not type(new) or len(old.param_groups) != len(new.param_groups):
        return False
    for a, b in zip(old.param_groups, new.param_groups):
        if [id(p) for p in a["params"]] != [id(p) for p in b["params"]]:
            return False
        settings = lambda g: {k: v for k, v in g.items() if k not in ("params", "lr")}  # noqa: E731
        if settings(a) != settings(b):
            return False
    return True


class BaseNeuralEstimator(BaseEstimator, metaclass=ABCMeta):
    """Base class of the neural estimators; not for direct use.

    Subclasses set ``_build_module(n_features, n_outputs)``,
    ``_make_criterion()`` and ``_encode_targets(y, reset, classes)``; the
    seams listed in the module docstring change the rest.
    """

    training_parameter_names = SUPERVISED_TRAINING_PARAMETERS
    _parameter_constraints: dict = training_constraints(SUPERVISED_TRAINING_PARAMETERS)

    _supports_warmup = False  # has ``warmup_epochs``
    _supports_augment = False  # has ``augment``
    _supports_accelerator = True  # the train step runs under a DDP wrapper

    @abstractmethod
    def _build_module(self, n_features, n_outputs):
        """The torch module for data with ``n_features`` and ``n_outputs``."""

    @abstractmethod
    def _make_criterion(self):
        """A loss class with ``reduction="none"`` semantics."""

    @abstractmethod
    def _encode_targets(self, y, reset, classes=None):
        """Check ``y``; return the training target tensor and ``n_outputs``."""

    # -- data -------------------------------------------------------------

    def _reads_tokens(self):
        """Whether ``X`` holds integer token ids (kept as int64 tensors)."""
        return False

    def _validate_X(self, X, reset):
        """Validated float32 inputs."""
        return validate_data(self, X, dtype=np.float32, reset=reset)

    def _validate_Xy(self, X, y, reset):
        """Validated float32 inputs and raw targets."""
        return validate_data(
            self, X, y, dtype=np.float32, reset=reset, multi_output=True
        )

    def _inputs_tensor(self, X):
        dtype = np.int64 if self._reads_tokens() else np.float32
        return torch.from_numpy(np.require(X, dtype, ["C", "W"]))

    def _device(self):
        return resolve_device(self.device)

    def _dataset(self, X, y, sample_weight, run_extras):
        """The training rows as tensors; rows of zero weight are left out."""
        keep = sample_weight > 0
        X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        weights = None
        if np.ptp(sample_weight) > 0:
            weights = torch.from_numpy(sample_weight.astype(np.float32))
        return TensorDataset(self._inputs_tensor(X), y, weights)

    def _split(self, dataset, seed):
        """Hold out ``validation_fraction`` for early stopping."""
        if not self.early_stopping:
            return dataset, None
        n = len(dataset)
        n_valid = int(round(self.validation_fraction * n))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"early_stopping needs at least one validation and one training "
                f"sample; validation_fraction={self.validation_fraction} of "
                f"{n} samples gives {n_valid}."
            )
        y = dataset.y
        stratify = None
        if is_classifier(self) and y.ndim == 1:
            counts = np.bincount(y.numpy())
            if counts[counts > 0].min() >= 2 and n_valid >= len(counts[counts > 0]):
                stratify = y.numpy()
        train_rows, valid_rows = train_test_split(
            np.arange(n), test_size=n_valid, random_state=seed, stratify=stratify
        )
        return dataset.subset(np.sort(train_rows)), dataset.subset(np.sort(valid_rows))

    # -- seams ------------------------------------------------------------------

    def _net_class(self):
        """The skorch net class: its train step and its batches."""
        if self._supports_accelerator and self.accelerator is not None:
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

    # -- the net ----------------------------------------------------------------

    def _optimizer_params(self):
        params = {"weight_decay": self.weight_decay}
        if self.optimizer == "sgd":
            params.update(momentum=self.momentum, nesterov=self.nesterov)
        return {f"optimizer__{k}": v for k, v in params.items()}

    def _callbacks(self, run):
        callbacks = [(f"user_{i}", cb) for i, cb in enumerate(self.callbacks or [])]
        callbacks.append(("finite_loss", StopOnNonFiniteLoss()))
        schedule = self._schedule_callback(run)
        if schedule is not None:
            callbacks.append(("lr_schedule", schedule))
        if self.gradient_clip_norm is not None or self.gradient_clip_value is not None:
            clipping = GradientClipping(
                self.gradient_clip_norm, self.gradient_clip_value
            )
            callbacks.append(("gradient_clipping", clipping))
        if self.record_gradient_norms:
            callbacks.append(("gradient_norms", GradientNormRecorder()))
        if self.early_stopping:
            sink = print if self.verbose else (lambda *args: None)
            stopper = LowestLossEarlyStopping(self.patience, self.min_delta, sink)
            callbacks.append(("early_stopping", stopper))
        if self.verbose >= 2:
            callbacks.append(("progress", ProgressBar()))
        return callbacks + self._extra_callbacks(run)

    def _make_net(self, module, valid, seed, run):
        if self.nesterov and (self.optimizer != "sgd" or self.momentum == 0):
            raise ValueError("nesterov=True needs optimizer='sgd' and momentum > 0.")
        net_class = self._net_class()
        placement = dict(device=self._device())
        if issubclass(net_class, AcceleratedNet):
            placement = dict(
                accelerator=self.accelerator, device=None, unwrap_after_train=False
            )
        return net_class(
            module,
            criterion=self._make_criterion(),
            optimizer=OPTIMIZERS[self.optimizer],
            lr=self.learning_rate,
            max_epochs=run.epochs,
            batch_size=run.batch_size,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(run),
            verbose=int(self.verbose >= 1),
            l1=self.l1,
            shuffle_seed=seed,
            augment=self.augment if self._supports_augment else None,
            lr_factors=self._lr_factors(module),
            frozen=self.frozen_,
            **placement,
            **self._optimizer_params(),
            **self._net_params(run),
        )

    def _lr_factors(self, module):
        if self.init_from is None or self.fine_tune_lr_factor == 1.0:
            return None
        copied = set(self.copied_layers_)
        return {
            name: self.fine_tune_lr_factor
            for name, _ in module.named_parameters()
            if name.rsplit(".", 1)[0] in copied
        }

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _new_module(self, n_features, n_outputs):
        """A freshly initialised module, with ``init_from``'s weights copied."""
        module = self._build_module(n_features, n_outputs)
        initialize_weights(module, self.weight_init)
        self.copied_layers_, self.new_layers_ = [], []
        if self.init_from is not None:
            check_is_fitted(self.init_from, "net_")
            source = self.init_from.net_.module_
            self.copied_layers_, self.new_layers_ = copy_matching_weights(
                source, module, self._same_task(self.init_from)
            )
        return module

    def _same_task(self, source):
        """Whether ``source`` was fitted for this task, so that its output
        layer carries over (classifiers: the same classes)."""
        return True

    # -- the loop ---------------------------------------------------------------

    def _train(
        self, X, y, sample_weight=None, *, partial=False, classes=None, extras=None
    ):
        """Validate, build or continue the network and train it: the core of
        ``fit`` (``partial=False``) and ``partial_fit`` (one epoch)."""
        continuing = hasattr(self, "net_") and (partial or self.warm_start)
        X, y = self._validate_Xy(X, y, reset=not continuing)
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float32)
        target, n_outputs = self._encode_targets(
            y, reset=not continuing, classes=classes
        )
        return self._run(
            X, target, sample_weight, n_outputs, continuing, partial, extras or {}
        )

    def _run(self, X, target, sample_weight, n_outputs, continuing, partial, extras):
        previous = self.net_ if continuing else None
        done = len(previous.history) if previous is not None else 0
        seed = int(check_random_state(self.random_state).randint(_MAX_SEED))
        dataset = self._dataset(X, target, sample_weight, extras)
        train, valid = self._split(dataset, seed)
        epochs = 1 if partial else self.max_epochs
        run = TrainingRun(
            epochs=epochs,
            first_epoch=done if continuing and not partial else 0,
            n_train=len(train),
            batch_size=self._batch_size(len(train)),
            extras=extras,
        )
        try:
            with torch.random.fork_rng(devices=[]), torch_threads_for_task():
                run_seed = _continuation_seed(seed, done)
                torch.manual_seed(run_seed)
                net = self._build_net(
                    X.shape[1], n_outputs, previous, valid, run_seed, run
                )
                net.partial_fit(train, epochs=epochs)
        except BaseException:
            self._forget_fit()  # an interrupted fit does not look fitted
            raise
        self.net_ = net
        self._probe_input_ = torch.ones_like(train.X[:1]).numpy()
        self._record_history()
        return self

    def _build_net(self, n_features, n_outputs, previous, valid, seed, run):
        if previous is None:
            module = self._new_module(n_features, n_outputs)
        else:
            module = previous.module_
        self.frozen_ = freeze_layers(module, self.freeze)
        net = self._make_net(module, valid, seed, run)
        net.initialize()
        if previous is not None:
            net.history = previous.history
            for name in net._optimizers:
                old, new = getattr(previous, name + "_"), getattr(net, name + "_")
                if _same_optimizer_settings(old, new):
                    new.load_state_dict(old.state_dict())
        return net

    def _forget_fit(self):
        for name in [k for k in vars(self) if k.endswith("_") and k[:2] != "__"]:
            delattr(self, name)

    def _record_history(self):
        history = self.net_.history
        self.n_epochs_ = len(history)
        self.loss_curve_ = np.array(history[:, "train_loss"], dtype=float)
        if self.early_stopping:
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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss; rows of zero weight are left out.

        Returns
        -------
        self : estimator
            The fitted estimator.
        """
        return self._train(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one more epoch on ``(X, y)`` (the first call initialises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : estimator
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        return self._train(X, y, sample_weight, partial=True)

    # -- prediction ---------------------------------------------------------

    def _forward(self, X, capture=False, layer=None):
        """Raw network outputs for validated ``X`` in evaluation mode, or,
        with ``capture``, the output of ``layer`` (None: the input of the
        output layer) flattened per sample.

        The forward pass runs in float64 so that a row's output does not
        depend on which other rows share its batch (float32 matrix products
        round differently for different batch sizes).
        """
        module = self.net_.module_
        module.eval()
        state = float64_state(module)
        device = next(iter(state.values())).device
        inputs = self._inputs_tensor(X)
        if inputs.is_floating_point():
            inputs = inputs.double()
        outputs = []
        with torch.no_grad(), torch_threads_for_task():
            with capture_layer(module, layer) as captured:
                for start in range(0, len(inputs), 4096):
                    batch = inputs[start : start + 4096].to(device)
                    out = torch.func.functional_call(module, state, batch)
                    outputs.append(out.cpu() if not capture else None)
        if capture:
            return torch.cat([c.cpu() for c in captured]).numpy().astype(np.float64)
        return torch.cat(outputs).numpy()

    def _predict_input(self, X):
        check_is_fitted(self, "net_")
        return self._validate_X(X, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class FeatureExtractorMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform``: a fitted network as a feature extractor (the notes'
    first transfer-learning recipe), for estimators whose input is an
    array. In a pipeline after fitting, wrap it in
    :class:`sklearn.frozen.FrozenEstimator` so that the pipeline's ``fit``
    does not train it again."""

    training_parameter_names = FEATURE_EXTRACTOR_PARAMETERS
    _parameter_constraints: dict = training_constraints(["feature_layer"])

    def transform(self, X):
        """The learned representation of ``X`` (feature extraction).

        The input of the output layer (after the last hidden layer, the
        pooling or the ``[CLS]`` vector), or the output of ``feature_layer``,
        flattened to one row per sample, computed in evaluation mode.

        Parameters
        ----------
        X : array-like
            Input samples, as for ``predict``.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            The representation (float64).
        """
        inputs = self._predict_input(X)
        return self._forward(inputs, capture=True, layer=self.feature_layer)

    @property
    def _n_features_out(self):
        check_is_fitted(self, "net_")
        probe = self._forward(
            self._probe_input_, capture=True, layer=self.feature_layer
        )
        return probe.shape[1]
