"""Encoder-decoder networks for sequence-to-sequence learning: a recurrent
one with Luong's or Bahdanau's attention (notes, lines 4141-4510) and the
transformer's (Vaswani et al., 2017).

Both read flat inputs ``(B, S + T)``: ``S`` source ids then ``T`` target ids
``<BOS> w_1 .. w_n <EOS>`` (0 is padding, always on the right), and return
the logits ``(B, T - 1, V)`` of every next target token, teacher-forced.
For decoding they share one step interface, used by greedy and beam search:
``encode(source) -> (memory, state)``, ``step(previous, state, memory) ->
(logits, state, weights)`` and ``reorder(state, rows)``.
"""

from collections import namedtuple

import torch
from torch import nn

from ._attention import (
    AlignmentScore,
    DecoderBlock,
    EncoderBlock,
    PositionalEncoding,
    causal_mask,
    padding_mask,
    recording_attention,
)
from ._decoding import BOS, beam_search_steps
from ._rnn import run_recurrent, stacked_recurrent

__all__ = ["Memory", "RecurrentSeq2Seq", "TransformerSeq2Seq", "beam_search"]

Memory = namedtuple("Memory", ["states", "mask"])
Memory.__doc__ = """The encoder's output: ``states`` (B, S, D) and ``mask``
(B, S), True at padded source positions."""


def _source_lengths(source):
    """Real lengths, at least 1: an empty source is read as one padding
    step, so no query ever attends over nothing."""
    return (source != 0).sum(1).clamp_min(1)


def trim_padding(ids, keep=1):
    """``ids`` (B, L) without the columns after the batch's last real token
    (at least ``keep`` columns), so that a batch costs what its longest
    sequence costs, not what the longest training sequence does. Padding
    is masked everywhere (packed recurrences, attention masks, the loss),
    so the result does not change."""
    real_columns = torch.nonzero((ids != 0).any(0))
    length = int(real_columns[-1]) + 1 if len(real_columns) else 0
    return ids[:, : max(length, keep)]


def _split_input(x, source_len):
    """Source and target ids of ``[source | target]`` rows, the target
    trimmed of the batch's common padding (``encode`` trims the source)."""
    ids = x.long()
    return ids[:, :source_len], trim_padding(ids[:, source_len:], keep=2)


class RecurrentDecoder(nn.Module):
    """A recurrent decoder that writes a sequence from a memory of vectors
    (a source's encoder states, an image's feature-map cells), with or
    without attention over it.

    ``decoder="luong"`` (Luong et al., 2015): at step ``t`` the recurrent
    state ``h_t`` scores every memory vector, ``alpha_ts = softmax_s
    score(h_t, h_s)``, the context is ``c_t = sum_s alpha_ts h_s``, the
    attention vector ``a_t = tanh(W_c [c_t; h_t])`` and the output
    ``softmax(W_a a_t)``; the attention vector is fed to the next step's
    input ("input feeding").

    ``decoder="bahdanau"`` (Bahdanau et al., 2015; Xu et al.'s captioner):
    the *previous* state ``s_{t-1}`` scores the memory, the context ``c_t``
    joins the embedding of the previous token at the input of the
    recurrence, ``s_t = f(s_{t-1}, [E y_{t-1}; c_t])``, and a maxout layer
    reads ``[s_t; E y_{t-1}; c_t]``: ``t_j = max(u_{2j-1}, u_{2j})`` with
    ``u = W_o [s_t; E y_{t-1}; c_t]``, then ``softmax(W_y t)``.

    Without attention the output is ``softmax(W_hy h_t)`` (Sutskever et
    al., 2014).

    Parameters
    ----------
    vocab_size : int
        Output token ids.
    embedding_dim : int
        Width of the token embeddings.
    hidden_size : int
        Width of the recurrent state.
    memory_width : int
        Width of the memory vectors.
    num_layers : int
        Stacked recurrent layers.
    cell : {"rnn", "lstm", "gru"}
        The recurrent cell.
    attention : {"dot", "general", "concat", "location"} or None
        The score (see :class:`AlignmentScore`); None for no attention.
    dropout : float
        Dropout on embeddings, between layers and before the output layer.
    decoder : {"luong", "bahdanau"}, default="luong"
        The attention decoder.
    residual : bool, default=False
        Residual connections between stacked layers.
    memory_len : int, default=None
        Memory positions (needed by ``attention="location"``).
    """

    def __init__(
        self,
        vocab_size,
        embedding_dim,
        hidden_size,
        memory_width,
        num_layers,
        cell,
        attention,
        dropout,
        decoder="luong",
        residual=False,
        memory_len=None,
    ):
        super().__init__()
        if decoder == "bahdanau" and attention is None:
            raise ValueError("Bahdanau's decoder needs an attention score; got None.")
        self.bahdanau = decoder == "bahdanau"
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        feed = 0
        if attention is not None:
            feed = memory_width if self.bahdanau else hidden_size
        self.recurrent = stacked_recurrent(
            cell,
            embedding_dim + feed,
            hidden_size,
            num_layers,
            dropout,
            False,
            residual,
        )
        self.alignment = self.combine = self.deep_output = None
        if attention is not None:
            self.alignment = AlignmentScore(
                attention, hidden_size, memory_width, source_len=memory_len
            )
            if self.bahdanau:  # W_o, a maxout over pairs
                self.deep_output = nn.Linear(
                    hidden_size + embedding_dim + memory_width, 2 * hidden_size
                )
            else:  # W_c
                self.combine = nn.Linear(
                    memory_width + hidden_size, hidden_size, bias=False
                )
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden_size, vocab_size)

    def start(self, hidden):
        """The state before the first step, from the recurrent state
        ``hidden`` (``(L, B, H)``, or ``(h, c)`` for an LSTM)."""
        feed = None
        if self.combine is not None:  # Luong's input feeding starts at zero
            h = hidden[0] if isinstance(hidden, tuple) else hidden
            feed = h.new_zeros(h.shape[1], self.combine.out_features)
        return hidden, feed

    def step(self, previous, state, memory):
        """One step from the previous tokens ``(B,)``: the logits ``(B, V)``,
        the next state and the attention weights ``(B, S)`` (None without
        attention)."""
        hidden, feed = state
        embedded = self.dropout(self.embedding(previous))
        if self.bahdanau:
            query = _top_state(hidden)  # s_{t-1}
            _, weights, context = self.alignment(query, memory.states, memory.mask)
            inputs = torch.cat([embedded, context], dim=1)
            outputs, hidden = self.recurrent(inputs[:, None, :], hidden)
            u = self.deep_output(torch.cat([outputs[:, 0], embedded, context], dim=1))
            t = u.reshape(len(u), -1, 2).amax(dim=-1)
            return self.output(self.dropout(t)), (hidden, None), weights
        inputs = embedded if feed is None else torch.cat([embedded, feed], dim=1)
        outputs, hidden = self.recurrent(inputs[:, None, :], hidden)
        h = outputs[:, 0]
        weights = None
        if self.alignment is not None:
            _, weights, context = self.alignment(h, memory.states, memory.mask)
            h = torch.tanh(self.combine(torch.cat([context, h], dim=1)))
        return (
            self.output(self.dropout(h)),
            (hidden, h if feed is not None else None),
            weights,
        )

    @staticmethod
    def reorder(state, rows):
        """The state of the rows ``rows`` (beam search keeps the best)."""
        hidden, feed = state
        if isinstance(hidden, tuple):  # LSTM: (h, c)
            hidden = tuple(h[:, rows] for h in hidden)
        else:
            hidden = hidden[:, rows]
        return hidden, None if feed is None else feed[rows]

    def teacher_forced(self, target, memory, state, teacher_forcing_ratio=1.0):
        """The logits of every next token of ``target``, teacher-forced.

        ``target`` ``(B, T)`` holds ``<BOS> w_1 .. <EOS>``, 0-padded; the
        logits are ``(B, T - 1, V)``. Each step reads the true previous
        token (or, in training with ``teacher_forcing_ratio < 1``, sometimes
        its own prediction: scheduled sampling)."""
        n_steps = int((target != 0).sum(1).max()) - 1
        previous = target[:, 0]
        logits = []
        for t in range(n_steps):
            step_logits, state, _ = self.step(previous, state, memory)
            logits.append(step_logits)
            previous = target[:, t + 1]
            if self.training and teacher_forcing_ratio < 1:
                own = step_logits.argmax(dim=1)
                truth = torch.rand(len(own), device=own.device)
                previous = torch.where(truth < teacher_forcing_ratio, previous, own)
        logits = torch.stack(logits, dim=1)
        missing = target.shape[1] - 1 - n_steps  # steps where every row is padding
        return nn.functional.pad(logits, (0, 0, 0, missing))

    def freezable_blocks(self, prefix=""):
        """``(name, module)`` of the layers in order, input side first."""
        named = [
            ("embedding", self.embedding),
            ("recurrent", self.recurrent),
            ("alignment", self.alignment),
            ("combine", self.combine),
            ("deep_output", self.deep_output),
            ("output", self.output),
        ]
        return [(prefix + name, block) for name, block in named if block is not None]


def _top_state(hidden):
    """The last layer's ``h`` (an LSTM's state is ``(h, c)``)."""
    return (hidden[0] if isinstance(hidden, tuple) else hidden)[-1]


class RecurrentSeq2Seq(nn.Module):
    """An RNN encoder and a :class:`RecurrentDecoder`, with or without
    attention.

    A unidirectional encoder hands its final state to the decoder; a
    bidirectional one reads the source both ways, its states ``h_s =
    [->h_s; <-h_s]`` are attended to, and the decoder starts from ``s_0 =
    tanh(W_s <-h_1)``, the backward layer's state after reading the whole
    source (Bahdanau et al.), one per layer.

    Parameters
    ----------
    source_vocab, target_vocab : int
        Number of source and target token ids.
    source_len : int
        ``S``, the padded source length.
    embedding_dim : int
        Width of the token embeddings.
    hidden_size : int
        Width of the recurrent states (each direction's, when
        bidirectional).
    num_layers : int
        Stacked layers in the encoder and in the decoder.
    cell : {"rnn", "lstm", "gru"}
        The recurrent cell.
    attention : {"dot", "general", "concat", "location"} or None
        The score (see :class:`AlignmentScore`); None for no attention.
    dropout : float
        Dropout on embeddings, between layers and before the output layer.
    teacher_forcing_ratio : float, default=1.0
        In training, the probability that a step reads the true previous
        token rather than the model's own prediction (scheduled sampling,
        per sequence and step).
    decoder : {"luong", "bahdanau"}, default="luong"
        The attention decoder (see :class:`RecurrentDecoder`).
    bidirectional : bool, default=False
        A bidirectional encoder.
    residual : bool, default=False
        Residual connections between stacked recurrent layers (GNMT; see
        :class:`ResidualRecurrent`), in the encoder and the decoder.
    """

    def __init__(
        self,
        source_vocab,
        target_vocab,
        source_len,
        embedding_dim,
        hidden_size,
        num_layers,
        cell,
        attention,
        dropout,
        teacher_forcing_ratio=1.0,
        decoder="luong",
        bidirectional=False,
        residual=False,
    ):
        super().__init__()
        self.source_len = source_len
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.source_embedding = nn.Embedding(source_vocab, embedding_dim, padding_idx=0)
        self.encoder = stacked_recurrent(
            cell,
            embedding_dim,
            hidden_size,
            num_layers,
            dropout,
            bidirectional,
            residual,
        )
        memory_width = hidden_size * (2 if bidirectional else 1)
        self.bridge = None
        if bidirectional:  # s_0 = tanh(W_s <-h_1), for h (and an LSTM's c)
            self.bridge = nn.ModuleList(
                nn.Linear(hidden_size, hidden_size)
                for _ in range(2 if cell == "lstm" else 1)
            )
        self.decoder = RecurrentDecoder(
            target_vocab,
            embedding_dim,
            hidden_size,
            memory_width,
            num_layers,
            cell,
            attention,
            dropout,
            decoder=decoder,
            residual=residual,
            memory_len=source_len,
        )
        self.dropout = nn.Dropout(dropout)

    def encode(self, source):
        """The encoder states and the decoder's first state."""
        source = trim_padding(source)
        lengths = _source_lengths(source)
        states, final = run_recurrent(
            self.encoder,
            self.dropout(self.source_embedding(source)),
            lengths,
            source.shape[1],
        )
        positions = torch.arange(source.shape[1], device=source.device)
        memory = Memory(states, positions[None, :] >= lengths[:, None])
        if self.bridge is not None:
            parts = final if isinstance(final, tuple) else (final,)
            bridged = tuple(
                torch.tanh(linear(part[1::2]))
                for linear, part in zip(self.bridge, parts)
            )
            final = bridged if isinstance(final, tuple) else bridged[0]
        return memory, self.decoder.start(final)

    def step(self, previous, state, memory):
        """One decoder step (see :meth:`RecurrentDecoder.step`)."""
        return self.decoder.step(previous, state, memory)

    def reorder(self, state, rows):
        """The state of the rows ``rows`` (beam search keeps the best)."""
        return self.decoder.reorder(state, rows)

    def forward(self, x):  # (B, S + T) -> (B, T' - 1, V), T' <= T trimmed
        source, target = _split_input(x, self.source_len)
        memory, state = self.encode(source)
        return self.decoder.teacher_forced(
            target, memory, state, self.teacher_forcing_ratio
        )

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        named = [
            ("source_embedding", self.source_embedding),
            ("encoder", self.encoder),
            ("bridge", self.bridge),
        ]
        return [(n, b) for n, b in named if b is not None] + (
            self.decoder.freezable_blocks("decoder.")
        )


class TransformerSeq2Seq(nn.Module):
    """The transformer encoder-decoder: self-attention blocks over the
    source, and decoder blocks with masked self-attention, attention over
    the encoder's output ("encoder-decoder attention") and feed-forward
    layers; pre-norm add & norm and a final layer norm on both sides.

    Parameters
    ----------
    source_vocab, target_vocab : int
        Number of source and target token ids.
    source_len, target_len : int
        ``S`` and ``T``, the padded lengths.
    d_model : int
        Width.
    n_heads : int
        Attention heads.
    num_layers : int
        Blocks in the encoder and in the decoder.
    d_ff : int
        Width of the feed-forward layers.
    dropout : float
        Dropout.
    positions : {"sinusoidal", "learned"}, default="sinusoidal"
        The positional encoding.
    """

    def __init__(
        self,
        source_vocab,
        target_vocab,
        source_len,
        target_len,
        d_model,
        n_heads,
        num_layers,
        d_ff,
        dropout,
        positions="sinusoidal",
    ):
        super().__init__()
        self.source_len = source_len
        learned = positions == "learned"
        self.source_embedding = nn.Embedding(source_vocab, d_model, padding_idx=0)
        self.target_embedding = nn.Embedding(target_vocab, d_model, padding_idx=0)
        self.source_positions = PositionalEncoding(
            d_model, source_len, learned, dropout
        )
        self.target_positions = PositionalEncoding(
            d_model, target_len, learned, dropout
        )
        self.encoder_blocks = nn.ModuleList(
            EncoderBlock(d_model, n_heads, d_ff, dropout) for _ in range(num_layers)
        )
        self.decoder_blocks = nn.ModuleList(
            DecoderBlock(d_model, n_heads, d_ff, dropout) for _ in range(num_layers)
        )
        self.encoder_norm = nn.LayerNorm(d_model)
        self.decoder_norm = nn.LayerNorm(d_model)
        self.output = nn.Linear(d_model, target_vocab)

    def encode(self, source):
        """The encoder's output and an empty target prefix as the state."""
        source = trim_padding(source)
        lengths = _source_lengths(source)
        mask = padding_mask(lengths, source.shape[1])  # (B, 1, 1, S)
        hidden = self.source_positions(self.source_embedding(source))
        for block in self.encoder_blocks:
            hidden = block(hidden, mask)
        memory = Memory(self.encoder_norm(hidden), mask[:, 0, 0])
        return memory, source.new_zeros(len(source), 0)

    def decode(self, prefix, memory):
        """Logits ``(B, L, V)`` of the token after every prefix position."""
        hidden = self.target_positions(self.target_embedding(prefix))
        self_mask = causal_mask(prefix.shape[1], device=prefix.device)
        memory_mask = memory.mask[:, None, None, :]
        for block in self.decoder_blocks:
            hidden = block(hidden, memory.states, self_mask, memory_mask)
        return self.output(self.decoder_norm(hidden))

    def cross_attention(self):
        """The last decoder block's encoder-decoder attention of the last
        forward pass run under
        :func:`~ml2learn.neural.modules.recording_attention`, averaged over
        heads: ``(B, L, S)``."""
        return self.decoder_blocks[-1].cross_attention.last_weights.mean(dim=1)

    def step(self, previous, state, memory):
        """The logits after ``state + [previous]`` (the decoder reruns the
        whole prefix), the longer prefix and the attention weights."""
        prefix = torch.cat([state, previous[:, None]], dim=1)
        with recording_attention(self.decoder_blocks[-1].cross_attention):
            logits = self.decode(prefix, memory)[:, -1]
            weights = self.cross_attention()[:, -1]
        return logits, prefix, weights

    def reorder(self, state, rows):
        """The prefixes of the rows ``rows``."""
        return state[rows]

    def forward(self, x):  # (B, S + T) -> (B, T' - 1, V), T' <= T trimmed
        source, target = _split_input(x, self.source_len)
        memory, _ = self.encode(source)
        return self.decode(target[:, :-1], memory)

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            ("source_embedding", self.source_embedding),
            *((f"encoder_blocks.{i}", b) for i, b in enumerate(self.encoder_blocks)),
            ("target_embedding", self.target_embedding),
            *((f"decoder_blocks.{i}", b) for i, b in enumerate(self.decoder_blocks)),
            ("output", self.output),
        ]


def beam_search(model, source, beam_width=1, max_steps=20, length_penalty=0.0):
    """Translate a batch of sources with beam search (greedy when
    ``beam_width=1``); see :func:`beam_search_steps` for the search.

    Parameters
    ----------
    model : RecurrentSeq2Seq or TransformerSeq2Seq
        A network with ``encode``, ``step`` and ``reorder``.
    source : long tensor of shape (B, S)
        Source ids (0 is padding, on the right).
    beam_width : int, default=1
        Hypotheses kept per source.
    max_steps : int, default=20
        Most tokens produced, ``<EOS>`` included.
    length_penalty : float, default=0.0
        The exponent of the length normalisation.

    Returns
    -------
    tokens : long tensor of shape (B, L)
        The best hypothesis of each source, ending in ``<EOS>`` (id 3) then
        padding (0) unless it ran out of steps (``L <= max_steps``).
    log_probability : float64 tensor of shape (B,)
        Its total log-probability.
    weights : tensor of shape (B, L, S) or None
        Its attention weights at every step (None without attention).
    """
    memory, state = model.encode(source)
    memory = Memory(
        memory.states.repeat_interleave(beam_width, dim=0),
        memory.mask.repeat_interleave(beam_width, dim=0),
    )
    return beam_search_steps(
        lambda previous, state: model.step(previous, state, memory),
        model.reorder,
        state,
        torch.full((len(source),), BOS, dtype=torch.long),
        beam_width,
        max_steps,
        length_penalty,
    )
