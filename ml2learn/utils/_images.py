"""How image estimators read their input: images ``(n, C, H, W)`` or
``(n, H, W)``, or flat rows reshaped by an ``image_shape`` parameter."""

from numbers import Integral

import numpy as np

__all__ = ["check_image_shape", "flatten_images"]


def flatten_images(X):
    """Images as flat rows, so that scikit-learn validates any input form.

    Parameters
    ----------
    X : array-like
        Images ``(n, ...)`` or rows (2-D arrays, lists, data frames).

    Returns
    -------
    rows : array-like
        ``X`` reshaped to ``(n, prod(shape))`` when it has more than two
        dimensions, else ``X`` itself.
    shape : tuple of int or None
        The per-sample shape to restore, None for 2-D input.
    """
    if hasattr(X, "ndim") and not hasattr(X, "columns") and X.ndim > 2:
        X = np.asarray(X)
        if len(X) == 0:
            raise ValueError(
                f"X holds 0 images (shape {X.shape}); at least one is needed."
            )
        return X.reshape(len(X), -1), X.shape[1:]
    return X, None


def check_image_shape(image_shape, n_features, name="image_shape", rows="X"):
    """``image_shape`` as ``(C, H, W)``, checked against the row width.

    Parameters
    ----------
    image_shape : tuple of int
        ``(H, W)`` (one channel) or ``(C, H, W)``.
    n_features : int
        Values per flat row.
    name : str, default="image_shape"
        The parameter's name, for the messages.
    rows : str, default="X"
        What holds the rows, for the messages.

    Returns
    -------
    shape : tuple of int
        ``(C, H, W)``.
    """
    shape = tuple(image_shape)
    if len(shape) == 2:
        shape = (1, *shape)
    if len(shape) != 3 or not all(isinstance(s, Integral) and s > 0 for s in shape):
        raise ValueError(
            f"{name} must be (H, W) or (C, H, W) of positive integers; "
            f"got {image_shape!r}."
        )
    if int(np.prod(shape)) != n_features:
        raise ValueError(
            f"{name}={image_shape!r} holds {int(np.prod(shape))} "
            f"values per sample but {rows} has {n_features} features."
        )
    return shape
