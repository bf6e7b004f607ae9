"""Input checks shared by ml2learn estimators."""

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = ["check_sample_weight", "check_classification_targets_min2"]


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
