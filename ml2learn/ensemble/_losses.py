"""Loss functions of gradient boosting, each with the three pieces it needs.

For a loss ``L(y, F)`` the boosting loop asks:

* ``init_raw``: ``F_0 = argmin_gamma sum_i w_i L(y_i, gamma)``;
* ``negative_gradient``: the pseudo-residuals ``r_i = -dL/dF`` at ``F_{m-1}``;
* ``leaf_values``: ``gamma_j = argmin_gamma sum_{i in R_j} w_i L(y_i, F_{m-1}(x_i)
  + gamma)`` for every leaf ``R_j`` of the tree fitted to the residuals (a
  mean, a median, a quantile or a Newton step, depending on the loss);
* ``__call__``: the weighted mean loss, reported in ``train_score_``.

Raw predictions ``F`` have shape ``(n_samples, n_trees_per_iteration)``.
"""

import numpy as np
from numba import njit, prange
from scipy.special import expit, softmax

__all__ = ["LOSSES", "weighted_percentile"]


def weighted_percentile(values, weights, percentile):
    """Weighted percentile, equal to the plain one on repeated values.

    The smallest value whose cumulative weight reaches ``percentile`` percent
    of the total; where the cumulative weight equals that share exactly, the
    midpoint with the next value (so that for integer weights it matches
    ``np.percentile(np.repeat(values, weights), percentile,
    method="averaged_inverted_cdf")``).

    Parameters
    ----------
    values : ndarray of shape (n,)
    weights : ndarray of shape (n,)
        Non-negative, with a positive sum.
    percentile : float
        In ``[0, 100]``.

    Returns
    -------
    value : float
    """
    order = np.argsort(values, kind="stable")
    values = values[order]
    cumulative = np.cumsum(weights[order])
    total = cumulative[-1]
    target = percentile / 100.0 * total
    tolerance = 1e-12 * total
    k = int(np.searchsorted(cumulative, target - tolerance, side="left"))
    k = min(k, len(values) - 1)
    if abs(cumulative[k] - target) <= tolerance and k + 1 < len(values):
        following = k + 1
        while following < len(values) and weights[order][following] == 0:
            following += 1
        if following < len(values):
            return 0.5 * (values[k] + values[following])
    return values[k]


def _binomial_deviance_and_probability(y, raw, sample_weight):
    """``sum_i w_i (log(1 + e^{F_i}) - y_i F_i) / sum_i w_i`` and
    :func:`_sigmoid` of ``raw`` in one pass, from one ``e = exp(-|F|)`` per
    row.

    ``e`` and ``log1p(e)`` come from numpy, whose exponential is vectorised
    (numba calls the scalar one: twice the time); the pass that combines
    them is compiled.
    """
    e = np.abs(raw)
    np.negative(e, out=e)
    np.exp(e, out=e)
    return _combine_binomial_deviance(y, raw, sample_weight, e, np.log1p(e))


@njit(cache=True, nogil=True)
def _sigmoid_from(F, e):
    """``1 / (1 + e^{-F})`` from ``e = exp(-|F|)``, without overflow."""
    return 1.0 / (1.0 + e) if F >= 0 else e / (1.0 + e)


@njit(parallel=True, cache=True, nogil=True)
def _combine_binomial_deviance(y, raw, sample_weight, e, log1p_e):
    p = np.empty_like(raw)
    total = 0.0
    weight = 0.0
    for i in prange(y.shape[0]):
        F = raw[i]
        softplus = F + log1p_e[i] if F > 0 else log1p_e[i]
        p[i] = _sigmoid_from(F, e[i])
        total += sample_weight[i] * (softplus - y[i] * F)
        weight += sample_weight[i]
    return total / weight, p


@njit(parallel=True, cache=True, nogil=True)
def _mean_multinomial_deviance(y, raw, sample_weight):
    """``sum_i w_i (log sum_k e^{F_ik} - F_{i y_i}) / sum_i w_i``."""
    total = 0.0
    weight = 0.0
    for i in prange(y.shape[0]):
        scores = raw[i]
        top = scores.max()
        log_partition = top + np.log(np.exp(scores - top).sum())
        total += sample_weight[i] * (log_partition - scores[y[i]])
        weight += sample_weight[i]
    return total / weight


def _sigmoid(F):
    """``1 / (1 + e^{-F})``, without overflow for large negative ``F`` (the
    same numbers as :func:`_binomial_deviance_and_probability`'s)."""
    return _sigmoid_of_each(F, np.exp(-np.abs(F)))


@njit(parallel=True, cache=True, nogil=True)
def _sigmoid_of_each(F, e):
    p = np.empty_like(F)
    for i in prange(F.shape[0]):
        p[i] = _sigmoid_from(F[i], e[i])
    return p


@njit(parallel=True, cache=True, nogil=True)
def _binomial_newton_steps(order, leaf, starts, ends, n_leaves, y, p, sample_weight):
    """Per leaf ``sum w (y - p) / sum w p (1 - p)`` over its rows (0 where
    the denominator vanishes), from the leaves' pieces ``(leaf, s, e)``
    (:attr:`LeafRows.pieces`)."""
    tops = np.zeros(starts.shape[0])
    bottoms = np.zeros(starts.shape[0])
    for j in prange(starts.shape[0]):
        for q in range(starts[j], ends[j]):
            i = order[q]
            tops[j] += sample_weight[i] * (y[i] - p[i])
            bottoms[j] += sample_weight[i] * p[i] * (1.0 - p[i])
    top = np.zeros(n_leaves)
    bottom = np.zeros(n_leaves)
    for j in range(starts.shape[0]):
        top[leaf[j]] += tops[j]
        bottom[leaf[j]] += bottoms[j]
    steps = np.zeros(n_leaves)
    for k in range(n_leaves):
        if bottom[k] > 1e-150:
            steps[k] = top[k] / bottom[k]
    return steps


def _leaf_reduce(leaf_rows, function):
    return np.array([function(rows) for _, rows in leaf_rows])


class _Loss:
    """Common parts; subclasses set the formulas."""

    is_classification = False
    needs_leaf_update = False

    def __init__(self, n_classes=1, alpha=0.9):
        self.n_classes = n_classes
        self.alpha = alpha
        self._memo = None

    def _once_per_raw(self, raw, compute):
        """``compute(raw)``, computed once for the array ``raw``: within a
        round every class's gradient and leaf values read the same scores
        (the array a round keeps unchanged), so its probabilities are worked
        out once instead of twice per class."""
        if self._memo is None or self._memo[0] is not raw:
            self._memo = (raw, compute(raw))
        return self._memo[1]

    def _keep_for_next_round(self, raw, computed):
        """Leave ``computed`` (what :meth:`_once_per_raw` would compute from
        ``raw``) for the next round when the loss of the scores a round ends
        with is the first one asked for after it: the next round's gradient
        starts from the same array."""
        if self._memo is None:
            self._memo = (raw, computed)

    def end_round(self):
        """Drop what :meth:`_once_per_raw` kept for the round."""
        self._memo = None

    @property
    def n_trees_per_iteration(self):
        return 1

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        """Leaf outputs; by default the tree's own weighted mean residual."""
        return tree_values


# regression --------------------------------------------------------------


class SquaredError(_Loss):
    """``L = (y - F)^2 / 2``: residual ``y - F``, leaf = mean residual."""

    def init_raw(self, y, sample_weight):
        return np.array([np.average(y, weights=sample_weight)])

    def negative_gradient(self, y, raw, sample_weight, k=0):
        return y - raw[:, 0]

    def __call__(self, y, raw, sample_weight):
        return float(np.average((y - raw[:, 0]) ** 2, weights=sample_weight))


class AbsoluteError(_Loss):
    """``L = |y - F|``: residual ``sign(y - F)``, leaf = median of ``y - F``."""

    needs_leaf_update = True

    def init_raw(self, y, sample_weight):
        return np.array([weighted_percentile(y, sample_weight, 50)])

    def negative_gradient(self, y, raw, sample_weight, k=0):
        return np.sign(y - raw[:, 0])

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        residual = y - raw[:, 0]
        return _leaf_reduce(
            leaf_rows,
            lambda r: weighted_percentile(residual[r], sample_weight[r], 50),
        )

    def __call__(self, y, raw, sample_weight):
        return float(np.average(np.abs(y - raw[:, 0]), weights=sample_weight))


class HuberLoss(_Loss):
    """Huber's loss with ``delta`` the ``alpha``-quantile of ``|y - F|``.

    Quadratic below ``delta``, linear above; residual ``y - F`` clipped to
    ``[-delta, delta]``; leaf = median of ``y - F`` plus the mean of the
    clipped deviations from it (Friedman, 2001, algorithm 4).
    """

    needs_leaf_update = True

    def init_raw(self, y, sample_weight):
        return np.array([weighted_percentile(y, sample_weight, 50)])

    def _delta(self, residual, sample_weight):
        return weighted_percentile(np.abs(residual), sample_weight, 100 * self.alpha)

    def negative_gradient(self, y, raw, sample_weight, k=0):
        residual = y - raw[:, 0]
        self.delta_ = self._delta(residual, sample_weight)
        return np.clip(residual, -self.delta_, self.delta_)

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        residual = y - raw[:, 0]
        delta = self.delta_

        def step(rows):
            r, w = residual[rows], sample_weight[rows]
            median = weighted_percentile(r, w, 50)
            deviation = r - median
            clipped = np.sign(deviation) * np.minimum(delta, np.abs(deviation))
            return median + np.average(clipped, weights=w)

        return _leaf_reduce(leaf_rows, step)

    def __call__(self, y, raw, sample_weight):
        residual = y - raw[:, 0]
        delta = self._delta(residual, sample_weight)
        small = np.abs(residual) <= delta
        loss = np.where(
            small, 0.5 * residual**2, delta * (np.abs(residual) - 0.5 * delta)
        )
        return float(np.average(loss, weights=sample_weight))


class QuantileLoss(_Loss):
    """Pinball loss at level ``alpha``; leaf = ``alpha``-quantile of ``y - F``."""

    needs_leaf_update = True

    def init_raw(self, y, sample_weight):
        return np.array([weighted_percentile(y, sample_weight, 100 * self.alpha)])

    def negative_gradient(self, y, raw, sample_weight, k=0):
        return np.where(y > raw[:, 0], self.alpha, self.alpha - 1.0)

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        residual = y - raw[:, 0]
        return _leaf_reduce(
            leaf_rows,
            lambda r: weighted_percentile(
                residual[r], sample_weight[r], 100 * self.alpha
            ),
        )

    def __call__(self, y, raw, sample_weight):
        residual = y - raw[:, 0]
        loss = np.where(
            residual >= 0, self.alpha * residual, (self.alpha - 1.0) * residual
        )
        return float(np.average(loss, weights=sample_weight))


# classification ------------------------------------------------------------


def _newton_leaves(leaf_rows, numerator, denominator, scale=1.0):
    top, bottom = leaf_rows.sums(numerator), leaf_rows.sums(denominator)
    return np.divide(scale * top, bottom, out=np.zeros_like(top), where=bottom > 1e-150)


class BinomialLogLoss(_Loss):
    """Cross-entropy with ``p = sigmoid(F)``: residual ``y - p``, Newton leaves
    ``sum w (y - p) / sum w p (1 - p)``."""

    is_classification = True
    needs_leaf_update = True

    def init_raw(self, y, sample_weight):
        p = np.clip(np.average(y, weights=sample_weight), 1e-15, 1 - 1e-15)
        return np.array([np.log(p / (1 - p))])

    def _probability(self, raw):
        return self._once_per_raw(raw, lambda scores: _sigmoid(scores[:, 0]))

    def negative_gradient(self, y, raw, sample_weight, k=0):
        return y - self._probability(raw)

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        return _binomial_newton_steps(
            leaf_rows.order,
            *leaf_rows.pieces,
            len(leaf_rows),
            y,
            self._probability(raw),
            sample_weight,
        )

    def __call__(self, y, raw, sample_weight):
        deviance, p = _binomial_deviance_and_probability(y, raw[:, 0], sample_weight)
        self._keep_for_next_round(raw, p)
        return float(deviance)

    def proba(self, raw):
        positive = expit(raw[:, 0])
        return np.column_stack([1 - positive, positive])


class MultinomialLogLoss(_Loss):
    """Cross-entropy with ``p = softmax(F)``, one tree per class and round;
    Newton leaves ``(K - 1) / K * sum w (y_k - p_k) / sum w p_k (1 - p_k)``
    (Friedman, 2001, algorithm 6)."""

    is_classification = True
    needs_leaf_update = True

    @property
    def n_trees_per_iteration(self):
        return self.n_classes

    def init_raw(self, y, sample_weight):
        priors = np.bincount(y, weights=sample_weight, minlength=self.n_classes)
        priors = np.clip(priors / priors.sum(), 1e-15, None)
        return np.log(priors)

    def _softmax(self, raw):
        return self._once_per_raw(raw, lambda scores: softmax(scores, axis=1))

    def negative_gradient(self, y, raw, sample_weight, k=0):
        return (y == k).astype(np.float64) - self._softmax(raw)[:, k]

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        p = self._softmax(raw)[:, k]
        residual = (y == k) - p
        scale = (self.n_classes - 1) / self.n_classes
        return _newton_leaves(
            leaf_rows, sample_weight * residual, sample_weight * p * (1 - p), scale
        )

    def __call__(self, y, raw, sample_weight):
        return float(_mean_multinomial_deviance(y, raw, sample_weight))

    def proba(self, raw):
        return softmax(raw, axis=1)


class ExponentialLoss(_Loss):
    """AdaBoost's loss ``exp(-y~ F)`` with ``y~ = 2y - 1``; Newton leaves
    ``sum w y~ e^{-y~F} / sum w e^{-y~F}``; ``P(y=1) = sigmoid(2F)``."""

    is_classification = True
    needs_leaf_update = True

    def init_raw(self, y, sample_weight):
        p = np.clip(np.average(y, weights=sample_weight), 1e-15, 1 - 1e-15)
        return np.array([0.5 * np.log(p / (1 - p))])

    def negative_gradient(self, y, raw, sample_weight, k=0):
        signed = 2.0 * y - 1.0
        return signed * np.exp(-signed * raw[:, 0])

    def leaf_values(self, leaf_rows, tree_values, y, raw, sample_weight, k):
        signed = 2.0 * y - 1.0
        e = np.exp(-signed * raw[:, 0])
        return _newton_leaves(leaf_rows, sample_weight * signed * e, sample_weight * e)

    def __call__(self, y, raw, sample_weight):
        signed = 2.0 * y - 1.0
        return float(np.average(np.exp(-signed * raw[:, 0]), weights=sample_weight))

    def proba(self, raw):
        positive = expit(2.0 * raw[:, 0])
        return np.column_stack([1 - positive, positive])


LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": HuberLoss,
    "quantile": QuantileLoss,
    "log_loss": BinomialLogLoss,
    "exponential": ExponentialLoss,
}
