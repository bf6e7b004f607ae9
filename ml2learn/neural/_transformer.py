"""Encoder-only transformers for sequence classification and regression
(notes, lines 6058-7215; Vaswani et al., 2017; Devlin et al., 2019).

The module is :class:`~ml2learn.neural.modules.TransformerEncoderNetwork`:
token embeddings (or a linear projection of values) plus positions, encoder
blocks of multi-head self-attention and feed-forward layers with add &
norm, and a head on the ``[CLS]`` vector or the mean of the outputs.
"""

from numbers import Integral, Real

import numpy as np

from ..text import SequenceEncoder
from ..text._validation import check_documents
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
from .modules._attention import recording_attention
from .modules._transformer import TransformerEncoderNetwork

__all__ = ["TransformerClassifier", "TransformerRegressor"]


def recorded_attention_maps(estimator, X):
    """The ``attention_maps()`` of ``estimator``'s fitted module after a
    forward pass over ``X``, recorded for that pass only."""
    module = estimator.net_.module_
    with recording_attention(module):
        estimator._forward(estimator._predict_input(X))
        maps = module.attention_maps()
    return maps.cpu().numpy().astype(np.float64)


class _BaseTransformer(_SequenceInput, FeatureExtractorMixin, BaseNeuralEstimator):
    _supports_warmup = True

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **FeatureExtractorMixin._parameter_constraints,
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "d_ff": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "token_input": ["boolean"],
        "positions": [StrOptions({"sinusoidal", "learned"})],
        "pooling": [StrOptions({"cls", "mean"})],
        "norm": [StrOptions({"pre", "post"})],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        d_model=64,
        n_heads=4,
        *,
        num_layers=2,
        d_ff=128,
        dropout=0.1,
        token_input=False,
        positions="sinusoidal",
        pooling="cls",
        norm="pre",
        warmup_epochs=0,
        optimizer="adamw",
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
        max_epochs=100,
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
        self.d_model = d_model
        self.n_heads = n_heads
        self.num_layers = num_layers
        self.d_ff = d_ff
        self.dropout = dropout
        self.token_input = token_input
        self.positions = positions
        self.pooling = pooling
        self.norm = norm
        self.warmup_epochs = warmup_epochs
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

    def _source_encoder(self):
        """``init_from``'s fitted :class:`~ml2learn.text.SequenceEncoder` when
        it was trained on texts (a masked LM), else None."""
        encoder = getattr(self.init_from, "encoder_", None)
        return encoder if isinstance(encoder, SequenceEncoder) else None

    def _reads_texts(self):
        return not self.token_input and self._source_encoder() is not None

    def _reads_tokens(self):
        return self.token_input or self._source_encoder() is not None

    def _token_ids(self, X):
        """``X``, or its texts as ids of ``init_from``'s vocabulary."""
        if self._reads_texts():
            return self._source_encoder().transform(check_documents(X))
        return X

    def _validate_X(self, X, reset):
        return super()._validate_X(self._token_ids(X), reset)

    def _validate_Xy(self, X, y, reset):
        return super()._validate_Xy(self._token_ids(X), y, reset)

    def _embedding_width(self):
        return self.d_model

    def _build_module(self, n_features, n_outputs):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}."
            )
        return TransformerEncoderNetwork(
            self.n_steps_,
            self.n_step_features_,
            n_outputs,
            d_model=self.d_model,
            n_heads=self.n_heads,
            num_layers=self.num_layers,
            d_ff=self.d_ff,
            dropout=self.dropout,
            vocab_size=getattr(self, "n_tokens_", None),
            token_input=self._reads_tokens(),
            positions=self.positions,
            # texts encoded by a masked LM begin with their own [CLS] token
            pooling="first"
            if self.pooling == "cls" and self._source_encoder() is not None
            else self.pooling,
            norm=self.norm,
        )

    def attention_maps(self, X):
        """Self-attention weights of every layer and head.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, F)
            Sequences.

        Returns
        -------
        maps : ndarray of shape (num_layers, n_samples, n_heads, T', T')
            Row ``i`` of a map is where position ``i`` looks; ``T' = T + 1``
            with ``pooling="cls"`` (position 0 is the learned ``[CLS]``;
            texts read through a masked LM keep ``T' = T``, their own
            ``[CLS]`` token first). Token rows are right-aligned first, so a
            row's real tokens come first.
        """
        return recorded_attention_maps(self, X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self._reads_texts():
            tags.input_tags.string = True
            tags.input_tags.two_d_array = False
        return tags


_TRANSFORMER_DOC = (
    """
    Parameters
    ----------
    d_model : int, default=64
        Width of the embeddings and of every block.
    n_heads : int, default=4
        Attention heads (``d_model`` must be divisible by it).
    num_layers : int, default=2
        Encoder blocks.
    d_ff : int, default=128
        Width of the position-wise feed-forward layers.
    dropout : float, default=0.1
        Dropout on embeddings, attention weights and sublayer outputs.
    token_input : bool, default=False
        Read ``X`` as token ids (0 is padding; ids never seen in ``fit``
        become 1, ``<UNK>``) rather than as values. With ``init_from`` a
        fitted :class:`TransformerMaskedLM` (or a ``FrozenEstimator`` of
        one), ``X`` holds texts, encoded with its vocabulary (BERT's
        fine-tuning), or, with ``token_input=True``, the ids its
        ``encoder_`` gives.
    positions : {"sinusoidal", "learned"}, default="sinusoidal"
        ``PE(pos, 2i) = sin(pos / 10000^(2i/d))``, ``PE(pos, 2i+1) = cos(...)``
        or a learned table.
    pooling : {"cls", "mean"}, default="cls"
        The output at a learned ``[CLS]`` vector put before the sequence (at
        the text's own ``[CLS]`` token when fine-tuning a masked LM), or the
        mean over real positions.
    norm : {"pre", "post"}, default="pre"
        Layer normalisation before each sublayer (with a final one) or after
        the residual sum (the original paper).
    warmup_epochs : int, default=0
        Linear learning-rate warm-up: epoch ``t < warmup_epochs`` uses
        ``(t + 1) / (warmup_epochs + 1)`` of the scheduled rate."""
    + TRAINING_MARKER
)
_LAYER_NAMES = '``"embedding"``, ``"blocks.0"``, ``"output"``'


@document_training_parameters(_LAYER_NAMES)
class TransformerClassifier(NeuralClassifierMixin, _BaseTransformer):
    __doc__ = (
        """An encoder-only transformer classifier.

    Token embeddings (or projected values) plus positional encodings pass
    through encoder blocks, ``x + MultiHead(LN(x))`` then ``x + FFN(LN(x))``
    (pre-norm; ``norm="post"`` gives the paper's ``LN(x + Sublayer(x))``),
    with padding masked out of the attention; the ``[CLS]`` output (or the
    mean output) goes through a linear layer and a softmax.
"""
        + _TRANSFORMER_DOC
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
        Number of token ids (with ``token_input``)."""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    RNNClassifier : The recurrent alternative.
    ml2learn.text.SequenceEncoder : Texts to padded token ids.

    References
    ----------
    .. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
    .. [2] J. Devlin, M.-W. Chang, K. Lee and K. Toutanova, "BERT: pre-training
       of deep bidirectional transformers for language understanding", NAACL
       2019.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import TransformerClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(1, 6, size=(300, 8))
    >>> y = (X == 5).sum(axis=1) >= 2            # token 5 at least twice
    >>> clf = TransformerClassifier(32, 4, token_input=True, max_epochs=40,
    ...                             random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )


@document_training_parameters(_LAYER_NAMES)
class TransformerRegressor(NeuralRegressorMixin, _BaseTransformer):
    __doc__ = (
        """An encoder-only transformer regressor.

    :class:`TransformerClassifier`'s network with a linear output trained on
    the squared error.
"""
        + _TRANSFORMER_DOC
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
        Number of token ids (with ``token_input``)."""
        + FITTED_ATTRIBUTES_DOC
        + """
    See Also
    --------
    TransformerClassifier : The same network for classes.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import TransformerRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 6))
    >>> reg = TransformerRegressor(16, 2, max_epochs=60, random_state=0)
    >>> bool(reg.fit(X, X.sum(axis=1)).score(X, X.sum(axis=1)) > 0.9)
    True
    """
    )
