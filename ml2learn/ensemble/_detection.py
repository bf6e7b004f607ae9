"""Scanning a photograph for objects: an image pyramid, the window positions
of each level, and the merging of overlapping detections."""

import numpy as np
from scipy import ndimage

from ._integral import _as_image_stack

__all__ = ["box_iou", "image_pyramid", "non_max_suppression"]


def check_photograph(image, window_shape):
    """A finite 2-D grey-level image at least as large as the window."""
    array = np.asarray(image)
    if array.ndim != 2:
        hint = (
            " (convert colour with skimage.color.rgb2gray)" if array.ndim == 3 else ""
        )
        raise ValueError(
            f"image must be a 2-D grey-level array (H, W); got shape {array.shape}"
            f"{hint}."
        )
    image = _as_image_stack(array, "image")
    h, w = window_shape
    if image.shape[0] < h or image.shape[1] < w:
        raise ValueError(
            f"image of shape {image.shape} is smaller than the {h}x{w} detection "
            "window."
        )
    return image


def image_pyramid(image, window_shape, scale_factor, min_size=None, max_size=None):
    """The levels at which a fixed window finds objects of growing size.

    Level ``s`` is ``image`` shrunk by ``s = scale_factor ** k`` (blurred by a
    Gaussian of ``sigma = (s - 1) / 2`` first, against aliasing); a window
    there covers ``s`` times its size in ``image``.

    Parameters
    ----------
    image : ndarray of shape (H, W)
        The photograph.
    window_shape : (int, int)
        Height and width of the detection window.
    scale_factor : float
        Ratio of consecutive scales, > 1.
    min_size, max_size : (int, int) or int, default=None
        Smallest and largest object ``(height, width)`` to look for; None is
        the window itself and the whole image.

    Yields
    ------
    scale : float
        ``s``: image pixels per level pixel.
    level : ndarray
        The shrunk image.
    """
    h, w = window_shape
    low = _size(min_size, (h, w))
    high = _size(max_size, image.shape)
    scale = max(low[0] / h, low[1] / w, 1.0)
    while h * scale <= min(high[0], image.shape[0]) and w * scale <= min(
        high[1], image.shape[1]
    ):
        shape = (int(image.shape[0] / scale), int(image.shape[1] / scale))
        if scale == 1.0:
            level = image
        else:
            blurred = ndimage.gaussian_filter(image, (scale - 1) / 2, mode="nearest")
            level = ndimage.zoom(
                blurred,
                (shape[0] / image.shape[0], shape[1] / image.shape[1]),
                order=1,
                mode="nearest",
                grid_mode=True,
            )
        yield image.shape[0] / level.shape[0], level
        scale *= scale_factor


def _size(size, default):
    if size is None:
        return tuple(default)
    if np.isscalar(size):
        return (size, size)
    return tuple(size)


def box_iou(boxes, others):
    """Intersection over union of boxes ``(top, left, height, width)``.

    Parameters
    ----------
    boxes : array-like of shape (n, 4)
    others : array-like of shape (m, 4)

    Returns
    -------
    iou : ndarray of shape (n, m)
    """
    a = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(others, dtype=np.float64).reshape(-1, 4)
    top = np.maximum(a[:, None, 0], b[None, :, 0])
    left = np.maximum(a[:, None, 1], b[None, :, 1])
    bottom = np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None, :])
    right = np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None, :])
    inter = np.clip(bottom - top, 0, None) * np.clip(right - left, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def non_max_suppression(boxes, scores, overlap_threshold=0.3, min_neighbors=1):
    """Merge overlapping detections: keep the best-scored box of each group.

    Boxes are visited by decreasing score; each kept box suppresses the
    boxes that overlap it by more than ``overlap_threshold`` (intersection
    over union). A kept box must have been found at least ``min_neighbors``
    times (itself and the boxes it suppressed), which drops isolated false
    detections, as Viola and Jones's merging of overlapping detections does.

    Parameters
    ----------
    boxes : array-like of shape (n, 4)
        ``(top, left, height, width)``.
    scores : array-like of shape (n,)
        Higher is more confident.
    overlap_threshold : float, default=0.3
        IoU above which two boxes are one detection.
    min_neighbors : int, default=1
        Detections a kept box needs.

    Returns
    -------
    keep : ndarray of int
        Indices of the kept boxes, best first.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        group = (box_iou(boxes[i], boxes)[0] > overlap_threshold) & ~suppressed
        group[i] = True
        suppressed |= group
        if group.sum() >= min_neighbors:
            keep.append(i)
    return np.array(keep, dtype=np.intp)
