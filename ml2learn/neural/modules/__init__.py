"""Torch modules of ml2learn's neural estimators (no training code here)."""

from ._cnn import CNN, ConvBlock, ResidualBlock, conv_output_size
from ._mlp import MLP, DenseBlock, make_activation

__all__ = [
    "CNN",
    "ConvBlock",
    "DenseBlock",
    "MLP",
    "ResidualBlock",
    "conv_output_size",
    "make_activation",
]
