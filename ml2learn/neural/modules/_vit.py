"""The vision transformer (Dosovitskiy et al., 2021): an image cut into
patches, each patch a token, a ``[CLS]`` token and learned positions, the
transformer's encoder blocks, and a head on the ``[CLS]`` output.

Inputs arrive flat, ``(B, C * H * W)`` (or ``(B, C * L)`` for 1-D signals,
read as images one row high).
"""

import torch
from torch import nn

from ._attention import EncoderBlock, PositionalEncoding

__all__ = [
    "PatchEmbedding",
    "VisionTransformerNetwork",
    "attention_rollout",
    "patch_grid",
]


def patch_grid(input_shape, patch_size):
    """Patches along the height and the width of a zero-padded input.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``, or ``(C, L)`` for a 1-D signal (one row high).
    patch_size : int
        Side ``P`` of the square patches (``1 x P`` for 1-D signals).

    Returns
    -------
    grid : tuple of int
        ``(ceil(H / P), ceil(W / P))``, ``(1, ceil(L / P))`` for signals.
    """
    if len(input_shape) == 2:
        return 1, -(-input_shape[1] // patch_size)
    _, H, W = input_shape
    return -(-H // patch_size), -(-W // patch_size)


def attention_rollout(maps):
    """Attention rollout (Abnar and Zuidema, 2020): how much each output
    position draws on each input token through all the layers.

    Each layer's attention is averaged over heads and the residual
    connection is added as an identity, ``A_l = (mean_h W_lh + I) / 2``
    (rows still sum to 1); the rollout is the product from the first
    layer up, ``R = A_L A_{L-1} ... A_1``.

    Parameters
    ----------
    maps : tensor of shape (L, B, H, T, T)
        Attention weights of every layer and head (rows sum to 1).

    Returns
    -------
    rollout : tensor of shape (B, T, T)
        Row ``i``: how much position ``i`` of the last layer's output
        comes from each input token.

    References
    ----------
    .. [1] S. Abnar and W. Zuidema, "Quantifying attention flow in
       transformers", ACL 2020.
    """
    T = maps.shape[-1]
    identity = torch.eye(T, dtype=maps.dtype, device=maps.device)
    rollout = identity.expand(maps.shape[1], T, T)
    for layer in maps:
        rollout = ((layer.mean(dim=1) + identity) / 2) @ rollout
    return rollout


class PatchEmbedding(nn.Module):
    """Images to tokens: patches, linearly embedded, ``[CLS]`` and positions.

    Every ``P x P`` patch of ``C`` channels, flattened, is mapped to
    ``d_model`` by one linear map ``E`` (computed as a convolution of kernel
    and stride ``P``, the same map), a learned ``[CLS]`` token is put first
    and learned positions are added,
    ``z_0 = [x_cls; x_1 E; ...; x_N E] + E_pos``. Inputs whose sides are not
    multiples of ``P`` are zero-padded at the bottom and right.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``, or ``(C, L)`` for 1-D signals (patches ``1 x P``).
    patch_size : int
        Side ``P`` of the patches.
    d_model : int
        Width of the tokens.
    cls : bool
        Put a ``[CLS]`` token first.
    dropout : float
        Dropout on the tokens.
    """

    def __init__(self, input_shape, patch_size, d_model, cls, dropout):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.patch_size = patch_size
        self.grid = patch_grid(self.input_shape, patch_size)
        kernel = (1, patch_size) if len(self.input_shape) == 2 else patch_size
        self.projection = nn.Conv2d(self.input_shape[0], d_model, kernel, kernel)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model)) if cls else None
        n_tokens = self.grid[0] * self.grid[1] + int(cls)
        self.positions = PositionalEncoding(d_model, n_tokens, True, dropout)
        nn.init.normal_(self.positions.table.weight, std=0.02)

    def patches(self, x):
        """The patch tokens ``x_p E`` before positions, ``(B, N, D)``, row
        by row."""
        B = x.shape[0]
        if len(self.input_shape) == 2:
            C, L = self.input_shape
            images = x.reshape(B, C, 1, L)
        else:
            images = x.reshape(B, *self.input_shape)
        rows, columns = self.grid
        P = self.patch_size
        pad_bottom = (rows * P if len(self.input_shape) == 3 else 1) - images.shape[2]
        pad_right = columns * P - images.shape[3]
        images = nn.functional.pad(images, (0, pad_right, 0, pad_bottom))
        return self.projection(images).flatten(2).transpose(1, 2)

    def forward(self, x):  # (B, C * H * W) -> (B, T, D)
        tokens = self.patches(x)
        if self.cls is not None:
            cls = self.cls.expand(len(tokens), -1, -1).to(tokens.dtype)
            tokens = torch.cat([cls, tokens], dim=1)
        return self.positions(tokens)


class VisionTransformerNetwork(nn.Module):
    """:class:`PatchEmbedding`, encoder blocks, a final layer norm and a
    linear head on the ``[CLS]`` output (or the mean of the patch outputs).

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``, or ``(C, L)`` for 1-D signals.
    n_outputs : int
        Width of the output layer.
    patch_size : int, default=4
        Side ``P`` of the patches.
    d_model : int, default=64
        Width of the tokens.
    n_heads : int, default=4
        Attention heads.
    num_layers : int, default=4
        Encoder blocks.
    d_ff : int, default=128
        Width of the feed-forward layers.
    dropout : float, default=0.1
        Dropout.
    pooling : {"cls", "mean"}, default="cls"
        The ``[CLS]`` output, or the mean over the patch outputs.
    norm : {"pre", "post"}, default="pre"
        Where the blocks' layer normalisation sits (ViT uses pre-norm).
    """

    def __init__(
        self,
        input_shape,
        n_outputs,
        patch_size=4,
        d_model=64,
        n_heads=4,
        num_layers=4,
        d_ff=128,
        dropout=0.1,
        pooling="cls",
        norm="pre",
    ):
        super().__init__()
        self.pooling = pooling
        self.embedding = PatchEmbedding(
            input_shape, patch_size, d_model, pooling == "cls", dropout
        )
        self.blocks = nn.ModuleList(
            EncoderBlock(d_model, n_heads, d_ff, dropout, norm)
            for _ in range(num_layers)
        )
        self.final_norm = nn.LayerNorm(d_model) if norm == "pre" else nn.Identity()
        self.output = nn.Linear(d_model, n_outputs)

    def encode(self, x):
        """The outputs ``(B, T, D)``, ``[CLS]`` first when used."""
        hidden = self.embedding(x)
        for block in self.blocks:
            hidden = block(hidden)
        return self.final_norm(hidden)

    def forward(self, x):  # (B, C * H * W) -> (B, n_outputs)
        hidden = self.encode(x)
        pooled = hidden[:, 0] if self.pooling == "cls" else hidden.mean(dim=1)
        return self.output(pooled)

    def attention_maps(self):
        """The weights of the last forward pass run under
        :func:`~ml2learn.neural.modules.recording_attention`,
        ``(num_layers, B, H, T, T)``."""
        return torch.stack([block.attention.last_weights for block in self.blocks])

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            ("embedding", self.embedding),
            *((f"blocks.{i}", b) for i, b in enumerate(self.blocks)),
            ("output", self.output),
        ]
