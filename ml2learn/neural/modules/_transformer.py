"""An encoder-only transformer for sequence classification and regression
(BERT-style: a ``[CLS]`` vector or the mean of the outputs feeds the head).

Inputs arrive flat, ``(B, T * F)``: token ids (0 is padding) with an
embedding, or ``T`` steps of ``F`` values projected to ``d_model``.
"""

import torch
from torch import nn

from ._attention import EncoderBlock, PositionalEncoding, padding_mask
from ._rnn import right_align

__all__ = ["TransformerEncoderNetwork"]


class TransformerEncoderNetwork(nn.Module):
    """Embedding + positions, ``num_layers`` encoder blocks, pooled head.

    Parameters
    ----------
    n_steps : int
        Steps ``T`` of the input.
    n_step_features : int
        Values per step ``F`` (1 for token ids).
    n_outputs : int
        Width of the output layer.
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
    vocab_size : int, default=None
        Number of token ids (with ``token_input``).
    token_input : bool, default=False
        Read token ids (embedding) rather than values (linear projection).
    positions : {"sinusoidal", "learned"}, default="sinusoidal"
        The positional encoding.
    pooling : {"cls", "mean", "first"}, default="cls"
        The output at a learned ``[CLS]`` vector put before the sequence, the
        mean over real positions, or the output at the first real token
        (texts that begin with their own ``[CLS]`` token, as BERT's).
    norm : {"pre", "post"}, default="pre"
        Where the blocks' layer normalisation sits.
    """

    def __init__(
        self,
        n_steps,
        n_step_features,
        n_outputs,
        d_model=64,
        n_heads=4,
        num_layers=2,
        d_ff=128,
        dropout=0.1,
        vocab_size=None,
        token_input=False,
        positions="sinusoidal",
        pooling="cls",
        norm="pre",
    ):
        super().__init__()
        self.n_steps = n_steps
        self.n_step_features = n_step_features
        self.token_input = token_input
        self.pooling = pooling
        if token_input:
            self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=0)
        else:
            self.embedding = nn.Linear(n_step_features, d_model)
        self.cls = (
            nn.Parameter(torch.zeros(1, 1, d_model)) if pooling == "cls" else None
        )
        extra = 1 if pooling == "cls" else 0
        self.positions = PositionalEncoding(
            d_model, n_steps + extra, learned=positions == "learned", dropout=dropout
        )
        self.blocks = nn.ModuleList(
            EncoderBlock(d_model, n_heads, d_ff, dropout, norm)
            for _ in range(num_layers)
        )
        self.final_norm = nn.LayerNorm(d_model) if norm == "pre" else nn.Identity()
        self.output = nn.Linear(d_model, n_outputs)

    def encode(self, x):
        """Outputs ``(B, T', D)`` (``[CLS]`` first when used) and the key
        mask ``(B, 1, 1, T')``, True at padding."""
        B = x.shape[0]
        if self.token_input:
            ids, lengths = right_align(x.long())
            hidden = self.embedding(ids)
        else:
            hidden = self.embedding(x.reshape(B, self.n_steps, self.n_step_features))
            lengths = torch.full((B,), self.n_steps, device=x.device)
        if self.cls is not None:
            hidden = torch.cat([self.cls.expand(B, -1, -1).to(hidden.dtype), hidden], 1)
            lengths = lengths + 1
        hidden = self.positions(hidden)
        mask = padding_mask(lengths, hidden.shape[1])
        for block in self.blocks:
            hidden = block(hidden, mask)
        return self.final_norm(hidden), mask

    def forward(self, x):  # (B, T * F) -> (B, n_outputs)
        hidden, mask = self.encode(x)
        if self.pooling in ("cls", "first"):
            pooled = hidden[:, 0]  # the learned [CLS] or the first real token
        else:
            real = (~mask[:, 0, 0, :]).to(hidden.dtype)  # (B, T)
            pooled = (hidden * real[..., None]).sum(1) / real.sum(
                1, keepdim=True
            ).clamp_min(1)
        return self.output(pooled)

    def attention_maps(self):
        """The weights of the last forward pass run under
        :func:`~ml2learn.neural.modules.recording_attention`,
        ``(num_layers, B, H, T', T')``."""
        return torch.stack([block.attention.last_weights for block in self.blocks])

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            ("embedding", self.embedding),
            *((f"blocks.{i}", b) for i, b in enumerate(self.blocks)),
            ("output", self.output),
        ]
