"""Receptive fields and the maximally activating patches of a unit (notes,
lines 5426-5477; Girshick et al., 2014; Zeiler and Fergus, 2014).

A unit at position ``i`` of a layer sees the input pixels
``[i J - P, i J - P + R - 1]`` along each axis. Starting from ``R = 1,
J = 1, P = 0`` at the input, a convolution or pooling of kernel ``k``,
stride ``s``, padding ``p`` and dilation ``d`` on top gives ``R <- R + d (k -
1) J``, ``J <- s J``, ``P <- P + p J``. Pointwise layers (batch norm,
activations, dropout) change nothing; a residual block sees the union of its
two paths.
"""

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.utils import Bunch
from torch import nn

from ..neural.modules import L2Pool, ResidualBlock
from ._cnn_maps import _displayable, _pyplot
from ._network import _forward_with, _inputs, _layer, _module

__all__ = ["plot_patches", "receptive_field", "top_activating_patches"]

_POINTWISE = (
    nn.BatchNorm1d,
    nn.BatchNorm2d,
    nn.Dropout,
    nn.Identity,
    nn.ReLU,
    nn.LeakyReLU,
    nn.Tanh,
    nn.Sigmoid,
    nn.GELU,
    nn.ELU,
)
_SLIDING = (
    nn.Conv1d,
    nn.Conv2d,
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool1d,
    nn.AvgPool2d,
)


@dataclass(frozen=True)
class _Field:
    """``size`` R, ``jump`` J and ``offset`` P along each spatial axis."""

    size: tuple
    jump: tuple
    offset: tuple

    @classmethod
    def identity(cls, dims):
        return cls((1,) * dims, (1,) * dims, (0,) * dims)

    def then(self, kernel, stride, padding, dilation):
        """The field after a sliding window on top of this one."""
        return _Field(
            tuple(
                r + d * (k - 1) * j
                for r, d, k, j in zip(self.size, dilation, kernel, self.jump)
            ),
            tuple(s * j for s, j in zip(stride, self.jump)),
            tuple(o + p * j for o, p, j in zip(self.offset, padding, self.jump)),
        )

    def union(self, other):
        """The smallest field holding both (the two paths of a residual block)."""
        if self.jump != other.jump:
            raise ValueError("the paths of a block have different strides.")
        offset = tuple(map(max, self.offset, other.offset))
        size = tuple(
            max(r1 - o1, r2 - o2) + o
            for r1, o1, r2, o2, o in zip(
                self.size, self.offset, other.size, other.offset, offset
            )
        )
        return _Field(size, self.jump, offset)


def _as_tuple(value, dims):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


def _window(layer, dims):
    """``(kernel, stride, padding, dilation)`` of a sliding-window layer."""
    if isinstance(layer, L2Pool):
        return (
            _as_tuple(layer.size, dims),
            _as_tuple(layer.size, dims),
            (0,) * dims,
            (1,) * dims,
        )
    kernel = _as_tuple(layer.kernel_size, dims)
    stride = _as_tuple(layer.stride if layer.stride is not None else kernel, dims)
    dilation = _as_tuple(getattr(layer, "dilation", 1), dims)
    padding = layer.padding
    if padding == "same":
        padding = tuple(d * (k - 1) // 2 for d, k in zip(dilation, kernel))
    return kernel, stride, _as_tuple(padding, dims), dilation


def _through(field, layer, dims, stop=None):
    """The field after ``layer``; with ``stop``, after its child of that name."""
    if isinstance(layer, _POINTWISE):
        return field
    if isinstance(layer, (*_SLIDING, L2Pool)):
        return field.then(*_window(layer, dims))
    if isinstance(layer, ResidualBlock):
        return _through_residual(field, layer, dims, stop)
    children = list(layer.named_children())
    if not children:
        raise ValueError(
            f"cannot tell the receptive field of a {type(layer).__name__} layer; "
            "its units may see the whole input."
        )
    head, _, rest = (stop or "").partition(".")
    for name, child in children:
        if stop is not None and name == head:
            return _through(field, child, dims, rest or None)
        field = _through(field, child, dims)
    return field


def _through_residual(field, block, dims, stop):
    main = _through(field, block.conv1, dims)
    if stop in {"conv1", "norm1", "activation"}:
        return main
    main = _through(main, block.conv2, dims)
    if stop in {"conv2", "norm2"}:
        return main
    shortcut = _through(field, block.shortcut, dims)
    if stop == "shortcut":
        return shortcut
    merged = main.union(shortcut)
    if stop == "out_activation":
        return merged
    return _through(merged, block.pool, dims)


def _field_of(module, layer, dims):
    _layer(module, layer)  # a clear error for a name that does not exist
    name = "features" if layer is None else layer
    head, _, rest = name.partition(".")
    if head != "features":
        raise ValueError(
            f"layer {layer!r} is not convolutional: its units see the whole input; "
            "choose a layer under 'features'."
        )
    return _through(_Field.identity(dims), module.features, dims, rest or None)


def receptive_field(estimator, layer=None):
    """The input region each unit of a convolutional layer sees.

    Computed from the kernels, strides, paddings and dilations of the layers
    up to ``layer``: unit ``i`` along an axis sees the input pixels
    ``i * jump - offset`` to ``i * jump - offset + size - 1`` (before
    clipping to the image).

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    layer : str, default=None
        A module name under ``features`` such as ``"features.1"`` or
        ``"features.1.conv"``; ``None`` is the last feature map.

    Returns
    -------
    field : Bunch
        ``size``, ``jump`` and ``offset``, tuples with one entry per spatial
        axis.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from ml2learn.inspection import receptive_field
    >>> from ml2learn.neural import CNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> cnn = CNNClassifier((4, 4), image_shape=(8, 8), max_epochs=1).fit(X, y)
    >>> receptive_field(cnn, "features.1").size  # 3x3, pool 2, 3x3, pool 2
    (10, 10)
    """
    module = _module(estimator)
    field = _field_of(module, layer, len(estimator.input_shape_) - 1)
    return Bunch(size=field.size, jump=field.jump, offset=field.offset)


def _crop(image, box, size, fill_value):
    """The ``box`` of ``image`` (C, *spatial), placed in a ``size`` canvas."""
    canvas = np.full((image.shape[0], *size), fill_value, dtype=image.dtype)
    inside = tuple(
        slice(max(lo, 0), min(hi, n)) for (lo, hi), n in zip(box, image.shape[1:])
    )
    placed = tuple(slice(s.start - lo, s.stop - lo) for s, (lo, _) in zip(inside, box))
    canvas[(slice(None), *placed)] = image[(slice(None), *inside)]
    return canvas


def top_activating_patches(estimator, X, layer, unit, k=9, fill_value=0.0):
    """The ``k`` input patches that excite one channel the most.

    Each sample's strongest response of channel ``unit`` of ``layer`` is
    found, the ``k`` samples with the largest ones are kept (one patch per
    sample, so the grid does not repeat one image), and the patch is the
    receptive field of that unit (:func:`receptive_field`): the only pixels
    the activation depends on.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    layer : str
        A module name under ``features``, e.g. ``"features.1"``.
    unit : int
        The channel of that layer.
    k : int, default=9
        Number of patches (at most the number of samples).
    fill_value : float, default=0.0
        Value of the parts of a patch that lie outside the image (the zero
        padding the first convolution sees).

    Returns
    -------
    result : Bunch
        ``patches``, array of shape ``(k, C, *field size)``; ``boxes``, the
        ``(start, stop)`` pixel range of each patch along each axis (before
        clipping to the image), shape ``(k, dims, 2)``; ``sample_indices``,
        the rows of ``X``; ``positions``, the unit's position in the layer's
        map, shape ``(k, dims)``; ``activations``, the responses, largest
        first.
    """
    module = _module(estimator)
    inputs = _inputs(estimator, X)
    dims = inputs.ndim - 2
    field = _field_of(module, layer, dims)
    with torch.no_grad():
        _, maps = _forward_with(module, inputs, layer)
    n_channels = maps.shape[1]
    if not 0 <= unit < n_channels:
        raise ValueError(
            f"unit must be a channel of layer {layer!r}, in [0, {n_channels - 1}]; "
            f"got {unit}."
        )
    if k < 1:
        raise ValueError(f"k must be a positive number of patches; got {k}.")
    responses = maps[:, unit].flatten(1)
    best, where = responses.max(dim=1)
    order = torch.argsort(best, descending=True, stable=True)[:k].numpy()
    positions = np.stack(np.unravel_index(where.numpy()[order], maps.shape[2:]), axis=1)
    starts = positions * np.array(field.jump) - np.array(field.offset)
    boxes = np.stack([starts, starts + np.array(field.size)], axis=2)
    images = inputs.numpy()
    patches = np.stack(
        [_crop(images[i], box, field.size, fill_value) for i, box in zip(order, boxes)]
    )
    return Bunch(
        patches=patches,
        boxes=boxes,
        sample_indices=order,
        positions=positions,
        activations=best.numpy()[order],
    )


def plot_patches(patches, n_columns=3, axes=None, cmap="gray"):
    """Draw patches in a grid, the usual picture of what a unit responds to.

    Parameters
    ----------
    patches : array-like of shape (k, C, h, w) or (k, h, w), or the Bunch \
            of :func:`top_activating_patches`
        The patches; of several channels, three are shown as RGB and other
        counts by their first channel.
    n_columns : int, default=3
        Patches per row.
    axes : array of matplotlib Axes, default=None
        At least ``k`` axes to draw on; ``None`` makes a new figure.
    cmap : str, default="gray"
        Colour map of single-channel patches.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The axes drawn on, one per patch.
    """
    plt = _pyplot("plot_patches")
    if isinstance(patches, Bunch):
        patches = patches.patches
    images = _displayable(np.asarray(patches))
    n = len(images)
    if axes is None:
        n_rows = -(-n // n_columns)
        _, axes = plt.subplots(
            n_rows, n_columns, figsize=(1.2 * n_columns, 1.2 * n_rows), squeeze=False
        )
    axes = np.ravel(axes)
    for ax in axes:
        ax.axis("off")
    for ax, image in zip(axes, images):
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
    return axes[:n]
