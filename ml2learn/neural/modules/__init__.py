"""Torch modules of ml2learn's neural estimators (no training code here)."""

from ._mlp import MLP, DenseBlock, make_activation

__all__ = ["MLP", "DenseBlock", "make_activation"]
