"""The base of every neural estimator: flat parameters outside, skorch inside.

:class:`BaseNeuralEstimator` validates the data the scikit-learn way, builds
the torch module from the data's shape (``_build_module``, in subclasses) and
trains it with a private :class:`skorch.NeuralNet` subclass kept in ``net_``.
The course's "training in practice" options are its parameters: optimizers,
learning-rate schedules, L1/L2, early stopping, warm start and fine-tuning.

Mini-batches are tensor slices (``_SliceIterator``) rather than a
``DataLoader`` collating samples one by one, which is most of skorch's
overhead on small tabular data.
"""

import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, ProgressBar
from skorch.exceptions import DeviceWarning
from skorch.helper import predefined_split
from skorch.hf import AccelerateMixin

from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.parallel import torch_threads_for_task
from ..utils.validation import check_sample_weight
from ._augment import Augmenter
from ._schedules import SCHEDULES, schedule_factor

__all__ = ["BaseNeuralEstimator"]

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta,
}


def _pick(tensor, rows):
    return None if tensor is None else tensor[rows]


class _TensorDataset(torch.utils.data.Dataset):
    """Inputs, targets and per-sample weights held as tensors; equal weights
    are held as ``sample_weight=None``."""

    def __init__(self, X, y=None, sample_weight=None):
        self.X = X
        self.y = y
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        if self.y is None:
            return self.X[i], torch.zeros(())
        return self.X[i], (self.y[i], _pick(self.sample_weight, i))

    def subset(self, rows):
        rows = torch.as_tensor(rows)
        pick = lambda t: None if t is None else t[rows]  # noqa: E731
        return _TensorDataset(self.X[rows], pick(self.y), pick(self.sample_weight))


def _share(rows, index, n_processes):
    """Process ``index``'s contiguous part of a batch's rows (parts differ in
    size by at most one; a batch smaller than ``n_processes`` is repeated so
    that every process gets a row)."""
    if isinstance(rows, slice):
        rows = torch.arange(rows.start, rows.stop)
    if len(rows) < n_processes:
        rows = rows.repeat(math.ceil(n_processes / len(rows)))
    return torch.tensor_split(rows, n_processes)[index]


class _SliceIterator:
    """Mini-batches as slices of the dataset's tensors, shuffled by ``rng``."""

    def __init__(
        self, dataset, batch_size, shuffle=False, rng=None, transform=None, shard=None
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.transform = transform
        # (process index, number of processes): yield that process's part of
        # every batch (data-parallel training; every process shuffles alike)
        self.shard = shard

    def __len__(self):
        n = len(self.dataset)
        batches = math.ceil(n / self.batch_size)
        if self.shuffle and batches > 1 and n % self.batch_size == 1:
            batches -= 1
        return batches

    def __iter__(self):
        data = self.dataset
        n = len(data)
        order = None
        if self.shuffle:
            order = torch.from_numpy(self.rng.permutation(n))
        starts = list(range(0, n, self.batch_size))
        if self.shuffle and len(starts) > 1 and n - starts[-1] == 1:
            # a one-sample training batch breaks batch norm: join the last two
            starts.pop()
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else n
            rows = slice(start, stop) if order is None else order[start:stop]
            if self.shard is not None and self.shard[1] > 1:
                rows = _share(rows, *self.shard)
            inputs = data.X[rows]
            if self.transform is not None:
                inputs = self.transform(inputs)
            if data.y is None:
                yield inputs, None
            else:
                yield inputs, (data.y[rows], _pick(data.sample_weight, rows))


class _ScheduledLearningRate(Callback):
    """Sets ``eta_t`` at the start of every epoch and records it as ``lr``."""

    def __init__(self, learning_rate, schedule, decay, step_size, max_epochs, warmup=0):
        self.learning_rate = learning_rate
        self.schedule = schedule
        self.decay = decay
        self.step_size = step_size
        self.max_epochs = max_epochs
        self.warmup = warmup

    def on_epoch_begin(self, net, **kwargs):
        epoch = len(net.history) - 1
        factor = schedule_factor(
            self.schedule,
            epoch,
            decay=self.decay,
            step_size=self.step_size,
            max_epochs=self.max_epochs,
        )
        if epoch < self.warmup:  # linear warm-up to eta_0
            factor *= (epoch + 1) / (self.warmup + 1)
        lr = self.learning_rate * factor
        for group in net.optimizer_.param_groups:
            group["lr"] = lr
        net.history.record("lr", lr)


def resolve_device(device):
    """The torch device for a ``device`` parameter ("cpu", "cuda", "auto")."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but CUDA is not available.")
    return device


def float64_state(module):
    """``module``'s state with floating tensors in float64, for
    ``torch.func.functional_call`` (the float32 weights stay as they are)."""
    return {
        name: value.double() if value.is_floating_point() else value
        for name, value in module.state_dict().items()
    }


def _weight_matrices(module):
    """The weights that L1 penalises: every parameter with two or more dims."""
    return [p for p in module.parameters() if p.ndim > 1 and p.requires_grad]


class _StopOnNonFiniteLoss(Callback):
    """Stops training with a clear error once an epoch's loss is NaN or inf
    (a non-finite batch loss makes the epoch's mean non-finite)."""

    def on_epoch_end(self, net, **kwargs):
        loss = net.history[-1, "train_loss"]
        if not math.isfinite(loss):
            raise ValueError(
                f"The training loss became {loss} at epoch {len(net.history)}; "
                "lower learning_rate (or check the data for extreme values)."
            )


class _Net(NeuralNet):
    """skorch net with a weighted loss, an L1 term, a NaN guard and tensor-slice
    batches; ``shuffle_seed`` seeds the order of the training batches."""

    def __init__(self, *args, l1=0.0, shuffle_seed=0, augment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.l1 = l1
        self.shuffle_seed = shuffle_seed
        self.augment = augment

    def initialize(self):
        self._initialize_batches()
        return super().initialize()

    def _initialize_batches(self):
        self.shuffle_rng_ = np.random.RandomState(self.shuffle_seed)
        self.augmenter_ = (
            None if not self.augment else Augmenter(self.augment, self.shuffle_seed)
        )

    def get_iterator(self, dataset, training=False):
        batch_size = self.batch_size if self.batch_size > 0 else len(dataset)
        return _SliceIterator(
            dataset,
            batch_size,
            shuffle=training,
            rng=self.shuffle_rng_,
            transform=self.augmenter_ if training else None,
        )

    def get_dataset(self, X, y=None):
        if isinstance(X, _TensorDataset):
            return X
        return super().get_dataset(X, y)

    def _set_training(self, training=True):
        # skorch switches the mode before every batch; switch only on change
        if self.module_.training != training:
            super()._set_training(training)

    def _input_device(self):
        return self.device

    def infer(self, x, **fit_params):
        if isinstance(x, torch.Tensor) and not fit_params:
            return self.module_(x.to(self._input_device()))
        return super().infer(x, **fit_params)

    def get_default_callbacks(self):
        # the epoch table is built every epoch even when nothing prints it
        callbacks = super().get_default_callbacks()
        if not self.verbose:
            callbacks = [(n, cb) for n, cb in callbacks if n != "print_log"]
        return callbacks

    def get_loss(self, y_pred, y_true, X=None, training=False):
        target, weight = y_true
        target = target.to(y_pred.device)
        weight = None if weight is None else weight.to(y_pred.device)
        per_sample = self.criterion_(y_pred, target)
        if per_sample.ndim > 1:
            per_sample = per_sample.reshape(len(per_sample), -1).mean(dim=1)
        if weight is None:
            loss = per_sample.mean()
        else:
            loss = (per_sample * weight).sum() / weight.sum().clamp_min(1e-12)
        if training and self.l1 > 0:
            loss = loss + self.l1 * sum(
                w.abs().sum() for w in _weight_matrices(self.module_)
            )
        return loss


class _AcceleratedNet(AccelerateMixin, _Net):
    """``_Net`` trained through Hugging Face Accelerate (skorch's
    ``AccelerateMixin``): the accelerator places the module, wraps it for
    data-parallel training (gradients averaged over processes), runs mixed
    precision; every process trains on its share of each mini-batch and
    evaluates the whole validation set (so all processes agree on early
    stopping)."""

    def initialize(self):
        # AccelerateMixin.initialize does not call NeuralNet.initialize
        self._initialize_batches()
        return super().initialize()

    def get_iterator(self, dataset, training=False):
        # our iterator is not a DataLoader for accelerate to shard: shard it
        iterator = _Net.get_iterator(self, dataset, training=training)
        if training:
            accelerator = self.accelerator
            iterator.shard = (accelerator.process_index, accelerator.num_processes)
        return iterator

    def _input_device(self):
        return self.accelerator.device

    def __setstate__(self, state):
        # skorch maps a device of None to the CPU on loading (and warns);
        # the accelerator keeps placing the module
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeviceWarning)
            super().__setstate__(state)
        self.device = None

    def _prepare(self, obj):
        prepared = self.accelerator.prepare(obj)
        self.__dict__.setdefault("_prepared", []).append(prepared)
        return prepared

    def _forget_prepared(self):
        """Drop what this net prepared from the accelerator's registries: it
        keeps every object it prepares, so a grid search sharing one
        accelerator would keep every candidate's network alive and pickle
        them all with each estimator."""
        mine = {id(obj) for obj in self.__dict__.pop("_prepared", [])}
        for name in ("_models", "_optimizers"):
            registry = getattr(self.accelerator, name, None)
            if isinstance(registry, list):
                registry[:] = [obj for obj in registry if id(obj) not in mine]

    def _prepare_modules(self):
        # a criterion without trainable parameters is left as it is: wrapping
        # it for data-parallel training raises in torch (skorch's mixin
        # prepares every criterion)
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and any(
                p.requires_grad for p in module.parameters()
            ):
                setattr(self, name + "_", self._prepare(module))

    def _initialize_accelerator(self):
        if self._wrapped_with_accelerator:
            return self
        self._prepare_modules()
        for name in self._optimizers:
            optimizer = getattr(self, name + "_")
            if isinstance(optimizer, torch.optim.Optimizer):
                setattr(self, name + "_", self._prepare(optimizer))
        self._wrapped_with_accelerator = True
        return self

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        # unwrapped after the callbacks' on_train_end (constructed with
        # unwrap_after_train=False), so that early stopping restores its best
        # weights into the module it saved them from
        try:
            return super().partial_fit(X, y, classes=classes, **fit_params)
        finally:
            self._unwrap_accelerator()
            self._forget_prepared()

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # modules unwrapped after a fit are wrapped again to train on (warm
        # start, partial_fit)
        if not self._wrapped_with_accelerator:
            self._prepare_modules()
            self._wrapped_with_accelerator = True
        return super().on_train_begin(net, X=X, y=y, **kwargs)


def _freeze(module, freeze):
    """Stop gradients of the first ``freeze`` blocks, or of the named ones."""
    if freeze is None:
        return []
    blocks = list(module.named_children())
    if isinstance(freeze, Integral):
        names = []
        for name, child in module.freezable_blocks()[:freeze]:
            names.append(name)
            child.requires_grad_(False)
        return names
    names = [freeze] if isinstance(freeze, str) else list(freeze)
    found = {name for name, _ in module.named_modules()}
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(
            f"freeze names layers that do not exist: {missing}; the module's "
            f"layers are {[n for n, _ in blocks]} and their children."
        )
    modules = dict(module.named_modules())
    for name in names:
        modules[name].requires_grad_(False)
    return names


class BaseNeuralEstimator(BaseEstimator, metaclass=ABCMeta):
    """Base class of the neural estimators; not for direct use.

    Subclasses set ``_build_module(n_features, n_outputs)``,
    ``_make_criterion()`` and ``_encode_targets(y, reset)``.
    """

    _parameter_constraints: dict = {
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterov": ["boolean"],
        "lr_schedule": [StrOptions(set(SCHEDULES)), None],
        "lr_decay": [Interval(Real, 0, None, closed="left")],
        "lr_step_size": [Interval(Integral, 1, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "l1": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "init_from": [HasMethods(["fit"]), None],
        "freeze": [Interval(Integral, 0, None, closed="left"), str, list, None],
        "random_state": ["random_state"],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "accelerator": [HasMethods(["prepare", "backward", "unwrap_model"]), None],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
        "callbacks": [list, None],
    }

    @abstractmethod
    def _build_module(self, n_features, n_outputs):
        """The torch module for data with ``n_features`` and ``n_outputs``."""

    @abstractmethod
    def _make_criterion(self):
        """A loss class with ``reduction="none"`` semantics."""

    @abstractmethod
    def _encode_targets(self, y, reset):
        """Check ``y``; return the training target tensor and ``n_outputs``."""

    # -- data -------------------------------------------------------------

    def _validate_X(self, X, reset):
        """Validated float32 inputs."""
        return validate_data(self, X, dtype=np.float32, reset=reset)

    def _validate_Xy(self, X, y, reset):
        """Validated float32 inputs and raw targets."""
        return validate_data(
            self, X, y, dtype=np.float32, reset=reset, multi_output=True
        )

    def _inputs_tensor(self, X):
        return torch.from_numpy(np.require(X, np.float32, ["C", "W"]))

    def _device(self):
        return resolve_device(self.device)

    def _dataset(self, X, y, sample_weight):
        keep = sample_weight > 0
        X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        weights = None
        if np.ptp(sample_weight) > 0:
            weights = torch.from_numpy(sample_weight.astype(np.float32))
        return _TensorDataset(self._inputs_tensor(X), y, weights)

    def _split(self, dataset, y, seed):
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
        rows = np.arange(n)
        stratify = None
        if is_classifier(self) and y.ndim == 1:
            counts = np.bincount(y.numpy())
            if counts[counts > 0].min() >= 2 and n_valid >= len(counts[counts > 0]):
                stratify = y.numpy()
        train_rows, valid_rows = train_test_split(
            rows, test_size=n_valid, random_state=seed, stratify=stratify
        )
        return dataset.subset(np.sort(train_rows)), dataset.subset(np.sort(valid_rows))

    # -- the net --------------------------------------------------------------

    def _optimizer_params(self):
        params = {"weight_decay": self.weight_decay}
        if self.optimizer == "sgd":
            params.update(momentum=self.momentum, nesterov=self.nesterov)
        return {f"optimizer__{k}": v for k, v in params.items()}

    def _callbacks(self):
        callbacks = [(f"user_{i}", cb) for i, cb in enumerate(self.callbacks or [])]
        callbacks.append(("finite_loss", _StopOnNonFiniteLoss()))
        callbacks.append(
            (
                "lr_schedule",
                _ScheduledLearningRate(
                    self.learning_rate,
                    self.lr_schedule,
                    self.lr_decay,
                    self.lr_step_size,
                    self.max_epochs,
                    warmup=getattr(self, "warmup_epochs", 0),
                ),
            )
        )
        if self.early_stopping:
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=self.patience,
                        threshold=self.min_delta,
                        threshold_mode="abs",
                        load_best=True,
                        sink=print if self.verbose else (lambda *args: None),
                    ),
                )
            )
        if self.verbose >= 2:
            callbacks.append(("progress", ProgressBar()))
        return callbacks

    def _make_net(self, module, valid, seed):
        if self.nesterov and (self.optimizer != "sgd" or self.momentum == 0):
            raise ValueError("nesterov=True needs optimizer='sgd' and momentum > 0.")
        accelerator = getattr(self, "accelerator", None)
        net_class, placement = _Net, dict(device=self._device())
        if accelerator is not None:
            net_class, placement = (
                _AcceleratedNet,
                dict(accelerator=accelerator, device=None, unwrap_after_train=False),
            )
        return net_class(
            module,
            criterion=self._make_criterion(),
            optimizer=OPTIMIZERS[self.optimizer],
            lr=self.learning_rate,
            max_epochs=self.max_epochs,
            batch_size=-1,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(),
            verbose=int(self.verbose >= 1),
            l1=self.l1,
            shuffle_seed=seed,
            augment=getattr(self, "augment", None),
            **placement,
            **self._optimizer_params(),
        )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _initialize(self, n_features, n_outputs, seed):
        torch.manual_seed(seed)
        module = self._build_module(n_features, n_outputs)
        if self.init_from is not None:
            self._copy_weights(module)
        self.frozen_ = _freeze(module, self.freeze)
        return module

    def _copy_weights(self, module):
        source = self.init_from
        check_is_fitted(source, "net_")
        state = source.net_.module_.state_dict()
        target = module.state_dict()
        mismatched = [
            k for k in state if k not in target or target[k].shape != state[k].shape
        ]
        if mismatched:
            raise ValueError(
                "init_from must have the same architecture; these weights do not "
                f"match: {mismatched[:5]}."
            )
        module.load_state_dict(state)

    def _train(self, X, y, sample_weight, epochs=None):
        """Validate, (re)build when needed and train; the core of ``fit``."""
        continuing = self._continuing()
        X, y = self._validate_Xy(X, y, reset=not continuing)
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float32)
        target, n_outputs = self._encode_targets(y, reset=not continuing)
        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        dataset = self._dataset(X, target, sample_weight)
        train, valid = self._split(dataset, dataset.y, seed)
        if not continuing:
            module = self._initialize(X.shape[1], n_outputs, seed)
            self.net_ = self._make_net(module, valid, seed)
            self.net_.initialize()
        elif valid is not None:
            self.net_.set_params(train_split=predefined_split(valid))
        self.net_.set_params(batch_size=self._batch_size(len(train)))
        with torch_threads_for_task():
            self.net_.partial_fit(train, epochs=epochs)
        self._record_history()
        return self

    def _continuing(self):
        return self.warm_start and hasattr(self, "net_")

    def _record_history(self):
        history = self.net_.history
        self.n_epochs_ = len(history)
        self.loss_curve_ = np.array(history[:, "train_loss"], dtype=float)
        if self.early_stopping:
            self.validation_loss_curve_ = np.array(
                history[:, "valid_loss"], dtype=float
            )
            stopper = dict(self.net_.callbacks_)["early_stopping"]
            self.best_epoch_ = int(stopper.best_epoch_)

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
            Targets; for classifiers every class must appear in the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : estimator
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        warm = self.warm_start
        self.warm_start = True
        try:
            return self._train(X, y, sample_weight, epochs=1)
        finally:
            self.warm_start = warm

    # -- prediction ---------------------------------------------------------

    def _forward(self, X):
        """Raw network outputs for validated ``X``, in evaluation mode.

        The forward pass runs in float64 so that a row's output does not
        depend on which other rows share its batch (float32 matrix products
        round differently for different batch sizes).
        """
        module = self.net_.module_
        module.eval()
        state = float64_state(module)
        device = next(iter(state.values())).device
        inputs = torch.from_numpy(np.asarray(X, dtype=np.float64))
        outputs = []
        with torch.no_grad(), torch_threads_for_task():
            for start in range(0, len(inputs), 4096):
                batch = inputs[start : start + 4096].to(device)
                outputs.append(torch.func.functional_call(module, state, batch).cpu())
        return torch.cat(outputs).numpy()

    def _predict_input(self, X):
        check_is_fitted(self, "net_")
        return self._validate_X(X, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
