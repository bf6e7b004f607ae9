"""Sequence-to-sequence translation with attention (notes, lines 4141-4510)
and the transformer encoder-decoder (lines 6058-7215).

``fit(source_texts, target_texts)`` tokenises both sides with their own
:class:`~ml2learn.text.SequenceEncoder` (the target wrapped in ``<BOS>`` ...
``<EOS>``) and minimises the teacher-forced cross-entropy of every target
token; ``predict`` decodes with greedy or beam search.
"""

from numbers import Integral, Real

import numpy as np
import torch

from ..text import SequenceEncoder
from ..text._validation import check_documents
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.validation import check_allocation
from ._base import BaseNeuralEstimator
from ._text_features import TextFeatureMixin
from ._text_output import TextOutputMixin, check_texts
from ._training_params import (
    ENGINE_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules._decoding import EOS
from .modules._language import TokenCrossEntropy
from .modules._rnn import CELLS
from .modules._seq2seq import RecurrentSeq2Seq, TransformerSeq2Seq

__all__ = ["Seq2SeqTranslator"]

_TOKENIZER = [StrOptions({"word", "char"}), HasMethods(["transform"])]


@document_training_parameters('``"encoder"``, ``"source_embedding"``')
class Seq2SeqTranslator(TextOutputMixin, TextFeatureMixin, BaseNeuralEstimator):
    """An encoder-decoder that maps texts to texts, with attention.

    ``architecture="rnn"``: a recurrent encoder reads the source; a recurrent
    decoder starts from its final state and, at every step ``t``, scores
    every encoder state ``h_s`` against its own state ``h_t``
    (``attention="dot"``: ``h_t^T h_s``; ``"general"``: ``h_t^T W_a h_s``;
    ``"concat"``: ``v_a^T tanh(W_1 h_t + W_2 h_s)``; ``"location"``: ``(W_a
    h_t)_s``, from the decoder state alone), takes the softmax ``alpha_ts``,
    the context ``c_t = sum_s alpha_ts h_s`` and the attention vector ``a_t
    = tanh(W_c [c_t; h_t])``, and predicts the next token with
    ``softmax(W_a a_t)`` (Luong et al.). ``decoder="bahdanau"`` scores with
    the previous state ``s_{t-1}`` instead and feeds ``c_t`` into the
    recurrence (Bahdanau et al.). ``attention=None`` is the plain
    encoder-decoder, ``softmax(W_hy h_t)``. ``architecture="transformer"``:
    the transformer's encoder and decoder stacks (masked self-attention,
    encoder-decoder attention, feed-forward layers).

    Parameters
    ----------
    architecture : {"rnn", "transformer"}, default="rnn"
        Recurrent encoder-decoder or transformer.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        The recurrent cell (``architecture="rnn"``).
    attention : {"dot", "general", "concat", "location"} or None, \
default="general"
        The alignment score (``architecture="rnn"``); None for no attention.
    decoder : {"luong", "bahdanau"}, default="luong"
        The recurrent attention decoder: Luong's (score ``h_t`` after the
        recurrent step, attention vector fed to the next input) or
        Bahdanau's (score ``s_{t-1}`` before it, context into the
        recurrence, a maxout output layer).
    bidirectional_encoder : bool, default=False
        Read the source both ways and attend to ``[->h_s; <-h_s]``; the
        decoder starts from ``tanh(W_s <-h_1)`` (Bahdanau et al.).
    residual : bool, default=False
        Residual connections between stacked recurrent layers, ``x_{l+1} =
        RNN_l(x_l) + x_l`` from the second layer on (Wu et al.'s GNMT); with
        one layer there is nothing between layers and it changes nothing.
    hidden_size : int, default=128
        Width of the recurrent states, or the transformer's ``d_model``.
    embedding_dim : int, default=64
        Width of the token embeddings (``architecture="rnn"``; the
        transformer embeds in ``hidden_size``).
    num_layers : int, default=1
        Stacked layers (blocks) in the encoder and in the decoder.
    n_heads : int, default=4
        Attention heads (``architecture="transformer"``).
    d_ff : int, default=256
        Width of the feed-forward layers (``architecture="transformer"``).
    dropout : float, default=0.0
        Dropout.
    teacher_forcing_ratio : float, default=1.0
        In training, the probability that a decoder step reads the true
        previous token rather than its own prediction (Bengio et al.'s
        scheduled sampling, per sequence and step; ``architecture="rnn"``:
        the transformer's decoder reads the whole true target at once).
    beam_width : int, default=1
        Hypotheses kept by beam search in ``predict``; 1 is greedy decoding.
    length_penalty : float, default=0.0
        Beam search ranks its finished hypotheses by
        ``log p / length^length_penalty``; 0 ranks by ``log p``.
    source_tokenizer, target_tokenizer : {"word", "char"} or tokenizer, \
default="word"
        How each side is cut into tokens: a tokenizer such as
        :class:`~ml2learn.text.BPETokenizer` is fitted on that side's
        training texts unless it is fitted already (see
        :class:`~ml2learn.text.SequenceEncoder`).
    min_freq : int, default=1
        Tokens seen fewer times in training become ``<UNK>`` (both sides).
    max_source_len : int, default=None
        Longest source in tokens; longer sources are cut at the right with a
        warning. None takes the longest training source. Every batch is
        trimmed to its own longest source and target, so one long text slows
        only its own batch; the transformer's self-attention grows with the
        square of that length, and a fit whose attention cannot fit in
        memory raises a ValueError that names this parameter.
    max_target_len : int, default=None
        Longest target in tokens, ``<BOS>`` and ``<EOS>`` included, and so
        ``predict``'s most output tokens plus one. None takes the longest
        training target.
    lowercase : bool, default=False
        Lowercase both sides first."""

    __doc__ += (
        TRAINING_MARKER
        + """
    Attributes
    ----------
    source_encoder_ : SequenceEncoder
        The source vocabulary and length.
    target_encoder_ : SequenceEncoder
        The target vocabulary and length."""
        + ENGINE_ATTRIBUTES_DOC
        + """

    See Also
    --------
    ml2learn.neural.modules.AlignmentScore : The four scores.
    ml2learn.inspection.plot_alignment : Draw ``attention_weights``.

    Notes
    -----
    The default recurrent decoder follows Luong et al. (2015) with input
    feeding: ``a_{t-1}`` joins the embedding of the previous token at the
    input of step ``t``; the notes' Bahdanau score ("concat") can be used
    inside it, as Luong et al. compare it. ``decoder="bahdanau"`` is
    Bahdanau et al.'s own decoder, which scores the previous state
    ``s_{t-1}``; with ``attention="concat"`` and
    ``bidirectional_encoder=True`` it is the paper's RNNsearch (with the
    chosen cell where the paper uses gated units, and the decoder state
    starting from the backward encoder layer of the same depth when
    stacked). ``residual=True`` adds GNMT's shortcuts between stacked
    layers; GNMT's other parts (a bidirectional bottom layer only, attention
    from the bottom decoder layer, eight layers) are not reproduced.

    ``score`` compares token sequences: the reference is cut into tokens the
    way the training targets were (so, with word tokens, spacing does not
    matter), and a reference token never seen in training can never match.

    References
    ----------
    .. [1] I. Sutskever, O. Vinyals and Q. V. Le, "Sequence to sequence
       learning with neural networks", NeurIPS 2014.
    .. [2] D. Bahdanau, K. Cho and Y. Bengio, "Neural machine translation by
       jointly learning to align and translate", ICLR 2015.
    .. [3] M.-T. Luong, H. Pham and C. D. Manning, "Effective approaches to
       attention-based neural machine translation", EMNLP 2015.
    .. [4] Y. Wu et al., "Google's neural machine translation system:
       bridging the gap between human and machine translation", 2016.
    .. [5] S. Bengio, O. Vinyals, N. Jaitly and N. Shazeer, "Scheduled
       sampling for sequence prediction with recurrent neural networks",
       NeurIPS 2015.
    .. [6] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.

    Examples
    --------
    Reverse words, a task attention solves by looking back at the source:

    >>> from ml2learn.neural import Seq2SeqTranslator
    >>> words = ["a b c", "b c d", "c d a", "d a b", "a c", "b d", "d c b a"]
    >>> backwards = [" ".join(reversed(w.split())) for w in words]
    >>> model = Seq2SeqTranslator(hidden_size=32, embedding_dim=16,
    ...                           learning_rate=0.01, max_epochs=150,
    ...                           random_state=0).fit(words, backwards)
    >>> model.predict(["b c d", "d c b a"]).tolist()
    ['d c b', 'a b c d']
    >>> model.attention_weights("b c d").shape  # 3 words and <EOS> x 3 words
    (4, 3)
    """
    )

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "architecture": [StrOptions({"rnn", "transformer"})],
        "cell": [StrOptions(set(CELLS))],
        "attention": [StrOptions({"dot", "general", "concat", "location"}), None],
        "decoder": [StrOptions({"luong", "bahdanau"})],
        "bidirectional_encoder": ["boolean"],
        "residual": ["boolean"],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "d_ff": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "teacher_forcing_ratio": [Interval(Real, 0, 1, closed="both")],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "length_penalty": [Interval(Real, 0, None, closed="left")],
        "source_tokenizer": _TOKENIZER,
        "target_tokenizer": _TOKENIZER,
        "min_freq": [Interval(Integral, 1, None, closed="left")],
        "max_source_len": [Interval(Integral, 1, None, closed="left"), None],
        "max_target_len": [Interval(Integral, 2, None, closed="left"), None],
        "lowercase": ["boolean"],
    }

    def __init__(
        self,
        architecture="rnn",
        *,
        cell="lstm",
        attention="general",
        decoder="luong",
        bidirectional_encoder=False,
        residual=False,
        hidden_size=128,
        embedding_dim=64,
        num_layers=1,
        n_heads=4,
        d_ff=256,
        dropout=0.0,
        teacher_forcing_ratio=1.0,
        beam_width=1,
        length_penalty=0.0,
        source_tokenizer="word",
        target_tokenizer="word",
        min_freq=1,
        max_source_len=None,
        max_target_len=None,
        lowercase=False,
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
        self.architecture = architecture
        self.cell = cell
        self.attention = attention
        self.decoder = decoder
        self.bidirectional_encoder = bidirectional_encoder
        self.residual = residual
        self.hidden_size = hidden_size
        self.embedding_dim = embedding_dim
        self.num_layers = num_layers
        self.n_heads = n_heads
        self.d_ff = d_ff
        self.dropout = dropout
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.beam_width = beam_width
        self.length_penalty = length_penalty
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.min_freq = min_freq
        self.max_source_len = max_source_len
        self.max_target_len = max_target_len
        self.lowercase = lowercase
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

    @staticmethod
    def _check_inputs(X):
        return check_documents(X)

    def _decoder_input(self, texts):
        return torch.from_numpy(self.source_encoder_.transform(texts))

    @staticmethod
    def _check_pairs(X, y):
        sources = check_documents(X)
        targets = check_texts(y)
        if len(sources) != len(targets):
            raise ValueError(
                f"X and y must hold as many texts; got {len(sources)} sources "
                f"and {len(targets)} targets."
            )
        if not sources:
            raise ValueError("X holds no text; a translator needs some pairs.")
        return sources, targets

    def _fit_vocabularies(self, sources, targets):
        self.source_encoder_ = SequenceEncoder(
            self.source_tokenizer,
            min_freq=self.min_freq,
            max_len=self.max_source_len,
            lowercase=self.lowercase,
        ).fit(sources)
        self.target_encoder_ = SequenceEncoder(
            self.target_tokenizer,
            min_freq=self.min_freq,
            max_len=self.max_target_len,
            add_special_tokens=True,
            lowercase=self.lowercase,
        ).fit(targets)

    def _validate_Xy(self, X, y, reset):
        return X, y  # already token ids, built by _pairs

    def _reads_tokens(self):
        return True

    def _encode_targets(self, y, reset, classes=None):
        n_tokens = len(self.target_encoder_.index_to_token_)
        return torch.from_numpy(np.asarray(y, dtype=np.int64)), n_tokens

    def _make_criterion(self):
        return TokenCrossEntropy()

    def _pairs(self, sources, targets):
        """Net inputs ``[source ids | target ids]`` and next-token targets."""
        self._n_training_pairs = len(sources)
        source_ids = self.source_encoder_.transform(sources)
        target_ids = self.target_encoder_.transform(targets)
        inputs = np.hstack([source_ids, target_ids]).astype(np.int64)
        return inputs, target_ids[:, 1:]

    def _build_module(self, n_features, n_outputs):
        source_vocab = len(self.source_encoder_.index_to_token_)
        source_len = self.source_encoder_.max_len_
        if self.architecture == "transformer":
            if self.hidden_size % self.n_heads:
                raise ValueError(
                    f"hidden_size={self.hidden_size} must be divisible by "
                    f"n_heads={self.n_heads} for the transformer."
                )
            self._check_attention_memory(source_len)
            return TransformerSeq2Seq(
                source_vocab,
                n_outputs,
                source_len,
                self.target_encoder_.max_len_,
                self.hidden_size,
                self.n_heads,
                self.num_layers,
                self.d_ff,
                self.dropout,
            )
        if self.attention == "dot" and self.bidirectional_encoder:
            raise ValueError(
                "attention='dot' needs encoder states as wide as the decoder's, "
                "but bidirectional_encoder=True makes them 2 * hidden_size wide; "
                "use 'general', 'concat' or 'location'."
            )
        if self.decoder == "bahdanau" and self.attention is None:
            raise ValueError(
                "decoder='bahdanau' scores the source with attention; "
                "attention=None has none (use decoder='luong')."
            )
        return RecurrentSeq2Seq(
            source_vocab,
            n_outputs,
            source_len,
            self.embedding_dim,
            self.hidden_size,
            self.num_layers,
            self.cell,
            self.attention,
            self.dropout,
            self.teacher_forcing_ratio,
            decoder=self.decoder,
            bidirectional=self.bidirectional_encoder,
            residual=self.residual,
        )

    def _check_attention_memory(self, source_len):
        """Refuse a transformer whose self-attention over the longest source
        cannot fit: each encoder block keeps ``batch x heads x S^2`` float32
        scores and weights for the backward pass."""
        batch = self._batch_size(self._n_training_pairs)
        n_bytes = 8 * self.num_layers * batch * self.n_heads * source_len**2
        check_allocation(
            n_bytes,
            f"The transformer's self-attention over a batch of {batch} sources "
            f"of {source_len} tokens (the longest source; max_source_len cuts "
            "it, a smaller batch_size helps too)",
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Learn to translate ``X`` into ``y``.

        Parameters
        ----------
        X : iterable of str
            Source texts.
        y : iterable of str
            Target texts, one per source.
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the pairs in the loss.

        Returns
        -------
        self : Seq2SeqTranslator
            The fitted translator.
        """
        sources, targets = self._check_pairs(X, y)
        if not (self.warm_start and hasattr(self, "net_")):
            self._fit_vocabularies(sources, targets)
        inputs, next_tokens = self._pairs(sources, targets)
        return self._train(inputs, next_tokens, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """One more epoch on the pairs (the first call also fixes the
        vocabularies and lengths).

        Parameters
        ----------
        X : iterable of str
            Source texts.
        y : iterable of str
            Target texts.
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the pairs in the loss.

        Returns
        -------
        self : Seq2SeqTranslator
            The updated translator.
        """
        sources, targets = self._check_pairs(X, y)
        if not hasattr(self, "net_"):
            self._validate_params()
            self._fit_vocabularies(sources, targets)
        inputs, next_tokens = self._pairs(sources, targets)
        return self._train(inputs, next_tokens, sample_weight, partial=True)

    # -- decoding ---------------------------------------------------------------

    def _token_states(self, texts):
        source = torch.from_numpy(self.source_encoder_.transform(texts))
        with torch.no_grad():
            memory, _ = self._float64_module().encode(source)
        return memory.states, ~memory.mask

    def attention_weights(self, text, return_tokens=False):
        """The alignment matrix of one translation: how much each output
        token attended to each source token.

        Parameters
        ----------
        text : str
            One source text.
        return_tokens : bool, default=False
            Also return the source and output tokens (the row and column
            labels).

        Returns
        -------
        weights : ndarray of shape (n_output_tokens, n_source_tokens)
            ``alpha_ts``, one row per output token (``<EOS>`` included when
            produced), summing to 1 over the source (the transformer's last
            decoder block, averaged over heads).
        source_tokens : list of str
            With ``return_tokens``: the source tokens (after truncation).
        output_tokens : list of str
            With ``return_tokens``: the output tokens.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be one string; got {type(text).__name__}.")
        if self.architecture == "rnn" and self.attention is None:
            raise ValueError("attention=None has no attention weights.")
        ids, weights = self._decode([text])
        ids = ids[0]
        n_out = int(np.argmax(ids == EOS)) + 1 if EOS in ids else int((ids > 0).sum())
        n_source = int((self.source_encoder_.transform([text])[0] > 0).sum())
        matrix = weights[0, :n_out, :n_source].astype(np.float64)
        if not return_tokens:
            return matrix
        source_tokens = self.source_encoder_._tokenize([text])[0][:n_source]
        output_tokens = self._output_tokens(ids[None])[0]
        if n_out > len(output_tokens):
            output_tokens.append("<EOS>")
        return matrix, source_tokens, output_tokens

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = True
        return tags
