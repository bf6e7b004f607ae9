"""Training-time data augmentation for images and signals (notes 3312-3385).

:class:`Augmenter` transforms a training batch; it is never applied to the
validation split or at prediction. Its options are those of the notes'
Keras ``ImageDataGenerator``: rotations, width and height shifts, shear,
zoom, horizontal flips and the fill mode of the pixels that come from
outside the image, plus integer pixel shifts and Gaussian noise.
"""

from numbers import Real

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["AUGMENTATIONS", "Augmenter"]

AUGMENTATIONS = (
    "shift",
    "flip",
    "rotation",
    "noise",
    "width_shift",
    "height_shift",
    "shear",
    "zoom",
    "fill_mode",
)
FILL_MODES = {"constant": "zeros", "nearest": "border", "reflect": "reflection"}


def _range(value, name):
    """``zoom`` as ``(low, high)``: a float ``z`` is ``(1 - z, 1 + z)``."""
    if isinstance(value, Real):
        low, high = 1.0 - value, 1.0 + value
    else:
        low, high = value
    if not 0 < low <= high:
        raise ValueError(
            f"augment['{name}'] must be a float in [0, 1) or a (low, high) pair "
            f"with 0 < low <= high; got {value!r}."
        )
    return float(low), float(high)


def check_augment(options):
    """Validate ``augment``; returns it as a dict."""
    unknown = set(options) - set(AUGMENTATIONS)
    if unknown:
        raise ValueError(
            f"augment takes the keys {AUGMENTATIONS}; got {sorted(unknown)}."
        )
    fill = options.get("fill_mode", "constant")
    if fill not in FILL_MODES:
        raise ValueError(
            f"augment['fill_mode'] must be one of {sorted(FILL_MODES)}; got {fill!r}."
        )
    for name in ("shift", "rotation", "noise", "width_shift", "height_shift", "shear"):
        value = options.get(name, 0)
        if not isinstance(value, Real) or value < 0:
            raise ValueError(
                f"augment['{name}'] must be a non-negative number; got {value!r}."
            )
    if "zoom" in options:
        _range(options["zoom"], "zoom")
    return dict(options)


class Augmenter:
    """Random affine transforms, flips, shifts and noise of a batch.

    Parameters
    ----------
    options : dict
        Any of

        - ``shift`` (int): largest shift in whole pixels along every axis,
          filled with zeros;
        - ``flip`` (bool): mirror the last axis with probability 1/2;
        - ``rotation`` (float): largest angle in degrees (images);
        - ``width_shift``, ``height_shift`` (float): largest horizontal and
          vertical shift, a fraction of the width (height) below 1, pixels
          from 1 on, as Keras reads them (images; ``width_shift`` also
          shifts 1-D signals);
        - ``shear`` (float): largest shear angle in degrees, counter-
          clockwise, as Keras' ``shear_range`` (images);
        - ``zoom`` (float or (low, high)): each axis is scaled by a factor
          drawn from ``[1 - zoom, 1 + zoom]`` (or ``[low, high]``); below 1
          zooms in, as in Keras (images);
        - ``fill_mode`` ({"constant", "nearest", "reflect"}): what fills the
          pixels that come from outside the image: zeros, the nearest edge
          pixel, or the image mirrored;
        - ``noise`` (float): standard deviation of added Gaussian noise.
    seed : int
        Seeds the random draws.

    Notes
    -----
    Rotation, shifts, shear and zoom make one affine map per image,
    ``T R S Z`` from the output's coordinates to the input's, sampled
    bilinearly (:func:`torch.nn.functional.grid_sample`) in coordinates
    normalised to ``[-1, 1]``.
    """

    def __init__(self, options, seed=0):
        self.options = check_augment(options)
        self.rng = np.random.RandomState(seed)

    def __call__(self, X):
        """Augment a batch of shape ``(B, C, L)`` or ``(B, C, H, W)``."""
        X = X.clone()
        shift = int(self.options.get("shift", 0))
        if shift > 0:
            X = self._shift(X, shift)
        if self.options.get("flip", False):
            flip = torch.from_numpy(self.rng.rand(len(X)) < 0.5)
            X[flip] = X[flip].flip(-1)
        if self._has_affine(X):
            X = self._affine(X)
        noise = float(self.options.get("noise", 0.0))
        if noise > 0:
            X = X + noise * torch.from_numpy(
                self.rng.standard_normal(X.shape).astype(np.float32)
            )
        return X

    def _has_affine(self, X):
        names = ("rotation", "width_shift", "height_shift", "shear")
        if X.ndim == 3:
            return float(self.options.get("width_shift", 0)) > 0
        return any(float(self.options.get(n, 0)) > 0 for n in names) or (
            "zoom" in self.options and _range(self.options["zoom"], "zoom") != (1, 1)
        )

    def _shift(self, X, shift):
        spatial = X.ndim - 2
        padded = F.pad(X, (shift, shift) * spatial)
        offsets = self.rng.randint(0, 2 * shift + 1, size=(len(X), spatial))
        size = X.shape[2:]
        out = torch.empty_like(X)
        for i, offset in enumerate(offsets):
            window = tuple(slice(o, o + n) for o, n in zip(offset, size))
            out[i] = padded[(i, slice(None), *window)]
        return out

    def _fraction(self, name, size):
        """A shift range in normalised units (2 is the whole axis)."""
        value = float(self.options.get(name, 0))
        pixels = value * size if value < 1 else value
        return 2.0 * pixels / size

    def _affine(self, X):
        n = len(X)
        signal = X.ndim == 3
        if signal:  # a signal is a one-row image
            X = X[:, :, None, :]
        height, width = X.shape[2:]
        theta = np.zeros((n, 2, 3))
        theta[:, 0, 0] = theta[:, 1, 1] = 1.0
        degrees = float(self.options.get("rotation", 0))
        if degrees > 0 and not signal:
            angles = np.deg2rad(self.rng.uniform(-degrees, degrees, size=n))
            cos, sin = np.cos(angles), np.sin(angles)
            rotation = np.stack([np.stack([cos, -sin], 1), np.stack([sin, cos], 1)], 1)
            theta[:, :, :2] = rotation
        shear = float(self.options.get("shear", 0))
        if shear > 0 and not signal:
            s = np.deg2rad(self.rng.uniform(-shear, shear, size=n))
            shears = np.zeros((n, 2, 2))
            shears[:, 0, 0], shears[:, 0, 1], shears[:, 1, 1] = (
                1.0,
                -np.sin(s),
                np.cos(s),
            )
            theta[:, :, :2] = theta[:, :, :2] @ shears
        if "zoom" in self.options and not signal:
            low, high = _range(self.options["zoom"], "zoom")
            zoom = self.rng.uniform(low, high, size=(n, 2))
            theta[:, :, :2] = theta[:, :, :2] * zoom[:, None, :]
        for axis, name, size in (
            (0, "width_shift", width),
            (1, "height_shift", height),
        ):
            limit = self._fraction(name, size)
            if limit > 0 and not (signal and axis == 1):
                theta[:, axis, 2] = self.rng.uniform(-limit, limit, size=n)
        grid = F.affine_grid(
            torch.from_numpy(theta.astype(np.float32)),
            list(X.shape),
            align_corners=False,
        )
        padding = FILL_MODES[self.options.get("fill_mode", "constant")]
        out = F.grid_sample(X, grid, align_corners=False, padding_mode=padding)
        return out[:, :, 0, :] if signal else out
