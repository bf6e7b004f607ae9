"""Multi-layer perceptrons for classification and regression (notes 1074-1700).

The module is :class:`~ml2learn.neural.modules.MLP`; the output layer and the
loss follow the task: softmax + cross-entropy for classes, sigmoid + binary
cross-entropy per label for multi-label targets, linear + squared error for
(multi-output) regression.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ..utils._param_validation import Interval, StrOptions
from ..utils._signature import init_with_defaults
from ..utils.validation import check_layer_sizes
from ._base import BaseNeuralEstimator, FeatureExtractorMixin
from ._nets import SparseRows
from ._tasks import (
    REGRESSION_ATTRIBUTES_DOC,
    NeuralClassifierMixin,
    NeuralRegressorMixin,
)
from ._training_params import (
    FITTED_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules import MLP
from .modules._mlp import ACTIVATIONS

__all__ = ["MLPClassifier", "MLPRegressor"]

# A batch of fewer multiply-adds than this trains on one torch thread: the
# threads' start and join cost more than the matrix products they share
# (20-64-2 on batches of 200, 0.28M: 1.1-1.25x faster on one thread of two;
# 1M-3M level; 5M and more faster on two; the weights came out the same on
# one thread as on two for these sizes).
_ONE_THREAD_WORK = 1_000_000


class _BaseMLP(FeatureExtractorMixin, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **FeatureExtractorMixin._parameter_constraints,
        "hidden_layer_sizes": [tuple, list, Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": [StrOptions({"before", "after"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        dropout=0.0,
        batch_norm=None,
        optimizer="adam",
        learning_rate=1e-3,
        momentum=0.9,
        nesterov=False,
        lr_schedule=None,
        lr_decay=0.1,
        lr_step_size=10,
        weight_decay=0.0,
        l1=0.0,
        gradient_clip_norm=None,
        gradient_clip_value=None,
        weight_init="default",
        max_epochs=200,
        batch_size="auto",
        early_stopping=False,
        patience=5,
        min_delta=1e-3,
        validation_fraction=0.1,
        warm_start=False,
        init_from=None,
        freeze=None,
        fine_tune_lr_factor=1.0,
        record_gradient_norms=False,
        feature_layer=None,
        random_state=None,
        device="cpu",
        accelerator=None,
        verbose=0,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.lr_schedule = lr_schedule
        self.lr_decay = lr_decay
        self.lr_step_size = lr_step_size
        self.weight_decay = weight_decay
        self.l1 = l1
        self.gradient_clip_norm = gradient_clip_norm
        self.gradient_clip_value = gradient_clip_value
        self.weight_init = weight_init
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.init_from = init_from
        self.freeze = freeze
        self.fine_tune_lr_factor = fine_tune_lr_factor
        self.record_gradient_norms = record_gradient_norms
        self.feature_layer = feature_layer
        self.random_state = random_state
        self.device = device
        self.accelerator = accelerator
        self.verbose = verbose
        self.callbacks = callbacks

    # sparse input (a TF-IDF matrix): kept sparse, densified per mini-batch

    def _validate_X(self, X, reset):
        return validate_data(
            self, X, dtype=np.float32, accept_sparse="csr", reset=reset
        )

    def _validate_Xy(self, X, y, reset):
        return validate_data(
            self,
            X,
            y,
            dtype=np.float32,
            accept_sparse="csr",
            reset=reset,
            multi_output=True,
        )

    def _inputs_tensor(self, X):
        if sp.issparse(X):
            return SparseRows(X)
        return super()._inputs_tensor(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _hidden_sizes(self):
        return check_layer_sizes(
            self.hidden_layer_sizes, "hidden_layer_sizes", allow_empty=True
        )

    def _training_threads(self, n_features, n_outputs, batch_size):
        widths = [n_features, *self._hidden_sizes(), n_outputs]
        work = batch_size * sum(a * b for a, b in zip(widths[:-1], widths[1:]))
        return 1 if work < _ONE_THREAD_WORK else None

    def _build_module(self, n_features, n_outputs):
        return MLP(
            n_features,
            self._hidden_sizes(),
            n_outputs,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )


_MLP_ARCHITECTURE_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Width of each hidden layer.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "gelu", "elu"}, \
            default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout probability after every hidden layer (training only).
        Range ``[0, 1)``.
    batch_norm : {"before", "after"} or None, default=None
        Batch normalisation before or after each hidden activation.
"""

_PARAMETERS_DOC = _MLP_ARCHITECTURE_DOC + TRAINING_MARKER

_LAYER_NAMES = '``"hidden.0"``, ``"output"``'


@document_training_parameters(_LAYER_NAMES)
class MLPClassifier(NeuralClassifierMixin, _BaseMLP):
    __doc__ = (
        """A multi-layer perceptron classifier trained with mini-batches.

    Hidden layers ``h_l = g(W_l h_{l-1} + b_l)`` and a linear output layer
    whose logits go through a softmax (cross-entropy loss) for single-label
    targets, or a sigmoid per label (binary cross-entropy) for multi-label
    indicator targets.
"""
        + _PARAMETERS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (label indices for multi-label targets)."""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    MLPRegressor : The same network for real-valued targets.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy version.

    Notes
    -----
    The loss minimised is the weighted mean over the batch,
    ``J = sum_i w_i L(y_i, f(x_i)) / sum_i w_i``, plus ``l1 * sum |W|``;
    ``L`` is the cross-entropy ``-log softmax(f(x))_y`` (notes, lines
    1074-1700), or ``-sum_k y_k log s_k + (1 - y_k) log(1 - s_k)`` averaged
    over labels for multi-label targets.

    References
    ----------
    .. [1] D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning
       representations by back-propagating errors", Nature 323, 1986.
    .. [2] D. P. Kingma and J. Ba, "Adam: a method for stochastic
       optimization", ICLR 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from ml2learn.neural import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate=0.01,
    ...                     max_epochs=100, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )


@document_training_parameters(_LAYER_NAMES)
class MLPRegressor(NeuralRegressorMixin, _BaseMLP):
    __doc__ = (
        """A multi-layer perceptron regressor trained with mini-batches.

    Hidden layers ``h_l = g(W_l h_{l-1} + b_l)`` and a linear output layer,
    one unit per target column, trained on the squared error, or on the
    Poisson deviance through a log link for counts (``loss="poisson"``).
"""
        + _MLP_ARCHITECTURE_DOC
        + """    loss : {"squared_error", "poisson"}, default="squared_error"
        The squared error of the standardised targets, or the Poisson
        deviance of ``y / y_scale_`` with the prediction ``exp(f(x))``
        (targets must be non-negative; scikit-learn's ``loss="poisson"``).
"""
        + TRAINING_MARKER
        + """
    Attributes
    ----------"""
        + REGRESSION_ATTRIBUTES_DOC
        + """"""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    MLPClassifier : The same network for classes.
    sklearn.neural_network.MLPRegressor : scikit-learn's numpy version.

    Notes
    -----
    The loss is the weighted mean squared error over the batch (averaged over
    target columns), ``J = sum_i w_i ||z_i - f(x_i)||^2 / (k sum_i w_i)``,
    plus ``l1 * sum |W|``, on the standardised targets ``z = (y - y_mean_) /
    y_scale_``; ``predict`` returns ``y_mean_ + y_scale_ f(x)``.

    With ``loss="poisson"`` the per-sample loss is ``exp(f) - z f`` with
    ``z = y / y_scale_`` (the half Poisson deviance ``z log(z / mu) - z + mu``
    at ``mu = exp(f)``, less the terms that do not depend on ``f``, so
    ``loss_curve_`` differs from the deviance by a constant), and
    ``predict`` returns ``y_scale_ exp(f(x))``.

    References
    ----------
    .. [1] D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning
       representations by back-propagating errors", Nature 323, 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import MLPRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> reg = MLPRegressor((32,), learning_rate=0.01, max_epochs=300,
    ...                    random_state=0).fit(X, X[:, 0] ** 2)
    >>> bool(reg.score(X, X[:, 0] ** 2) > 0.9)
    True
    """
    )

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    __init__ = init_with_defaults(
        _BaseMLP.__init__, added={"loss": "squared_error"}, after="batch_norm"
    )
