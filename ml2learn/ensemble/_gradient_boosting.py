"""Gradient boosting for regression and classification.

:class:`BaseGradientBoosting` owns the loop of the course's algorithm: ``F_0``
from the loss, then per round the negative gradient, a regression tree fitted
to it (exact or histogram split finding, :mod:`._tree`), the per-leaf argmin
of the loss (:mod:`._losses`) and ``F_m = F_{m-1} + nu * tree``. The two
public estimators only choose the loss and turn raw scores into predictions.
"""

import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_classifier,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from ..utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
)
from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
    check_sample_weight,
)
from ._losses import LOSSES, BinomialLogLoss, MultinomialLogLoss
from ._tree import (
    BinMapper,
    as_csr,
    grow_tree,
    make_exact_splitter,
    make_histogram_splitter,
    predict_stacked,
    stack_trees,
)

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


class _ProgressPrinter:
    """Prints the loss every few rounds when ``verbose`` is set.

    The remaining time is extrapolated from the rounds after the first,
    which also pays for one-off work (binning, sorting, compiling the
    kernels) and would make the first estimates far too long.
    """

    def __init__(self, verbose, n_estimators, has_oob, first_round=0):
        self.verbose = verbose
        self.n_estimators = n_estimators
        self.has_oob = has_oob
        self.first_round = first_round
        self.start = time.perf_counter()
        self.first_done = None
        self.every = 1
        header = f"{'Iter':>10} {'Train Loss':>16}"
        if has_oob:
            header += f" {'OOB Improve':>16}"
        print(header + f" {'Remaining Time':>16}")

    def _remaining(self, i):
        now = time.perf_counter()
        if self.first_done is None:
            self.first_done = now
            per_round = now - self.start
        else:
            per_round = (now - self.first_done) / (i - self.first_round)
        return per_round * (self.n_estimators - i - 1)

    def update(self, i, train_loss, oob_improvement=None):
        remaining = self._remaining(i)
        if (i + 1) % self.every != 0:
            return
        line = f"{i + 1:>10d} {train_loss:>16.4f}"
        if self.has_oob:
            line += f" {oob_improvement:>16.4f}"
        print(line + f" {remaining:>15.2f}s")
        if (i + 1) // self.every >= 10 and self.verbose == 1:
            self.every *= 10


class BaseGradientBoosting(BaseEstimator, metaclass=ABCMeta):
    """Base class for gradient boosting; not for direct use."""

    _parameter_constraints: dict = {
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_samples_split": [
            Interval(Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [Interval(Integral, 1, None, closed="left")],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "max_features": [
            StrOptions({"sqrt", "log2"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            None,
        ],
        "init": [StrOptions({"zero"}), HasMethods(["fit", "predict"]), None],
        "tree_method": [StrOptions({"exact", "hist"})],
        "max_bins": [Interval(Integral, 2, 255, closed="both")],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def __init__(
        self,
        *,
        loss,
        learning_rate,
        n_estimators,
        subsample,
        max_depth,
        max_leaf_nodes,
        min_samples_split,
        min_samples_leaf,
        min_impurity_decrease,
        max_features,
        init,
        tree_method,
        max_bins,
        validation_fraction,
        n_iter_no_change,
        tol,
        warm_start,
        random_state,
        verbose,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_impurity_decrease = min_impurity_decrease
        self.max_features = max_features
        self.init = init
        self.tree_method = tree_method
        self.max_bins = max_bins
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    @abstractmethod
    def _encode_targets(self, y):
        """Check ``y``; return it as the loss expects (and set ``classes_``)."""

    @abstractmethod
    def _make_loss(self):
        """The loss object for ``self.loss``."""

    # -- fitting ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, monitor=None):
        """Fit the boosted trees.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; a sparse matrix is used as CSR, its stored
            entries binned and its zeros sharing one bin per feature, with
            the same trees as the dense matrix would give.
        y : array-like of shape (n_samples,)
            Targets: real values for regression, class labels for
            classification.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; rows of zero weight are left out.
        monitor : callable, default=None
            Called after every round as ``monitor(i, self, locals())`` with
            the round's index ``i``; the estimator's attributes then hold
            the ``i + 1`` rounds so far (``estimators_``, ``train_score_``,
            ...). Training stops when it returns True (scikit-learn's
            convention).

        Returns
        -------
        self : estimator
            The fitted estimator.
        """
        warm = self.warm_start and hasattr(self, "estimators_")
        if warm:
            previous_classes = getattr(self, "classes_", None)
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float64,
            order="C",
            accept_sparse="csr",
            reset=not warm,
            y_numeric=not is_classifier(self),
        )
        sample_weight = check_sample_weight(sample_weight, X)
        y = self._encode_targets(y)
        if (
            warm
            and previous_classes is not None
            and not np.array_equal(previous_classes, self.classes_)
        ):
            raise ValueError(
                "warm_start=True needs the same classes as the previous fit; got "
                f"{self.classes_.tolist()} instead of {previous_classes.tolist()}."
            )
        keep = sample_weight > 0
        if not keep.all():  # indexing by a mask copies X, even a full mask
            X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        if sp.issparse(X):
            X = as_csr(X)
        self._check_weighted_classes(y)
        self._loss = self._make_loss()
        if not warm:
            self._clear_state()
        elif self.n_estimators < len(self.estimators_):
            raise ValueError(
                f"n_estimators={self.n_estimators} must be at least the "
                f"{len(self.estimators_)} rounds already fitted when warm_start=True."
            )
        self._resolve_max_features(X.shape[1])
        split = self._validation_split(X, y, sample_weight)
        X_train, y_train, w_train = split[:3]
        raw = self._initial_raw(X_train, y_train, w_train, warm)
        self._boost_rounds(X_train, y_train, w_train, raw, split[3:], monitor)
        self._stack()
        return self

    def _check_weighted_classes(self, y):
        """Refuse or flag classes left without weight once zero-weight rows
        are dropped."""
        if not is_classifier(self):
            return
        counts = np.bincount(y, minlength=len(self.classes_))
        if np.count_nonzero(counts) < 2:
            raise ValueError(
                "sample_weight leaves fewer than 2 classes with positive weight "
                f"(classes with weight: {self.classes_[counts > 0].tolist()}); "
                "gradient boosting needs at least 2."
            )
        if not counts.all():
            warnings.warn(
                f"Classes {self.classes_[counts == 0].tolist()} have zero total "
                "sample_weight; they stay in classes_ with a probability near 0 "
                "and are never predicted.",
                UserWarning,
                stacklevel=3,
            )

    def _clear_state(self):
        self.estimators_ = np.empty((0, self._loss.n_trees_per_iteration), dtype=object)
        self.train_score_ = np.empty(0)
        self._rng = check_random_state(self.random_state)
        for name in ("oob_improvement_", "oob_scores_", "oob_score_"):
            if hasattr(self, name):
                delattr(self, name)

    def _resolve_max_features(self, n_features):
        value = self.max_features
        if value is None:
            resolved = n_features
        elif value == "sqrt":
            resolved = int(np.sqrt(n_features))
        elif value == "log2":
            resolved = int(np.log2(n_features))
        elif isinstance(value, Integral):
            resolved = min(value, n_features)
        else:
            resolved = int(value * n_features)
        self.max_features_ = max(1, resolved)

    def _validation_split(self, X, y, sample_weight):
        if self.n_iter_no_change is None:
            return X, y, sample_weight, None, None, None
        stratify = None
        if is_classifier(self):
            stratify = y
            counts = np.bincount(y, minlength=len(self.classes_))
            single = self.classes_[(counts > 0) & (counts < 2)]
            if len(single):
                raise ValueError(
                    "Early stopping (n_iter_no_change) holds out a stratified "
                    "validation_fraction of the rows, which needs at least 2 rows "
                    f"per class; classes {single.tolist()} have 1."
                )
        try:
            parts = train_test_split(
                X,
                y,
                sample_weight,
                test_size=self.validation_fraction,
                random_state=self.random_state,
                stratify=stratify,
            )
        except ValueError as exc:
            raise ValueError(
                "validation_fraction is too small or too large to hold out a "
                f"validation set for early stopping: {exc}"
            ) from exc
        X_train, X_val, y_train, y_val, w_train, w_val = parts
        if is_classifier(self):
            missing = np.setdiff1d(np.unique(y), np.unique(y_train))
            if len(missing):
                raise ValueError(
                    f"Classes {self.classes_[missing].tolist()} have no training "
                    f"rows left after holding out validation_fraction="
                    f"{self.validation_fraction} for early stopping; lower "
                    "validation_fraction."
                )
        return X_train, y_train, w_train, X_val, y_val, w_val

    @staticmethod
    def _fit_init_estimator(estimator, X, y, sample_weight):
        uniform = sample_weight is None or np.all(sample_weight == sample_weight[0])
        if has_fit_parameter(estimator, "sample_weight") and not uniform:
            return estimator.fit(X, y, sample_weight=sample_weight)
        if uniform:
            return estimator.fit(X, y)
        raise ValueError(
            f"The init estimator {type(estimator).__name__} does not take "
            "sample_weight in fit, so the weights would be dropped for the "
            "initial model. Give an init whose fit takes sample_weight, or fit "
            "without sample_weight."
        )

    def _init_raw_from_estimator(self, X):
        """Raw scores ``F_0(x)`` from the fitted ``init_`` estimator."""
        n_trees = self._loss.n_trees_per_iteration
        if not self._loss.is_classification:
            return np.asarray(self.init_.predict(X), dtype=np.float64).reshape(-1, 1)
        proba = np.clip(self.init_.predict_proba(X), 1e-15, 1 - 1e-15)
        if n_trees == 1:
            logit = np.log(proba[:, 1] / proba[:, 0])
            if not isinstance(self._loss, BinomialLogLoss):
                logit = 0.5 * logit
            return logit.reshape(-1, 1)
        return np.log(proba)

    def _initial_raw(self, X, y, sample_weight, warm):
        if warm:
            return self._raw_predict(X)
        if self.init is None:
            self.init_ = self._loss.init_raw(y, sample_weight)
        elif isinstance(self.init, str):
            self.init_ = np.zeros(self._loss.n_trees_per_iteration)
        else:
            self.init_ = self._fit_init_estimator(clone(self.init), X, y, sample_weight)
        return self._raw_start(X)

    def _resolve_min_samples_split(self, n_samples):
        if isinstance(self.min_samples_split, Integral):
            return self.min_samples_split
        return max(2, int(np.ceil(self.min_samples_split * n_samples)))

    def _tree_inputs(self, X):
        """What each round's splitter needs, computed once per fit."""
        if sp.issparse(X):
            max_bins = self.max_bins if self.tree_method == "hist" else None
            mapper = BinMapper(max_bins, random_state=self._rng).fit(X)
            return mapper, mapper.transform_sparse(X)
        if self.tree_method == "hist":
            mapper = BinMapper(self.max_bins, random_state=self._rng).fit(X)
            return mapper, mapper.transform(X)
        order = np.argsort(X, axis=0, kind="stable").T.astype(np.int32)
        return None, np.ascontiguousarray(order)

    def _grow(self, X, inputs, inbag, g, h):
        mapper, data = inputs
        max_features = self.max_features_ if self.max_features_ < X.shape[1] else None
        growth = dict(
            max_depth=self.max_depth,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            min_samples_split=self._resolve_min_samples_split(X.shape[0]),
            min_impurity_decrease=self.min_impurity_decrease,
            leaf_values=not self._loss.needs_leaf_update,
        )
        if mapper is not None:
            rows = (
                np.arange(len(inbag), dtype=np.int32)
                if inbag.all()
                else np.flatnonzero(inbag).astype(np.int32)
            )
            splitter = make_histogram_splitter(
                data,
                mapper,
                rows,
                g,
                h,
                self.min_samples_leaf,
                node_midpoints=self.tree_method == "exact",
            )
        else:
            if inbag.all():
                sorted_rows = data.copy()
            else:
                sorted_rows = np.ascontiguousarray(
                    data[inbag[data]].reshape(data.shape[0], -1)
                )
            splitter = make_exact_splitter(
                self._Xt, sorted_rows, g, h, self.min_samples_leaf
            )
        return grow_tree(
            splitter,
            n_features=X.shape[1],
            max_features=max_features,
            random_state=self._rng,
            **growth,
        )

    def _fit_round(self, X, y, sample_weight, raw, inputs, inbag, unit_weights):
        """One round: a tree per output column; returns the trees and new raw.
        With ``unit_weights`` (every weight 1) the residuals are the
        gradients as they are."""
        loss = self._loss
        # with one tree a round, its gradient is read before raw is updated
        previous = raw.copy() if loss.n_trees_per_iteration > 1 else raw
        trees = []
        oob = None if inbag.all() else ~inbag
        for k in range(loss.n_trees_per_iteration):
            residual = loss.negative_gradient(y, previous, sample_weight, k)
            g = residual if unit_weights else sample_weight * residual
            tree, leaf_rows = self._grow(X, inputs, inbag, g, sample_weight)
            leaves = leaf_rows.nodes
            if loss.needs_leaf_update:
                tree.value[leaves] = loss.leaf_values(
                    leaf_rows, tree.value[leaves], y, previous, sample_weight, k
                )
            tree.value *= self.learning_rate
            leaf_rows.add(raw[:, k], tree.value[leaves])
            if oob is not None:
                raw[oob, k] += tree.predict(X[oob])
            trees.append(tree)
        loss.end_round()
        return trees, raw

    def _boost_rounds(self, X, y, sample_weight, raw, validation, monitor=None):
        X_val, y_val, w_val = validation
        n_done = len(self.estimators_)
        n_samples = X.shape[0]
        if self.tree_method == "exact" and not sp.issparse(X):
            self._Xt = np.ascontiguousarray(X.T)
        inputs = self._tree_inputs(X)
        unit_weights = bool(np.all(sample_weight == 1.0))
        use_oob = self.subsample < 1.0
        track_oob = use_oob or hasattr(self, "oob_scores_")
        if track_oob and not hasattr(self, "oob_scores_"):
            # rounds of an earlier warm-started fit had no out-of-bag rows
            self.oob_improvement_ = np.full(n_done, np.nan)
            self.oob_scores_ = np.full(n_done, np.nan)
        n_inbag = max(1, int(self.subsample * n_samples))
        raw_val = None
        history = None
        if X_val is not None:
            raw_val = self._raw_predict(X_val) if n_done else self._raw_start(X_val)
            history = np.full(self.n_iter_no_change, np.inf)
        printer = (
            _ProgressPrinter(self.verbose, self.n_estimators, use_oob, n_done)
            if self.verbose
            else None
        )
        for i in range(n_done, self.n_estimators):
            inbag = np.ones(n_samples, dtype=bool)
            oob_score = oob_improvement = np.nan
            if use_oob:
                inbag[:] = False
                inbag[self._rng.choice(n_samples, n_inbag, replace=False)] = True
                oob_before = self._loss(y[~inbag], raw[~inbag], sample_weight[~inbag])
            with np.errstate(over="ignore", invalid="ignore"):
                trees, raw = self._fit_round(
                    X, y, sample_weight, raw, inputs, inbag, unit_weights
                )
                self._check_finite(raw, i)
                train_loss = (
                    self._loss(y[inbag], raw[inbag], sample_weight[inbag])
                    if use_oob
                    else self._loss(y, raw, sample_weight)
                )
            if use_oob:
                oob_score = self._loss(y[~inbag], raw[~inbag], sample_weight[~inbag])
                oob_improvement = oob_before - oob_score
            self._record_round(trees, train_loss, track_oob, oob_score, oob_improvement)
            if printer is not None:
                printer.update(i, train_loss, oob_improvement)
            if monitor is not None and monitor(i, self, locals()):
                break
            if raw_val is not None:
                for k, tree in enumerate(trees):
                    raw_val[:, k] += tree.predict(X_val)
                val_loss = self._loss(y_val, raw_val, w_val)
                if np.any(val_loss + self.tol < history):
                    history[i % len(history)] = val_loss
                else:
                    break
        self._loss.end_round()
        if hasattr(self, "_Xt"):
            del self._Xt

    def _record_round(self, trees, train_loss, track_oob, oob_score, oob_improvement):
        """Append one round to the fitted attributes, so that they are whole
        after every round (for ``monitor`` and after an interruption)."""
        row = np.empty((1, len(trees)), dtype=object)
        row[0, :] = trees
        self.estimators_ = np.vstack([self.estimators_, row])
        self.train_score_ = np.append(self.train_score_, train_loss)
        if track_oob:
            self.oob_scores_ = np.append(self.oob_scores_, oob_score)
            self.oob_improvement_ = np.append(self.oob_improvement_, oob_improvement)
            self.oob_score_ = float(oob_score)
        self.n_estimators_ = len(self.estimators_)

    def _check_finite(self, raw, i):
        if not np.all(np.isfinite(raw)):
            raise ValueError(
                f"Gradient boosting produced non-finite predictions at round {i + 1}; "
                "lower learning_rate or check y for extreme values."
            )

    # -- prediction ---------------------------------------------------------

    def _stack(self):
        self._stacked = (
            [
                stack_trees(list(self.estimators_[:, k]))
                for k in range(self.estimators_.shape[1])
            ]
            if len(self.estimators_)
            else None
        )

    def _raw_start(self, X):
        if isinstance(self.init_, np.ndarray):
            return np.tile(self.init_, (X.shape[0], 1)).astype(np.float64)
        return self._init_raw_from_estimator(X)

    def _raw_predict(self, X):
        raw = self._raw_start(X)
        if getattr(self, "_stacked", None) is None or len(self._stacked[0][0]) != len(
            self.estimators_
        ):
            self._stack()
        if self._stacked is not None:
            for k, stacked in enumerate(self._stacked):
                column = np.ascontiguousarray(raw[:, k])
                raw[:, k] = predict_stacked(X, stacked, column)
        return raw

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=np.float64, order="C", accept_sparse="csr", reset=False
        )
        return as_csr(X) if sp.issparse(X) else X

    def _apply(self, X):
        X = self._validate_X_predict(X)
        n_rounds, n_trees = self.estimators_.shape
        leaves = np.empty((X.shape[0], n_rounds, n_trees), dtype=np.int64)
        for r in range(n_rounds):
            for k in range(n_trees):
                leaves[:, r, k] = self.estimators_[r, k].apply(X)
        return leaves

    def _staged_raw_predict(self, X):
        X = self._validate_X_predict(X)
        raw = self._raw_start(X)
        for trees in self.estimators_:
            for k, tree in enumerate(trees):
                raw[:, k] += tree.predict(X)
            yield raw.copy()

    @property
    def feature_importances_(self):
        """Impurity-based importances: each tree's split gains per feature,
        normalised per tree, averaged over the trees, normalised to sum 1.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Non-negative importances (all zero when no tree splits).
        """
        check_is_fitted(self)
        total = np.zeros(self.n_features_in_)
        for tree in self.estimators_.ravel():
            total += tree.feature_importances(self.n_features_in_)
        norm = total.sum()
        return total / norm if norm > 0 else total

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags


_SHARED_PARAMETERS = """
    learning_rate : float, default=0.1
        The shrinkage ``nu`` of every tree. Range ``(0, inf)``.
    n_estimators : int, default=100
        Number of boosting rounds. Range ``[1, inf)``.
    subsample : float, default=1.0
        Fraction of rows each tree is fitted on, drawn without replacement
        (stochastic gradient boosting); below 1 the out-of-bag rows give
        ``oob_improvement_``. Range ``(0, 1]``.
    max_depth : int or None, default=3
        Depth limit of each tree; ``None`` for none. Range ``[1, inf)``.
    max_leaf_nodes : int or None, default=None
        Leaf limit of each tree; trees then grow best-first (largest gain
        first). Range ``[2, inf)``.
    min_samples_split : int or float, default=2
        Fewest rows a node must hold to be split: a count, or a fraction of
        the training rows (rounded up). Range ``[2, inf)`` or ``(0, 1]``.
    min_samples_leaf : int, default=1
        Fewest rows a leaf may hold. Range ``[1, inf)``.
    min_impurity_decrease : float, default=0.0
        A node is split only if the split lowers the weighted squared error
        of the residuals by at least this much, per unit of the tree's total
        weight ``W``: ``(N_t / W) (I_t - N_L / N_t I_L - N_R / N_t I_R) >=
        min_impurity_decrease`` with ``N`` the summed weights and ``I`` the
        weighted variances of node, left and right child (scikit-learn's
        rule). Range ``[0, inf)``.
    max_features : {"sqrt", "log2"}, int or float, default=None
        Features drawn at random at every split: a count, a fraction, or
        ``None`` for all.
    init : estimator or "zero", default=None
        ``None`` starts from the constant ``F_0 = argmin_gamma sum_i
        L(y_i, gamma)``; ``"zero"`` from 0; an estimator from its
        predictions (its ``predict_proba`` for classification).
    tree_method : {"exact", "hist"}, default="exact"
        ``"exact"`` scores every threshold between distinct values over
        presorted features; ``"hist"`` bins every feature into at most
        ``max_bins`` quantile bins once and splits on histograms (faster on
        large data).
    max_bins : int, default=255
        Bins per feature for ``tree_method="hist"``. Range ``[2, 255]``.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping when
        ``n_iter_no_change`` is set. Range ``(0, 1)``.
    n_iter_no_change : int or None, default=None
        Stop when the validation loss has not improved by ``tol`` for this
        many rounds; ``None`` never stops early.
    tol : float, default=1e-4
        Improvement below which a round does not count. Range ``[0, inf)``.
    warm_start : bool, default=False
        Keep the fitted trees and add rounds up to ``n_estimators``.
    random_state : int, RandomState instance or None, default=None
        Seeds subsampling, feature drawing, binning and the validation split.
    verbose : int, default=0
        Print the training loss while fitting (``1``: sparser over time,
        ``>1``: every round).
"""

_SHARED_ATTRIBUTES = """
    init_ : ndarray of shape (n_trees_per_iteration,) or estimator
        ``F_0``: the constant raw prediction, or the fitted ``init``
        estimator.
    estimators_ : ndarray of Tree of shape (`n_estimators_`, n_trees_per_iteration)
        The fitted trees, leaf values already multiplied by
        ``learning_rate``.
    n_estimators_ : int
        Number of rounds fitted (fewer than ``n_estimators`` after early
        stopping).
    train_score_ : ndarray of shape (`n_estimators_`,)
        Weighted mean loss on the in-bag training rows after each round: the
        mean squared error for ``"squared_error"``, the mean cross-entropy
        (:func:`sklearn.metrics.log_loss`) for ``"log_loss"``. For two
        classes scikit-learn's ``GradientBoostingClassifier`` reports twice
        the cross-entropy (the binomial deviance); ours is the loss itself
        for two classes as for more.
    oob_improvement_ : ndarray of shape (`n_estimators_`,)
        Decrease of the out-of-bag loss in each round (``subsample < 1``);
        NaN for rounds of a warm-started fit that drew no out-of-bag rows.
    oob_scores_ : ndarray of shape (`n_estimators_`,)
        Out-of-bag loss after each round (``subsample < 1``), the same loss
        as ``train_score_``; NaN where a round had no out-of-bag rows.
    oob_score_ : float
        The last out-of-bag loss (``subsample < 1``).
    max_features_ : int
        Features considered per split.
    feature_importances_ : ndarray of shape (n_features,)
        Impurity-based importances.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
"""

_NOTES = """
    The course's algorithm (the notes' gradient-boosting part)::

        F_0(x) = argmin_gamma sum_i L(y_i, gamma)
        for m = 1 .. M:
            r_im = -[dL(y_i, F(x_i)) / dF(x_i)] at F = F_{m-1}
            fit a regression tree to r_m, leaves R_jm
            gamma_jm = argmin_gamma sum_{x_i in R_jm} L(y_i, F_{m-1}(x_i) + gamma)
            F_m(x) = F_{m-1}(x) + nu sum_j gamma_jm 1(x in R_jm)

    Trees split on the weighted squared error of the residuals (the
    course's "fit a regression tree to the residuals", as scikit-learn's
    ``GradientBoosting*`` do; LightGBM and ``HistGradientBoosting*`` use a
    second-order gain instead), with ties broken towards the lowest feature
    index and threshold. Rows of zero ``sample_weight`` are dropped, so
    integer weights act as repeated rows.
"""


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    __doc__ = (
        """Gradient boosting of regression trees for real-valued targets.

    Each round fits a regression tree to the negative gradient of the loss
    (the residuals ``y - F`` for the squared error), replaces every leaf's
    value by the loss's argmin over that leaf, and adds the tree, shrunk by
    ``learning_rate``, to the model.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}, \
            default="squared_error"
        Squared error (leaf = mean residual), absolute error (leaf = median),
        Huber (quadratic below the ``alpha``-quantile of ``|y - F|``, linear
        above) or the pinball loss at level ``alpha`` (leaf = quantile).
    alpha : float, default=0.9
        Quantile of the ``quantile`` loss and of the Huber threshold.
        Range ``(0, 1)``."""
        + _SHARED_PARAMETERS
        + """
    Attributes
    ----------"""
        + _SHARED_ATTRIBUTES
        + """
    See Also
    --------
    GradientBoostingClassifier : The same loop for classification.
    AdaBoostRegressor : Boosting by reweighting.
    sklearn.ensemble.GradientBoostingRegressor : scikit-learn's version.

    Notes
    -----"""
        + _NOTES
        + """
    References
    ----------
    .. [1] J. H. Friedman, "Greedy function approximation: a gradient
       boosting machine", Annals of Statistics 29(5), 2001.
    .. [2] J. H. Friedman, "Stochastic gradient boosting", Computational
       Statistics & Data Analysis 38(4), 2002.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from ml2learn.ensemble import GradientBoostingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = GradientBoostingRegressor(n_estimators=50).fit(X, y)
    >>> bool(reg.score(X, y) > 0.6)
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "quantile"})],
        "alpha": [Interval(Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(
        self,
        *,
        loss="squared_error",
        alpha=0.9,
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        max_depth=3,
        max_leaf_nodes=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_impurity_decrease=0.0,
        max_features=None,
        init=None,
        tree_method="exact",
        max_bins=255,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            max_depth=max_depth,
            max_leaf_nodes=max_leaf_nodes,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_impurity_decrease=min_impurity_decrease,
            max_features=max_features,
            init=init,
            tree_method=tree_method,
            max_bins=max_bins,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
        )
        self.alpha = alpha

    def _encode_targets(self, y):
        return np.asarray(y, dtype=np.float64)

    def _make_loss(self):
        return LOSSES[self.loss](alpha=self.alpha)

    def predict(self, X):
        """Predicted values ``F_M(x)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predictions.
        """
        return self._raw_predict(self._validate_X_predict(X))[:, 0]

    def apply(self, X):
        """Leaf reached by every row in every tree.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        leaves : ndarray of shape (n_samples, `n_estimators_`)
            Node index (in :class:`~ml2learn.ensemble._tree.Tree`'s
            numbering) of the leaf each row reaches in each round's tree.
        """
        return self._apply(X)[:, :, 0]

    def staged_predict(self, X):
        """Predictions after each round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            ``F_m(x)`` for ``m = 1 .. n_estimators_``.
        """
        for raw in self._staged_raw_predict(X):
            yield raw[:, 0]


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    __doc__ = (
        """Gradient boosting of regression trees for classification.

    The model is a raw score ``F(x)`` (log-odds for two classes, one score
    per class for more) built as in regression: each round fits a tree to
    the negative gradient of the cross-entropy, ``y - p``, and sets each
    leaf to a Newton step of the loss.

    Parameters
    ----------
    loss : {"log_loss", "exponential"}, default="log_loss"
        Cross-entropy (binary or multinomial, one tree per class and round)
        or AdaBoost's exponential loss (two classes only)."""
        + _SHARED_PARAMETERS
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_classes_ : int
        Number of classes."""
        + _SHARED_ATTRIBUTES
        + """
    See Also
    --------
    GradientBoostingRegressor : The same loop for regression.
    AdaBoostClassifier : Boosting by reweighting.
    sklearn.ensemble.GradientBoostingClassifier : scikit-learn's version.

    Notes
    -----"""
        + _NOTES
        + """
    For the cross-entropy ``L = -(y log p + (1 - y) log(1 - p))`` with
    ``p = sigmoid(F)``, ``F_0 = log(p_1 / (1 - p_1))`` for the weighted share
    ``p_1`` of the positive class, the residual is ``y - p`` and a leaf's
    value is ``sum (y - p) / sum p (1 - p)``.

    References
    ----------
    .. [1] J. H. Friedman, "Greedy function approximation: a gradient
       boosting machine", Annals of Statistics 29(5), 2001.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from ml2learn.ensemble import GradientBoostingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = GradientBoostingClassifier(n_estimators=20).fit(X, y)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"log_loss", "exponential"})],
    }

    def __init__(
        self,
        *,
        loss="log_loss",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        max_depth=3,
        max_leaf_nodes=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_impurity_decrease=0.0,
        max_features=None,
        init=None,
        tree_method="exact",
        max_bins=255,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            max_depth=max_depth,
            max_leaf_nodes=max_leaf_nodes,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_impurity_decrease=min_impurity_decrease,
            max_features=max_features,
            init=init,
            tree_method=tree_method,
            max_bins=max_bins,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
        )

    def _encode_targets(self, y):
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        check_classification_targets_min2(self.classes_)
        self.n_classes_ = len(self.classes_)
        return encoded

    def _make_loss(self):
        if self.loss == "exponential":
            if self.n_classes_ != 2:
                raise ValueError(
                    "loss='exponential' needs exactly 2 classes; got "
                    f"{self.n_classes_}. Use loss='log_loss'."
                )
            return LOSSES["exponential"]()
        if self.n_classes_ == 2:
            return BinomialLogLoss()
        return MultinomialLogLoss(n_classes=self.n_classes_)

    def decision_function(self, X):
        """Raw scores ``F_M(x)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Log-odds of ``classes_[1]`` for two classes, one score per class
            for more.
        """
        raw = self._raw_predict(self._validate_X_predict(X))
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def staged_decision_function(self, X):
        """Raw scores after each round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            ``F_m(x)`` for ``m = 1 .. n_estimators_``.
        """
        for raw in self._staged_raw_predict(X):
            yield raw[:, 0] if raw.shape[1] == 1 else raw

    def _classes_from_raw(self, raw):
        if raw.shape[1] == 1:
            return self.classes_[(raw[:, 0] > 0).astype(np.intp)]
        return self.classes_[np.argmax(raw, axis=1)]

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        return self._classes_from_raw(self._raw_predict(self._validate_X_predict(X)))

    def predict_proba(self, X):
        """Class probabilities ``sigmoid(F)`` or ``softmax(F)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities ordered as ``classes_``.
        """
        raw = self._raw_predict(self._validate_X_predict(X))
        return self._loss.proba(raw)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        return np.log(self.predict_proba(X))

    def apply(self, X):
        """Leaf reached by every row in every tree.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        leaves : ndarray of shape (n_samples, `n_estimators_`, n_trees)
            Node index of the leaf each row reaches in each round's trees;
            ``n_trees`` is 1 for two classes (as in scikit-learn), else one
            tree per class.
        """
        return self._apply(X)

    def staged_predict(self, X):
        """Predicted classes after each round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            Predictions of the first ``m`` rounds.
        """
        for raw in self._staged_raw_predict(X):
            yield self._classes_from_raw(raw)

    def staged_predict_proba(self, X):
        """Class probabilities after each round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities of the first ``m`` rounds.
        """
        for raw in self._staged_raw_predict(X):
            yield self._loss.proba(raw)
