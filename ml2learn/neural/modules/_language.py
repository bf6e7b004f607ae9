"""Language networks: next-token ones (a recurrent one and a decoder-only
transformer, GPT) and a masked-token one (an encoder-only transformer,
BERT), all mapping token ids ``(B, L)`` to logits ``(B, L, V)``."""

from torch import nn

from ._attention import DecoderBlock, PositionalEncoding, causal_mask
from ._rnn import CELLS
from ._transformer import TransformerEncoderNetwork

__all__ = [
    "MaskedLanguageNetwork",
    "MaskedTokenCrossEntropy",
    "RecurrentLanguageNetwork",
    "TokenCrossEntropy",
    "TransformerLanguageNetwork",
]


def _trimmed_like(targets, logits):
    """``targets`` cut to the positions ``logits`` covers."""
    n_positions = logits.shape[1]
    if targets.shape[1] > n_positions:
        if targets[:, n_positions:].any():
            raise ValueError(
                f"The network gave logits for {n_positions} positions but the "
                f"targets have real tokens up to position {targets.shape[1]}."
            )
        targets = targets[:, :n_positions]
    return targets


class TokenCrossEntropy(nn.Module):
    """Cross-entropy of every real position (target id > 0), averaged per
    sequence: ``(B, L, V)`` logits and ``(B, L)`` targets give ``(B,)``.
    Logits may cover fewer positions than the targets when the network
    trimmed the batch's padding; the targets beyond must be padding."""

    def forward(self, logits, targets):
        targets = _trimmed_like(targets, logits)
        losses = nn.functional.cross_entropy(
            logits.transpose(1, 2), targets, ignore_index=0, reduction="none"
        )
        real = (targets > 0).to(losses.dtype)
        return (losses * real).sum(1) / real.sum(1).clamp_min(1)


class MaskedTokenCrossEntropy(nn.Module):
    """Cross-entropy of the masked positions only (target id > 0; every
    other position has target 0 and no loss), averaged over the batch's
    masked tokens: ``(B, L, V)`` logits and ``(B, L)`` targets give ``(B,)``
    per-row sums scaled so that their mean is ``1/M sum_masked -log p``,
    with ``M`` the masked tokens of the batch (BERT's loss; a row with few
    masked tokens weighs as little as it holds)."""

    def forward(self, logits, targets):
        losses = nn.functional.cross_entropy(
            logits.transpose(1, 2), targets, ignore_index=0, reduction="none"
        )
        n_masked = (targets > 0).sum().clamp_min(1)
        return losses.sum(1) * (len(targets) / n_masked)


class RecurrentLanguageNetwork(nn.Module):
    """Embedding, a stacked RNN/LSTM/GRU and a linear layer over the
    vocabulary.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Width of the embeddings.
    hidden_size : int
        Width of the hidden state.
    num_layers : int
        Stacked layers.
    cell : {"rnn", "lstm", "gru"}
        The cell.
    dropout : float
        Dropout between layers and before the output layer.
    """

    def __init__(
        self, vocab_size, embedding_dim, hidden_size, num_layers, cell, dropout
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.recurrent = CELLS[cell](
            embedding_dim,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):  # (B, L) ids -> (B, L, V)
        outputs, _ = self.recurrent(self.embedding(x.long()))
        return self.output(self.dropout(outputs))

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            ("embedding", self.embedding),
            ("recurrent", self.recurrent),
            ("output", self.output),
        ]


class TransformerLanguageNetwork(nn.Module):
    """GPT: token embeddings plus positions, masked self-attention blocks
    (each position sees itself and the past), a final layer norm and a
    linear layer over the vocabulary.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    max_len : int
        Longest context.
    d_model : int
        Width.
    n_heads : int
        Attention heads.
    num_layers : int
        Decoder blocks.
    d_ff : int
        Width of the feed-forward layers.
    dropout : float
        Dropout.
    positions : {"sinusoidal", "learned"}
        The positional encoding.
    """

    def __init__(
        self,
        vocab_size,
        max_len,
        d_model,
        n_heads,
        num_layers,
        d_ff,
        dropout,
        positions,
    ):
        super().__init__()
        self.max_len = max_len
        self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.positions = PositionalEncoding(
            d_model, max_len, learned=positions == "learned", dropout=dropout
        )
        self.blocks = nn.ModuleList(
            DecoderBlock(d_model, n_heads, d_ff, dropout, cross_attention=False)
            for _ in range(num_layers)
        )
        self.final_norm = nn.LayerNorm(d_model)
        self.output = nn.Linear(d_model, vocab_size)

    def forward(self, x):  # (B, L) ids -> (B, L, V)
        ids = x.long()
        hidden = self.positions(self.embedding(ids))
        mask = causal_mask(ids.shape[1], device=ids.device)
        for block in self.blocks:
            hidden = block(hidden, self_mask=mask)
        return self.output(self.final_norm(hidden))

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            ("embedding", self.embedding),
            *((f"blocks.{i}", b) for i, b in enumerate(self.blocks)),
            ("output", self.output),
        ]


class MaskedLanguageNetwork(TransformerEncoderNetwork):
    """BERT's pre-training network: token embeddings plus positions, encoder
    blocks that see the whole text in both directions, and the masked-LM
    head at every position, ``softmax(W_o LN(GELU(W_t h_i)))`` over the
    vocabulary (Devlin et al.'s transform layer; the output weights are not
    tied to the embeddings here).

    The encoder's layers are named as in
    :class:`TransformerEncoderNetwork` (``embedding``, ``blocks.i``,
    ``final_norm``), so a classifier built on that network copies them
    (fine-tuning) and adds its own ``output`` layer.

    Parameters
    ----------
    n_steps : int
        Padded text length ``T``, ``[CLS]`` and ``[SEP]`` included.
    vocab_size : int
        Token ids, ``[MASK]`` included.
    d_model, n_heads, num_layers, d_ff, dropout, positions, norm
        As for :class:`TransformerEncoderNetwork`.
    """

    def __init__(
        self,
        n_steps,
        vocab_size,
        d_model=64,
        n_heads=4,
        num_layers=2,
        d_ff=128,
        dropout=0.1,
        positions="sinusoidal",
        norm="pre",
    ):
        super().__init__(
            n_steps,
            1,
            vocab_size,
            d_model=d_model,
            n_heads=n_heads,
            num_layers=num_layers,
            d_ff=d_ff,
            dropout=dropout,
            vocab_size=vocab_size,
            token_input=True,
            positions=positions,
            pooling="mean",
            norm=norm,
        )
        self.transform = nn.Sequential(
            nn.Linear(d_model, d_model), nn.GELU(), nn.LayerNorm(d_model)
        )

    def forward(self, x, chosen=None):
        """The logits at every position, or at the chosen ones only.

        For ids ``x`` ``(B, T)`` the logits are ``(B, T, V)``; with
        ``chosen`` ``(B, T)``, only the ``(M, V)`` of the ``M`` positions
        where it is True, in row-major order (training and scoring need no
        others, and the output layer is most of the work)."""
        hidden, _ = self.encode(x)
        if chosen is not None:
            hidden = hidden[chosen]
        return self.output(self.transform(hidden))

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        blocks = super().freezable_blocks()
        return [*blocks[:-1], ("transform", self.transform), blocks[-1]]
