"""A convolutional network for 1-D signals or 2-D images.

``features`` is a stack of convolution blocks (plain or residual), each
followed by pooling; the head is global average pooling and one linear layer
(what CAM needs), or flatten and dense layers.
"""

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils import check_random_state
from torch import nn

from ._mlp import DenseBlock, make_activation

__all__ = [
    "CNN",
    "ConvBlock",
    "L2Pool",
    "RandomMultiscaleCNN",
    "ResidualBlock",
    "conv_output_size",
]


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Spatial size after a convolution: ``(W - F + 2P) / S + 1``.

    Parameters
    ----------
    size : int
        Input width ``W`` (or height).
    kernel_size : int
        Filter size ``F``.
    stride : int, default=1
        Stride ``S``.
    padding : int, default=0
        Zero-padding ``P`` on each side.

    Returns
    -------
    size : int
        Output width (rounded down, as the layers do).

    Examples
    --------
    >>> from ml2learn.neural.modules import conv_output_size
    >>> conv_output_size(32, kernel_size=5, stride=1, padding=2)
    32
    >>> conv_output_size(7, kernel_size=3, stride=2)
    3
    """
    return (size - kernel_size + 2 * padding) // stride + 1


def _layers(dims):
    conv = nn.Conv1d if dims == 1 else nn.Conv2d
    norm = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
    return conv, norm


class L2Pool(nn.Module):
    """L2-norm pooling: ``sqrt(sum of x^2)`` over every ``size``-wide window
    (Sermanet et al., 2012), windows cut at the edges as the other poolings
    are (``ceil_mode``)."""

    def __init__(self, size, dims):
        super().__init__()
        self.size = size
        self.dims = dims

    def forward(self, x):  # (B, C, L) or (B, C, H, W)
        squares = x * x if self.dims == 2 else (x * x).unsqueeze(-2)
        kernel = self.size if self.dims == 2 else (1, self.size)
        sums = F.avg_pool2d(squares, kernel, ceil_mode=True, divisor_override=1)
        # the epsilon keeps the gradient finite where a window is all zeros
        out = torch.sqrt(sums + 1e-12)
        return out if self.dims == 2 else out.squeeze(-2)


def _pool(pooling, dims, size=2):
    if pooling is None:
        return nn.Identity()
    if pooling == "l2":
        return L2Pool(size, dims)
    if pooling == "max":
        layer = nn.MaxPool1d if dims == 1 else nn.MaxPool2d
    else:
        layer = nn.AvgPool1d if dims == 1 else nn.AvgPool2d
    return layer(size, ceil_mode=True)


class ConvBlock(nn.Module):
    """``conv -> [batch norm] -> activation -> pooling -> [dropout]``."""

    def __init__(
        self,
        n_in,
        n_out,
        *,
        dims,
        kernel_size,
        stride,
        padding,
        pooling,
        batch_norm,
        dropout,
        activation,
        pool_size=2,
    ):
        super().__init__()
        conv, norm = _layers(dims)
        self.conv = conv(n_in, n_out, kernel_size, stride=stride, padding=padding)
        self.norm = norm(n_out) if batch_norm else nn.Identity()
        self.activation = make_activation(activation)
        self.pool = _pool(pooling, dims, pool_size)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        return self.dropout(self.pool(self.activation(self.norm(self.conv(x)))))


class ResidualBlock(nn.Module):
    """ResNet's basic block, ``relu(F(x) + shortcut(x))``, then pooling.

    ``F`` is conv-bn-relu-conv-bn; the shortcut is the identity, or a 1x1
    convolution when the number of channels or the stride changes (He et
    al., 2016).
    """

    def __init__(
        self,
        n_in,
        n_out,
        *,
        dims,
        kernel_size,
        stride,
        padding,
        pooling,
        batch_norm,
        dropout,
        activation,
        pool_size=2,
    ):
        super().__init__()
        conv, norm = _layers(dims)
        make_norm = (lambda: norm(n_out)) if batch_norm else nn.Identity
        self.conv1 = conv(n_in, n_out, kernel_size, stride=stride, padding=padding)
        self.norm1 = make_norm()
        self.activation = make_activation(activation)
        self.conv2 = conv(n_out, n_out, kernel_size, padding=padding)
        self.norm2 = make_norm()
        self.shortcut = (
            nn.Identity()
            if n_in == n_out and stride == 1
            else conv(n_in, n_out, 1, stride=stride)
        )
        self.out_activation = make_activation(activation)
        self.pool = _pool(pooling, dims, pool_size)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        residual = self.norm2(self.conv2(self.activation(self.norm1(self.conv1(x)))))
        x = self.out_activation(residual + self.shortcut(x))
        return self.dropout(self.pool(x))


class CNN(nn.Module):
    """Convolution blocks, then a global-average-pooling or dense head.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, L)`` for signals or ``(C, H, W)`` for images.
    n_outputs : int
        Outputs of the last linear layer.
    filters : sequence of int
        Channels of each convolution block.
    kernel_size, stride : int
        Of every convolution.
    padding : "same" or int
        ``"same"`` keeps the size (``kernel_size // 2`` on each side).
    pooling : {"max", "avg", "l2"} or None
        Down-sampling by ``pool_size`` after every stage (L2: ``sqrt(sum
        x^2)`` over the window).
    batch_norm : bool
        Batch normalisation after every convolution.
    dropout : float
        Dropout after every block and dense layer.
    residual : bool
        Residual blocks instead of plain ones.
    head : {"gap", "flatten"}
        ``"gap"``: global average pooling then the output layer (CAM works
        on it); ``"flatten"``: flatten, ``dense_layer_sizes`` then output.
    dense_layer_sizes : sequence of int
        Hidden dense layers of the flatten head.
    activation : str
        Activation of every block.
    convs_per_stage : int
        Convolutions of each stage's width (``filters`` entry) before its
        pooling: VGG's stages of several 3x3 convolutions.
    pool_size : int
        Window and stride of the pooling.
    """

    def __init__(
        self,
        input_shape,
        n_outputs,
        filters=(32, 64),
        kernel_size=3,
        stride=1,
        padding="same",
        pooling="max",
        batch_norm=True,
        dropout=0.0,
        residual=False,
        head="gap",
        dense_layer_sizes=(),
        activation="relu",
        convs_per_stage=1,
        pool_size=2,
    ):
        super().__init__()
        dims = len(input_shape) - 1
        pad = kernel_size // 2 if padding == "same" else padding
        block = ResidualBlock if residual else ConvBlock
        # one block per convolution; only the last of a stage pools
        widths = [f for f in filters for _ in range(convs_per_stage)]
        channels = [input_shape[0], *widths]
        self.features = nn.Sequential(
            *(
                block(
                    n_in,
                    n_out,
                    dims=dims,
                    kernel_size=kernel_size,
                    stride=stride,
                    padding=pad,
                    pooling=pooling if (i + 1) % convs_per_stage == 0 else None,
                    batch_norm=batch_norm,
                    dropout=dropout,
                    activation=activation,
                    pool_size=pool_size,
                )
                for i, (n_in, n_out) in enumerate(zip(channels[:-1], channels[1:]))
            )
        )
        self.head = head
        if head == "gap":
            self.dense = nn.Sequential()
            n_flat = channels[-1]
        else:
            self.features.eval()  # batch norm cannot train on one sample
            with torch.no_grad():
                n_flat = self.features(torch.zeros(1, *input_shape)).numel()
            self.features.train()
            widths = [n_flat, *dense_layer_sizes]
            self.dense = nn.Sequential(
                *(
                    DenseBlock(a, b, activation, dropout)
                    for a, b in zip(widths[:-1], widths[1:])
                )
            )
            n_flat = widths[-1]
        self.output = nn.Linear(n_flat, n_outputs)

    def forward(self, x):  # (B, C, H, W) or (B, C, L) -> (B, n_outputs)
        maps = self.features(x)  # (B, K, h, w)
        if self.head == "gap":
            pooled = maps.flatten(2).mean(dim=2)  # (B, K)
        else:
            pooled = self.dense(maps.flatten(1))
        return self.output(pooled)

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            *((f"features.{i}", b) for i, b in enumerate(self.features)),
            *((f"dense.{i}", b) for i, b in enumerate(self.dense)),
            ("output", self.output),
        ]


class RandomMultiscaleCNN(nn.Module):
    """One layer of fixed random filters at several scales, rectified.

    Ustyuzhaninov et al. (2017, "What does it take to generate natural
    textures?") showed that the Gram matrices of a single random layer with
    filters of many sizes synthesise textures close to those of a trained
    VGG (Gatys et al., 2015). Each scale is a convolution of
    ``n_filters`` filters of size ``k`` ("same" padding) and a ReLU, the
    module named ``"scale{k}"``; ``forward`` returns every scale's maps
    concatenated along the channels. Weights are drawn from a normal
    distribution, each filter centred (so it ignores the image's mean
    brightness) and scaled to unit norm; biases are zero. The weights are
    fixed: they never require gradients.

    Parameters
    ----------
    in_channels : int
        Channels of the images.
    kernel_sizes : sequence of int, default=(3, 5, 7, 11, 15, 23)
        Filter sizes, one layer each.
    n_filters : int, default=64
        Filters per scale.
    dims : {1, 2}, default=2
        2 for images, 1 for signals.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights.
    """

    def __init__(
        self,
        in_channels,
        kernel_sizes=(3, 5, 7, 11, 15, 23),
        n_filters=64,
        dims=2,
        random_state=None,
    ):
        super().__init__()
        rng = check_random_state(random_state)
        conv = nn.Conv1d if dims == 1 else nn.Conv2d
        self.kernel_sizes = tuple(kernel_sizes)
        for k in self.kernel_sizes:
            layer = conv(in_channels, n_filters, k, padding=k // 2)
            weight = rng.standard_normal(tuple(layer.weight.shape))
            weight -= (
                weight.reshape(n_filters, -1)
                .mean(axis=1)
                .reshape(-1, *[1] * (dims + 1))
            )
            weight /= np.linalg.norm(weight.reshape(n_filters, -1), axis=1).reshape(
                -1, *[1] * (dims + 1)
            )
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(weight))
                layer.bias.zero_()
            self.add_module(f"scale{k}", nn.Sequential(layer, nn.ReLU()))
        self.requires_grad_(False)
        self.eval()

    def layer_names(self):
        """The names of the scales' modules, smallest filters first."""
        return [f"scale{k}" for k in self.kernel_sizes]

    def forward(self, x):  # (B, C, H, W) -> (B, n_scales * n_filters, H, W)
        return torch.cat([getattr(self, name)(x) for name in self.layer_names()], dim=1)
