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
    recording_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)
from ._captioning import ImageCaptionNetwork
from ._cnn import (
    CNN,
    ConvBlock,
    L2Pool,
    RandomMultiscaleCNN,
    ResidualBlock,
    conv_output_size,
)
from ._decoding import beam_search_steps, top_k_filter, top_p_filter
from ._mlp import MLP, DenseBlock, make_activation
from ._rnn import RecurrentNetwork, RecurrentTagger, ResidualRecurrent
from ._seq2seq import (
    RecurrentDecoder,
    RecurrentSeq2Seq,
    TransformerSeq2Seq,
    beam_search,
)
from ._transformer import TransformerEncoderNetwork
from ._vit import PatchEmbedding, VisionTransformerNetwork, attention_rollout

__all__ = [
    "CNN",
    "AlignmentScore",
    "AttentionResult",
    "ConvBlock",
    "DecoderBlock",
    "DenseBlock",
    "EncoderBlock",
    "ImageCaptionNetwork",
    "L2Pool",
    "MLP",
    "MultiHeadAttention",
    "PatchEmbedding",
    "PositionalEncoding",
    "RecurrentNetwork",
    "RecurrentDecoder",
    "RecurrentSeq2Seq",
    "RecurrentTagger",
    "RandomMultiscaleCNN",
    "ResidualBlock",
    "ResidualRecurrent",
    "TransformerEncoderNetwork",
    "TransformerSeq2Seq",
    "VisionTransformerNetwork",
    "attention",
    "attention_rollout",
    "beam_search",
    "beam_search_steps",
    "causal_mask",
    "conv_output_size",
    "make_activation",
    "padding_mask",
    "recording_attention",
    "scaled_dot_product_attention",
    "sinusoidal_positions",
    "top_k_filter",
    "top_p_filter",
]
