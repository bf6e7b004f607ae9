"""Attention, from the course's seq2seq example to the transformer's blocks
(notes, lines 4141-4510 and 6058-7215; Vaswani et al., 2017), written in
the compact style of minGPT.

Shapes: ``B`` batch, ``T`` query positions, ``S`` key positions, ``D``
model width, ``H`` heads, ``d_k = D / H``.
"""

import math
from collections import namedtuple
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

__all__ = [
    "AlignmentScore",
    "AttentionResult",
    "DecoderBlock",
    "EncoderBlock",
    "MultiHeadAttention",
    "PositionalEncoding",
    "attention",
    "causal_mask",
    "padding_mask",
    "recording_attention",
    "scaled_dot_product_attention",
    "sinusoidal_positions",
]

AttentionResult = namedtuple("AttentionResult", ["scores", "weights", "context"])
AttentionResult.__doc__ = """What :func:`attention` returns for one query.

``scores`` (S,), the scores ``q^T k_s``; ``weights`` (S,), their softmax
``alpha_s``; ``context`` (D,), ``sum_s alpha_s v_s``."""


def attention(query, keys, values=None, scale=False):
    """Dot-product attention of one query over a sequence, step by step.

    ``score_s = q . k_s`` (divided by ``sqrt(d)`` when ``scale``),
    ``alpha_s = softmax(score)_s`` and ``context = sum_s alpha_s v_s``, with
    the values the keys themselves unless given (the encoder states of the
    notes' seq2seq example).

    Parameters
    ----------
    query : array-like of shape (d,)
        The decoder state ``h_t`` (or a query vector).
    keys : array-like of shape (S, d)
        The encoder states ``h_s`` (or key vectors).
    values : array-like of shape (S, d_v), default=None
        What is averaged; None uses ``keys``.
    scale : bool, default=False
        Divide the scores by ``sqrt(d)`` (the transformer's scaling).

    Returns
    -------
    result : AttentionResult
        ``scores`` (S,), ``weights`` (S,) and ``context`` (d_v,), as numpy
        arrays.

    Examples
    --------
    The notes' example: decoder state [10, 5, 10] and four encoder states.

    >>> from ml2learn.neural.modules import attention
    >>> result = attention([10, 5, 10], [[0, 1, 1], [5, 0, 1], [1, 1, 0], [0, 5, 1]])
    >>> result.scores.tolist()
    [15.0, 60.0, 15.0, 35.0]
    >>> result.weights.round(3).tolist(), result.context.round(3).tolist()
    ([0.0, 1.0, 0.0, 0.0], [5.0, 0.0, 1.0])
    """
    q = torch.as_tensor(np.asarray(query, dtype=np.float64))
    k = torch.as_tensor(np.asarray(keys, dtype=np.float64))
    v = k if values is None else torch.as_tensor(np.asarray(values, dtype=np.float64))
    if k.ndim != 2 or q.ndim != 1 or k.shape[1] != q.shape[0]:
        raise ValueError(
            f"query must have shape (d,) and keys (S, d); got {tuple(q.shape)} "
            f"and {tuple(k.shape)}."
        )
    if v.shape[0] != k.shape[0]:
        raise ValueError(
            f"values must have one row per key: {v.shape[0]} rows for "
            f"{k.shape[0]} keys."
        )
    scores = k @ q
    if scale:
        scores = scores / math.sqrt(q.shape[0])
    weights = torch.softmax(scores, dim=0)
    return AttentionResult(scores.numpy(), weights.numpy(), (weights @ v).numpy())


def scaled_dot_product_attention(q, k, v, mask=None, dropout=None):
    """``softmax(q k^T / sqrt(d_k) + mask) v``.

    Parameters
    ----------
    q : tensor of shape (..., T, d_k)
        Queries.
    k : tensor of shape (..., S, d_k)
        Keys.
    v : tensor of shape (..., S, d_v)
        Values.
    mask : tensor of shape broadcastable to (..., T, S), default=None
        Boolean, ``True`` where a query may *not* look (padding, the future).
    dropout : nn.Dropout, default=None
        Applied to the attention weights.

    Returns
    -------
    output : tensor of shape (..., T, d_v)
        The attended values.
    weights : tensor of shape (..., T, S)
        The attention weights (rows sum to 1).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    # a query that may see nothing (all masked) gets zeros, not NaN
    weights = torch.nan_to_num(weights, nan=0.0)
    if dropout is not None:
        weights = dropout(weights)
    return weights @ v, weights


def causal_mask(size, device=None):
    """``True`` above the diagonal: position ``t`` may not see ``t' > t``.

    Parameters
    ----------
    size : int
        Sequence length ``T``.
    device : torch.device, default=None
        Where to build it.

    Returns
    -------
    mask : bool tensor of shape (T, T)
        The mask.
    """
    return torch.ones(size, size, dtype=torch.bool, device=device).triu(1)


class MultiHeadAttention(nn.Module):
    """Multi-head attention with the output projection W^O.

    ``MultiHead(Q, K, V) = Concat(head_1, ..., head_H) W^O`` with ``head_i =
    Attention(Q W_i^Q, K W_i^K, V W_i^V)``.

    Parameters
    ----------
    d_model : int
        Width ``D``.
    n_heads : int
        Heads ``H`` (``D`` must be divisible by ``H``).
    dropout : float, default=0.0
        Dropout on the attention weights.
    bias : bool, default=True
        Biases in the projections.

    Attributes
    ----------
    keep_weights : bool
        Whether a forward pass keeps its attention weights in
        ``last_weights`` (off by default: a batch's weights can outweigh the
        model; :func:`~ml2learn.neural.modules.recording_attention` turns it
        on for a block of code).
    last_weights : tensor of shape (B, H, T, S) or None
        The kept weights of the last forward pass; never pickled.
    """

    keep_weights = False

    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(
                f"d_model={d_model} must be divisible by n_heads={n_heads}."
            )
        self.n_heads = n_heads
        self.query = nn.Linear(d_model, d_model, bias=bias)
        self.key = nn.Linear(d_model, d_model, bias=bias)
        self.value = nn.Linear(d_model, d_model, bias=bias)
        self.output = nn.Linear(d_model, d_model, bias=bias)  # W^O
        self.dropout = nn.Dropout(dropout)
        self.last_weights = None

    def __getstate__(self):
        # a forward pass's weights are not part of the model
        return {**self.__dict__, "last_weights": None}

    def _split(self, x):  # (B, T, D) -> (B, H, T, d_k)
        B, T, D = x.shape
        return x.view(B, T, self.n_heads, D // self.n_heads).transpose(1, 2)

    def forward(self, query, key, value, mask=None):
        """Attend from ``query`` over ``key``/``value``.

        Parameters
        ----------
        query : tensor of shape (B, T, D)
            Queries.
        key, value : tensor of shape (B, S, D)
            Keys and values.
        mask : bool tensor broadcastable to (B, H, T, S), default=None
            ``True`` where attention is forbidden.

        Returns
        -------
        output : tensor of shape (B, T, D)
            The attended values, projected by ``W^O``.
        """
        q = self._split(self.query(query))
        k = self._split(self.key(key))
        v = self._split(self.value(value))
        heads, weights = scaled_dot_product_attention(q, k, v, mask, self.dropout)
        if self.keep_weights:
            self.last_weights = weights.detach()  # (B, H, T, S)
        B, _, T, _ = heads.shape
        return self.output(heads.transpose(1, 2).reshape(B, T, -1))


@contextmanager
def recording_attention(module):
    """Keep the attention weights of every :class:`MultiHeadAttention` of
    ``module`` during the block (for attention maps), and drop them after."""
    layers = [m for m in module.modules() if isinstance(m, MultiHeadAttention)]
    kept = [layer.keep_weights for layer in layers]
    for layer in layers:
        layer.keep_weights = True
    try:
        yield module
    finally:
        for layer, keep in zip(layers, kept):
            layer.keep_weights = keep
            if not keep:
                layer.last_weights = None


def sinusoidal_positions(n_positions, d_model):
    """``PE(pos, 2i) = sin(pos / 10000^(2i/d))``, ``PE(pos, 2i+1) = cos(pos /
    10000^(2i/d))``.

    Parameters
    ----------
    n_positions : int
        Positions ``0 .. n_positions - 1``.
    d_model : int
        Width ``d``.

    Returns
    -------
    encoding : tensor of shape (n_positions, d_model)
        One row per position.

    Examples
    --------
    >>> from ml2learn.neural.modules import sinusoidal_positions
    >>> [round(float(v), 3) for v in sinusoidal_positions(2, 4)[1]]
    [0.841, 0.54, 0.01, 1.0]
    """
    position = torch.arange(n_positions, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angle = position / 10000 ** (two_i / d_model)
    encoding = torch.zeros(n_positions, d_model, dtype=torch.float64)
    encoding[:, 0::2] = torch.sin(angle)
    encoding[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return encoding.float()


class PositionalEncoding(nn.Module):
    """Adds position information to token embeddings: the fixed sinusoids of
    the paper, or a learned table (BERT, GPT).

    Parameters
    ----------
    d_model : int
        Width.
    max_len : int
        Longest sequence.
    learned : bool, default=False
        A trained ``nn.Embedding`` of positions instead of the sinusoids.
    dropout : float, default=0.0
        Dropout on the sum.
    """

    def __init__(self, d_model, max_len, learned=False, dropout=0.0):
        super().__init__()
        self.learned = learned
        if learned:
            self.table = nn.Embedding(max_len, d_model)
        else:
            self.register_buffer(
                "table", sinusoidal_positions(max_len, d_model), persistent=False
            )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):  # (B, T, D)
        T = x.shape[1]
        positions = self.table.weight[:T] if self.learned else self.table[:T]
        return self.dropout(x + positions)


class _FeedForward(nn.Sequential):
    """The position-wise FFN, ``W_2 act(W_1 x + b_1) + b_2``."""

    def __init__(self, d_model, d_ff, dropout, activation):
        super().__init__(
            nn.Linear(d_model, d_ff),
            nn.GELU() if activation == "gelu" else nn.ReLU(),
            nn.Linear(d_ff, d_model),
            nn.Dropout(dropout),
        )


class EncoderBlock(nn.Module):
    """Self-attention and a feed-forward network, each wrapped in a residual
    connection and layer normalisation ("add & norm").

    ``norm="post"`` is the paper's ``LN(x + Sublayer(x))``; ``"pre"`` is
    ``x + Sublayer(LN(x))`` (GPT-2), which trains more stably.

    Parameters
    ----------
    d_model : int
        Width.
    n_heads : int
        Attention heads.
    d_ff : int
        Width of the feed-forward layer.
    dropout : float, default=0.0
        Dropout on attention weights and sublayer outputs.
    norm : {"pre", "post"}, default="pre"
        Where the layer normalisation sits.
    activation : {"relu", "gelu"}, default="gelu"
        Activation of the feed-forward layer.
    """

    def __init__(
        self, d_model, n_heads, d_ff, dropout=0.0, norm="pre", activation="gelu"
    ):
        super().__init__()
        self.norm = norm
        self.attention = MultiHeadAttention(d_model, n_heads, dropout)
        self.feed_forward = _FeedForward(d_model, d_ff, dropout, activation)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def _attend(self, x, mask):
        return self.dropout(self.attention(x, x, x, mask))

    def forward(self, x, mask=None):
        """``x`` (B, T, D); ``mask`` True where attention is forbidden."""
        if self.norm == "pre":
            x = x + self._attend(self.norm1(x), mask)
            return x + self.feed_forward(self.norm2(x))
        x = self.norm1(x + self._attend(x, mask))
        return self.norm2(x + self.feed_forward(x))


class DecoderBlock(nn.Module):
    """Masked self-attention, attention over the encoder's output (when
    given) and a feed-forward network, each with add & norm.

    Without ``memory`` it is a GPT block (self-attention and FFN only).

    Parameters
    ----------
    d_model : int
        Width.
    n_heads : int
        Attention heads.
    d_ff : int
        Width of the feed-forward layer.
    dropout : float, default=0.0
        Dropout.
    norm : {"pre", "post"}, default="pre"
        Where the layer normalisation sits.
    activation : {"relu", "gelu"}, default="gelu"
        Activation of the feed-forward layer.
    cross_attention : bool, default=True
        Include attention over the encoder's output.
    """

    def __init__(
        self,
        d_model,
        n_heads,
        d_ff,
        dropout=0.0,
        norm="pre",
        activation="gelu",
        cross_attention=True,
    ):
        super().__init__()
        self.norm = norm
        self.self_attention = MultiHeadAttention(d_model, n_heads, dropout)
        self.cross_attention = (
            MultiHeadAttention(d_model, n_heads, dropout) if cross_attention else None
        )
        self.feed_forward = _FeedForward(d_model, d_ff, dropout, activation)
        self.norms = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(3))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, memory=None, self_mask=None, memory_mask=None):
        """``x`` (B, T, D) target side; ``memory`` (B, S, D) encoder output;
        ``self_mask`` (causal and padding) and ``memory_mask`` are True where
        attention is forbidden."""
        sublayers = [lambda h: self.self_attention(h, h, h, self_mask)]
        if self.cross_attention is not None and memory is not None:
            sublayers.append(
                lambda h: self.cross_attention(h, memory, memory, memory_mask)
            )
        sublayers.append(self.feed_forward)
        for sublayer, norm in zip(sublayers, self.norms):
            if self.norm == "pre":
                x = x + self.dropout(sublayer(norm(x)))
            else:
                x = norm(x + self.dropout(sublayer(x)))
        return x


def padding_mask(lengths, max_len):
    """``True`` at the padded key positions, shaped to broadcast over heads
    and queries.

    Parameters
    ----------
    lengths : tensor of shape (B,)
        True lengths of the sequences.
    max_len : int
        Padded length ``S``.

    Returns
    -------
    mask : bool tensor of shape (B, 1, 1, S)
        The mask.
    """
    positions = torch.arange(max_len, device=lengths.device)
    return (positions[None, :] >= lengths[:, None])[:, None, None, :]


class AlignmentScore(nn.Module):
    """The seq2seq alignment scores of Luong (dot, general, location) and
    Bahdanau (concat) between a decoder state and every encoder state, with
    the softmax weights and the context vector.

    - ``"dot"``: ``score(h_t, h_s) = h_t^T h_s``;
    - ``"general"``: ``h_t^T W_a h_s``;
    - ``"concat"``: ``v_a^T tanh(W_1 h_t + W_2 h_s)``;
    - ``"location"``: ``score(h_t)_s = (W_a h_t)_s``, one score per source
      position computed from the decoder state alone (Luong et al.'s
      location-based function, ``a_t = softmax(W_a h_t)``); padded
      positions are masked as for the others.

    Parameters
    ----------
    method : {"dot", "general", "concat", "location"}
        The score.
    decoder_size : int
        Width of the decoder state ``h_t``.
    encoder_size : int
        Width of the encoder states ``h_s`` (equal to ``decoder_size`` for
        ``"dot"``).
    attention_size : int, default=None
        Width of the ``"concat"`` hidden layer (``decoder_size`` when None).
    source_len : int, default=None
        Source positions ``S`` scored by ``"location"`` (required there).

    References
    ----------
    .. [1] M.-T. Luong, H. Pham and C. D. Manning, "Effective approaches to
       attention-based neural machine translation", EMNLP 2015.
    .. [2] D. Bahdanau, K. Cho and Y. Bengio, "Neural machine translation by
       jointly learning to align and translate", ICLR 2015.
    """

    def __init__(
        self, method, decoder_size, encoder_size, attention_size=None, source_len=None
    ):
        super().__init__()
        if method not in ("dot", "general", "concat", "location"):
            raise ValueError(
                "method must be 'dot', 'general', 'concat' or 'location'; got "
                f"{method!r}."
            )
        if method == "location" and source_len is None:
            raise ValueError("location attention needs source_len, the positions.")
        if method == "dot" and decoder_size != encoder_size:
            raise ValueError(
                "dot attention needs decoder and encoder states of one width; "
                f"got {decoder_size} and {encoder_size}."
            )
        self.method = method
        if method == "general":
            self.W = nn.Linear(encoder_size, decoder_size, bias=False)
        elif method == "concat":
            size = attention_size or decoder_size
            self.W1 = nn.Linear(decoder_size, size, bias=False)
            self.W2 = nn.Linear(encoder_size, size, bias=False)
            self.v = nn.Linear(size, 1, bias=False)
        elif method == "location":
            self.W = nn.Linear(decoder_size, source_len)

    def forward(self, decoder_state, encoder_states, mask=None):
        """Scores, weights and context.

        Parameters
        ----------
        decoder_state : tensor of shape (B, D_dec)
            ``h_t``.
        encoder_states : tensor of shape (B, S, D_enc)
            ``h_s`` for every source position.
        mask : bool tensor of shape (B, S), default=None
            True at padded source positions (they get no weight).

        Returns
        -------
        scores : tensor of shape (B, S)
            ``score(h_t, h_s)``.
        weights : tensor of shape (B, S)
            ``softmax`` of the scores.
        context : tensor of shape (B, D_enc)
            ``sum_s weights_s h_s``.
        """
        if self.method == "dot":
            scores = torch.einsum("bd,bsd->bs", decoder_state, encoder_states)
        elif self.method == "location":
            scores = self.W(decoder_state)[:, : encoder_states.shape[1]]
        elif self.method == "general":
            scores = torch.einsum("bd,bsd->bs", decoder_state, self.W(encoder_states))
        else:
            hidden = torch.tanh(
                self.W1(decoder_state)[:, None, :] + self.W2(encoder_states)
            )
            scores = self.v(hidden).squeeze(-1)
        if mask is not None:
            scores = scores.masked_fill(mask, float("-inf"))
        weights = torch.nan_to_num(torch.softmax(scores, dim=-1), nan=0.0)
        context = torch.einsum("bs,bsd->bd", weights, encoder_states)
        return scores, weights, context
