"""BERT-style masked-language-model pre-training on raw texts (Devlin et al.,
2019; notes, lines 6058-7215).

``fit(texts)`` tokenises every text as ``[CLS] w_1 .. w_n [SEP]`` and, in
every mini-batch, picks 15 % of the real tokens to predict; of those, 80 %
are replaced by ``[MASK]``, 10 % by a random token and 10 % left as they
are. The encoder sees the whole corrupted text in both directions and
learns ``-1/M sum_masked log p(w_i | corrupted text)``. A fitted model fills
masks, scores texts by their pseudo-log-likelihood and gives contextual
embeddings; a :class:`~ml2learn.neural.TransformerClassifier` or
:class:`~ml2learn.neural.TransformerRegressor` with ``init_from`` fine-tunes
its encoder for a task.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ..text._validation import check_documents
from ..utils._param_validation import Interval, StrOptions
from ._language_model import (
    _TEXT_DOC,
    _BaseLanguageModel,
    transformer_activation_bytes,
)
from ._nets import Net, float64_call
from ._training_params import (
    ENGINE_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from .modules._language import MaskedLanguageNetwork, MaskedTokenCrossEntropy

__all__ = ["TransformerMaskedLM", "mask_tokens"]

_PAD, _UNK, _CLS, _SEP = 0, 1, 2, 3  # SequenceEncoder's <PAD> <UNK> <BOS> <EOS>
_FIRST_WORD = 4


def mask_tokens(ids, mask_id, generator, probability=0.15, first_word_id=_FIRST_WORD):
    """BERT's masking rule: the corrupted input and the tokens to predict.

    Every real token (not padding, ``[CLS]``, ``[SEP]``) is chosen with
    probability ``probability``; a chosen token is replaced by ``[MASK]``
    with probability 0.8, by a token drawn uniformly from the words with
    probability 0.1, and kept with probability 0.1. Only chosen positions
    are predicted.

    Parameters
    ----------
    ids : long tensor of shape (B, T)
        Token ids (0 padding, 2 ``[CLS]``, 3 ``[SEP]``).
    mask_id : int
        The id of ``[MASK]``, the one after the words ``first_word_id ..
        mask_id - 1``.
    generator : torch.Generator
        The source of randomness.
    probability : float, default=0.15
        The share of tokens chosen.
    first_word_id : int, default=4
        The first id that is a word (``<UNK>``, id 1, is chosen too).

    Returns
    -------
    inputs : long tensor of shape (B, T)
        The corrupted ids.
    targets : long tensor of shape (B, T)
        The original id at chosen positions, 0 (no loss) elsewhere.
    """
    real = (ids != _PAD) & (ids != _CLS) & (ids != _SEP)
    draws = torch.rand(ids.shape, generator=generator)
    chosen = real & (draws < probability)
    # where chosen, draws / probability is uniform on [0, 1): split it 80/10/10
    share = draws / probability
    masked = chosen & (share < 0.8)
    randomised = chosen & (share >= 0.8) & (share < 0.9)
    if mask_id > first_word_id:
        random_words = torch.randint(
            first_word_id, mask_id, ids.shape, generator=generator
        )
    else:  # no word in the vocabulary
        random_words = torch.full_like(ids, _UNK)
    inputs = torch.where(masked, torch.full_like(ids, mask_id), ids)
    inputs = torch.where(randomised, random_words, inputs)
    return inputs, torch.where(chosen, ids, torch.zeros_like(ids))


class MaskedLMNet(Net):
    """``Net`` whose training and validation batches are masked afresh by
    :func:`mask_tokens` (dynamic masking, as RoBERTa does; BERT masked a
    static copy of the data ten times), seeded by ``shuffle_seed``. The
    output layer runs at the chosen positions only (the loss needs no
    other), which on a vocabulary of thousands saves most of the work."""

    def __init__(self, *args, mask_id=None, probability=0.15, **kwargs):
        super().__init__(*args, **kwargs)
        self.mask_id = mask_id
        self.probability = probability

    def _initialize_batches(self):
        super()._initialize_batches()
        self.mask_generator_ = torch.Generator().manual_seed(int(self.shuffle_seed))

    def _masked_loss(self, batch, training):
        """The loss of one batch, masked; the logits of its chosen tokens
        as one row ``(1, M, V)``."""
        ids, _ = batch
        inputs, targets = mask_tokens(
            ids, self.mask_id, self.mask_generator_, self.probability
        )
        chosen = targets > 0
        device = self._input_device()
        logits = self.module_(inputs.to(device), chosen.to(device))
        y_true = (targets[chosen][None], None)
        return self.get_loss(logits[None], y_true, training=training), logits[None]

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        loss, y_pred = self._masked_loss(batch, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def validation_step(self, batch, **fit_params):
        self._set_training(False)
        with torch.no_grad():
            loss, y_pred = self._masked_loss(batch, training=False)
        return {"loss": loss, "y_pred": y_pred}


@document_training_parameters('``"embedding"``, ``"blocks.0"``, ``"output"``')
class TransformerMaskedLM(_BaseLanguageModel):
    __doc__ = (
        """BERT-style masked-language-model pre-training on raw texts.

    Each text becomes ``[CLS] w_1 .. w_n [SEP]``; in every mini-batch 15 %
    of the real tokens are chosen (``mask_probability``), and of those 80 %
    become ``[MASK]``, 10 % a random word and 10 % stay; an encoder-only
    transformer reads the corrupted text in both directions, and a head at
    every position predicts the original token of the chosen ones,
    ``-1/M sum_masked log p(w_i | corrupted text)``.

    Parameters
    ----------
    d_model : int, default=64
        Width of the model.
    n_heads : int, default=4
        Attention heads.
    num_layers : int, default=2
        Encoder blocks.
    d_ff : int, default=128
        Width of the feed-forward layers.
    dropout : float, default=0.1
        Dropout.
    positions : {"sinusoidal", "learned"}, default="sinusoidal"
        The positional encoding (BERT learns it; the sinusoids let a
        classifier fine-tuned from this model read texts of another length).
    norm : {"pre", "post"}, default="pre"
        Where the blocks' layer normalisation sits (BERT: ``"post"``).
    mask_probability : float, default=0.15
        The share of tokens chosen for prediction.
    pooling : {"cls", "mean"}, default="cls"
        What :meth:`transform` returns per text: the final state at
        ``[CLS]``, or the mean over the text's tokens.
    mask_token : str, default="[MASK]"
        How :meth:`fill_mask` recognises a mask in its texts.
    warmup_epochs : int, default=0
        Linear learning-rate warm-up over the first epochs."""
        + _TEXT_DOC.replace('default="char"', 'default="word"')
        + TRAINING_MARKER
        + """
    Attributes
    ----------
    encoder_ : SequenceEncoder
        The vocabulary and the text length (``[CLS]`` is its ``<BOS>``,
        ``[SEP]`` its ``<EOS>``); the input step of a fine-tuning pipeline.
    mask_id_ : int
        The id of ``[MASK]``, after the vocabulary.
    n_tokens_ : int
        Token ids, ``[MASK]`` included (the embedding's rows)."""
        + ENGINE_ATTRIBUTES_DOC
        + """
    n_features_in_ : int
        Text length in tokens (``encoder_.max_len_``).

    See Also
    --------
    TransformerClassifier : Fine-tune the encoder with ``init_from``.
    TransformerLanguageModel : The left-to-right (GPT) counterpart.

    Notes
    -----
    Masks are drawn afresh for every batch (dynamic masking, Liu et al.,
    2019) rather than fixed once; the next-sentence objective of BERT is
    left out (Liu et al. found it does not help); the output layer is not
    tied to the embeddings. ``score_samples`` is the pseudo-log-likelihood
    of Salazar et al. (2020): each real token is masked in turn and scored,
    ``1/n sum_i log p(w_i | text with w_i masked)``, which is deterministic.

    To fine-tune, give the fitted model to a classifier or regressor of the
    same width, heads, blocks and positions as ``init_from``; it reads texts
    with this model's vocabulary and classifies from the ``[CLS]`` state::

        TransformerClassifier(64, 4, init_from=mlm).fit(texts, labels)

    (``init_from=FrozenEstimator(mlm)`` keeps it fitted through ``clone``,
    so the classifier works in ``GridSearchCV``.)

    References
    ----------
    .. [1] J. Devlin, M.-W. Chang, K. Lee and K. Toutanova, "BERT:
       pre-training of deep bidirectional transformers for language
       understanding", NAACL 2019.
    .. [2] Y. Liu et al., "RoBERTa: a robustly optimized BERT pretraining
       approach", 2019.
    .. [3] J. Salazar, D. Liang, T. Q. Nguyen and K. Kirchhoff, "Masked
       language model scoring", ACL 2020.

    Examples
    --------
    >>> from ml2learn.neural import TransformerMaskedLM
    >>> texts = ["the cat sat on the mat", "the dog sat on the rug"] * 20
    >>> mlm = TransformerMaskedLM(32, 4, max_epochs=60, learning_rate=3e-3,
    ...                           random_state=0).fit(texts)
    >>> [token for token, _ in mlm.fill_mask(["the cat [MASK] on the mat"])[0][0]][:1]
    ['sat']
    """
    )

    _supports_warmup = True
    _supports_accelerator = False  # the masking train step runs on one device

    _parameter_constraints: dict = {
        **_BaseLanguageModel._parameter_constraints,
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "d_ff": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "positions": [StrOptions({"sinusoidal", "learned"})],
        "norm": [StrOptions({"pre", "post"})],
        "mask_probability": [Interval(Real, 0, 1, closed="right")],
        "pooling": [StrOptions({"cls", "mean"})],
        "mask_token": [str],
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
        positions="sinusoidal",
        norm="pre",
        mask_probability=0.15,
        pooling="cls",
        mask_token="[MASK]",
        warmup_epochs=0,
        tokenizer="word",
        min_freq=1,
        max_len=None,
        lowercase=False,
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
        self.norm = norm
        self.mask_probability = mask_probability
        self.pooling = pooling
        self.mask_token = mask_token
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

    # -- data and training ------------------------------------------------------

    def _pairs(self, texts):
        """Inputs ``[CLS] w_1 .. w_n [SEP]``; the targets are the same ids
        (the train step masks them)."""
        ids = self.encoder_.transform(texts)
        return ids, ids

    def _fit_vocabulary(self, texts):
        super()._fit_vocabulary(texts)
        self.mask_id_ = len(self.encoder_.index_to_token_)
        self.n_tokens_ = self.mask_id_ + 1

    def _n_token_ids(self):
        return len(self.encoder_.index_to_token_) + 1  # and [MASK]

    def _make_criterion(self):
        return MaskedTokenCrossEntropy()

    def _net_class(self):
        return MaskedLMNet

    def _net_params(self, run):
        return dict(mask_id=self.mask_id_, probability=self.mask_probability)

    def _activation_bytes(self, batch, length, vocabulary):
        return transformer_activation_bytes(self, batch, length, vocabulary)

    def _build_module(self, n_features, n_outputs):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}."
            )
        return MaskedLanguageNetwork(
            n_features,
            n_outputs,
            d_model=self.d_model,
            n_heads=self.n_heads,
            num_layers=self.num_layers,
            d_ff=self.d_ff,
            dropout=self.dropout,
            positions=self.positions,
            norm=self.norm,
        )

    # -- representations --------------------------------------------------------

    def _token_states(self, texts):
        ids = self.encoder_.transform(texts)
        features = self._forward(ids, capture=True, layer="final_norm")
        states = torch.from_numpy(features).reshape(*ids.shape, -1)
        return states, torch.from_numpy(ids > 0)

    def transform(self, X):
        """Contextual embeddings of texts.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        features : ndarray of shape (n_texts, d_model)
            The final state at ``[CLS]`` (``pooling="cls"``) or the mean of
            the states of the text's tokens, ``[CLS]`` and ``[SEP]``
            included (``pooling="mean"``).
        """
        if self.pooling == "mean":
            return super().transform(X)
        check_is_fitted(self, "net_")
        states, _ = self._token_states(check_documents(X))
        return states[:, 0].double().numpy()

    # -- scoring --------------------------------------------------------------

    def _token_log_likelihoods(self, X):
        """Each real token's ``log p(w_i | the text with w_i masked)``."""
        check_is_fitted(self, "net_")
        ids = self.encoder_.transform(check_documents(X))
        real = (ids != _PAD) & (ids != _CLS) & (ids != _SEP)
        rows, positions = np.nonzero(real)
        picked = np.zeros(ids.shape)
        for start in range(0, len(rows), 8192):
            r, p = rows[start : start + 8192], positions[start : start + 8192]
            masked = ids[r]  # one copy per real token, that token masked
            masked[np.arange(len(r)), p] = self.mask_id_
            chosen = np.zeros(masked.shape, dtype=bool)
            chosen[np.arange(len(r)), p] = True
            logits = float64_call(
                self.net_.module_, torch.from_numpy(masked), torch.from_numpy(chosen)
            )
            log_p = torch.log_softmax(logits, dim=-1).numpy()
            picked[r, p] = log_p[np.arange(len(r)), ids[r, p]]
        return picked, real

    def fill_mask(self, X, top_k=5):
        """The most likely tokens at every mask of every text.

        Parameters
        ----------
        X : iterable of str
            Texts, each with at least one ``mask_token``.
        top_k : int, default=5
            Candidates per mask.

        Returns
        -------
        candidates : list of list of list of (str, float)
            Per text, per mask (left to right), the ``top_k`` tokens with
            their probabilities, most likely first (special tokens and
            ``[MASK]`` are never proposed).
        """
        check_is_fitted(self, "net_")
        if not isinstance(top_k, Integral) or top_k < 1:
            raise ValueError(f"top_k must be a positive integer; got {top_k!r}.")
        texts = check_documents(X)
        ids = np.zeros((len(texts), self.encoder_.max_len_), dtype=np.int64)
        for row, text in enumerate(texts):
            if self.mask_token not in text:
                raise ValueError(
                    f"fill_mask needs {self.mask_token!r} in every text; text "
                    f"{row} has none: {text[:60]!r}."
                )
            pieces = self.encoder_._tokenize(text.split(self.mask_token))
            vocabulary = self.encoder_.vocabulary_
            tokens = [_CLS]
            for i, piece in enumerate(pieces):
                if i:
                    tokens.append(self.mask_id_)
                tokens += [vocabulary.get(t, _UNK) for t in piece]
            tokens.append(_SEP)
            if len(tokens) > ids.shape[1]:
                raise ValueError(
                    f"text {row} has {len(tokens)} tokens with [CLS] and [SEP]; "
                    f"the model reads at most {ids.shape[1]} (max_len)."
                )
            ids[row, : len(tokens)] = tokens
        log_p = torch.log_softmax(torch.from_numpy(self._forward(ids)), dim=-1)
        log_p[..., [_PAD, _CLS, _SEP, self.mask_id_]] = -np.inf
        probabilities = log_p.exp().numpy()
        words = self.encoder_.index_to_token_
        k = min(top_k, len(words) - 3)
        out = []
        for row in range(len(texts)):
            masks = []
            for position in np.flatnonzero(ids[row] == self.mask_id_):
                p = probabilities[row, position]
                best = np.argsort(-p, kind="stable")[:k]
                masks.append([(words[i], float(p[i])) for i in best])
            out.append(masks)
        return out
