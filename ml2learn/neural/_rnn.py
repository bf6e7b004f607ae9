"""Recurrent networks for sequence classification and regression (notes,
lines 3487-4140): a simple RNN, an LSTM or a GRU reads the sequence and its
pooled outputs feed a linear head.

Inputs are token ids (``embedding_dim`` set; 0 is padding, see
:class:`~ml2learn.text.SequenceEncoder`), sequences of values ``(n, T, F)``,
or plain 2-D float arrays read as sequences of scalars.
"""

from numbers import Integral, Real

import numpy as np

from ..utils._param_validation import Interval, StrOptions
from ._base import BaseNeuralEstimator, FeatureExtractorMixin
from ._sequence_input import _SequenceInput
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
from .modules._rnn import CELLS, RecurrentNetwork

__all__ = ["LSTMClassifier", "LSTMRegressor", "RNNClassifier", "RNNRegressor"]


class _BaseRNN(_SequenceInput, FeatureExtractorMixin, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **FeatureExtractorMixin._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pooling": [StrOptions({"last", "mean", "attention"})],
    }

    def __init__(
        self,
        cell="lstm",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        embedding_dim=None,
        pooling="last",
        optimizer="adam",
        learning_rate=1e-2,
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
        max_epochs=50,
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
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.embedding_dim = embedding_dim
        self.pooling = pooling
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

    def _build_module(self, n_features, n_outputs):
        return RecurrentNetwork(
            self.n_steps_,
            self.n_step_features_,
            n_outputs,
            cell=self.cell,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            vocab_size=getattr(self, "n_tokens_", None),
            embedding_dim=self.embedding_dim,
            pooling=self.pooling,
        )

    def attention_weights(self, X):
        """The weights of ``pooling="attention"`` over every step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, F)
            Sequences.

        Returns
        -------
        weights : ndarray of shape (n_samples, n_steps)
            ``softmax(w^T h_t)`` over the real steps (0 at padding).
        """
        if self.pooling != "attention":
            raise ValueError("attention_weights needs pooling='attention'.")
        self._forward(self._predict_input(X))
        return self.net_.module_.last_attention.cpu().numpy().astype(np.float64)


_RNN_DOC = (
    """
    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        The recurrent cell: Elman's ``h_t = tanh(W x_t + U h_{t-1} + b)``,
        the LSTM's gated cell state, or the GRU's update and reset gates.
    hidden_size : int, default=64
        Width of the hidden state.
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Also read the sequence backwards and concatenate both states.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    embedding_dim : int, default=None
        Read ``X`` as token ids (0 is padding; ids never seen in ``fit``
        become 1, ``<UNK>``) and embed them in this many dimensions; None
        reads ``X`` as values.
    pooling : {"last", "mean", "attention"}, default="last"
        One vector per sequence: the last hidden state (the final states of
        both directions when bidirectional), the mean of the outputs over
        the real steps, or their ``softmax(w^T h_t)``-weighted sum."""
    + TRAINING_MARKER
)
_LAYER_NAMES = '``"embedding"``, ``"recurrent"``, ``"output"``'

_RNN_NOTES = """
    Notes
    -----
    Padded token rows are packed (``torch.nn.utils.rnn.pack_padded_sequence``)
    so the recurrence never reads padding: a sequence gets the same output
    whatever its padding, left or right (left padding is moved to the right
    first). Float inputs are read as ``T`` full steps of ``F`` values;
    ``n_steps_`` and ``n_step_features_`` record them.
"""


@document_training_parameters(_LAYER_NAMES)
class RNNClassifier(NeuralClassifierMixin, _BaseRNN):
    __doc__ = (
        """A recurrent network classifier (RNN, LSTM or GRU).

    The cell reads the sequence step by step; the pooled outputs go through
    a linear layer and a softmax (cross-entropy loss).
"""
        + _RNN_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_steps_ : int
        Steps ``T`` of the input sequences.
    n_step_features_ : int
        Values per step ``F`` (1 for token ids).
    n_tokens_ : int
        Number of token ids (with ``embedding_dim``)."""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    LSTMClassifier : This class with ``cell="lstm"``.
    ml2learn.text.SequenceEncoder : Texts to padded token ids.
"""
        + _RNN_NOTES
        + """
    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long short-term memory",
       Neural Computation 9(8), 1997.
    .. [2] K. Cho et al., "Learning phrase representations using RNN
       encoder-decoder for statistical machine translation", EMNLP 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(1, 5, size=(200, 6))
    >>> y = (X == 4).any(axis=1).astype(int)   # does token 4 occur?
    >>> clf = RNNClassifier("gru", 16, embedding_dim=8, max_epochs=30,
    ...                     random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )


@document_training_parameters(_LAYER_NAMES)
class RNNRegressor(NeuralRegressorMixin, _BaseRNN):
    __doc__ = (
        """A recurrent network regressor (RNN, LSTM or GRU).

    The cell reads the sequence step by step; the pooled outputs go through
    a linear layer trained on the squared error.
"""
        + _RNN_DOC
        + """
    Attributes
    ----------"""
        + REGRESSION_ATTRIBUTES_DOC
        + """
    n_steps_ : int
        Steps ``T`` of the input sequences.
    n_step_features_ : int
        Values per step ``F`` (1 for token ids).
    n_tokens_ : int
        Number of token ids (with ``embedding_dim``)."""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    LSTMRegressor : This class with ``cell="lstm"``.
"""
        + _RNN_NOTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import RNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 5))      # 300 sequences of 5 values
    >>> reg = RNNRegressor("gru", 16, max_epochs=60, random_state=0)
    >>> bool(reg.fit(X, X.sum(axis=1)).score(X, X.sum(axis=1)) > 0.9)
    True
    """
    )


class LSTMClassifier(RNNClassifier):
    __doc__ = RNNClassifier.__doc__.replace(
        "A recurrent network classifier (RNN, LSTM or GRU).",
        "An LSTM classifier: :class:`RNNClassifier` with ``cell='lstm'``.",
    ).replace(
        '    LSTMClassifier : This class with ``cell="lstm"``.',
        "    RNNClassifier : The same with any cell.",
    )


class LSTMRegressor(RNNRegressor):
    __doc__ = RNNRegressor.__doc__.replace(
        "A recurrent network regressor (RNN, LSTM or GRU).",
        "An LSTM regressor: :class:`RNNRegressor` with ``cell='lstm'``.",
    ).replace(
        '    LSTMRegressor : This class with ``cell="lstm"``.',
        "    RNNRegressor : The same with any cell.",
    )
