"""The images on either side of an image-to-image translation: how their
rows are read (the CNN estimators' layouts), the map of their pixel range
onto the networks' ``[-1, 1]`` (the generators end in Tanh), and the layout
translated images are given back in."""

from dataclasses import dataclass

import numpy as np

from ..utils._images import check_image_shape

__all__ = ["ImageDomain", "image_shape_of"]


def image_shape_of(n_features, given, image_shape, name, rows):
    """``(C, H, W)`` of the rows of one domain.

    Parameters
    ----------
    n_features : int
        Values per flat row.
    given : tuple of int or None
        The per-sample shape of 3-D or 4-D input, None for flat rows.
    image_shape : tuple of int or None
        The estimator's parameter for flat rows.
    name, rows : str
        The parameter's name and what holds the rows, for the messages.

    Returns
    -------
    shape : tuple of int
        ``given`` (``(H, W)`` read as one channel), else ``image_shape``,
        else ``(n_features, 1, 1)``: a flat row is one pixel whose channels
        are the features.
    """
    if given is not None:
        return tuple(given) if len(given) == 3 else (1, *given)
    if image_shape is not None:
        return check_image_shape(image_shape, n_features, name, rows)
    return (n_features, 1, 1)


@dataclass
class ImageDomain:
    """One side of a translation.

    Attributes
    ----------
    shape : tuple of int
        ``(C, H, W)``.
    ndim : int
        Dimensions of the array the images came in (1: one value per row,
        2: flat rows, 3: ``(n, H, W)``, 4: ``(n, C, H, W)``); translated
        images are given back in that layout.
    low, high : float
        The training pixels' range, mapped to ``[-1, 1]``.
    """

    shape: tuple
    ndim: int
    low: float
    high: float

    @classmethod
    def from_rows(cls, rows, shape, ndim):
        """The domain of validated rows ``(n, prod(shape))``."""
        return cls(
            tuple(int(s) for s in shape), ndim, float(rows.min()), float(rows.max())
        )

    def _span(self):
        return self.high - self.low if self.high > self.low else 1.0

    def scale(self, rows):
        """Rows as float32 images ``(n, C, H, W)`` in the networks' scale."""
        images = 2.0 * (np.asarray(rows, np.float64) - self.low) / self._span() - 1.0
        return images.reshape(len(images), *self.shape).astype(np.float32)

    def unscale(self, images):
        """Network outputs ``(n, C, H, W)`` back to the pixel range and the
        domain's layout."""
        images = (np.asarray(images, np.float64) + 1.0) / 2.0 * self._span() + self.low
        if self.ndim == 4:
            return images
        if self.ndim == 3:
            return images[:, 0]
        if self.ndim == 1:
            return images.reshape(len(images))
        return images.reshape(len(images), -1)
