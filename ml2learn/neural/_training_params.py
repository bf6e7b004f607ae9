"""The training parameters every neural estimator shares, declared once.

Each :class:`TrainingParameter` holds a name, its default, its scikit-learn
constraints and its numpydoc text. An estimator lists the training
parameters it takes (``training_parameter_names``), may change some defaults
(an estimator's own ``__init__`` signature holds them, as scikit-learn
writes it), and :func:`document_training_parameters` fills the block into
its docstring with the defaults read from that signature, so that text and
code cannot disagree.
"""

import inspect
from dataclasses import dataclass
from numbers import Integral, Real

from ..utils._param_validation import HasMethods, Interval, StrOptions
from ._schedules import SCHEDULES

__all__ = [
    "FEATURE_EXTRACTOR_PARAMETERS",
    "ENGINE_ATTRIBUTES_DOC",
    "FITTED_ATTRIBUTES_DOC",
    "TRAINING_MARKER",
    "TRANSFER_ATTRIBUTES_DOC",
    "OPTIMIZER_NAMES",
    "SUPERVISED_TRAINING_PARAMETERS",
    "TRAINING_PARAMETERS",
    "WEIGHT_INITS",
    "document_training_parameters",
    "training_constraints",
]

OPTIMIZER_NAMES = ("sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta")
WEIGHT_INITS = (
    "default",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
)
_MARKER = "    @TRAINING_PARAMETERS@\n"
TRAINING_MARKER = "\n" + _MARKER

TRANSFER_ATTRIBUTES_DOC = """
    copied_layers_ : list of str
        Layers whose weights ``init_from`` gave (empty without it).
    new_layers_ : list of str
        Layers ``init_from`` could not give (a new output layer).
    gradient_norms_ : dict of str to ndarray of shape (`n_epochs_`,)
        With ``record_gradient_norms``: every weight's mean gradient norm per
        epoch (nan for epochs trained without recording)."""

ENGINE_ATTRIBUTES_DOC = (
    """
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the torch module and
        ``net_.history`` the per-epoch record (``train_loss``,
        ``valid_loss``, ``lr``, ...).
    n_epochs_ : int
        Epochs run in total.
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        Training loss per epoch.
    validation_loss_curve_ : ndarray of shape (`n_epochs_`,)
        Validation loss per epoch (with ``early_stopping``).
    best_epoch_ : int
        Epoch of the lowest validation loss, whose weights were restored
        (with ``early_stopping``).
    frozen_ : list of str
        Names of the layers kept fixed."""
    + TRANSFER_ATTRIBUTES_DOC
)

FITTED_ATTRIBUTES_DOC = (
    ENGINE_ATTRIBUTES_DOC
    + """
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
"""
)


@dataclass(frozen=True)
class TrainingParameter:
    """One shared training parameter: ``doc`` has ``{default}`` where its
    default goes and is indented as a numpydoc entry's description."""

    name: str
    default: object
    constraints: list
    kind: str
    doc: str


def _p(name, default, constraints, kind, doc):
    return TrainingParameter(name, default, constraints, kind, doc.strip("\n"))


TRAINING_PARAMETERS = {
    p.name: p
    for p in [
        _p(
            "optimizer",
            "adam",
            [StrOptions(set(OPTIMIZER_NAMES))],
            '{"sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta"}',
            "The update rule.",
        ),
        _p(
            "learning_rate",
            1e-3,
            [Interval(Real, 0, None, closed="neither")],
            "float",
            "Initial learning rate ``eta_0``. Range ``(0, inf)``.",
        ),
        _p(
            "momentum",
            0.9,
            [Interval(Real, 0, 1, closed="both")],
            "float",
            'Momentum of ``optimizer="sgd"``. Range ``[0, 1]``.',
        ),
        _p(
            "nesterov",
            False,
            ["boolean"],
            "bool",
            'Nesterov momentum (``optimizer="sgd"`` with momentum > 0).',
        ),
        _p(
            "lr_schedule",
            None,
            [StrOptions(set(SCHEDULES)), callable, None],
            '{"time", "step", "exponential", "cosine", "hold_exponential"}, '
            "callable or None",
            """
        Learning rate of epoch ``t`` (counted from 0 in every ``fit``):
        ``eta_0 / (1 + k t)``, ``eta_0 * drop ** floor(t / lr_step_size)``,
        ``eta_0 * exp(-k t)``, a cosine decay to 0 over ``max_epochs``, or
        the notes' Keras recipe ``"hold_exponential"``: ``eta_0`` for the
        first ``lr_step_size`` epochs, then ``eta_0 * exp(-k (t + 1 -
        lr_step_size))``. A callable ``schedule(t, eta_0)`` returns
        ``eta_t`` itself. ``None`` keeps ``eta_0``.""",
        ),
        _p(
            "lr_decay",
            0.1,
            [Interval(Real, 0, None, closed="left")],
            "float",
            """
        ``k`` of the time-based and exponential schedules, ``drop`` of the
        step schedule. Range ``[0, inf)``.""",
        ),
        _p(
            "lr_step_size",
            10,
            [Interval(Integral, 1, None, closed="left")],
            "int",
            """
        Epochs between two drops of the step schedule; epochs held at
        ``eta_0`` by ``"hold_exponential"``.""",
        ),
        _p(
            "weight_decay",
            0.0,
            [Interval(Real, 0, None, closed="left")],
            "float",
            """
        L2 penalty as PyTorch applies it: ``weight_decay * w`` is added to
        every gradient (the gradient of ``weight_decay / 2 * sum w^2``).""",
        ),
        _p(
            "l1",
            0.0,
            [Interval(Real, 0, None, closed="left")],
            "float",
            """
        ``lambda`` of the L1 term ``lambda * sum |w|`` added to the training
        loss (weight matrices only, not biases).""",
        ),
        _p(
            "gradient_clip_norm",
            None,
            [Interval(Real, 0, None, closed="neither"), None],
            "float or None",
            """
        Rescale the gradient of all parameters together whenever its
        Euclidean norm exceeds this (clipping by norm, against exploding
        gradients).""",
        ),
        _p(
            "gradient_clip_value",
            None,
            [Interval(Real, 0, None, closed="neither"), None],
            "float or None",
            """
        Clip every gradient component to ``[-value, value]`` (clipping by
        value; applied before clipping by norm).""",
        ),
        _p(
            "weight_init",
            "default",
            [StrOptions(set(WEIGHT_INITS))],
            '{"default", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"}',
            """
        Initialisation of the weights of every linear and convolution layer
        (biases start at 0): Glorot's ``Var(w) = 2 / (fan_in + fan_out)``,
        He's ``Var(w) = 2 / fan_in``, uniform or normal; ``"default"`` keeps
        PyTorch's own initialisation.""",
        ),
        _p(
            "max_epochs",
            200,
            [Interval(Integral, 1, None, closed="left")],
            "int",
            "Epochs of training (fewer with early stopping).",
        ),
        _p(
            "batch_size",
            "auto",
            [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
            'int or "auto"',
            'Mini-batch size; ``"auto"`` is ``min(200, n_samples)``.',
        ),
        _p(
            "early_stopping",
            False,
            ["boolean"],
            "bool",
            """
        Hold out ``validation_fraction`` of the data and stop once the
        validation loss has not improved by ``min_delta`` for ``patience``
        epochs; the weights of the lowest validation loss are restored
        (``best_epoch_``).""",
        ),
        _p(
            "patience",
            5,
            [Interval(Integral, 1, None, closed="left")],
            "int",
            "Epochs without an improvement of ``min_delta`` before stopping.",
        ),
        _p(
            "min_delta",
            1e-3,
            [Interval(Real, 0, None, closed="left")],
            "float",
            "Smallest decrease of the validation loss that resets the patience.",
        ),
        _p(
            "validation_fraction",
            0.1,
            [Interval(Real, 0, 1, closed="neither")],
            "float",
            "Share held out for early stopping. Range ``(0, 1)``.",
        ),
        _p(
            "warm_start",
            False,
            ["boolean"],
            "bool",
            """
        Continue training the fitted network on the next ``fit`` instead of
        starting anew; every changed setting (epochs, learning rate and
        schedule, optimizer, weight decay, batch size, callbacks) applies
        to the continuation.""",
        ),
        _p(
            "init_from",
            None,
            [HasMethods(["fit"]), None],
            "fitted estimator or None",
            """
        Transfer learning: copy the weights of this fitted estimator's
        network (same feature extractor) before training. The output layer
        is copied when its shape matches and built anew otherwise, so the
        new task may have other classes or outputs (``copied_layers_``,
        ``new_layers_``).""",
        ),
        _p(
            "freeze",
            None,
            [Interval(Integral, 0, None, closed="left"), str, list, None],
            "int, str, list of str or None",
            """
        Layers kept fixed: the first ``freeze`` layers, ``"features"``
        (every layer but the output layer: feature extraction), or layer
        names (@LAYER_NAMES@).""",
        ),
        _p(
            "fine_tune_lr_factor",
            1.0,
            [Interval(Real, 0, None, closed="neither")],
            "float",
            """
        With ``init_from``: the copied layers learn at ``fine_tune_lr_factor``
        times the learning rate (the notes: fine-tune at about 1/10 of it),
        the new ones at the learning rate.""",
        ),
        _p(
            "record_gradient_norms",
            False,
            ["boolean"],
            "bool",
            """
        Record, per epoch, the mean Euclidean norm of every weight's
        gradient over the batches (``gradient_norms_``; after clipping), to
        see gradients vanish or explode layer by layer.""",
        ),
        _p(
            "feature_layer",
            None,
            [str, None],
            "str or None",
            """
        The layer whose output :meth:`transform` returns, flattened to one
        row per sample (a name from ``freeze``'s list or a child); None is
        the input of the output layer, the learned representation of
        feature extraction.""",
        ),
        _p(
            "random_state",
            None,
            ["random_state"],
            "int, RandomState instance or None",
            """
        Seeds initialisation, dropout, batch order and the validation split:
        two fits with the same seed are identical on CPU, and so are two
        warm continuations of one fitted state.""",
        ),
        _p(
            "device",
            "cpu",
            [StrOptions({"cpu", "cuda", "auto"})],
            '{"cpu", "cuda", "auto"}',
            'Where to train; ``"auto"`` picks CUDA when available.',
        ),
        _p(
            "accelerator",
            None,
            [HasMethods(["prepare", "backward", "unwrap_model"]), None],
            "accelerate.Accelerator or None",
            """
        Train through Hugging Face Accelerate (skorch's
        ``AccelerateMixin``): the accelerator picks the device (``device`` is
        then ignored), runs mixed precision if it was built with
        ``mixed_precision``, and under ``accelerate launch`` trains on
        several GPUs or machines, each process on its share of every
        mini-batch, gradients averaged. Prediction runs on the
        accelerator's device in every process. Needs the ``[gpu]`` extra.""",
        ),
        _p(
            "verbose",
            0,
            [Interval(Integral, 0, 2, closed="both")],
            "int",
            "0 silent, 1 skorch's epoch table, 2 adds a progress bar.",
        ),
        _p(
            "callbacks",
            None,
            [list, None],
            "list of skorch callbacks or None",
            "Extra callbacks, run before the built-in ones.",
        ),
    ]
}

FEATURE_EXTRACTOR_PARAMETERS = tuple(TRAINING_PARAMETERS)
SUPERVISED_TRAINING_PARAMETERS = tuple(
    name for name in TRAINING_PARAMETERS if name != "feature_layer"
)


def training_constraints(names):
    """The ``_parameter_constraints`` entries of the training parameters
    ``names``."""
    return {name: TRAINING_PARAMETERS[name].constraints for name in names}


def _default_text(value):
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _entry(parameter, default, layer_names):
    doc = parameter.doc.replace("@LAYER_NAMES@", layer_names)
    lines = [
        f"    {parameter.name} : {parameter.kind}, default={_default_text(default)}"
    ]
    for line in doc.splitlines():
        line = line.strip()
        lines.append(f"        {line}" if line else "")
    return "\n".join(lines)


def training_parameters_doc(cls, layer_names):
    """The numpydoc entries of ``cls``'s training parameters, with the
    defaults of its ``__init__``."""
    signature = inspect.signature(cls.__init__).parameters
    return "\n".join(
        _entry(TRAINING_PARAMETERS[name], parameter.default, layer_names)
        for name, parameter in signature.items()
        if name in cls.training_parameter_names
    )


def document_training_parameters(layer_names):
    """Class decorator: replace the ``@TRAINING_PARAMETERS@`` line of the
    docstring by the class's training parameters; ``layer_names`` are
    examples of its layer names (for ``freeze``)."""

    def decorate(cls):
        if cls.__doc__ is None or _MARKER not in cls.__doc__:
            raise ValueError(f"{cls.__name__}'s docstring has no training marker.")
        block = training_parameters_doc(cls, layer_names) + "\n"
        cls.__doc__ = cls.__doc__.replace(_MARKER, block)
        return cls

    return decorate
