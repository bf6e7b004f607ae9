"""Model selection across domains: a splitter that splits every domain, and
scorers that score one domain of the test fold.

Both read ``sample_domain`` through scikit-learn's metadata routing, so that
``GridSearchCV(..., cv=DomainKFold(), scoring=target_scorer())`` picks
hyper-parameters on target performance. Routing must be on:
``sklearn.set_config(enable_metadata_routing=True)``.
"""

from numbers import Integral

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import BaseCrossValidator, KFold
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import MetadataRequest

from ._domains import UNLABELLED, check_sample_domain

__all__ = [
    "DomainKFold",
    "DomainScorer",
    "importance_weighted_scorer",
    "source_scorer",
    "target_scorer",
]

_ROUTING_HINT = (
    "pass sample_domain to fit and turn metadata routing on: "
    "sklearn.set_config(enable_metadata_routing=True)"
)


class DomainKFold(BaseCrossValidator):
    """K folds of every domain: test fold ``k`` holds the ``k``-th part of
    each domain's rows, so every fold has source and target rows (and a
    share of the labelled target rows).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (at least 2); every domain needs that many rows.
    shuffle : bool, default=False
        Shuffle each domain's rows before cutting them.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling.

    Notes
    -----
    The training part of a fold keeps the target rows' labels as they are in
    ``y``: an unsupervised method (:class:`DANNClassifier`) never reads them,
    a supervised one (:class:`TrAdaBoostClassifier`) learns from them. Mark
    target rows that must stay unlabelled with ``y = -1``.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.adaptation import DomainKFold
    >>> sample_domain = np.array([1, 1, 1, 1, -2, -2])
    >>> for train, test in DomainKFold(2).split(np.zeros((6, 1)), None,
    ...                                         sample_domain=sample_domain):
    ...     print(test.tolist())
    [0, 1, 4]
    [2, 3, 5]
    """

    __metadata_request__split = {"sample_domain": True}

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if not isinstance(n_splits, Integral) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2; got {n_splits!r}.")
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None, sample_domain=None):
        """The number of folds.

        Parameters
        ----------
        X, y, groups, sample_domain : object
            Ignored.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        return self.n_splits

    def split(self, X, y=None, groups=None, sample_domain=None):
        """Indices of the training and test rows of every fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            The data.
        y : array-like of shape (n_samples,), default=None
            Labels; a domain's labelled rows and its rows with ``y = -1``
            are spread over the folds separately.
        groups : None
            Ignored.
        sample_domain : array-like of shape (n_samples,), default=None
            Domain ids; None puts every row in one domain.

        Yields
        ------
        train, test : ndarray
            Row indices.
        """
        n = len(X)
        sample_domain = check_sample_domain(sample_domain, n)
        rng = check_random_state(self.random_state)
        unlabelled = np.zeros(n, dtype=bool)
        if y is not None and np.asarray(y).dtype.kind in "iuf":
            unlabelled = (sample_domain < 0) & (np.asarray(y) == UNLABELLED)
        folds = np.empty(n, dtype=np.int64)
        for domain in np.unique(sample_domain):
            in_domain = sample_domain == domain
            if in_domain.sum() < self.n_splits:
                raise ValueError(
                    f"Domain {domain} has {in_domain.sum()} rows, fewer than "
                    f"n_splits={self.n_splits}."
                )
            # labelled and unlabelled rows are spread over the folds apart;
            # a part smaller than n_splits continues the round robin
            offset = 0
            for part in (in_domain & ~unlabelled, in_domain & unlabelled):
                rows = np.flatnonzero(part)
                if self.shuffle:
                    rows = rng.permutation(rows)
                if len(rows) >= self.n_splits:
                    for k, (_, test) in enumerate(KFold(self.n_splits).split(rows)):
                        folds[rows[test]] = k
                else:
                    folds[rows] = (offset + np.arange(len(rows))) % self.n_splits
                offset += len(rows)
        for k in range(self.n_splits):
            yield np.flatnonzero(folds != k), np.flatnonzero(folds == k)


class DomainScorer:
    """Score the rows of one domain of a test fold.

    Parameters
    ----------
    metric : callable, default=accuracy_score
        ``metric(y_true, y_pred, sample_weight=None)``; greater is better.
    domain : {"target", "source"}, default="target"
        Which rows are scored: labelled target rows (``sample_domain < 0``,
        ``y != -1``) or source rows.
    weighting : {None, "importance"}, default=None
        ``"importance"`` weights source rows by ``p_T(x) / p_S(x)``,
        estimated by a logistic regression that tells the fold's target rows
        from its source rows (importance-weighted validation, Sugiyama et al.,
        2007): an estimate of the target score that needs no target label.
    response_method : str, default="predict"
        The estimator method whose output the metric reads.

    Examples
    --------
    >>> from ml2learn.adaptation import target_scorer
    >>> scorer = target_scorer()
    >>> scorer.domain
    'target'
    """

    def __init__(
        self,
        metric=accuracy_score,
        *,
        domain="target",
        weighting=None,
        response_method="predict",
    ):
        if domain not in ("target", "source"):
            raise ValueError(f"domain must be 'target' or 'source'; got {domain!r}.")
        if weighting not in (None, "importance"):
            raise ValueError(
                f"weighting must be None or 'importance'; got {weighting!r}."
            )
        self.metric = metric
        self.domain = domain
        self.weighting = weighting
        self.response_method = response_method

    def __call__(self, estimator, X, y_true, sample_domain=None):
        """The metric on the chosen domain's rows.

        Parameters
        ----------
        estimator : estimator
            Fitted.
        X : array-like of shape (n_samples, ...)
            The test fold.
        y_true : array-like of shape (n_samples,)
            Its labels (-1 for unlabelled rows).
        sample_domain : array-like of shape (n_samples,)
            Its domain ids.

        Returns
        -------
        score : float
            The metric.
        """
        if sample_domain is None:
            raise ValueError(
                f"{type(self).__name__} needs sample_domain; {_ROUTING_HINT}."
            )
        y_true = np.asarray(y_true)
        sample_domain = check_sample_domain(sample_domain, len(y_true))
        target = sample_domain < 0
        if self.domain == "target":
            rows = target & (y_true != UNLABELLED)
        else:
            rows = ~target
        if not rows.any():
            raise ValueError(
                f"The test fold has no labelled {self.domain} row to score."
            )
        weights = None
        if self.weighting == "importance":
            weights = _importance_weights(X, target, rows)
        X_rows = (
            X[rows] if hasattr(X, "shape") else [X[i] for i in np.flatnonzero(rows)]
        )
        predicted = getattr(estimator, self.response_method)(X_rows)
        return float(self.metric(y_true[rows], predicted, sample_weight=weights))

    def get_metadata_routing(self):
        """The metadata this scorer asks for: ``sample_domain``.

        Returns
        -------
        routing : MetadataRequest
            ``sample_domain`` requested for ``score``.
        """
        request = MetadataRequest(owner=type(self).__name__)
        request.score.add_request(param="sample_domain", alias=True)
        return request

    def __repr__(self):
        name = getattr(self.metric, "__name__", repr(self.metric))
        return (
            f"{type(self).__name__}({name}, domain={self.domain!r}, "
            f"weighting={self.weighting!r})"
        )


def _importance_weights(X, target, rows):
    """``p_T(x) / p_S(x)`` at the scored rows, from a domain classifier."""
    X = np.asarray(X, dtype=np.float64).reshape(len(target), -1)
    if target.all() or not target.any():
        raise ValueError(
            "Importance weighting needs source and target rows in the test fold."
        )
    classifier = LogisticRegression(max_iter=1000).fit(X, target.astype(int))
    p_target = classifier.predict_proba(X[rows])[:, 1]
    prior = target.mean()
    ratio = (p_target / (1 - p_target).clip(1e-12)) * (1 - prior) / prior
    return ratio / ratio.mean()


def target_scorer(metric=accuracy_score, response_method="predict"):
    """A scorer of the labelled target rows of each test fold.

    Parameters
    ----------
    metric : callable, default=accuracy_score
        ``metric(y_true, y_pred, sample_weight=None)``.
    response_method : str, default="predict"
        The estimator method the metric reads.

    Returns
    -------
    scorer : DomainScorer
        Requests ``sample_domain`` through metadata routing.
    """
    return DomainScorer(metric, domain="target", response_method=response_method)


def source_scorer(metric=accuracy_score, response_method="predict"):
    """A scorer of the source rows of each test fold (source validation: the
    simplest criterion when the target has no labels).

    Parameters
    ----------
    metric : callable, default=accuracy_score
        ``metric(y_true, y_pred, sample_weight=None)``.
    response_method : str, default="predict"
        The estimator method the metric reads.

    Returns
    -------
    scorer : DomainScorer
        Requests ``sample_domain`` through metadata routing.
    """
    return DomainScorer(metric, domain="source", response_method=response_method)


def importance_weighted_scorer(metric=accuracy_score, response_method="predict"):
    """Importance-weighted source validation: the source rows' score with
    weights ``p_T(x) / p_S(x)``, an estimate of the target score without
    target labels (Sugiyama, Krauledat and Mueller, JMLR 2007).

    Parameters
    ----------
    metric : callable, default=accuracy_score
        ``metric(y_true, y_pred, sample_weight=None)``.
    response_method : str, default="predict"
        The estimator method the metric reads.

    Returns
    -------
    scorer : DomainScorer
        Requests ``sample_domain`` through metadata routing.
    """
    return DomainScorer(
        metric, domain="source", weighting="importance", response_method=response_method
    )
