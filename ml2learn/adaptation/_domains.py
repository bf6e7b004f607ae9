"""The domain convention of scikit-adaptation (skada): one ``X`` for every
domain and a ``sample_domain`` array beside it, positive ids for source
rows, negative ids for target rows; unlabelled rows have ``y = -1``."""

import numpy as np
from sklearn.utils.validation import check_array, check_consistent_length

__all__ = ["check_sample_domain", "pack_domains", "UNLABELLED"]

UNLABELLED = -1


def pack_domains(X_source, y_source, X_target, y_target=None):
    """Stack a source and a target domain into ``X, y, sample_domain``.

    Parameters
    ----------
    X_source : array-like of shape (n_source, ...)
        Source rows.
    y_source : array-like of shape (n_source,)
        Source labels.
    X_target : array-like of shape (n_target, ...)
        Target rows.
    y_target : array-like of shape (n_target,), default=None
        Target labels when known; None marks every target row unlabelled
        (``y = -1``, skada's convention, which needs numeric labels: encode
        string classes with :class:`sklearn.preprocessing.LabelEncoder`
        first).

    Returns
    -------
    X : ndarray of shape (n_source + n_target, ...)
        Source rows, then target rows.
    y : ndarray of shape (n_source + n_target,)
        Their labels (-1 for unlabelled target rows).
    sample_domain : ndarray of shape (n_source + n_target,)
        1 for source rows, -2 for target rows.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.adaptation import pack_domains
    >>> X, y, sample_domain = pack_domains(np.zeros((2, 3)), [0, 1], np.ones((1, 3)))
    >>> y.tolist(), sample_domain.tolist()
    ([0, 1, -1], [1, 1, -2])
    """
    for name, rows in (("X_source", X_source), ("X_target", X_target)):
        if len(rows) == 0:
            raise ValueError(f"{name} has no rows; each domain needs at least one.")
    X_source = check_array(X_source, allow_nd=True, dtype=None)
    X_target = check_array(X_target, allow_nd=True, dtype=None)
    y_source = np.asarray(y_source)
    check_consistent_length(X_source, y_source)
    if X_source.shape[1:] != X_target.shape[1:]:
        raise ValueError(
            f"X_source rows have shape {X_source.shape[1:]} and X_target rows "
            f"{X_target.shape[1:]}; they must match."
        )
    if y_target is None:
        if y_source.dtype.kind not in "iuf":
            raise ValueError(
                "pack_domains marks unlabelled target rows with y = -1, which "
                f"labels of dtype {y_source.dtype} cannot hold; encode the classes "
                "as integers first (sklearn.preprocessing.LabelEncoder) or give "
                "y_target."
            )
        y_target = np.full(len(X_target), UNLABELLED, dtype=y_source.dtype)
    else:
        y_target = np.asarray(y_target)
        check_consistent_length(X_target, y_target)
    X = np.concatenate([X_source, X_target])
    y = np.concatenate([y_source, y_target])
    sample_domain = np.concatenate(
        [np.ones(len(X_source), dtype=np.int64), np.full(len(X_target), -2)]
    )
    return X, y, sample_domain


def check_sample_domain(sample_domain, n_samples, y=None, classification=False):
    """Validate ``sample_domain``; None means every row is source.

    Parameters
    ----------
    sample_domain : array-like of shape (n_samples,) or None
        Non-zero integer domain ids: positive source, negative target.
    n_samples : int
        Rows of ``X``.
    y : array-like of shape (n_samples,), default=None
        The labels, for a classifier (``classification=True``): with
        ``sample_domain=None``, labels numbered from 0 must not also hold
        the ``-1`` of unlabelled target rows, which would otherwise be
        learned as a class (``{-1, +1}`` labels are a real binary task and
        pass).
    classification : bool, default=False
        Whether ``y`` holds class labels.

    Returns
    -------
    sample_domain : ndarray of shape (n_samples,)
        Integer ids.
    """
    if sample_domain is None:
        if classification and y is not None:
            labels = np.asarray(y)
            # pack_domains' pattern: classes numbered from 0, and -1 beside
            # them; labels such as {-1, +1} are a real binary task
            if (
                labels.dtype.kind in "iuf"
                and np.any(labels == UNLABELLED)
                and np.any(labels == 0)
            ):
                raise ValueError(
                    "y holds -1, the mark of unlabelled target rows (as "
                    "pack_domains writes it), but sample_domain is None, so every "
                    "row would be a labelled source row and -1 a class. Pass the "
                    "sample_domain that pack_domains returned, or recode a class "
                    "that really is -1."
                )
        return np.ones(n_samples, dtype=np.int64)
    sample_domain = np.asarray(sample_domain)
    if sample_domain.ndim != 1 or len(sample_domain) != n_samples:
        raise ValueError(
            f"sample_domain must have one id per row of X: shape "
            f"{sample_domain.shape} for {n_samples} rows."
        )
    if not np.issubdtype(sample_domain.dtype, np.integer):
        if sample_domain.dtype.kind not in "fb" or not np.all(
            np.mod(sample_domain, 1) == 0
        ):
            raise TypeError(
                "sample_domain must hold integer domain ids (positive for source, "
                f"negative for target); got dtype {sample_domain.dtype}."
            )
        sample_domain = sample_domain.astype(np.int64)
    if np.any(sample_domain == 0):
        raise ValueError(
            "sample_domain ids must be non-zero: positive for source rows, "
            "negative for target rows."
        )
    return sample_domain
