"""Image captioning with attention (Xu et al., 2015): a CNN encodes the
image into a grid of feature vectors, and a recurrent decoder writes the
caption word by word, attending over the grid at every step.

Inputs arrive flat, ``(B, C * H * W + T)``: the pixels, then the caption's
ids ``<BOS> w_1 .. w_n <EOS>`` (0-padded); the output is the logits
``(B, T - 1, V)`` of every next word, teacher-forced. Decoding uses the
translators' interface: ``encode(pixels) -> (memory, state)``, ``step`` and
``reorder``.
"""

import math

import torch
from torch import nn

from ._attention import PositionalEncoding
from ._cnn import CNN
from ._seq2seq import Memory, RecurrentDecoder

__all__ = ["ImageCaptionNetwork"]


class ImageCaptionNetwork(nn.Module):
    """A convolutional encoder and a :class:`RecurrentDecoder` over its
    feature map.

    The encoder's last feature map ``(K, h, w)`` gives the annotation
    vectors ``a_1 .. a_L`` (``L = h w``, each ``K`` wide, row by row); the
    decoder starts from ``h_0 = tanh(W_h mean_i a_i)`` (and ``c_0 = tanh(W_c
    mean_i a_i)`` for an LSTM), one per layer, and at each step attends
    over the ``a_i`` (Bahdanau's decoder: the previous state scores them,
    the context feeds the recurrence). Without attention the image reaches
    the decoder through ``h_0`` only (Vinyals et al.'s "show and tell").

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``.
    vocab_size : int
        Caption token ids.
    filters : sequence of int, default=(32, 64)
        Channels of the encoder's convolution stages (each pools by 2).
    embedding_dim : int, default=32
        Width of the word embeddings.
    hidden_size : int, default=128
        Width of the decoder's state.
    num_layers : int, default=1
        Stacked recurrent layers.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        The recurrent cell.
    attention : {"concat", "general", "dot", "location"} or None, \
default="concat"
        The score (Xu et al.'s is ``"concat"``); None for no attention.
    grid_positions : {"learned", "sinusoidal"} or None, default=None
        Position vectors added to the annotation vectors, one per grid cell
        (:class:`PositionalEncoding` over the cells in row order); used
        with attention only.
    dropout : float, default=0.0
        Dropout in the decoder.
    decoder : {"bahdanau", "luong"}, default="bahdanau"
        The attention decoder (see :class:`RecurrentDecoder`).
    encoder : nn.Module, default=None
        The convolutional encoder (a fitted CNN's ``features``); None
        builds one from ``filters``.
    """

    def __init__(
        self,
        input_shape,
        vocab_size,
        filters=(32, 64),
        embedding_dim=32,
        hidden_size=128,
        num_layers=1,
        cell="lstm",
        attention="concat",
        grid_positions=None,
        dropout=0.0,
        decoder="bahdanau",
        encoder=None,
    ):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.n_pixels = math.prod(self.input_shape)
        self.num_layers = num_layers
        if encoder is None:
            encoder = CNN(self.input_shape, 1, filters=filters).features
        self.encoder = encoder
        self.encoder.eval()  # batch norm cannot run on one probe image in training
        with torch.no_grad():
            probe = self.encoder(torch.zeros(1, *self.input_shape))
        self.encoder.train()
        width, *grid = probe.shape[1:]
        self.grid = tuple(grid)
        self.positions = None
        if grid_positions is not None and attention is not None:
            self.positions = PositionalEncoding(
                width, math.prod(self.grid), learned=grid_positions == "learned"
            )
        parts = 2 if cell == "lstm" else 1
        self.init = nn.ModuleList(
            nn.Linear(width, hidden_size * num_layers) for _ in range(parts)
        )
        self.decoder = RecurrentDecoder(
            vocab_size,
            embedding_dim,
            hidden_size,
            width,
            num_layers,
            cell,
            attention,
            dropout,
            decoder=decoder if attention is not None else "luong",
            memory_len=math.prod(self.grid),
        )

    def features(self, pixels):
        """The annotation vectors ``(B, L, K)`` of flat images."""
        maps = self.encoder(pixels.reshape(len(pixels), *self.input_shape))
        return maps.flatten(2).transpose(1, 2)

    def encode(self, pixels):
        """The annotation vectors (with their grid positions) as the memory,
        and the decoder's first state from their mean."""
        states = self.features(pixels)
        B = len(states)
        mean = states.mean(dim=1)
        starts = [
            torch.tanh(linear(mean))
            .reshape(B, self.num_layers, -1)
            .transpose(0, 1)
            .contiguous()
            for linear in self.init
        ]
        hidden = tuple(starts) if len(starts) == 2 else starts[0]
        if self.positions is not None:
            states = self.positions(states)
        mask = torch.zeros(states.shape[:2], dtype=torch.bool, device=states.device)
        return Memory(states, mask), self.decoder.start(hidden)

    def step(self, previous, state, memory):
        """One decoder step (see :meth:`RecurrentDecoder.step`)."""
        return self.decoder.step(previous, state, memory)

    def reorder(self, state, rows):
        """The state of the rows ``rows`` (beam search keeps the best)."""
        return self.decoder.reorder(state, rows)

    def forward(self, x):  # (B, P + T) -> (B, T - 1, V)
        pixels, ids = x[:, : self.n_pixels], x[:, self.n_pixels :].long()
        memory, state = self.encode(pixels)
        return self.decoder.teacher_forced(ids, memory, state)

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        positions = [] if self.positions is None else [("positions", self.positions)]
        return [
            ("encoder", self.encoder),
            *positions,
            ("init", self.init),
            *self.decoder.freezable_blocks("decoder."),
        ]
