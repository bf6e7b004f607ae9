"""The course notes' worked examples as small data sets."""

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_adaboost_rounds_example", "load_ml2_marks"]


def load_ml2_marks():
    """The six-student table of the gradient boosting example (notes l. 726).

    Returns
    -------
    data : Bunch
        ``data`` of shape (6, 4): attendance of lectures, attendance of labs,
        computer-science background (1 yes, 0 no) and the ML1 mark;
        ``target``: the ML2 mark; ``feature_names``.

    Examples
    --------
    >>> from ml2learn.datasets import load_ml2_marks
    >>> float(load_ml2_marks().target.mean())
    73.0
    """
    data = np.array(
        [
            [16, 10, 1, 85],
            [4, 4, 1, 60],
            [15, 6, 1, 85],
            [7, 8, 0, 45],
            [17, 10, 0, 90],
            [8, 7, 1, 68],
        ],
        dtype=np.float64,
    )
    target = np.array([90, 55, 84, 64, 78, 67], dtype=np.float64)
    names = ["lectures_attended", "labs_attended", "cs_background", "ml1_mark"]
    return Bunch(data=data, target=target, feature_names=names)


def load_adaboost_rounds_example():
    """The ten-sample, three-round AdaBoost example (notes l. 228-660).

    The notes show which samples each weak learner gets wrong: ``h_1``
    misclassifies samples 3, 4, 5; ``h_2`` samples 6, 7, 8; ``h_3`` three of
    the samples that were right twice (here 1, 2 and 9). Column ``t`` of
    ``data`` is ``h_t``'s vote on each sample, so a decision stump that picks
    the feature of lowest weighted error (ties to the lowest index) makes
    exactly the notes' mistakes.

    Returns
    -------
    data : Bunch
        ``data`` of shape (10, 3) with entries in {-1, +1}; ``target`` of
        shape (10,) in {-1, +1} (samples 1-5 positive).

    Examples
    --------
    >>> from ml2learn.datasets import load_adaboost_rounds_example
    >>> load_adaboost_rounds_example().data.shape
    (10, 3)
    """
    target = np.array([1, 1, 1, 1, 1, -1, -1, -1, -1, -1])
    mistakes = [(3, 4, 5), (6, 7, 8), (1, 2, 9)]
    data = np.tile(target[:, None], (1, 3)).astype(np.float64)
    for t, wrong in enumerate(mistakes):
        rows = np.array(wrong) - 1
        data[rows, t] = -target[rows]
    return Bunch(data=data, target=target, mistakes=mistakes)
