"""The reweighting loop shared by AdaBoost and its relatives (TrAdaBoost).

:class:`BaseWeightBoosting` owns the loop: it validates the data and the
weights, then calls ``self._boost`` once per round until it has
``n_estimators`` weak learners or a round asks to stop. A subclass owns one
round: it fits one weak learner on the current distribution ``D_t`` and
returns the learner, its weight ``alpha_t``, its error ``eps_t`` and
``D_{t+1}``.
"""

import warnings
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import has_fit_parameter

from ..utils._param_validation import HasMethods, Interval
from ..utils.validation import check_sample_weight

__all__ = ["BaseWeightBoosting", "BoostRound"]


@dataclass
class BoostRound:
    """What one boosting round produced.

    Attributes
    ----------
    estimator : estimator
        The fitted weak learner.
    weight : float
        Its vote ``alpha_t``.
    error : float
        Its weighted error ``eps_t``.
    next_weights : ndarray of shape (n_samples,) or None
        The normalised distribution ``D_{t+1}``; ``None`` to keep this learner
        and stop (a perfect fit leaves nothing to reweight; the history then
        repeats ``D_t``).
    normalizer : float
        ``Z_t``, the sum of the weights before normalisation.
    """

    estimator: object
    weight: float
    error: float
    next_weights: np.ndarray | None
    normalizer: float = np.nan


def _finite_weights(weights):
    """Whether a round's next distribution is usable (None: boosting ends)."""
    return weights is None or (
        np.all(np.isfinite(weights)) and np.isfinite(weights.sum())
    )


class BaseWeightBoosting(BaseEstimator, metaclass=ABCMeta):
    """Base class for boosting by sample reweighting; not for direct use."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    @abstractmethod
    def __init__(
        self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    @abstractmethod
    def _default_estimator(self):
        """The weak learner used when ``estimator`` is None."""

    @abstractmethod
    def _validate_targets(self, y):
        """Check ``y`` and return it in the form the rounds use."""

    @abstractmethod
    def _boost(self, iboost, X, y, sample_weight, random_state):
        """Run round ``iboost``; return a :class:`BoostRound` or None to stop."""

    def _boosting_fit(self, X, y, sample_weight, monitor=None):
        """Run the rounds on validated ``X``; ``y`` as ``_validate_targets`` gave.

        Sets ``estimators_``, ``estimator_weights_``, ``estimator_errors_``,
        ``normalizers_`` and ``sample_weight_history_`` (row 0 is ``D_1``,
        row ``t`` is ``D_{t+1}``). ``monitor(iboost, self, info)`` is called
        after every kept round with ``info = {"estimator", "weight",
        "error"}``; when it returns True, boosting stops after that round.
        """
        sample_weight = check_sample_weight(sample_weight, X)
        sample_weight = sample_weight / sample_weight.sum()
        self.estimator_ = (
            self._default_estimator() if self.estimator is None else self.estimator
        )
        random_state = check_random_state(self.random_state)
        self._prepare_rounds(X, y, sample_weight)
        rounds = []
        history = [sample_weight]
        try:
            for iboost in range(self.n_estimators):
                with np.errstate(over="ignore", invalid="ignore"):
                    result = self._boost(iboost, X, y, sample_weight, random_state)
                if result is None:
                    break
                rounds.append(result)
                stop = monitor is not None and bool(
                    monitor(
                        iboost,
                        self,
                        {
                            "estimator": result.estimator,
                            "weight": result.weight,
                            "error": result.error,
                        },
                    )
                )
                if not _finite_weights(result.next_weights):
                    warnings.warn(
                        f"The sample weights overflowed in round {iboost + 1} "
                        f"(learning_rate={self.learning_rate}); boosting stopped "
                        "after that round. Lower learning_rate.",
                        UserWarning,
                        stacklevel=3,
                    )
                    history.append(sample_weight)
                    break
                if result.next_weights is not None:
                    sample_weight = result.next_weights
                # a round that stops boosting leaves D as it is (with
                # eps_t = 0 every weight is multiplied by the same factor)
                history.append(sample_weight)
                if result.next_weights is None or stop:
                    break
        finally:
            self._release_rounds()
        self.estimators_ = [r.estimator for r in rounds]
        self.estimator_weights_ = np.array([r.weight for r in rounds])
        self.estimator_errors_ = np.array([r.error for r in rounds])
        self.normalizers_ = np.array([r.normalizer for r in rounds])
        self.sample_weight_history_ = np.vstack(history)
        return self

    def _prepare_rounds(self, X, y, sample_weight):
        """Hook run once before the rounds (e.g. presorting for stumps)."""

    def _release_rounds(self):
        """Hook run once after the rounds, to free what ``_prepare_rounds`` kept."""

    def _fit_weak_learner(self, X, y, sample_weight, random_state, resample=False):
        """Fit a fresh copy of ``estimator_`` on the distribution ``sample_weight``.

        A learner whose ``fit`` takes ``sample_weight`` gets the weights
        (boosting by reweighting) unless ``resample``; with ``resample``, or
        for any other learner, it is fitted on a bootstrap sample of the size
        of ``X`` drawn with probabilities ``sample_weight`` (boosting by
        resampling). The learner's seed is drawn first, then the sample, as
        scikit-learn does.
        """
        estimator = clone(self.estimator_)
        if "random_state" in estimator.get_params():
            seed = random_state.randint(np.iinfo(np.int32).max)
            estimator.set_params(random_state=seed)
        if not resample and has_fit_parameter(estimator, "sample_weight"):
            return estimator.fit(X, y, sample_weight=sample_weight)
        n_samples = X.shape[0]
        rows = random_state.choice(n_samples, size=n_samples, p=sample_weight)
        return estimator.fit(X[rows], y[rows])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    @property
    def feature_importances_(self):
        """Importances of the features: the ``alpha``-weighted mean of the weak
        learners' ``feature_importances_``.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Non-negative importances summing to 1 (all zero when no learner
            uses a feature).
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        try:
            importances = np.array(
                [est.feature_importances_ for est in self.estimators_]
            )
        except AttributeError as exc:
            raise AttributeError(
                "feature_importances_ needs weak learners that expose "
                "feature_importances_."
            ) from exc
        weights = np.abs(self.estimator_weights_)
        total = weights.sum()
        if total == 0:
            return np.zeros(self.n_features_in_)
        combined = weights @ importances / total
        norm = combined.sum()
        return combined / norm if norm > 0 else combined
