"""TrAdaBoost (Dai, Yang, Xue and Yu, ICML 2007): boosting that learns from
a large source domain and a small labelled target domain, fading the source
rows the weak learners keep getting wrong (notes, lines 8739-8900)."""

import math
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..ensemble import AdaBoostClassifier
from ..ensemble._adaboost import _weighted_median
from ..ensemble._base import BoostRound
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
    check_sample_weight,
)
from ._domains import UNLABELLED, check_sample_domain

__all__ = ["TrAdaBoostClassifier", "TrAdaBoostRegressor"]


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
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
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
        sample_domain = check_sample_domain(
            sample_domain, X.shape[0], y, classification=True
        )
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


def _loss(errors, kind):
    """AdaBoost.R2's adjusted losses in [0, 1] from absolute errors."""
    largest = errors.max()
    losses = errors / largest if largest > 0 else np.zeros_like(errors)
    if kind == "square":
        return losses**2
    if kind == "exponential":
        return 1.0 - np.exp(-losses)
    return losses


class TrAdaBoostRegressor(RegressorMixin, BaseEstimator):
    """Two-stage TrAdaBoost.R2 (Pardoe and Stone, ICML 2010).

    Stage 1 moves weight from the source rows to the target rows in
    ``n_steps`` steps: at step ``t`` a learner ``h_t`` is fitted on all rows,
    and every source row is multiplied by ``beta_t^{e_i}`` (``e_i`` its
    adjusted error ``|y_i - h_t(x_i)| / max_j |y_j - h_t(x_j)|``), with
    ``beta_t`` found by bisection so that the target rows then hold ``m /
    (n + m) + t / (S - 1) (1 - m / (n + m))`` of the total weight: the sweep
    goes from the pooled data to the target alone. Stage 2, at every step,
    boosts AdaBoost.R2' on the current weights, AdaBoost.R2 in which the
    source weights stay fixed, and estimates its error on the target rows by
    ``n_folds``-fold cross-validation over them. The model of the step with
    the smallest cross-validated error is kept.

    Rows come as one ``X`` with ``sample_domain`` (positive ids source,
    negative target; see :func:`pack_domains`); every target row needs its
    value. Without target rows there is nothing to transfer and the fit is
    AdaBoost.R2 on all rows (by reweighting, as Pardoe and Stone's
    AdaBoost.R2' is: ``AdaBoostRegressor(sampling="reweight")``).

    Parameters
    ----------
    estimator : regressor, default=None
        Weak learner with ``sample_weight``; None is
        ``DecisionTreeRegressor(max_depth=3)``.
    n_steps : int, default=10
        ``S``, the steps of stage 1 (at least 2).
    n_estimators : int, default=30
        ``N``, the rounds of AdaBoost.R2' at every step.
    n_folds : int, default=5
        ``F``, the folds of the target rows for the cross-validated error
        (fewer when the target has fewer rows).
    loss : {"linear", "square", "exponential"}, default="linear"
        AdaBoost.R2's adjusted loss.
    random_state : int, RandomState instance or None, default=None
        Seeds the learners and the folds.

    Attributes
    ----------
    estimators_ : list of regressors
        The chosen AdaBoost.R2' model's learners.
    estimator_weights_ : ndarray of shape (n_learners,)
        Their votes ``ln(1 / beta_k)`` in the weighted median.
    step_errors_ : ndarray of shape (n_steps,)
        Cross-validated mean squared error on the target rows, per step.
    best_step_ : int
        Index of the step whose model is kept.
    source_betas_ : ndarray of shape (n_steps - 1,)
        ``beta_t`` of every stage-1 update.
    sample_weight_history_ : ndarray of shape (n_steps, n_samples)
        The normalised weights used at every step.
    n_source_, n_target_ : int
        Rows of each domain.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    TrAdaBoostClassifier : The classification algorithm.
    ml2learn.ensemble.AdaBoostRegressor : AdaBoost.R2 on one domain.

    References
    ----------
    .. [1] D. Pardoe and P. Stone, "Boosting for regression transfer", ICML
       2010.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.adaptation import TrAdaBoostRegressor, pack_domains
    >>> rng = np.random.RandomState(0)
    >>> X_s, X_t = rng.uniform(-2, 2, (100, 1)), rng.uniform(-2, 2, (15, 1))
    >>> X, y, domain = pack_domains(X_s, np.sin(X_s[:, 0]), X_t,
    ...                             np.sin(X_t[:, 0]) + 0.3 * X_t[:, 0])
    >>> reg = TrAdaBoostRegressor(n_steps=4, n_estimators=10, random_state=0)
    >>> reg.fit(X, y, sample_domain=domain).step_errors_.shape
    (4,)
    """

    __metadata_request__fit = {"sample_domain": True}

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_steps": [Interval(Integral, 2, None, closed="left")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_folds": [Interval(Integral, 2, None, closed="left")],
        "loss": [StrOptions({"linear", "square", "exponential"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_steps=10,
        n_estimators=30,
        n_folds=5,
        loss="linear",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_steps = n_steps
        self.n_estimators = n_estimators
        self.n_folds = n_folds
        self.loss = loss
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_domain=None, sample_weight=None):
        """Run the two stages on the source and target rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source and target rows.
        y : array-like of shape (n_samples,)
            Values of every row.
        sample_domain : array-like of shape (n_samples,), default=None
            Positive ids for source rows, negative for target rows; None
            makes every row one domain (AdaBoost.R2).
        sample_weight : array-like of shape (n_samples,), default=None
            Initial weights; None gives every row the same.

        Returns
        -------
        self : TrAdaBoostRegressor
            The fitted model.
        """
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=np.float64, y_numeric=True
        )
        sample_domain = check_sample_domain(sample_domain, X.shape[0])
        weights = check_sample_weight(sample_weight, X)
        weights = weights / weights.sum()
        target = sample_domain < 0
        if not target.any():
            target = np.ones(len(y), dtype=bool)
        self.n_source_ = int((~target).sum())
        self.n_target_ = int(target.sum())
        self.estimator_ = (
            DecisionTreeRegressor(max_depth=3)
            if self.estimator is None
            else self.estimator
        )
        rng = check_random_state(self.random_state)
        n_steps = self.n_steps if self.n_source_ else 1
        models, errors, history, betas = [], [], [], []
        for step in range(n_steps):
            history.append(weights.copy())
            models.append(self._boost_r2(X, y, weights, target, rng)[:2])
            errors.append(
                self._cv_error(X, y, weights, target, rng) if n_steps > 1 else 0.0
            )
            if step + 1 < n_steps:
                weights, beta = self._move_weight(X, y, weights, target, step + 1, rng)
                betas.append(beta)
        self.step_errors_ = np.array(errors)
        self.best_step_ = int(np.argmin(self.step_errors_))
        self.estimators_, self.estimator_weights_ = models[self.best_step_]
        self.source_betas_ = np.array(betas)
        self.sample_weight_history_ = np.vstack(history)
        return self

    def _fit_learner(self, X, y, weights, rng):
        learner = clone(self.estimator_)
        if "random_state" in learner.get_params():
            learner.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
        return learner.fit(X, y, sample_weight=weights)

    def _boost_r2(self, X, y, weights, target, rng):
        """AdaBoost.R2' from ``weights``: only the target rows are reweighted.
        Returns the learners, their votes and the last distribution."""
        p = weights / weights.sum()
        learners, votes = [], []
        for _ in range(self.n_estimators):
            learner = self._fit_learner(X, y, p, rng)
            losses = _loss(np.abs(learner.predict(X) - y), self.loss)
            error = float(np.sum(p * losses))
            if error >= 0.5 and learners:
                break
            learners.append(learner)
            if error <= 0 or error >= 0.5:
                votes.append(1.0)
                break
            beta = error / (1.0 - error)
            votes.append(math.log(1.0 / beta))
            p = p.copy()
            p[target] *= beta ** (1.0 - losses[target])
            p /= p.sum()
        return learners, np.array(votes), p

    def _cv_error(self, X, y, weights, target, rng):
        """Mean squared error of AdaBoost.R2' on held-out target rows."""
        rows = np.flatnonzero(target)
        n_folds = min(self.n_folds, len(rows))
        if n_folds < 2:
            return 0.0
        squared = 0.0
        folds = KFold(n_folds, shuffle=True, random_state=rng.randint(2**31 - 1))
        for _, held in folds.split(rows):
            keep = np.ones(len(y), dtype=bool)
            keep[rows[held]] = False
            learners, votes, _ = self._boost_r2(
                X[keep], y[keep], weights[keep], target[keep], rng
            )
            predicted = _median_vote(learners, votes, X[rows[held]])
            squared += float(np.sum((predicted - y[rows[held]]) ** 2))
        return squared / len(rows)

    def _move_weight(self, X, y, weights, target, step, rng):
        """Stage 1: shrink source weights by ``beta^{e_i}`` so the target
        holds its share for ``step``."""
        learner = self._fit_learner(X, y, weights, rng)
        losses = _loss(np.abs(learner.predict(X) - y), self.loss)
        n_all, m = len(y), self.n_target_
        share = m / n_all + step / (self.n_steps - 1) * (1 - m / n_all)
        share = min(share, 1.0 - 1e-12)
        target_mass = weights[target].sum()
        wanted = target_mass * (1.0 - share) / share  # source mass after update
        source_w, source_e = weights[~target], losses[~target]

        def source_mass(beta):
            return float(np.sum(source_w * beta**source_e))

        low, high = 1e-12, 1.0
        if source_mass(high) <= wanted:
            beta = 1.0
        elif source_mass(low) >= wanted:
            beta = low
        else:
            for _ in range(100):
                middle = math.sqrt(low * high)
                if source_mass(middle) > wanted:
                    high = middle
                else:
                    low = middle
            beta = math.sqrt(low * high)
        new = weights.copy()
        new[~target] = source_w * beta**source_e
        return new / new.sum(), beta

    def predict(self, X):
        """Weighted median of the chosen model's learners.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted values.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=np.float64, reset=False
        )
        return _median_vote(self.estimators_, self.estimator_weights_, X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _median_vote(learners, votes, X):
    predictions = np.column_stack([learner.predict(X) for learner in learners])
    return _weighted_median(predictions, votes)
