"""Next-token networks: a recurrent one and a decoder-only transformer
(GPT), both mapping token ids ``(B, L)`` to logits ``(B, L, V)``."""

from torch import nn

from ._attention import DecoderBlock, PositionalEncoding, causal_mask
from ._rnn import CELLS

__all__ = [
    "RecurrentLanguageNetwork",
    "TokenCrossEntropy",
    "TransformerLanguageNetwork",
]


class TokenCrossEntropy(nn.Module):
    """Cross-entropy of every real position (target id > 0), averaged per
    sequence: ``(B, L, V)`` logits and ``(B, L)`` targets give ``(B,)``."""

    def forward(self, logits, targets):
        losses = nn.functional.cross_entropy(
            logits.transpose(1, 2), targets, ignore_index=0, reduction="none"
        )
        real = (targets > 0).to(losses.dtype)
        return (losses * real).sum(1) / real.sum(1).clamp_min(1)


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
