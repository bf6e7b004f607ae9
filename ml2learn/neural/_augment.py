"""Training-time data augmentation for images and signals (notes 3312-3385).

:class:`Augmenter` transforms a training batch; it is never applied to the
validation split or at prediction.
"""

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["AUGMENTATIONS", "Augmenter"]

AUGMENTATIONS = ("shift", "flip", "rotation", "noise")


class Augmenter:
    """Random shifts, horizontal flips, small rotations and Gaussian noise.

    Parameters
    ----------
    options : dict
        Any of ``shift`` (int: largest shift in pixels, filled with zeros),
        ``flip`` (bool: mirror the last axis with probability 1/2),
        ``rotation`` (float: largest angle in degrees, images only) and
        ``noise`` (float: standard deviation of added Gaussian noise).
    seed : int
        Seeds the random draws.
    """

    def __init__(self, options, seed=0):
        unknown = set(options) - set(AUGMENTATIONS)
        if unknown:
            raise ValueError(
                f"augment takes the keys {AUGMENTATIONS}; got {sorted(unknown)}."
            )
        self.options = dict(options)
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
        rotation = float(self.options.get("rotation", 0.0))
        if rotation > 0 and X.ndim == 4:
            X = self._rotate(X, rotation)
        noise = float(self.options.get("noise", 0.0))
        if noise > 0:
            X = X + noise * torch.from_numpy(
                self.rng.standard_normal(X.shape).astype(np.float32)
            )
        return X

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

    def _rotate(self, X, degrees):
        angles = np.deg2rad(self.rng.uniform(-degrees, degrees, size=len(X)))
        cos, sin = np.cos(angles), np.sin(angles)
        theta = np.zeros((len(X), 2, 3), dtype=np.float32)
        theta[:, 0, 0], theta[:, 0, 1] = cos, -sin
        theta[:, 1, 0], theta[:, 1, 1] = sin, cos
        grid = F.affine_grid(
            torch.from_numpy(theta), list(X.shape), align_corners=False
        )
        return F.grid_sample(X, grid, align_corners=False, padding_mode="zeros")
