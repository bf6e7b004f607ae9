"""The skorch side of the engine: datasets, batches and the nets.

Mini-batches are tensor slices (:class:`SliceIterator`) rather than a
``DataLoader`` collating samples one by one, which is most of skorch's
overhead on small tabular data. :class:`Net` is skorch's ``NeuralNet`` with
a weighted loss, an L1 term, per-group learning-rate factors and an
interrupt that propagates; families subclass it at skorch's seams
(``train_step_single``, ``get_iterator``, ``initialize_optimizer``).
"""

import functools
import math
import warnings

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.dataset import get_len
from skorch.exceptions import DeviceWarning
from skorch.hf import AccelerateMixin

from ..utils.parallel import torch_threads_for_task
from ._augment import Augmenter
from ._callbacks import PrintLog, stops_training
from ._optim import Adam, AdamW
from ._transfer import LayerCaptured

__all__ = [
    "OPTIMIZERS",
    "AcceleratedNet",
    "Net",
    "SliceIterator",
    "SparseRows",
    "TensorDataset",
    "float64_call",
    "float64_state",
    "resolve_device",
]


def _fused(optimizer):
    """``optimizer`` that updates each parameter in one fused kernel instead
    of a handful of tensor operations (Adam on a 64-128-10 MLP on the CPU:
    89 -> 33 microseconds a step; the updates agree to a float32 rounding)."""
    return functools.partial(optimizer, fused=True)


OPTIMIZERS = {
    "sgd": _fused(torch.optim.SGD),
    "rmsprop": torch.optim.RMSprop,
    "adam": _fused(Adam),
    "adamw": _fused(AdamW),
    "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta,
}


def _pick(data, rows):
    """``data[rows]``; a tensor's rows by ``index_select``, which takes half
    the time of indexing with a tensor of row numbers."""
    if data is None:
        return None
    if isinstance(data, torch.Tensor) and isinstance(rows, torch.Tensor):
        return data.index_select(0, rows)
    return data[rows]


class SparseRows:
    """A scipy CSR matrix whose rows become dense tensors only when indexed.

    It stands where the engine holds an input tensor: ``rows[i]`` (an int,
    a slice or an index tensor) is the dense float tensor of those rows, so
    a TF-IDF matrix is densified one mini-batch at a time; :meth:`subset`
    keeps the rows sparse.
    """

    def __init__(self, matrix, dtype=torch.float32):
        self.matrix = matrix
        self.dtype = dtype

    def __len__(self):
        return self.matrix.shape[0]

    @property
    def shape(self):
        return self.matrix.shape

    def _numpy_dtype(self):
        return np.float64 if self.dtype == torch.float64 else np.float32

    def __getitem__(self, rows):
        if isinstance(rows, torch.Tensor):
            rows = rows.numpy()
        block = self.matrix[rows]
        block = block.toarray() if hasattr(block, "toarray") else np.asarray(block)
        return torch.from_numpy(block.astype(self._numpy_dtype(), copy=False))

    def subset(self, rows):
        """The rows ``rows`` as :class:`SparseRows`."""
        if isinstance(rows, torch.Tensor):
            rows = rows.numpy()
        return SparseRows(self.matrix[rows], self.dtype)

    def is_floating_point(self):
        return True

    def double(self):
        return SparseRows(self.matrix, torch.float64)


def _take_rows(inputs, rows):
    return inputs.subset(rows) if isinstance(inputs, SparseRows) else inputs[rows]


class TensorDataset(torch.utils.data.Dataset):
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
        return TensorDataset(
            _take_rows(self.X, rows),
            _pick(self.y, rows),
            _pick(self.sample_weight, rows),
        )


def _share(rows, index, n_processes):
    """Process ``index``'s contiguous part of a batch's rows (parts differ in
    size by at most one; a batch smaller than ``n_processes`` is repeated so
    that every process gets a row)."""
    if isinstance(rows, slice):
        rows = torch.arange(rows.start, rows.stop)
    if len(rows) < n_processes:
        rows = rows.repeat(math.ceil(n_processes / len(rows)))
    return torch.tensor_split(rows, n_processes)[index]


class CyclicDraws:
    """Rows of a second set drawn alongside the batches of a first: each
    pass over its ``n_rows`` is a fresh permutation by ``rng``, and a draw
    that reaches the end of one pass goes on into the next.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural._nets import CyclicDraws
    >>> draws = CyclicDraws(3, np.random.RandomState(0))
    >>> sorted(draws.take(3).tolist()), len(draws.take(5))
    ([0, 1, 2], 5)
    """

    def __init__(self, n_rows, rng):
        self.n_rows = n_rows
        self.rng = rng
        self._order = torch.from_numpy(rng.permutation(n_rows))
        self._position = 0

    def take(self, n):
        """The indices of the next ``n`` rows, a tensor."""
        parts = []
        while n > 0:
            if self._position == self.n_rows:
                self._order = torch.from_numpy(self.rng.permutation(self.n_rows))
                self._position = 0
            count = min(n, self.n_rows - self._position)
            parts.append(self._order[self._position : self._position + count])
            self._position += count
            n -= count
        return torch.cat(parts)


# shuffled rows are gathered this many bytes of inputs at a time, a run of
# batches in one index_select that the batches then slice
_GATHER_BYTES = 1 << 20


class SliceIterator:
    """Mini-batches as slices of the dataset's tensors, shuffled by ``rng``.

    Shuffled rows of a tensor dataset are gathered for a run of batches at
    once (about 1 MiB of inputs), which the batches then slice: one
    ``index_select`` per run instead of per batch (8 % of a small MLP's
    fit; the same batches).
    """

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

    def _batches_per_gather(self):
        inputs = self.dataset.X
        sharded = self.shard is not None and self.shard[1] > 1
        if not self.shuffle or sharded or not isinstance(inputs, torch.Tensor):
            return 1
        batch_bytes = self.batch_size * inputs[:1].numel() * inputs.element_size()
        return max(1, _GATHER_BYTES // max(1, batch_bytes))

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
        bounds = list(zip(starts, [*starts[1:], n]))
        run_length = self._batches_per_gather()
        for first in range(0, len(bounds), run_length):
            run = bounds[first : first + run_length]
            if run_length > 1:
                rows = order[run[0][0] : run[-1][1]]
                inputs, targets, weights = (
                    _pick(part, rows) for part in (data.X, data.y, data.sample_weight)
                )
                offset = run[0][0]
                for start, stop in run:
                    part = slice(start - offset, stop - offset)
                    yield self._batch(inputs, targets, weights, part)
                continue
            for start, stop in run:
                rows = slice(start, stop) if order is None else order[start:stop]
                if self.shard is not None and self.shard[1] > 1:
                    rows = _share(rows, *self.shard)
                yield self._batch(data.X, data.y, data.sample_weight, rows)

    def _batch(self, inputs, targets, weights, rows):
        inputs = _pick(inputs, rows)
        if self.transform is not None:
            inputs = self.transform(inputs)
        if targets is None:
            return inputs, None
        return inputs, (_pick(targets, rows), _pick(weights, rows))


def _batch_size(batch):
    """The number of samples in a batch (skorch's ``get_len`` of its inputs)."""
    inputs = batch[0] if isinstance(batch, (tuple, list)) else batch
    if isinstance(inputs, torch.Tensor):
        return len(inputs)
    return get_len(inputs)


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


def float64_call(module, *inputs, batch_size=4096):
    """``module(*inputs)`` on the CPU-side tensors ``inputs``, in evaluation
    mode, without gradients, ``batch_size`` rows at a time, with float64
    weights and floating inputs (the float32 weights stay as they are).

    In float64 a row's output does not depend on which other rows share its
    batch (float32 matrix products round differently for different batch
    sizes), so predictions are the same however the rows are batched.
    A pass that a :func:`~ml2learn.neural._transfer.capture_layer` hook ends
    returns nothing (None).
    """
    module.eval()
    state = float64_state(module)
    device = next(iter(state.values())).device
    inputs = [x.double() if x.is_floating_point() else x for x in inputs]
    outputs = []
    with torch.no_grad(), torch_threads_for_task():
        for start in range(0, len(inputs[0]), batch_size):
            batch = tuple(x[start : start + batch_size].to(device) for x in inputs)
            try:
                outputs.append(torch.func.functional_call(module, state, batch).cpu())
            except LayerCaptured:
                continue
    return torch.cat(outputs) if outputs else None


def _weight_matrices(module):
    """The weights that L1 penalises: every parameter with two or more dims."""
    return [p for p in module.parameters() if p.ndim > 1 and p.requires_grad]


def _per_sample(criterion, y_pred, target):
    """``criterion``'s value for each sample (the mean of its elements)."""
    values = criterion(y_pred, target)
    if values.ndim > 1:
        values = values.reshape(len(values), -1).mean(dim=1)
    return values


def _batch_mean(criterion, y_pred, target):
    """The mean of ``criterion`` (which gives one value per sample, or per
    element) over the batch. A torch loss averages in its own kernel when
    its ``reduction`` is switched to ``"mean"`` for the call: two operations
    fewer forward and backward (7 % of a small MLP's step). A loss with class
    weights averages with them, so it is averaged here instead."""
    weighted = any(
        getattr(criterion, name, None) is not None for name in ("weight", "pos_weight")
    )
    if weighted or getattr(criterion, "reduction", None) != "none":
        return _per_sample(criterion, y_pred, target).mean()
    # a plain attribute: set past Module.__setattr__'s checks (5 us a call)
    object.__setattr__(criterion, "reduction", "mean")
    try:
        return criterion(y_pred, target)
    finally:
        object.__setattr__(criterion, "reduction", "none")


_TRAINED_MODULE = "<the trained module, module_>"


class Net(NeuralNet):
    """skorch net with a weighted loss, an L1 term and tensor-slice batches.

    ``frozen`` names layers that train in evaluation mode; ``shuffle_seed``
    seeds the order of the training batches (and the augmentation);
    ``lr_factors`` maps parameter names to a factor of the learning rate
    (their own optimizer parameter group, ``lr_factor``).
    Unlike skorch's, :meth:`partial_fit` lets a ``KeyboardInterrupt``
    through: only :class:`~ml2learn.neural._callbacks.StopTraining` (or
    skorch's own early stopping) ends training quietly.
    """

    def __init__(
        self,
        *args,
        l1=0.0,
        shuffle_seed=0,
        augment=None,
        lr_factors=None,
        frozen=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.l1 = l1
        self.shuffle_seed = shuffle_seed
        self.augment = augment
        self.lr_factors = lr_factors
        self.frozen = frozen

    def __getstate__(self):
        # skorch pickles ``module_`` apart from the rest, so the instance it
        # was given (the same object) would be stored a second time
        state = super().__getstate__()
        for name in self._modules:
            if state.get(name) is not None and state[name] is self.__dict__.get(
                name + "_"
            ):
                state[name] = _TRAINED_MODULE
        state.pop("_listeners_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        for name in self._modules:
            if isinstance(self.__dict__.get(name), str) and (
                self.__dict__[name] == _TRAINED_MODULE
            ):
                self.__dict__[name] = self.__dict__[name + "_"]

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        if not self.initialized_:
            self.initialize()
        routing_method = fit_params.pop("_routing_method", "partial_fit")
        self.notify("on_train_begin", X=X, y=y)
        try:
            self.fit_loop(X, y, _routing_method=routing_method, **fit_params)
        except (KeyboardInterrupt, Exception) as error:
            if not stops_training(error):
                raise
        self.notify("on_train_end", X=X, y=y)
        return self

    def initialize_callbacks(self):
        self._listeners_ = {}
        return super().initialize_callbacks()

    def notify(self, method_name, **cb_kwargs):
        # skorch calls every callback's hook three times a batch; most of the
        # hooks are the base class's no-op, so only the others are called
        getattr(self, method_name)(self, **cb_kwargs)
        for hook in self._listeners(method_name):
            hook(self, **cb_kwargs)

    def _listeners(self, method_name):
        """The callbacks' ``method_name`` hooks that do something."""
        listeners = self.__dict__.setdefault("_listeners_", {})
        if method_name not in listeners:
            no_op = getattr(Callback, method_name, None)
            hooks = [getattr(callback, method_name) for _, callback in self.callbacks_]
            listeners[method_name] = [
                hook for hook in hooks if getattr(hook, "__func__", None) is not no_op
            ]
        return listeners[method_name]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        # skorch's loop, recording into the epoch's batch list directly and
        # reading the batch size as ``len``: skorch's generic ``get_len`` and
        # history lookups took a tenth of a small MLP's step
        if iterator is None:
            return
        batches = self.history[-1]["batches"]
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            record = batches[-1]
            record[prefix + "_loss"] = step["loss"].item()
            record[prefix + "_batch_size"] = _batch_size(batch)
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(prefix + "_batch_count", batch_count)

    def initialize_optimizer(self, *args, **kwargs):
        named = list(self.get_all_learnable_params())
        args, kwargs = self.get_params_for_optimizer("optimizer", named)
        if self.lr_factors:
            groups = {}
            for name, param in named:
                factor = self.lr_factors.get(name.removeprefix("module."), 1.0)
                groups.setdefault(factor, []).append(param)
            lr = kwargs.get("lr", self.lr)
            args = (
                [
                    {"params": group, "lr": lr * factor, "lr_factor": factor}
                    for factor, group in groups.items()
                ],
            )
        self.optimizer_ = self.optimizer(*args, **kwargs)
        return self

    def initialize(self):
        self._initialize_batches()
        return super().initialize()

    def _initialize_batches(self):
        self.frozen_in_eval_ = False
        self.shuffle_rng_ = np.random.RandomState(self.shuffle_seed)
        self.augmenter_ = (
            None if not self.augment else Augmenter(self.augment, self.shuffle_seed)
        )

    def get_iterator(self, dataset, training=False):
        batch_size = self.batch_size if self.batch_size > 0 else len(dataset)
        return SliceIterator(
            dataset,
            batch_size,
            shuffle=training,
            rng=self.shuffle_rng_,
            transform=self.augmenter_ if training else None,
        )

    def get_dataset(self, X, y=None):
        if isinstance(X, TensorDataset):
            return X
        return super().get_dataset(X, y)

    def _set_training(self, training=True):
        # skorch switches the mode before every batch; switch only on change
        if self.module_.training != training:
            super()._set_training(training)
            self.frozen_in_eval_ = False
        if training and self.frozen and not self.frozen_in_eval_:
            # frozen layers compute as at prediction (batch-norm statistics
            # stay, dropout is off), as Keras runs non-trainable layers
            layers = dict(self.module_.named_modules())
            for name in self.frozen:
                layers.get(name, layers.get(f"module.{name}")).eval()
            self.frozen_in_eval_ = True

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
            return [(n, cb) for n, cb in callbacks if n != "print_log"]
        return [(n, PrintLog() if n == "print_log" else cb) for n, cb in callbacks]

    def get_loss(self, y_pred, y_true, X=None, training=False):
        target, weight = y_true
        target = target.to(y_pred.device)
        if weight is None:
            loss = _batch_mean(self.criterion_, y_pred, target)
        else:
            weight = weight.to(y_pred.device)
            per_sample = _per_sample(self.criterion_, y_pred, target)
            loss = (per_sample * weight).sum() / weight.sum().clamp_min(1e-12)
        if training and self.l1 > 0:
            loss = loss + self.l1 * sum(
                w.abs().sum() for w in _weight_matrices(self.module_)
            )
        return loss


class AcceleratedNet(AccelerateMixin, Net):
    """``Net`` trained through Hugging Face Accelerate (skorch's
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
        iterator = Net.get_iterator(self, dataset, training=training)
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
