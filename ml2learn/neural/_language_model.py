"""Language models: a recurrent one and a decoder-only transformer (GPT)
trained on next-token prediction (notes, lines 3487-4140 and 6058-7215).

``fit(texts)`` tokenises with a :class:`~ml2learn.text.SequenceEncoder`
(``<BOS>`` text ``<EOS>``), then minimises the mean cross-entropy of every
next token, ``-1/L sum_t log p(w_{t+1} | w_1..w_t)``. ``score`` is the mean
log-likelihood per token, ``perplexity`` its ``exp(-.)``, and ``generate``
continues a prompt token by token.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..text import SequenceEncoder
from ..text._validation import check_documents
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.validation import check_allocation
from ._base import BaseNeuralEstimator
from ._text_features import TextFeatureMixin
from ._training_params import (
    ENGINE_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules._decoding import BOS, EOS, beam_search_steps, top_k_filter, top_p_filter
from .modules._language import (
    RecurrentLanguageNetwork,
    TokenCrossEntropy,
    TransformerLanguageNetwork,
)
from .modules._rnn import CELLS

__all__ = ["RNNLanguageModel", "TransformerLanguageModel"]


def _check_generation(
    max_new_tokens, temperature, top_k, top_p, beam_width, length_penalty
):
    """Clear errors for ``generate``'s arguments."""
    if not isinstance(max_new_tokens, Integral) or max_new_tokens < 1:
        raise ValueError(
            f"max_new_tokens must be a positive integer; got {max_new_tokens!r}."
        )
    if not isinstance(temperature, Real) or not 0 <= temperature < np.inf:
        raise ValueError(
            f"temperature must be a finite number >= 0; got {temperature!r}."
        )
    if top_k is not None and (not isinstance(top_k, Integral) or top_k < 1):
        raise ValueError(f"top_k must be None or a positive integer; got {top_k!r}.")
    if top_p is not None and (not isinstance(top_p, Real) or not 0 < top_p <= 1):
        raise ValueError(f"top_p must be None or a number in (0, 1]; got {top_p!r}.")
    if not isinstance(beam_width, Integral) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer; got {beam_width!r}.")
    if not isinstance(length_penalty, Real) or not 0 <= length_penalty < np.inf:
        raise ValueError(
            f"length_penalty must be a finite number >= 0; got {length_penalty!r}."
        )
    if beam_width > 1 and (top_k is not None or top_p is not None):
        raise ValueError(
            "beam search (beam_width > 1) searches for the most likely "
            "continuation; top_k and top_p filter sampling, so leave them None."
        )


def transformer_activation_bytes(model, batch, length, vocabulary):
    """What one batch of a transformer language model keeps for the backward
    pass, roughly: three ``(T, T)`` attention maps per head and layer, the
    block activations and the logits, float32 (``model`` has ``n_heads``,
    ``d_model``, ``d_ff`` and ``num_layers``)."""
    attention = 3 * model.n_heads * length * length
    blocks = (6 * model.d_model + 2 * model.d_ff) * length
    return (
        4 * batch * (model.num_layers * (attention + blocks) + 2 * length * vocabulary)
    )


class _BaseLanguageModel(TextFeatureMixin, BaseNeuralEstimator):
    """Tokenising, training on the tokens of raw texts (``_pairs`` says which
    inputs predict which targets), scoring, and the mean state of a text's
    tokens as its representation (``transform``)."""

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "tokenizer": [StrOptions({"char", "word"}), HasMethods(["transform"])],
        "min_freq": [Interval(Integral, 1, None, closed="left")],
        "max_len": [Interval(Integral, 2, None, closed="left"), None],
        "lowercase": ["boolean"],
    }

    # -- data ---------------------------------------------------------------

    def _reads_tokens(self):
        return True

    def _validate_X(self, X, reset):
        return validate_data(self, X, dtype=np.int64, reset=reset)

    def _validate_Xy(self, X, y, reset):
        return validate_data(self, X, y, dtype=np.int64, reset=reset, multi_output=True)

    def _encode_targets(self, y, reset, classes=None):
        return torch.from_numpy(np.asarray(y, dtype=np.int64)), self._n_token_ids()

    def _n_token_ids(self):
        """Rows of the embedding and outputs of the network: the vocabulary."""
        return len(self.encoder_.index_to_token_)

    def _make_criterion(self):
        return TokenCrossEntropy()

    def _token_states(self, texts):
        inputs, _ = self._pairs(texts)
        # the input of the output layer at every position
        features = self._forward(inputs, capture=True)
        states = torch.from_numpy(features).reshape(*inputs.shape, -1)
        return states, torch.from_numpy(inputs > 0)

    def _pairs(self, texts):
        """Inputs ``<BOS> w_1 .. w_n`` and targets ``w_1 .. w_n <EOS>``."""
        ids = self.encoder_.transform(texts)
        return ids[:, :-1], ids[:, 1:]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn to predict every next token of the texts.

        Parameters
        ----------
        X : iterable of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        self : estimator
            The fitted language model.
        """
        texts = check_documents(X)
        if not texts:
            raise ValueError("X holds no text; a language model needs some.")
        if not (self.warm_start and hasattr(self, "net_")):
            self._fit_vocabulary(texts)
        inputs, targets = self._training_pairs(texts)
        return self._train(inputs, targets, None)

    def _fit_vocabulary(self, texts):
        self.encoder_ = SequenceEncoder(
            self.tokenizer,
            min_freq=self.min_freq,
            max_len=self.max_len,
            add_special_tokens=True,
            lowercase=self.lowercase,
        ).fit(texts)
        self.encoder_.max_len_ = max(self.encoder_.max_len_, 2)

    def _training_rows(self, texts):
        """Training inputs and targets: one row per text."""
        return self._pairs(texts)

    def _training_pairs(self, texts):
        """The training inputs and targets, refused before training when
        one batch's activations cannot fit in memory."""
        inputs, targets = self._training_rows(texts)
        length, batch = inputs.shape[1], self._batch_size(len(inputs))
        check_allocation(
            self._activation_bytes(batch, length, self._n_token_ids()),
            f"Training on sequences of {length} tokens (the longest training "
            f"text, or max_len, which cuts them) in batches of {batch}",
        )
        return inputs, targets

    def partial_fit(self, X, y=None):
        """One more epoch on ``X`` (the first call also fixes the vocabulary
        and the text length; later texts map unseen tokens to ``<UNK>``).

        Parameters
        ----------
        X : iterable of str
            Texts.
        y : None
            Ignored.

        Returns
        -------
        self : estimator
            The updated language model.
        """
        texts = check_documents(X)
        if not texts:
            raise ValueError("X holds no text; a language model needs some.")
        if not hasattr(self, "net_"):
            self._validate_params()
            self._fit_vocabulary(texts)
        inputs, targets = self._training_pairs(texts)
        return self._train(inputs, targets, None, partial=True)

    # -- scoring --------------------------------------------------------------

    def _token_log_likelihoods(self, X):
        check_is_fitted(self, "net_")
        texts = check_documents(X)
        inputs, targets = self._pairs(texts)
        logits = self._forward(self._predict_input(inputs))
        log_p = torch.log_softmax(torch.from_numpy(logits), dim=-1).numpy()
        picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]
        real = targets > 0
        return picked, real

    def score_samples(self, X):
        """Mean log-likelihood per token of every text.

        Parameters
        ----------
        X : iterable of str
            Texts (``<EOS>`` counts as a token).

        Returns
        -------
        scores : ndarray of shape (n_texts,)
            ``1/L sum_t log p(w_{t+1} | w_1..w_t)`` of each text; a left-to-right
            model reads a text longer than its context in windows that
            overlap by half, so every token counts.
        """
        picked, real = self._token_log_likelihoods(X)
        return (picked * real).sum(axis=1) / real.sum(axis=1)

    def score(self, X, y=None):
        """Mean log-likelihood per token over all texts (higher is better).

        Parameters
        ----------
        X : iterable of str
            Texts.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean over every token of every text.
        """
        picked, real = self._token_log_likelihoods(X)
        return float(picked[real].mean())

    def perplexity(self, X):
        """``exp(-score(X))``: the model's average branching factor.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        perplexity : float
            1 for a model that is sure of every token.
        """
        return float(np.exp(-self.score(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


#: The context of a causal language model whose ``max_len`` is None is the
#: longest training text, but at most this many ids.
DEFAULT_CONTEXT = 512


class _CausalLanguageModel(_BaseLanguageModel):
    """A language model that reads left to right, so it can write: ``generate``."""

    # -- training data ----------------------------------------------------------

    def _fit_vocabulary(self, texts):
        super()._fit_vocabulary(texts)
        if self.max_len is None:
            self.encoder_.max_len_ = min(self.encoder_.max_len_, DEFAULT_CONTEXT)

    def _training_rows(self, texts):
        """Inputs and next-token targets of every window of a text's ids.

        A text of at most ``encoder_.max_len_`` ids (``<BOS>`` and ``<EOS>``
        included) is one window, ``<BOS> w_1 .. w_n`` predicting ``w_1 ..
        w_n <EOS>``. A longer one is cut into consecutive windows of that
        many ids, each starting with the last id of the one before, so that
        every id after ``<BOS>`` is a target exactly once and nothing is cut
        (Radford et al.'s and nanoGPT's blocks of a stream; a window reads
        only its own ids, no state is carried from the one before).
        """
        context = self.encoder_.max_len_
        windows = [
            ids[start : start + context]
            for ids in self.encoder_.encode(texts)
            for start in range(0, max(len(ids) - 1, 1), context - 1)
        ]
        padded = np.zeros((len(windows), context), dtype=np.int64)
        for row, window in enumerate(windows):
            padded[row, : len(window)] = window
        return padded[:, :-1], padded[:, 1:]

    # -- scoring ----------------------------------------------------------------

    def _token_log_likelihoods(self, X, windows_per_batch=256):
        """``log p`` of every token of every text (``<EOS>`` included) given
        the tokens before it, and which entries are real.

        A text longer than the context (``encoder_.max_len_`` ids) is read in
        windows of the context's length that overlap by half: every token is
        scored once, in the first window that reaches it, with at least half
        a context before it (the first tokens with what precedes them), so
        long texts are scored whole instead of cut to a prefix.
        """
        check_is_fitted(self, "net_")
        sequences = self.encoder_.encode(check_documents(X))
        context = self.encoder_.max_len_
        stride = max(1, (context - 1) // 2)
        windows, places = [], []  # places: (text, first target, first scored)
        for text, ids in enumerate(sequences):
            start, scored = 0, 0
            while True:
                windows.append(ids[start : start + context])
                places.append((text, start, scored - start))
                scored = start + len(windows[-1]) - 1
                if start + context >= len(ids):
                    break
                start += stride
        longest = max(len(ids) - 1 for ids in sequences)
        picked = np.zeros((len(sequences), longest))
        real = np.zeros((len(sequences), longest), dtype=bool)
        for first in range(0, len(windows), windows_per_batch):
            batch = windows[first : first + windows_per_batch]
            padded = np.zeros((len(batch), context), dtype=np.int64)
            for row, window in enumerate(batch):
                padded[row, : len(window)] = window
            inputs, targets = padded[:, :-1], padded[:, 1:]
            logits = self._forward(self._predict_input(inputs))
            log_p = torch.log_softmax(torch.from_numpy(logits), dim=-1).numpy()
            chosen = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]
            for row, window in enumerate(batch):
                text, start, skip = places[first + row]
                stop = len(window) - 1
                picked[text, start + skip : start + stop] = chosen[row, skip:stop]
                real[text, start + skip : start + stop] = True
        return picked, real

    # -- generation -------------------------------------------------------------

    def generate(
        self,
        prompt="",
        max_new_tokens=20,
        temperature=1.0,
        top_k=None,
        top_p=None,
        beam_width=1,
        length_penalty=0.0,
        random_state=None,
    ):
        """Continue ``prompt`` one token at a time until ``<EOS>``.

        Sampling (the default) draws each token from ``softmax(z / T)``
        after the filters: ``top_k`` keeps the ``k`` most likely tokens,
        then ``top_p`` the smallest set whose probability reaches ``p``
        (nucleus sampling, Holtzman et al., 2020). ``temperature=0`` takes
        the most likely token every time (greedy decoding); ``beam_width >
        1`` searches for the most likely continuation with beam search.

        Parameters
        ----------
        prompt : str, default=""
            The beginning of the text.
        max_new_tokens : int, default=20
            Most tokens to add (``<EOS>`` included).
        temperature : float, default=1.0
            Divide the logits by it before sampling; 0 is greedy decoding.
        top_k : int, default=None
            Sample among the ``top_k`` most likely tokens only.
        top_p : float in (0, 1], default=None
            Sample among the smallest set of most likely tokens whose
            probability reaches ``top_p``.
        beam_width : int, default=1
            Hypotheses kept by beam search; 1 decodes token by token as
            above. Beam search is deterministic (``temperature``,
            ``top_k``, ``top_p`` and ``random_state`` do not apply).
        length_penalty : float, default=0.0
            Beam search ranks its finished hypotheses by
            ``log p / length^length_penalty``.
        random_state : int, RandomState instance or None, default=None
            Seeds the sampling.

        Returns
        -------
        continuation : str
            The generated tokens as text (without the prompt).
        """
        check_is_fitted(self, "net_")
        _check_generation(
            max_new_tokens, temperature, top_k, top_p, beam_width, length_penalty
        )
        vocabulary = self.encoder_.vocabulary_
        tokens = self.encoder_._tokenize([prompt])[0]
        ids = torch.tensor([[BOS] + [vocabulary.get(t, 1) for t in tokens]])
        module = self.net_.module_.eval()
        device = next(module.parameters()).device  # also under an accelerator
        context = self.n_features_in_

        def step(previous, prefix):
            prefix = torch.cat([prefix, previous[:, None]], dim=1)
            logits = module(prefix[:, -context:].to(device))[:, -1].double().cpu()
            return logits, prefix, None

        with torch.no_grad():
            if beam_width > 1:
                generated, _, _ = beam_search_steps(
                    step,
                    lambda prefix, rows: prefix[rows],
                    ids[:, :-1],
                    ids[:, -1],
                    beam_width,
                    max_new_tokens,
                    length_penalty,
                )
                generated = generated[0].tolist()
            else:
                generated = self._sample(
                    step, ids, max_new_tokens, temperature, top_k, top_p, random_state
                )
        generated = [t for t in generated if t not in (0, EOS)]
        return self.encoder_.inverse_transform(np.array([generated or [0]]))[0]

    @staticmethod
    def _sample(step, ids, max_new_tokens, temperature, top_k, top_p, random_state):
        """Token after token from the filtered softmax, until ``<EOS>``."""
        rng = check_random_state(random_state)
        prefix, previous = ids[:, :-1], ids[:, -1]
        generated = []
        for _ in range(max_new_tokens):
            logits, prefix, _ = step(previous, prefix)
            logits = logits[0]
            logits[[0, BOS]] = -np.inf  # never padding or a new start
            if temperature == 0:
                token = int(torch.argmax(logits))
            else:
                logits = logits / temperature
                if top_k is not None:
                    logits = top_k_filter(logits, top_k)
                if top_p is not None:
                    logits = top_p_filter(logits, top_p)
                p = torch.softmax(logits, dim=0).numpy()
                token = int(rng.choice(len(p), p=p / p.sum()))
            generated.append(token)
            if token == EOS:
                break
            previous = torch.tensor([token])
        return generated


_TOKENS_DOC = """
    tokenizer : {"char", "word"} or tokenizer, default="char"
        Model characters, words, or the tokens of a tokenizer such as
        :class:`~ml2learn.text.BPETokenizer` (fitted on the training texts
        unless it is fitted already; see
        :class:`~ml2learn.text.SequenceEncoder`).
    min_freq : int, default=1
        Tokens seen fewer times become ``<UNK>``."""

_LOWERCASE_DOC = """
    lowercase : bool, default=False
        Lowercase the texts first."""

_TEXT_DOC = (
    _TOKENS_DOC
    + """
    max_len : int, default=None
        Longest text in tokens (plus ``<BOS>`` and ``<EOS>``); longer texts
        are truncated with a warning. None takes the longest training text."""
    + _LOWERCASE_DOC
)

_CAUSAL_TEXT_DOC = (
    _TOKENS_DOC
    + f"""
    max_len : int, default=None
        The context: the most ids (``<BOS>`` and ``<EOS>`` included) the
        network reads at once. Longer training texts are cut into
        consecutive windows of this many ids, so that every token is trained
        on; ``score`` reads long texts in windows overlapping by half. None
        takes the longest training text, at most {DEFAULT_CONTEXT} ids."""
    + _LOWERCASE_DOC
)

_LM_ATTRIBUTES = (
    """
    Attributes
    ----------
    encoder_ : SequenceEncoder
        The vocabulary (``encoder_.vocabulary_``) and the text length."""
    + ENGINE_ATTRIBUTES_DOC
    + """
    n_features_in_ : int
        Context length (``encoder_.max_len_ - 1``).
"""
)


@document_training_parameters('``"embedding"``, ``"recurrent"``')
class RNNLanguageModel(_CausalLanguageModel):
    __doc__ = (
        """A recurrent language model (character or word level).

    An embedding, a stacked RNN/LSTM/GRU and a softmax over the vocabulary
    predict each next token from the ones before.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        The recurrent cell.
    hidden_size : int, default=128
        Width of the hidden state.
    num_layers : int, default=1
        Stacked layers.
    embedding_dim : int, default=32
        Width of the token embeddings.
    dropout : float, default=0.0
        Dropout between layers and before the output layer."""
        + _CAUSAL_TEXT_DOC
        + TRAINING_MARKER
        + _LM_ATTRIBUTES
        + """
    See Also
    --------
    TransformerLanguageModel : The decoder-only transformer.

    Examples
    --------
    The notes' example: trained on "hello", it continues "hel" with "lo".

    >>> from ml2learn.neural import RNNLanguageModel
    >>> lm = RNNLanguageModel(hidden_size=16, max_epochs=60, random_state=0)
    >>> lm = lm.fit(["hello"])
    >>> lm.generate("hel", temperature=0)
    'lo'
    """
    )

    _parameter_constraints: dict = {
        **_BaseLanguageModel._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        cell="lstm",
        hidden_size=128,
        *,
        num_layers=1,
        embedding_dim=32,
        dropout=0.0,
        tokenizer="char",
        min_freq=1,
        max_len=None,
        lowercase=False,
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
        random_state=None,
        device="cpu",
        accelerator=None,
        verbose=0,
        callbacks=None,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.tokenizer = tokenizer
        self.min_freq = min_freq
        self.max_len = max_len
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

    def _activation_bytes(self, batch, length, vocabulary):
        """What one batch keeps for the backward pass, roughly: the gates
        and states of every layer and the logits, float32."""
        states = (6 * self.hidden_size + self.embedding_dim) * self.num_layers
        return 4 * batch * length * (states + 2 * vocabulary)

    def _build_module(self, n_features, n_outputs):
        return RecurrentLanguageNetwork(
            n_outputs,
            self.embedding_dim,
            self.hidden_size,
            self.num_layers,
            self.cell,
            self.dropout,
        )


@document_training_parameters('``"embedding"``, ``"blocks.0"``')
class TransformerLanguageModel(_CausalLanguageModel):
    __doc__ = (
        """A decoder-only transformer language model (GPT-style).

    Token embeddings plus positions pass through blocks of masked
    multi-head self-attention (a position sees itself and the past only)
    and feed-forward layers with pre-norm add & norm; a final layer norm and
    a softmax over the vocabulary give every next token.

    Parameters
    ----------
    d_model : int, default=64
        Width of the model.
    n_heads : int, default=4
        Attention heads.
    num_layers : int, default=2
        Decoder blocks.
    d_ff : int, default=256
        Width of the feed-forward layers.
    dropout : float, default=0.1
        Dropout.
    positions : {"sinusoidal", "learned"}, default="learned"
        The positional encoding (GPT learns it).
    warmup_epochs : int, default=0
        Linear learning-rate warm-up over the first epochs."""
        + _CAUSAL_TEXT_DOC
        + TRAINING_MARKER
        + _LM_ATTRIBUTES
        + """
    See Also
    --------
    RNNLanguageModel : The recurrent language model.

    References
    ----------
    .. [1] A. Radford, K. Narasimhan, T. Salimans and I. Sutskever,
       "Improving language understanding by generative pre-training", 2018.

    Examples
    --------
    >>> from ml2learn.neural import TransformerLanguageModel
    >>> lm = TransformerLanguageModel(16, 2, num_layers=1, max_epochs=80,
    ...                               random_state=0).fit(["hello"])
    >>> lm.generate("hel", temperature=0)
    'lo'
    """
    )

    _parameter_constraints: dict = {
        **_BaseLanguageModel._parameter_constraints,
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "d_ff": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "positions": [StrOptions({"sinusoidal", "learned"})],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        d_model=64,
        n_heads=4,
        *,
        num_layers=2,
        d_ff=256,
        dropout=0.1,
        positions="learned",
        warmup_epochs=0,
        tokenizer="char",
        min_freq=1,
        max_len=None,
        lowercase=False,
        optimizer="adamw",
        learning_rate=3e-3,
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
        self.positions = positions
        self.warmup_epochs = warmup_epochs
        self.tokenizer = tokenizer
        self.min_freq = min_freq
        self.max_len = max_len
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

    def _activation_bytes(self, batch, length, vocabulary):
        return transformer_activation_bytes(self, batch, length, vocabulary)

    def _build_module(self, n_features, n_outputs):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}."
            )
        return TransformerLanguageNetwork(
            n_outputs,
            n_features,
            self.d_model,
            self.n_heads,
            self.num_layers,
            self.d_ff,
            self.dropout,
            self.positions,
        )
