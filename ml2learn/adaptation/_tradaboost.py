"""TrAdaBoost (Dai, Yang, Xue and Yu, ICML 2007): boosting that learns from
a large source domain and a small labelled target domain, fading the source
rows the weak learners keep getting wrong (notes, lines 8739-8900)."""

import math
from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ..ensemble import AdaBoostClassifier
from ..ensemble._base import BoostRound
from ..utils._param_validation import HasMethods, Interval, _fit_context
from ..utils.validation import check_classification_targets_min2, check_sample_weight
from ._domains import UNLABELLED, check_sample_domain

__all__ = ["TrAdaBoostClassifier"]


def _split_labelled(y, target):
    """Rows to learn from: every source row and the labelled target rows."""
    if not target.any():
        return np.ones(len(y), dtype=bool)
    y = np.asarray(y)
    unlabelled = np.zeros(len(y), dtype=bool)
    if y.dtype.kind in "iuf":
        unlabelled = target & (y == UNLABELLED)
        if np.any(y[~target] == UNLABELLED):
            raise ValueError(
                "y = -1 marks unlabelled target rows, but source rows have the "
                "label -1; recode the classes (e.g. to 0 and 1)."
            )
    return ~unlabelled


class TrAdaBoostClassifier(AdaBoostClassifier):
    """TrAdaBoost: boosting with a source domain and a small labelled target.

    Every round fits the weak learner on all rows with the current weights,
    measures its error on the target rows only,

    ``eps_t = sum_{target} w_i [h_t(x_i) != y_i] / sum_{target} w_i``,

    raises the weights of the target rows it gets wrong, ``w_i <- w_i
    beta_t^{-1}`` with ``beta_t = eps_t / (1 - eps_t)``, and lowers those of
    the source rows it gets wrong, ``w_i <- w_i beta`` with the fixed ``beta
    = 1 / (1 + sqrt(2 ln n / N))`` (``n`` source rows, ``N`` rounds): source
    rows unlike the target fade. The prediction is the vote of the second
    half of the rounds, ``t >= ceil(N / 2)``, each with weight ``alpha_t =
    ln((1 - eps_t) / eps_t)``.

    Rows come as one ``X`` with ``sample_domain`` (positive ids source,
    negative target; see :func:`pack_domains`). Without target rows there is
    nothing to transfer and every row counts as target: the rounds are then
    AdaBoost's (SAMME's) and the vote is that of the second half.

    Parameters
    ----------
    estimator : estimator, default=None
        The weak learner (with ``sample_weight`` in ``fit``, or fitted on a
        weighted bootstrap); None is a :class:`~ml2learn.ensemble.DecisionStump`.
    n_estimators : int, default=50
        ``N``, the number of rounds.
    random_state : int, RandomState instance or None, default=None
        Seeds the weak learners and bootstraps.

    Attributes
    ----------
    estimators_ : list of estimators
        The weak learners of every round.
    estimator_weights_ : ndarray of shape (n_estimators,)
        ``alpha_t`` (0 for a learner no better than chance on the target).
    estimator_errors_ : ndarray of shape (n_estimators,)
        ``eps_t``, measured on the target rows.
    beta_ : ndarray of shape (n_estimators,)
        ``beta_t = eps_t / (1 - eps_t)`` (with the SAMME factor for more than
        two classes), the target rows' factor.
    source_beta_ : float
        ``beta``, the source rows' factor (nan without source rows).
    sample_weight_history_ : ndarray of shape (n_estimators + 1, n_rows)
        The normalised weights before every round and after the last, over
        the rows trained on (source rows first as in ``X``).
    first_voting_round_ : int
        Index of the first learner in the vote (``ceil(N / 2) - 1``).
    n_source_, n_target_ : int
        Source and labelled target rows used.
    n_unlabelled_ : int
        Target rows with ``y = -1``: TrAdaBoost cannot use them.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    normalizers_ : ndarray of shape (n_estimators,)
        Sum of the weights after each update, before normalisation.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    ml2learn.ensemble.AdaBoostClassifier : The single-domain algorithm.
    DANNClassifier : Adaptation without target labels.

    Notes
    -----
    The notes write the source update as ``w_i <- w_i exp(-alpha L_i)`` with
    ``alpha = 1 / (1 + sqrt(2 ln n / N))``; the paper (followed here)
    multiplies by ``beta^{L_i}`` with that same number as ``beta``, a
    gentler decay (0.5 ** L in the notes' form is ``exp(-0.5)`` per mistake,
    in the paper's 0.5). The notes normalise ``eps_t`` by the sum of all
    weights; the paper, followed here, by the target rows' sum.

    Edge cases, without NaN: ``eps_t = 0`` gets a smoothed vote ``ln((1 - eps
    + s) / (eps + s))`` with ``s = 1 / n_target`` (Schapire and Singer);
    ``eps_t >= 1 - 1/K`` gets no vote and leaves the target weights as they
    are (the source update still applies), as implementations since Pardoe
    and Stone (2010) cap ``eps_t`` at 1/2. More than two classes use SAMME's
    ``alpha_t = ln((1 - eps_t) / eps_t) + ln(K - 1)`` and target update
    ``exp(alpha_t [h_t(x_i) != y_i])``; for two classes this is the paper's
    algorithm. The final vote of two classes is the paper's: class 1 when
    ``sum alpha_t h_t(x) >= 1/2 sum alpha_t``.

    References
    ----------
    .. [1] W. Dai, Q. Yang, G.-R. Xue and Y. Yu, "Boosting for transfer
       learning", ICML 2007.
    .. [2] D. Pardoe and P. Stone, "Boosting for regression transfer", ICML
       2010.

    Examples
    --------
    >>> from ml2learn.adaptation import TrAdaBoostClassifier, pack_domains
    >>> from ml2learn.datasets import make_domain_shift
    >>> data = make_domain_shift("tabular", n_samples=200, random_state=0)
    >>> X, y, sample_domain = pack_domains(data.X_source, data.y_source,
    ...                                    data.X_target[:20], data.y_target[:20])
    >>> clf = TrAdaBoostClassifier(n_estimators=20, random_state=0)
    >>> clf = clf.fit(X, y, sample_domain=sample_domain)
    >>> clf.n_source_, clf.n_target_
    (200, 20)
    """

    __metadata_request__fit = {"sample_domain": True}

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=50, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_domain=None, sample_weight=None):
        """Boost weak learners on the source rows and the labelled target rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source and target rows.
        y : array-like of shape (n_samples,)
            Labels; -1 marks an unlabelled target row (left out).
        sample_domain : array-like of shape (n_samples,), default=None
            Positive ids for source rows, negative for target rows; None
            makes every row one domain (AdaBoost with the second-half vote).
        sample_weight : array-like of shape (n_samples,), default=None
            Initial weights ``w_1``; None gives every row the same.

        Returns
        -------
        self : TrAdaBoostClassifier
            The fitted ensemble.
        """
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], dtype=np.float64)
        sample_domain = check_sample_domain(sample_domain, X.shape[0])
        sample_weight = check_sample_weight(sample_weight, X)
        target = sample_domain < 0
        keep = _split_labelled(y, target)
        self.n_unlabelled_ = int((~keep).sum())
        X, y, target, sample_weight = (
            X[keep],
            y[keep],
            target[keep],
            sample_weight[keep],
        )
        if self.n_unlabelled_ and not target.any():
            raise ValueError(
                "TrAdaBoost learns from labelled target rows; every target row "
                "has y = -1. Label a few target rows (DANNClassifier needs none)."
            )
        if not target.any():
            target = np.ones(len(y), dtype=bool)
        self.n_source_ = int((~target).sum())
        self.n_target_ = int(target.sum())
        self._target = target
        n_source = self.n_source_
        self.source_beta_ = (
            1.0 / (1.0 + math.sqrt(2.0 * math.log(n_source) / self.n_estimators))
            if n_source > 0
            else float("nan")
        )
        y = self._validate_targets(y)
        try:
            self._boosting_fit(X, y, sample_weight)
        finally:
            del self._target
        # beta_t = eps_t / ((1 - eps_t)(K - 1)); 1 for a learner without a vote
        self.beta_ = np.exp(-self.estimator_weights_)
        self.first_voting_round_ = math.ceil(len(self.estimators_) / 2) - 1
        return self

    def _validate_targets(self, y):
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        check_classification_targets_min2(self.classes_)
        self.n_classes_ = len(self.classes_)
        return y_encoded

    def _boost(self, iboost, X, y, sample_weight, random_state):
        """One TrAdaBoost round on the distribution ``sample_weight``."""
        target = self._target
        estimator = self._fit_round_learner(X, y, sample_weight, random_state)
        incorrect = self._predict_encoded(estimator, X) != y
        error = float(
            np.sum(sample_weight[target & incorrect]) / np.sum(sample_weight[target])
        )
        K = self.n_classes_
        if error >= 1.0 - 1.0 / K:
            alpha = 0.0
        else:
            smoothing = 1.0 / self.n_target_ if error <= 0 else 0.0
            alpha = math.log((1.0 - error + smoothing) / (error + smoothing))
            alpha += math.log(K - 1)
        weights = sample_weight.copy()
        weights[target] *= np.exp(alpha * incorrect[target])
        if self.n_source_:
            weights[~target] *= np.where(incorrect[~target], self.source_beta_, 1.0)
        normalizer = float(weights.sum())
        return BoostRound(estimator, alpha, error, weights / normalizer, normalizer)

    def _votes(self, X, rounds=None):
        """Each voting learner's contribution to the decision function."""
        n_classes = self.n_classes_
        if rounds is None:
            rounds = range(self.first_voting_round_, len(self.estimators_))
        for t in rounds:
            estimator, alpha = self.estimators_[t], self.estimator_weights_[t]
            predicted = self._predict_encoded(estimator, X)
            if n_classes == 2:
                yield 0.5 * alpha * np.where(predicted == 1, 1.0, -1.0)
            else:
                code = np.full((X.shape[0], n_classes), -1.0 / (n_classes - 1))
                code[np.arange(X.shape[0]), predicted] = 1.0
                yield alpha * code

    def decision_function(self, X):
        """The vote of the second half of the rounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Two classes: ``sum_t alpha_t (h_t(x) - 1/2)`` over the voting
            rounds, ``>= 0`` for ``classes_[1]``; more: SAMME's scores.
        """
        X = self._check_predict_input(X)
        decision = sum(self._votes(X))
        if np.isscalar(decision):  # no learner with a vote
            shape = (
                (X.shape[0],) if self.n_classes_ == 2 else (X.shape[0], self.n_classes_)
            )
            decision = np.zeros(shape)
        return decision

    def staged_decision_function(self, X):
        """The decision function of the first ``t`` rounds, for every ``t``
        (each uses the second half of its rounds).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The vote of rounds ``ceil(t / 2) .. t``.
        """
        X = self._check_predict_input(X)
        votes = list(self._votes(X, rounds=range(len(self.estimators_))))
        cumulative = np.cumsum(np.stack(votes), axis=0)
        for t in range(1, len(votes) + 1):
            first = math.ceil(t / 2) - 1
            before = cumulative[first - 1] if first > 0 else 0.0
            yield cumulative[t - 1] - before

    def _class_from_decision(self, decision):
        if self.n_classes_ == 2:
            return self.classes_[(decision >= 0).astype(np.intp)]
        return self.classes_[np.argmax(decision, axis=1)]
