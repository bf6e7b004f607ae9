"""Integral images (summed-area tables), Viola and Jones (2001), section 2.1.

The integral image at ``(r, c)`` holds the sum of the pixels above and to
the left, inclusive::

    ii(r, c) = sum_{r' <= r, c' <= c} i(r', c')

so the sum over any rectangle takes four look-ups, whatever its size. The
padded form used internally has an extra row and column of zeros in front,
``P[r + 1, c + 1] = ii(r, c)``, which removes the edge cases::

    sum_{top <= r <= bottom, left <= c <= right} i(r, c)
        = P[bottom + 1, right + 1] - P[top, right + 1]
          - P[bottom + 1, left] + P[top, left]
"""

import numpy as np

__all__ = ["integral_image", "rectangle_sum"]


def _as_image_stack(images, name="images"):
    """Finite float64 images of shape ``(..., H, W)`` (one image or a stack)."""
    if isinstance(images, np.ndarray) and images.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got an array of dtype {images.dtype}."
        )
    images = np.asarray(images, dtype=np.float64)
    if images.ndim not in (2, 3):
        raise ValueError(
            f"{name} must be one image (H, W) or a stack (n, H, W); got an array "
            f"of shape {images.shape}."
        )
    if 0 in images.shape[-2:]:
        raise ValueError(f"{name} must have at least one row and one column.")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} holds NaN or infinite values.")
    return images


def integral_image(images):
    """The integral image (summed-area table) of one image or of a stack.

    Parameters
    ----------
    images : array-like of shape (H, W) or (n, H, W)
        Grey-level images.

    Returns
    -------
    integral : ndarray of the same shape, float64
        ``integral[..., r, c]`` is the sum of ``images[..., :r + 1, :c + 1]``
        (as :func:`skimage.transform.integral_image`).

    References
    ----------
    .. [1] P. Viola and M. Jones, "Rapid object detection using a boosted
       cascade of simple features", CVPR 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.ensemble import integral_image
    >>> integral_image(np.ones((3, 4)))
    array([[ 1.,  2.,  3.,  4.],
           [ 2.,  4.,  6.,  8.],
           [ 3.,  6.,  9., 12.]])
    """
    images = _as_image_stack(images)
    return images.cumsum(axis=-1).cumsum(axis=-2)


def padded_integral_image(images):
    """The integral image with a row and a column of zeros in front,
    ``(..., H + 1, W + 1)``; ``images`` must be validated already."""
    padded = np.zeros(images.shape[:-2] + (images.shape[-2] + 1, images.shape[-1] + 1))
    padded[..., 1:, 1:] = images.cumsum(axis=-1).cumsum(axis=-2)
    return padded


def rectangle_sum(integral, top, left, bottom, right):
    """Sums of pixels over rectangles, from four look-ups each.

    Parameters
    ----------
    integral : array-like of shape (H, W) or (n, H, W)
        Integral images, as :func:`integral_image` returns them.
    top, left, bottom, right : int or array-like of int
        Inclusive rows ``top .. bottom`` and columns ``left .. right`` of each
        rectangle; arrays broadcast against each other.

    Returns
    -------
    sums : ndarray
        Shape of the broadcast corners, after the leading ``n`` for a stack.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.ensemble import integral_image, rectangle_sum
    >>> image = np.arange(12.0).reshape(3, 4)
    >>> float(rectangle_sum(integral_image(image), 1, 1, 2, 2))
    30.0
    >>> float(image[1:3, 1:3].sum())
    30.0
    """
    integral = _as_image_stack(integral, "integral")
    H, W = integral.shape[-2:]
    corners = np.broadcast_arrays(*(np.asarray(v) for v in (top, left, bottom, right)))
    if any(c.dtype.kind not in "iu" for c in corners):
        raise TypeError("top, left, bottom and right must be integers.")
    top, left, bottom, right = corners
    if np.any(top < 0) or np.any(left < 0) or np.any(bottom >= H) or np.any(right >= W):
        raise ValueError(
            f"rectangles must lie inside the {H}x{W} image: 0 <= top, 0 <= left, "
            f"bottom < {H}, right < {W}."
        )
    if np.any(top > bottom) or np.any(left > right):
        raise ValueError("rectangles need top <= bottom and left <= right.")
    padded = np.zeros(integral.shape[:-2] + (H + 1, W + 1))
    padded[..., 1:, 1:] = integral
    return box_sum(padded, top, left, bottom - top + 1, right - left + 1)


def box_sum(padded, top, left, height, width):
    """Sums over boxes from a padded integral image, four look-ups each."""
    return (
        padded[..., top + height, left + width]
        - padded[..., top, left + width]
        - padded[..., top + height, left]
        + padded[..., top, left]
    )
