"""Many-to-many sequence labelling (notes, lines 3487-4140): a recurrent
network predicts one label per time step, as a part-of-speech or named
entity tagger does."""

import numpy as np
import torch
from scipy.special import softmax
from sklearn.utils.validation import check_array, validate_data

from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
    check_sample_weight,
)
from ._base import BaseNeuralEstimator, FeatureExtractorMixin
from ._rnn import _BaseRNN
from ._sequence_input import _SequenceInput
from ._training_params import (
    ENGINE_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules._rnn import RecurrentTagger

__all__ = ["RNNTagger"]


def _ragged(y):
    """Whether ``y`` is a list of label sequences of different lengths."""
    if (
        isinstance(y, (list, tuple))
        and y
        and all(isinstance(row, (list, tuple, np.ndarray)) for row in y)
    ):
        return len({len(row) for row in y}) > 1
    return False


@document_training_parameters('``"embedding"``, ``"recurrent"``, ``"output"``')
class RNNTagger(_SequenceInput, FeatureExtractorMixin, BaseNeuralEstimator):
    __doc__ = (
        """A recurrent network that predicts one label per time step.

    The cell (bidirectional by default, so that a step's label can depend
    on what follows) reads the sequence; a linear layer and a softmax turn
    every step's output into label probabilities. The loss is the
    cross-entropy of every real step, averaged per sequence; padding steps
    (token id 0) are left out of the loss, the predictions' scores and
    ``score``.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        The recurrent cell.
    hidden_size : int, default=64
        Width of the hidden state.
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=True
        Also read the sequence backwards and concatenate both states.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    embedding_dim : int, default=None
        Read ``X`` as token ids (0 is padding; ids never seen in ``fit``
        become 1, ``<UNK>``) and embed them in this many dimensions; None
        reads ``X`` as values."""
        + TRAINING_MARKER
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen at real steps.
    padding_label_ : int or str
        What ``predict`` writes at padding steps: -1 (or one less than the
        smallest numeric label when -1 is a label), or ``""`` for string
        labels.
    n_steps_ : int
        Steps ``T`` of the input sequences.
    n_step_features_ : int
        Values per step ``F`` (1 for token ids).
    n_tokens_ : int
        Number of token ids (with ``embedding_dim``)."""
        + ENGINE_ATTRIBUTES_DOC
        + """
    n_features_in_ : int
        Number of columns of ``X`` seen during fit (``T * F``).

    See Also
    --------
    RNNClassifier : One label per sequence.
    ml2learn.text.SequenceEncoder : Texts to padded token ids.

    Notes
    -----
    Inputs: token ids ``(n, T)`` with ``embedding_dim``; values ``(n, T,
    F)``; or a 2-D float array ``(n, T * F)``, read as ``T = y.shape[1]``
    steps of ``F`` consecutive values (so a one-column or 1-D ``y`` makes
    every row one step). ``y`` is ``(n, T)``, or, with token input, a list holding
    each sequence's labels for its real tokens only (padding is added, on
    the side the ids are padded; a row of ``T`` real tokens keeps its first
    ``T`` labels, as :class:`~ml2learn.text.SequenceEncoder` keeps the first
    ``max_len`` tokens of a longer text). Labels at padding steps of a 2-D
    ``y`` are ignored, whatever they are.

    :meth:`transform` gives every step's state, the input of the output
    layer: ``(n, T * H)`` with ``H = hidden_size`` (twice that when
    bidirectional), step after step, so ``reshape(n, T, H)`` recovers the
    steps; padding steps are zero.

    Examples
    --------
    Tag every token with whether it has been seen earlier in the sequence:

    >>> import numpy as np
    >>> from ml2learn.neural import RNNTagger
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(1, 6, size=(300, 8))
    >>> y = np.array([[int(t in row[:i]) for i, t in enumerate(row)] for row in X])
    >>> tagger = RNNTagger("gru", 32, embedding_dim=8, max_epochs=40,
    ...                    random_state=0).fit(X, y)
    >>> bool(tagger.score(X, y) > 0.95)
    True
    >>> tagger.predict([[3, 1, 3, 0, 0, 0, 0, 0]]).tolist()
    [[0, 0, 1, -1, -1, -1, -1, -1]]
    """
    )

    _parameter_constraints: dict = {
        k: v for k, v in _BaseRNN._parameter_constraints.items() if k != "pooling"
    }

    def __init__(
        self,
        cell="lstm",
        hidden_size=64,
        *,
        num_layers=1,
        bidirectional=True,
        dropout=0.0,
        embedding_dim=None,
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

    # -- data -----------------------------------------------------------------

    def _steps_of_2d_values(self, n_columns, n_labels):
        if n_columns % n_labels:
            raise ValueError(
                f"X has {n_columns} columns, which cannot be read as "
                f"y.shape[1]={n_labels} steps of equal width; pass X as "
                "(n_samples, n_steps, n_step_features)."
            )
        return n_columns // n_labels

    def _real_steps(self, X):
        """True at the steps that are not padding, ``(n, T)``."""
        if self._reads_tokens():
            return X > 0
        return np.ones((len(X), self.n_steps_), dtype=bool)

    def _label_grid(self, y, X):
        """``y`` as an ``(n, T)`` array and the mask of its real steps."""
        real = self._real_steps(X)
        if _ragged(y) or (
            isinstance(y, list)
            and self._reads_tokens()
            and y
            and len(y[0]) != X.shape[1]
        ):
            if not self._reads_tokens():
                raise ValueError(
                    "y holds label sequences of different lengths; that needs "
                    "token input (embedding_dim) whose padding gives the lengths."
                )
            if len(y) != len(X):
                raise ValueError(
                    f"y has {len(y)} label sequences for {len(X)} sequences."
                )
            grid = np.empty(X.shape, dtype=object)
            for i, (labels, mask) in enumerate(zip(y, real)):
                labels = list(labels)
                if len(labels) > mask.sum() == len(mask):
                    labels = labels[: len(mask)]  # a truncated row (at the right)
                if len(labels) != mask.sum():
                    raise ValueError(
                        f"y[{i}] has {len(labels)} labels for {mask.sum()} tokens."
                    )
                grid[i, mask] = list(labels)
            labels = np.asarray(grid[real].tolist())
            grid[~real] = labels[0] if labels.size else 0
            return grid.astype(labels.dtype) if labels.size else grid, real
        grid = check_array(y, dtype=None, ensure_2d=False, input_name="y")
        if grid.ndim == 1 and real.shape[1] == 1 and not self._reads_tokens():
            grid = grid[:, None]  # one-step sequences: a label per row
        if grid.ndim != 2:
            raise ValueError(
                f"y must be 2-D, (n_samples, n_steps): one label per step; got "
                f"shape {grid.shape}. Use RNNClassifier for one label per sequence."
            )
        if grid.shape != real.shape:
            raise ValueError(
                f"y has shape {grid.shape}; X holds {real.shape[0]} sequences "
                f"of {real.shape[1]} steps."
            )
        return grid, real

    def _validate_X(self, X, reset):
        X, step_features = self._flat(X)
        X = validate_data(self, X, dtype=np.float32, reset=reset)
        if step_features is None and not self._reads_tokens():
            step_features = self.n_step_features_
        return self._check_steps(X, step_features, reset)

    def _validate_Xy(self, X, y, reset):
        X, step_features = self._flat(X)
        X = validate_data(self, X, dtype=np.float32, reset=reset)
        if y is None:
            raise ValueError(
                "RNNTagger requires y to be passed, but the target y is None; "
                "give one label per step, (n, T)."
            )
        if step_features is None and not self._reads_tokens():
            if reset:
                if _ragged(y):
                    raise ValueError(
                        "y holds label sequences of different lengths; that "
                        "needs token input (embedding_dim) whose padding gives "
                        "the lengths."
                    )
                shape = check_array(
                    y, dtype=None, ensure_2d=False, input_name="y"
                ).shape
                n_labels = shape[1] if len(shape) == 2 else 1
                step_features = self._steps_of_2d_values(X.shape[1], n_labels)
            else:
                step_features = self.n_step_features_
        X = self._check_steps(X, step_features, reset)
        return X, self._label_grid(y, X)  # the labels and their real steps

    def _encode_targets(self, y, reset, classes=None):
        y, real = y
        labels = y[real]
        check_classification_targets(labels)
        if reset:
            self.classes_ = np.unique(labels)
            check_classification_targets_min2(self.classes_)
            self.padding_label_ = self._padding_label()
        unseen = np.setdiff1d(np.unique(labels), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y holds labels {unseen.tolist()} not seen in the first fit; "
                f"classes_ is {self.classes_.tolist()}."
            )
        encoded = np.full(y.shape, -1, dtype=np.int64)
        encoded[real] = np.searchsorted(self.classes_, labels)
        return torch.from_numpy(encoded), len(self.classes_)

    def _padding_label(self):
        if self.classes_.dtype.kind in "iuf":
            return min(-1, self.classes_.min() - 1) if -1 in self.classes_ else -1
        return ""

    def _make_criterion(self):
        return _StepCrossEntropy()

    def _build_module(self, n_features, n_outputs):
        return RecurrentTagger(
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
        )

    # -- prediction -------------------------------------------------------------

    def predict_proba(self, X):
        """Label probabilities at every step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, F)
            Sequences.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_steps, n_classes)
            Softmax of each step's logits; rows of zeros at padding steps.
        """
        X = self._predict_input(X)
        proba = softmax(self._forward(X), axis=-1)
        proba[~self._real_steps(X)] = 0.0
        return proba

    def predict(self, X):
        """The most likely label at every step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, F)
            Sequences.

        Returns
        -------
        labels : ndarray of shape (n_samples, n_steps)
            Labels; ``padding_label_`` at padding steps.
        """
        X = self._predict_input(X)
        labels = self.classes_[self._forward(X).argmax(axis=-1)]
        dtype = np.result_type(labels.dtype, np.asarray(self.padding_label_).dtype)
        labels = labels.astype(dtype)
        labels[~self._real_steps(X)] = self.padding_label_
        return labels

    def score(self, X, y, sample_weight=None):
        """Accuracy over the real steps of all sequences.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, F)
            Sequences.
        y : array-like of shape (n_samples, n_steps) or list of label lists
            True labels (as in ``fit``).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the sequences (each of its steps weighs as much).

        Returns
        -------
        score : float
            Correct steps over real steps (weighted).
        """
        X = self._predict_input(X)
        grid, real = self._label_grid(y, X)
        predicted = self.predict(X)
        weights = check_sample_weight(sample_weight, X)
        step_weights = np.broadcast_to(weights[:, None], real.shape)[real]
        return float(np.average(predicted[real] == grid[real], weights=step_weights))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class _StepCrossEntropy(torch.nn.Module):
    """Cross-entropy of every real step (target >= 0), averaged per
    sequence: ``(B, T, K)`` logits and ``(B, T)`` targets give ``(B,)``."""

    def forward(self, logits, targets):
        losses = torch.nn.functional.cross_entropy(
            logits.transpose(1, 2), targets, ignore_index=-1, reduction="none"
        )
        real = (targets >= 0).to(losses.dtype)
        return (losses * real).sum(1) / real.sum(1).clamp_min(1)
