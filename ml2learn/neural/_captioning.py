"""Image captioning with attention (Xu et al., 2015; notes, lines 3487-3534,
4114-4118 and 4442-4505): one image in, a sequence of words out.

``fit(images, captions)`` tokenises the captions with a
:class:`~ml2learn.text.SequenceEncoder` (``<BOS>`` ... ``<EOS>``) and
minimises the teacher-forced cross-entropy of every caption word given the
image; ``predict`` writes captions with greedy or beam search.
"""

import copy
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..text import SequenceEncoder
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.validation import check_layer_sizes
from ._base import BaseNeuralEstimator
from ._image_input import _ImageInput
from ._text_output import TextOutputMixin, check_texts
from ._training_params import (
    ENGINE_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules._captioning import ImageCaptionNetwork
from .modules._decoding import EOS
from .modules._language import TokenCrossEntropy
from .modules._rnn import CELLS

__all__ = ["ImageCaptioner"]


@document_training_parameters('``"encoder"``, ``"decoder.recurrent"``')
class ImageCaptioner(
    TextOutputMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _ImageInput,
    BaseNeuralEstimator,
):
    """Captions images: a CNN encoder, a recurrent decoder with attention
    over the image's feature map.

    The encoder's last feature map gives annotation vectors ``a_1 .. a_L``,
    one per cell of its ``h x w`` grid. The decoder starts from ``h_0 =
    tanh(W_h mean_i a_i)`` and, at every step, scores each ``a_i`` against
    its previous state, ``e_ti = v^T tanh(W h_{t-1} + U a_i)``, takes
    ``alpha_t = softmax(e_t)`` and the context ``z_t = sum_i alpha_ti a_i``,
    updates ``h_t = LSTM(h_{t-1}, [E y_{t-1}; z_t])`` and predicts the next
    word from ``[h_t; E y_{t-1}; z_t]`` (Xu et al.'s soft attention).
    ``attention=None`` gives the image to the decoder through ``h_0`` only
    (Vinyals et al.'s "show and tell").

    Parameters
    ----------
    filters : sequence of int, default=(32, 64)
        Channels of the encoder's convolution stages (batch norm, ReLU, and
        a 2x2 max pooling after each); ignored with ``encoder``.
    embedding_dim : int, default=32
        Width of the word embeddings.
    hidden_size : int, default=128
        Width of the decoder's state.
    num_layers : int, default=1
        Stacked recurrent layers in the decoder.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        The decoder's cell.
    attention : {"concat", "general", "dot", "location"} or None, \
default="concat"
        The score of a feature-map cell (Xu et al.: ``"concat"``); None for
        no attention.
    grid_positions : {"learned", "sinusoidal"} or None, default="learned"
        A position vector added to each feature-map cell's annotation
        vector before attention: a learned one per cell (as ViT's patch
        positions), Vaswani et al.'s sinusoids over the cells in row order,
        or None (Xu et al.: convolution features, which locate a cell only
        through what padding leaks). Content alone cannot tell two equal
        digits of a strip apart; with positions the decoder can step along
        the image (exact match on unseen digit combinations 0.73 -> 0.9+,
        :doc:`/benchmarks/captioning`). Unused without attention.
    decoder : {"bahdanau", "luong"}, default="bahdanau"
        Score with the previous state and feed the context into the
        recurrence (Xu et al., as Bahdanau et al.), or Luong's decoder.
    dropout : float, default=0.0
        Dropout in the decoder.
    encoder : fitted CNNClassifier or CNNRegressor, default=None
        Use a copy of this fitted network's convolution blocks as the
        encoder (``freeze="encoder"`` keeps them fixed; otherwise they are
        fine-tuned); its input channels must match. None trains an encoder
        from ``filters``.
    beam_width : int, default=1
        Hypotheses kept by beam search in ``predict``; 1 is greedy decoding.
    length_penalty : float, default=0.0
        Beam search ranks its finished hypotheses by
        ``log p / length^length_penalty``.
    tokenizer : {"word", "char"} or tokenizer, default="word"
        How captions are cut into tokens (see
        :class:`~ml2learn.text.SequenceEncoder`).
    min_freq : int, default=1
        Caption tokens seen fewer times become ``<UNK>``.
    max_len : int, default=None
        Longest caption in tokens, ``<BOS>`` and ``<EOS>`` included (and so
        ``predict``'s most words plus one); None takes the longest.
    lowercase : bool, default=False
        Lowercase the captions first.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat 2-D rows; None reads 2-D rows as
        1-D signals."""

    __doc__ += (
        TRAINING_MARKER
        + """
    Attributes
    ----------
    target_encoder_ : SequenceEncoder
        The caption vocabulary and length.
    input_shape_ : tuple of int
        ``(C, H, W)`` (or ``(C, L)``) of one image.
    grid_ : tuple of int
        The encoder's feature-map grid ``(h, w)``: the cells attended to."""
        + ENGINE_ATTRIBUTES_DOC
        + """
    n_features_in_ : int
        Values per image.

    See Also
    --------
    Seq2SeqTranslator : Texts to texts, with the same decoders.
    ml2learn.datasets.make_digit_captions : Digit strips and their captions.

    Notes
    -----
    The output layer is Bahdanau et al.'s maxout over ``[h_t; E y_{t-1};
    z_t]``, where Xu et al. sum three projections; the doubly stochastic
    attention penalty of Xu et al. is left out.

    References
    ----------
    .. [1] K. Xu et al., "Show, attend and tell: neural image caption
       generation with visual attention", ICML 2015.
    .. [2] O. Vinyals, A. Toshev, S. Bengio and D. Erhan, "Show and tell: a
       neural image caption generator", CVPR 2015.
    .. [3] D. Bahdanau, K. Cho and Y. Bengio, "Neural machine translation by
       jointly learning to align and translate", ICLR 2015.

    Examples
    --------
    >>> from ml2learn.datasets import make_digit_captions
    >>> from ml2learn.neural import ImageCaptioner
    >>> X_train, X_test, y_train, y_test = make_digit_captions(
    ...     600, 100, max_digits=2, random_state=0)
    >>> captioner = ImageCaptioner(hidden_size=64, learning_rate=3e-3,
    ...                            max_epochs=15, random_state=0)
    >>> captioner = captioner.fit(X_train, y_train)
    >>> len(captioner.predict(X_test[:1])[0].split()) >= 1
    True
    >>> captioner.attention_maps(X_test[:1]).shape  # 2 words and <EOS>, 2 x 4
    (1, 3, 2, 4)
    """
    )

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "filters": [tuple, list],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions(set(CELLS))],
        "attention": [StrOptions({"dot", "general", "concat", "location"}), None],
        "grid_positions": [StrOptions({"learned", "sinusoidal"}), None],
        "decoder": [StrOptions({"luong", "bahdanau"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "encoder": [HasMethods(["fit", "predict"]), None],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "length_penalty": [Interval(Real, 0, None, closed="left")],
        "tokenizer": [StrOptions({"word", "char"}), HasMethods(["transform"])],
        "min_freq": [Interval(Integral, 1, None, closed="left")],
        "max_len": [Interval(Integral, 2, None, closed="left"), None],
        "lowercase": ["boolean"],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        filters=(32, 64),
        *,
        embedding_dim=32,
        hidden_size=128,
        num_layers=1,
        cell="lstm",
        attention="concat",
        grid_positions="learned",
        decoder="bahdanau",
        dropout=0.0,
        encoder=None,
        beam_width=1,
        length_penalty=0.0,
        tokenizer="word",
        min_freq=1,
        max_len=None,
        lowercase=False,
        image_shape=None,
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
        max_epochs=30,
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
        random_state=None,
        device="cpu",
        accelerator=None,
        verbose=0,
        callbacks=None,
    ):
        self.filters = filters
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.attention = attention
        self.grid_positions = grid_positions
        self.decoder = decoder
        self.dropout = dropout
        self.encoder = encoder
        self.beam_width = beam_width
        self.length_penalty = length_penalty
        self.tokenizer = tokenizer
        self.min_freq = min_freq
        self.max_len = max_len
        self.lowercase = lowercase
        self.image_shape = image_shape
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
        self.random_state = random_state
        self.device = device
        self.accelerator = accelerator
        self.verbose = verbose
        self.callbacks = callbacks

    # -- data -----------------------------------------------------------------

    def _check_inputs(self, X):
        check_is_fitted(self, "net_")
        return self._validate_X(X, reset=False)

    def _check_pairs(self, X, y, reset=False):
        """Validated images and their captions (one each, none empty)."""
        images = self._validate_X(X, reset=reset)
        captions = check_texts(y)
        if len(captions) != len(images):
            raise ValueError(
                f"X and y must hold as many images as captions; got {len(images)} "
                f"images and {len(captions)} captions."
            )
        empty = next((i for i, c in enumerate(captions) if not c.strip()), None)
        if empty is not None:
            raise ValueError(
                f"y holds an empty caption at index {empty}; every image needs "
                "a caption to learn from."
            )
        return images, captions

    def _decoder_input(self, images):
        """Flat float64 pixels, for the float64 copy that decodes."""
        return torch.from_numpy(images.reshape(len(images), -1).astype(np.float64))

    def _pairs(self, images, captions):
        """Net inputs ``[pixels | caption ids]`` and next-word targets."""
        ids = self.target_encoder_.transform(captions)
        pixels = images.reshape(len(images), -1)
        return np.hstack([pixels, ids.astype(np.float32)]), ids[:, 1:]

    def _fit_vocabulary(self, captions):
        self.target_encoder_ = SequenceEncoder(
            self.tokenizer,
            min_freq=self.min_freq,
            max_len=self.max_len,
            add_special_tokens=True,
            lowercase=self.lowercase,
        ).fit(captions)

    def _validate_Xy(self, X, y, reset):
        return X, y  # built by _pairs from validated images

    def _encode_targets(self, y, reset, classes=None):
        n_tokens = len(self.target_encoder_.index_to_token_)
        return torch.from_numpy(np.asarray(y, dtype=np.int64)), n_tokens

    def _make_criterion(self):
        return TokenCrossEntropy()

    def _build_module(self, n_features, n_outputs):
        encoder = None
        if self.encoder is not None:
            check_is_fitted(self.encoder, "net_")
            source = self.encoder.net_.module_
            shape = getattr(self.encoder, "input_shape_", None)  # CNNs have one
            if (
                not hasattr(source, "features")
                or shape is None
                or shape[0] != self.input_shape_[0]
            ):
                name = type(self.encoder).__name__
                raise ValueError(
                    "encoder must be a fitted CNN estimator for images of "
                    f"{self.input_shape_[0]} channel(s); got {name} fitted on "
                    f"inputs of shape {shape}."
                )
            encoder = copy.deepcopy(source.features)
        filters = check_layer_sizes(self.filters, "filters")
        module = ImageCaptionNetwork(
            self.input_shape_,
            n_outputs,
            filters=filters,
            embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            cell=self.cell,
            attention=self.attention,
            grid_positions=self.grid_positions,
            dropout=self.dropout,
            decoder=self.decoder,
            encoder=encoder,
        )
        self.grid_ = module.grid
        return module

    # -- fitting --------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Learn to caption images.

        Parameters
        ----------
        X : array-like of shape (n_images, C, H, W), (n_images, H, W) or \
(n_images, n_features)
            Images (flat rows with ``image_shape``).
        y : iterable of str
            One caption per image.
        sample_weight : array-like of shape (n_images,), default=None
            Weights of the images in the loss.

        Returns
        -------
        self : ImageCaptioner
            The fitted captioner.
        """
        continuing = self.warm_start and hasattr(self, "net_")
        images, captions = self._check_pairs(X, y, reset=not continuing)
        if not continuing:
            self._fit_vocabulary(captions)
        inputs, next_words = self._pairs(images, captions)
        return self._train(inputs, next_words, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """One more epoch on the images and captions (the first call also
        fixes the vocabulary and the caption length).

        Parameters
        ----------
        X : array-like
            Images, as for ``fit``.
        y : iterable of str
            Captions.
        sample_weight : array-like of shape (n_images,), default=None
            Weights of the images in the loss.

        Returns
        -------
        self : ImageCaptioner
            The updated captioner.
        """
        first = not hasattr(self, "net_")
        if first:
            self._validate_params()
        images, captions = self._check_pairs(X, y, reset=first)
        if first:
            self._fit_vocabulary(captions)
        inputs, next_words = self._pairs(images, captions)
        return self._train(inputs, next_words, sample_weight, partial=True)

    # -- outputs --------------------------------------------------------------

    def transform(self, X):
        """The image representation: the mean of the annotation vectors.

        Parameters
        ----------
        X : array-like
            Images, as for ``fit``.

        Returns
        -------
        features : ndarray of shape (n_images, n_channels)
            ``mean_i a_i`` of the encoder's last feature map (float64).
        """
        pixels = self._decoder_input(self._check_inputs(X))
        with torch.no_grad():
            return self._float64_module().features(pixels).mean(dim=1).numpy()

    @property
    def _n_features_out(self):
        check_is_fitted(self, "net_")
        return self.transform(np.zeros((1, *self.input_shape_))).shape[1]

    def attention_maps(self, X, return_tokens=False):
        """Where the decoder looked for every word it wrote.

        Parameters
        ----------
        X : array-like
            Images, as for ``fit``.
        return_tokens : bool, default=False
            Also return each caption's words (``<EOS>`` included when
            written), one per map.

        Returns
        -------
        maps : ndarray of shape (n_images, n_steps, h, w)
            ``alpha_t`` on the encoder's grid for every output step (rows
            after ``<EOS>`` are zero; each other row sums to 1).
        tokens : list of list of str
            With ``return_tokens``: the words of each caption.
        """
        if self.attention is None:
            raise ValueError("attention=None has no attention maps.")
        images = self._check_inputs(X)
        ids, weights = self._decode(images)
        n_steps = ids.shape[1]
        maps = weights.reshape(len(ids), n_steps, *self.grid_).astype(np.float64)
        written = np.zeros(ids.shape, dtype=bool)
        for row, tokens in enumerate(ids):
            stop = int(np.argmax(tokens == EOS)) + 1 if EOS in tokens else n_steps
            written[row, :stop] = tokens[:stop] > 0
        maps[~written] = 0.0
        if not return_tokens:
            return maps
        words = self._output_tokens(ids)
        tokens = [w + ["<EOS>"] if EOS in row else w for w, row in zip(words, ids)]
        return maps, tokens

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
