"""Input checks shared by ml2learn estimators."""

import os
from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import check_classification_targets as _sklearn_check
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "check_allocation",
    "check_classification_targets",
    "check_classification_targets_min2",
    "check_layer_sizes",
    "check_sample_weight",
]


def check_sample_weight(sample_weight, X, *, dtype=np.float64):
    """Validate ``sample_weight`` for a weighted fit.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        The weights; ``None`` means every sample weighs 1.
    X : array-like of shape (n_samples, n_features)
        The data the weights belong to.
    dtype : numpy dtype, default=np.float64
        Type of the returned array.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        Finite, non-negative weights with a positive sum.

    Raises
    ------
    ValueError
        When a weight is negative, NaN or infinite, when the length differs
        from the number of samples, or when every weight is zero.
    """
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=dtype, ensure_non_negative=True
    )
    if not np.all(np.isfinite(sample_weight)):
        raise ValueError("sample_weight must be finite; got NaN or infinity.")
    if sample_weight.sum() <= 0:
        raise ValueError(
            "sample_weight must have a positive sum; got all weights equal to zero."
        )
    return sample_weight


def _physical_memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on this platform
        return 8 * 2**30


def check_allocation(n_bytes, what):
    """Refuse, before allocating, what cannot fit: more than half of the
    machine's physical memory.

    Parameters
    ----------
    n_bytes : int
        What the allocation needs.
    what : str
        What it is and where its size comes from, for the message.

    Raises
    ------
    ValueError
        Naming the size, when it is more than half the physical memory.
    """
    limit = _physical_memory() // 2
    if n_bytes > limit:
        raise ValueError(
            f"{what} would need {n_bytes / 2**30:.1f} GiB, more than half of "
            f"this machine's memory ({2 * limit / 2**30:.1f} GiB)."
        )


def check_layer_sizes(sizes, name, *, allow_empty=False):
    """Layer widths as a tuple of positive integers.

    Parameters
    ----------
    sizes : int or sequence of int
        One width or one per layer.
    name : str
        The parameter's name, for the error message.
    allow_empty : bool, default=False
        Whether no layer at all is a valid choice.

    Returns
    -------
    sizes : tuple of int
        The widths.

    Raises
    ------
    ValueError
        When a width is not a positive integer, or when ``sizes`` is empty
        and may not be.
    """
    widths = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
    if not all(isinstance(s, Integral) and not isinstance(s, bool) for s in widths) or (
        any(s < 1 for s in widths)
    ):
        raise ValueError(f"{name} must hold positive integers; got {sizes!r}.")
    if not widths and not allow_empty:
        raise ValueError(f"{name} must hold at least one layer width; got {sizes!r}.")
    return tuple(int(s) for s in widths)


def check_classification_targets(y):
    """scikit-learn's check that ``y`` holds class labels, after a check
    that the labels do not mix strings with numbers (which scikit-learn
    reports as an unknown label type).

    Parameters
    ----------
    y : array-like
        Class labels.

    Raises
    ------
    ValueError
        When labels mix strings and other types, or are not class labels.
    """
    if hasattr(y, "dtype"):
        dense = not hasattr(y, "toarray")
        labels = np.asarray(y) if dense else None
    else:
        labels = np.asarray(y, dtype=object)
    if labels is not None and labels.dtype.kind == "O":
        flat = labels.ravel()
        is_text = np.array([isinstance(v, str) for v in flat], dtype=bool)
        if is_text.any() and not is_text.all():
            text, other = flat[is_text][0], flat[~is_text][0]
            raise ValueError(
                "y mixes strings and other values as class labels (for example "
                f"{text!r} and {other!r}); give every label the same type."
            )
    _sklearn_check(y)


def check_classification_targets_min2(classes):
    """Raise when fewer than two classes are present.

    Parameters
    ----------
    classes : ndarray
        The unique class labels seen in ``y``.

    Raises
    ------
    ValueError
        When ``classes`` holds a single label.
    """
    if len(classes) < 2:
        raise ValueError(
            "y must contain samples of at least 2 classes; got 1 class "
            f"({classes[0]!r})."
        )
