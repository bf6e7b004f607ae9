"""Torch modules of ml2learn's neural estimators (no training code here)."""

from ._attention import (
    AlignmentScore,
    AttentionResult,
    DecoderBlock,
    EncoderBlock,
    MultiHeadAttention,
    PositionalEncoding,
    attention,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
)
from ._cnn import CNN, ConvBlock, L2Pool, ResidualBlock, conv_output_size
from ._mlp import MLP, DenseBlock, make_activation
from ._rnn import RecurrentNetwork, RecurrentTagger
from ._seq2seq import RecurrentSeq2Seq, TransformerSeq2Seq, beam_search
from ._transformer import TransformerEncoderNetwork

__all__ = [
    "CNN",
    "AlignmentScore",
    "AttentionResult",
    "ConvBlock",
    "DecoderBlock",
    "DenseBlock",
    "EncoderBlock",
    "L2Pool",
    "MLP",
    "MultiHeadAttention",
    "PositionalEncoding",
    "RecurrentNetwork",
    "RecurrentSeq2Seq",
    "RecurrentTagger",
    "ResidualBlock",
    "TransformerEncoderNetwork",
    "TransformerSeq2Seq",
    "attention",
    "beam_search",
    "causal_mask",
    "conv_output_size",
    "make_activation",
    "padding_mask",
    "scaled_dot_product_attention",
    "sinusoidal_positions",
]
