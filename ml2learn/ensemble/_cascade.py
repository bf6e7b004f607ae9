"""The attentional cascade of Viola and Jones (2001), section 4: boosted
stages of Haar-like features in sequence, each tuned to pass almost every
object and to reject a fixed share of what is not, so that most windows of a
photograph are rejected after a few features."""

import warnings
from dataclasses import dataclass, replace
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
)
from ._adaboost import AdaBoostClassifier
from ._detection import check_photograph, image_pyramid, non_max_suppression
from ._haar import HaarFeatures, window_statistics
from ._integral import padded_integral_image

__all__ = ["CascadeClassifier"]


@dataclass
class CascadeStage:
    """One boosted stage: stumps on single features, a lowered threshold.

    The stage's score is ``offset + sum_t (right_votes[t] if x[features[t]] >
    stump_thresholds[t] else left_votes[t])``; a window passes when the score
    is above ``threshold``.
    """

    features: np.ndarray
    stump_thresholds: np.ndarray
    left_votes: np.ndarray
    right_votes: np.ndarray
    offset: float
    threshold: float
    detection_rate: float
    false_positive_rate: float

    def scores(self, values):
        """Stage scores from the values ``(n, k)`` of the stage's features."""
        votes = np.where(
            values > self.stump_thresholds, self.right_votes, self.left_votes
        )
        return self.offset + votes.sum(axis=1)

    def passes(self, values):
        """Whether the stage passes windows whose features are ``values``."""
        return self.scores(values) > self.threshold

    @classmethod
    def from_boosting(cls, booster, n_rounds):
        """The first ``n_rounds`` stumps of a fitted two-class AdaBoost (their
        sum is its ``decision_function``); rates and threshold still to set."""
        features, thresholds, left, right, offset = [], [], [], [], 0.0
        for stump, alpha in zip(
            booster.estimators_[:n_rounds], booster.estimator_weights_[:n_rounds]
        ):
            leaf_class = np.argmax(stump.value_, axis=1)
            votes = alpha * np.where(leaf_class == 1, 1.0, -1.0)
            if stump.feature_ < 0:
                offset += votes[0]
                continue
            features.append(stump.feature_)
            thresholds.append(stump.threshold_)
            left.append(votes[0])
            right.append(votes[1])
        return cls(
            np.array(features, dtype=np.intp),
            np.array(thresholds),
            np.array(left),
            np.array(right),
            float(offset),
            0.0,
            1.0,
            1.0,
        )


def _passing_threshold(positive_scores, detection_rate):
    """The stage threshold: the paper's default 0, lowered until a share
    ``detection_rate`` of the positives score above it (halfway below the
    lowest score that must pass)."""
    if positive_scores.size == 0:
        return 0.0
    ranked = np.sort(positive_scores)[::-1]
    needed = int(np.ceil(detection_rate * len(ranked) - 1e-9))
    if needed == 0 or np.mean(positive_scores > 0.0) >= detection_rate:
        return 0.0
    lowest = ranked[needed - 1]
    below = ranked[ranked < lowest]
    return float((lowest + below[0]) / 2 if below.size else lowest - 1.0)


def _squash(margin):
    return margin / (1.0 + np.abs(margin))


class CascadeClassifier(ClassifierMixin, BaseEstimator):
    """Viola and Jones's attentional cascade of boosted Haar-feature stages.

    Each stage is AdaBoost with one-feature stumps, grown one feature at a
    time until, with its threshold lowered so that it passes a share
    ``stage_detection_rate`` of the validation objects still in the
    cascade, it passes at most a share ``stage_false_positive_rate`` of the
    validation non-objects still in it. Stages are added until the
    cascade's false-positive rate reaches ``target_false_positive_rate``;
    each new stage trains on all objects and on the non-objects that the
    stages before it let through (its false positives), bootstrapped from
    ``negative_images`` when they are given. A window is an object when
    every stage passes it; most non-objects are rejected by the first,
    smallest stages, which is what makes scanning a photograph fast.

    Parameters
    ----------
    features : HaarFeatures, default=None
        The feature extractor, cloned; None uses ``HaarFeatures(normalize=
        True)``, every feature of the five types on variance-normalised
        windows, as in the paper.
    stage_detection_rate : float, default=0.995
        ``d``: the share of the objects reaching a stage that it must pass.
        Range ``(0, 1]``.
    stage_false_positive_rate : float, default=0.5
        ``f``: the largest share of the non-objects reaching a stage that it
        may pass. Range ``(0, 1)``.
    target_false_positive_rate : float, default=1e-3
        ``F_target``: stop adding stages when the cascade's false-positive
        rate on the validation windows is at most this. Range ``(0, 1)``.
    max_stages : int, default=20
        Stop after this many stages. Range ``[1, inf)``.
    max_stage_features : int, default=100
        Largest number of features (boosting rounds) of one stage; a stage
        that reaches it without reaching ``f`` is kept as it is. Range
        ``[1, inf)``.
    validation_fraction : float, default=0.25
        Share of ``X`` (stratified) held out to measure the rates and set the
        thresholds; 0 measures them on the training windows. Range ``[0,
        1)``.
    n_negatives : int or "auto", default="auto"
        With ``negative_images``: non-object windows each stage gathers from
        them; "auto" is the number of training objects. Range ``[1, inf)``.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, the feature subset of ``features`` and
        the windows drawn from ``negative_images``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``classes_[1]`` is the object class (faces).
    features_ : HaarFeatures
        The extractor restricted to the features the stages use.
    stages_ : list of dict
        Per stage: ``features`` (names), ``n_features``, ``threshold``,
        ``detection_rate`` and ``false_positive_rate`` (the shares of the
        validation objects and non-objects reaching the stage that it
        passes).
    detection_rate_ : float
        ``D``: share of the validation objects that pass every stage, the
        product of the stages' detection rates.
    false_positive_rate_ : float
        ``F``: share of the validation non-objects that pass every stage, the
        product of the stages' false-positive rates.
    validation_indices_ : ndarray of int
        Rows of ``X`` used for validation (all rows when
        ``validation_fraction=0``).
    stop_reason_ : str
        Why no further stage was added.
    n_features_in_ : int
        Pixels per window.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    HaarFeatures : The features.
    AdaBoostClassifier : One stage's booster; ``make_pipeline(HaarFeatures(),
        AdaBoostClassifier())`` is the single-stage classifier.
    skimage.feature.Cascade : scikit-image's runner of OpenCV's trained
        cascades.

    Notes
    -----
    With ``K`` stages of detection rates ``d_i`` and false-positive rates
    ``f_i``, the cascade's rates multiply::

        D = prod_i d_i        F = prod_i f_i

    so ten stages of ``d = 0.99``, ``f = 0.3`` detect ``0.99^10 ~ 0.9`` of
    the faces with ``0.3^10 ~ 6e-6`` false positives. Every stage starts
    from the paper's weights (half the total on each class) and its
    threshold is AdaBoost's (0) lowered as far as ``d`` requires, never
    raised. A window's decision is the last stage's margin ``score -
    threshold`` when it passes every stage, and ``(k - K) + m / (1 + |m|)``
    (in ``(k - K - 1, k - K]``) when stage ``k`` of ``K`` rejects it with
    margin ``m <= 0``: later rejection ranks higher, so ROC curves work.

    References
    ----------
    .. [1] P. Viola and M. Jones, "Rapid object detection using a boosted
       cascade of simple features", CVPR 2001.
    .. [2] P. Viola and M. Jones, "Robust real-time face detection", IJCV
       57(2), 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.ensemble import CascadeClassifier, HaarFeatures
    >>> rng = np.random.RandomState(0)
    >>> windows = rng.rand(200, 6, 6)
    >>> y = np.arange(200) % 2
    >>> windows[y == 1, :3] += 0.5       # objects: a brighter top half
    >>> cascade = CascadeClassifier(HaarFeatures("type-2-y"), random_state=0)
    >>> cascade = cascade.fit(windows, y)
    >>> bool(cascade.score(windows, y) > 0.95), cascade.stages_[0]["n_features"]
    (True, 1)
    """

    _parameter_constraints: dict = {
        "features": [HasMethods(["fit", "transform"]), None],
        "stage_detection_rate": [Interval(Real, 0, 1, closed="right")],
        "stage_false_positive_rate": [Interval(Real, 0, 1, closed="neither")],
        "target_false_positive_rate": [Interval(Real, 0, 1, closed="neither")],
        "max_stages": [Interval(Integral, 1, None, closed="left")],
        "max_stage_features": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_negatives": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        features=None,
        *,
        stage_detection_rate=0.995,
        stage_false_positive_rate=0.5,
        target_false_positive_rate=1e-3,
        max_stages=20,
        max_stage_features=100,
        validation_fraction=0.25,
        n_negatives="auto",
        random_state=None,
    ):
        self.features = features
        self.stage_detection_rate = stage_detection_rate
        self.stage_false_positive_rate = stage_false_positive_rate
        self.target_false_positive_rate = target_false_positive_rate
        self.max_stages = max_stages
        self.max_stage_features = max_stage_features
        self.validation_fraction = validation_fraction
        self.n_negatives = n_negatives
        self.random_state = random_state

    # -- fit ------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, negative_images=None):
        """Train the stages on windows ``X`` (objects and non-objects).

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Training windows, as :class:`HaarFeatures` reads them.
        y : array-like of shape (n_samples,)
            Two labels; the larger (``classes_[1]``) marks the objects.
        negative_images : list of ndarray of shape (h, w), default=None
            Photographs with no object. Each stage then trains on
            ``n_negatives`` windows cut from them (at every scale) that the
            stages before it accept, besides the non-objects of ``X`` that
            they accept.

        Returns
        -------
        self : CascadeClassifier
            The fitted cascade.
        """
        rng = check_random_state(self.random_state)
        extractor = (
            HaarFeatures(normalize=True) if self.features is None else self.features
        )
        if not isinstance(extractor, HaarFeatures):
            raise TypeError(
                "features must be a HaarFeatures instance (the cascade reads its "
                f"features from integral images); got {type(extractor).__name__}."
            )
        extractor = clone(extractor)
        if "random_state" in extractor.get_params() and extractor.random_state is None:
            extractor.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
        extractor.fit(X)
        # scikit-learn's input checks, one home: the extractor's
        self.n_features_in_ = extractor.n_features_in_
        if hasattr(extractor, "feature_names_in_"):
            self.feature_names_in_ = extractor.feature_names_in_
        values = extractor.transform(X)
        y = self._check_targets(y, values)
        is_object = y == self.classes_[1]
        train, validation = self._split(is_object, rng)
        levels = self._negative_levels(negative_images, extractor)
        self._grow(extractor, values, is_object, train, validation, levels, rng)
        self.validation_indices_ = validation
        return self

    def _check_targets(self, y, values):
        if y is None:
            raise ValueError(
                "CascadeClassifier requires y to be passed, but the target y is None."
            )
        y = column_or_1d(y, warn=True)
        check_consistent_length(values, y)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                "Only binary classification is supported (objects against "
                f"non-objects). The type of the target is {y_type}."
            )
        self.classes_ = np.unique(y)
        check_classification_targets_min2(self.classes_)
        return y

    def _split(self, is_object, rng):
        rows = np.arange(len(is_object))
        if self.validation_fraction == 0:
            return rows, rows
        try:
            train, validation = train_test_split(
                rows,
                test_size=self.validation_fraction,
                stratify=is_object,
                random_state=rng.randint(np.iinfo(np.int32).max),
            )
        except ValueError as exc:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} cannot hold out "
                "objects and non-objects of these windows; pass more windows of "
                "each class or validation_fraction=0."
            ) from exc
        return np.sort(train), np.sort(validation)

    def _negative_levels(self, images, extractor):
        if images is None:
            return None
        if isinstance(images, np.ndarray) and images.ndim == 2:
            images = [images]
        if not len(images):
            raise ValueError("negative_images is empty; pass None or photographs.")
        window = extractor.window_shape_
        # every level of every photograph's pyramid, windows are cut from them
        return [
            level
            for image in images
            for _, level in image_pyramid(
                check_photograph(image, window), window, _BOOTSTRAP_SCALE_FACTOR
            )
        ]

    def _grow(self, extractor, values, is_object, train, validation, levels, rng):
        """The paper's training loop (its Table 2)."""
        objects = values[train[is_object[train]]]
        negatives = values[train[~is_object[train]]]  # those all stages pass
        bootstrapped = np.zeros((0, values.shape[1]))
        # the validation windows that every stage so far passes
        live_objects = values[validation[is_object[validation]]]
        live_negatives = values[validation[~is_object[validation]]]
        stages = []
        D = F = 1.0
        self.stop_reason_ = "max_stages reached"
        n_wanted = len(objects) if self.n_negatives == "auto" else self.n_negatives
        n_held_out = int(np.ceil(self.validation_fraction * n_wanted))
        while len(stages) < self.max_stages:
            stage_negatives = live_negatives
            if levels is not None:
                crops = self._false_positives(
                    extractor, stages, levels, n_wanted + n_held_out, rng
                )
                found = (
                    extractor.transform(crops)
                    if len(crops)
                    else np.zeros((0, values.shape[1]))
                )
                # the paper's N: this stage's false positives, drawn afresh
                bootstrapped = found[n_held_out:]
                # the stage's false-positive rate: on fresh false positives
                stage_negatives = np.vstack(
                    [live_negatives, found[:n_held_out] if n_held_out else found]
                )
            training_negatives = np.vstack([negatives, bootstrapped])
            if len(training_negatives) == 0:
                self.stop_reason_ = "no training non-object left"
                break
            stage = self._train_stage(
                objects, training_negatives, live_objects, stage_negatives, rng
            )
            if stage.false_positive_rate >= 1.0 and stages:
                self.stop_reason_ = "a stage could not reject any non-object"
                break
            stages.append(stage)
            D *= stage.detection_rate
            F *= stage.false_positive_rate
            live_objects = live_objects[stage.passes(live_objects[:, stage.features])]
            live_negatives = live_negatives[
                stage.passes(live_negatives[:, stage.features])
            ]
            negatives = negatives[stage.passes(negatives[:, stage.features])]
            if F <= self.target_false_positive_rate:
                self.stop_reason_ = "target_false_positive_rate reached"
                break
        self._set_stages(extractor, stages)
        self.detection_rate_ = float(D)
        self.false_positive_rate_ = float(F)
        if F >= 1.0:
            warnings.warn(
                "The cascade rejects none of the validation non-objects: its "
                "first stage had to pass every one of them to keep "
                f"stage_detection_rate={self.stage_detection_rate} of the "
                "objects. Lower stage_detection_rate, or give more windows.",
                UserWarning,
                stacklevel=3,
            )

    def _train_stage(self, objects, negatives, live_objects, live_negatives, rng):
        """Boost one feature at a time until the stage, its threshold lowered
        to pass a share ``d`` of the validation objects reaching it
        (``live_objects``), passes at most ``f`` of the validation
        non-objects reaching it; every round when none does."""
        X = np.vstack([objects, negatives])
        y = np.r_[np.ones(len(objects), dtype=int), np.zeros(len(negatives), dtype=int)]
        # the paper's initial weights: half of the total on each class
        weights = np.where(y == 1, 0.5 / len(objects), 0.5 / len(negatives))
        validation = np.vstack([live_objects, live_negatives])
        n_objects = len(live_objects)
        scores = np.zeros(len(validation))
        tuned = []

        def reached_f(t, booster, info):
            nonlocal scores
            predicted = booster._predict_encoded(info["estimator"], validation)
            scores = scores + info["weight"] * np.where(predicted == 1, 1.0, -1.0)
            threshold = _passing_threshold(
                scores[:n_objects], self.stage_detection_rate
            )
            passed = scores > threshold
            detection = passed[:n_objects].mean() if n_objects else 1.0
            false_positive = passed[n_objects:].mean() if len(live_negatives) else 0.0
            tuned[:] = [threshold, float(detection), float(false_positive)]
            return false_positive <= self.stage_false_positive_rate

        booster = AdaBoostClassifier(
            n_estimators=self.max_stage_features,
            random_state=rng.randint(np.iinfo(np.int32).max),
        )
        booster.fit(X, y, sample_weight=weights, monitor=reached_f)
        stage = CascadeStage.from_boosting(booster, len(booster.estimators_))
        stage.threshold, stage.detection_rate, stage.false_positive_rate = tuned
        return stage

    def _set_stages(self, extractor, stages):
        """Keep only the features the stages use, renumbered."""
        used = np.unique(np.concatenate([s.features for s in stages]))
        self.features_ = extractor._subset(used)
        names = self.features_.get_feature_names_out()
        for stage in stages:
            stage.features = np.searchsorted(used, stage.features)
        self._stages = stages
        self.stages_ = [
            {
                "features": names[s.features].tolist(),
                "n_features": len(s.features),
                "threshold": s.threshold,
                "detection_rate": s.detection_rate,
                "false_positive_rate": s.false_positive_rate,
            }
            for s in stages
        ]

    def _false_positives(self, extractor, stages, levels, n_wanted, rng):
        """The paper's bootstrapping: up to ``n_wanted`` windows of the
        object-free photographs (at every scale) that the stages so far
        accept, drawn from a scan of every level (any windows before the
        first stage). ``stages`` number features as ``extractor`` does."""
        window = extractor.window_shape_
        if not stages:
            sizes = [np.subtract(level.shape, window) + 1 for level in levels]
            weights = np.array([np.prod(size) for size in sizes], dtype=float)
            picks = rng.choice(len(levels), size=n_wanted, p=weights / weights.sum())
            corners = [(i, *(rng.randint(n) for n in sizes[i])) for i in picks]
        else:
            used = np.unique(np.concatenate([s.features for s in stages]))
            probe = extractor._subset(used)
            renumbered = [
                replace(s, features=np.searchsorted(used, s.features)) for s in stages
            ]
            found = [
                np.column_stack([np.full(len(hits), i), hits])
                for i, level in enumerate(levels)
                for hits in [_scan_level(probe, renumbered, level, _BOOTSTRAP_STEP)[0]]
            ]
            found = np.concatenate(found)
            if len(found) > n_wanted:
                found = found[np.sort(rng.choice(len(found), n_wanted, replace=False))]
            corners = found.tolist()
        crops = [
            levels[i][top : top + window[0], left : left + window[1]]
            for i, top, left in corners
        ]
        return np.array(crops, dtype=np.float64).reshape(-1, *window)

    # -- prediction ---------------------------------------------------------------

    def _evaluate(self, X):
        """Stages reached, last margin and acceptance of each window of ``X``."""
        check_is_fitted(self)
        values = self.features_.transform(X)
        return _run_cascade(self._stages, _matrix_reader(values), len(values))

    def decision_function(self, X):
        """How far each window got through the cascade.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Windows.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            The last stage's margin (> 0) for windows that pass every stage;
            ``(k - K) + m / (1 + |m|) <= 0`` for a window that stage ``k`` of
            ``K`` rejects with margin ``m`` (see Notes).
        """
        reached, margin, accepted = self._evaluate(X)
        return _decision(reached, margin, accepted, len(self._stages))

    def predict(self, X):
        """``classes_[1]`` for windows that every stage passes.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Windows.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels.
        """
        accepted = self._evaluate(X)[2]
        return self.classes_[accepted.astype(int)]

    def features_evaluated(self, X):
        """The number of features the cascade computes for each window.

        A window rejected by stage ``k`` costs the features of stages ``1 ..
        k``; the point of the cascade is that most windows cost few.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Windows.

        Returns
        -------
        n_features : ndarray of shape (n_samples,), int
            Features computed for each window.
        """
        reached = self._evaluate(X)[0]
        cumulative = np.cumsum([0] + [len(s.features) for s in self._stages])
        return cumulative[reached]

    def detect(
        self,
        image,
        *,
        scale_factor=1.25,
        step=1,
        min_size=None,
        max_size=None,
        overlap_threshold=0.3,
        min_neighbors=2,
        return_scores=False,
    ):
        """Find the objects of a photograph with a sliding window.

        The window slides by ``step`` pixels over every level of an image
        pyramid (``scale_factor`` apart); each position is a few look-ups per
        feature in the level's integral image, and the cascade rejects most
        positions after its first stage. Constant windows, in which no Haar
        feature sees anything, are rejected. Detections that overlap are
        merged by non-maximum suppression.

        Parameters
        ----------
        image : array-like of shape (H, W)
            A grey-level photograph, on the scale of the training windows'
            pixels (variance normalisation, the default, makes the scale of
            the pixels irrelevant).
        scale_factor : float, default=1.25
            Ratio of consecutive window sizes, > 1.
        step : int, default=1
            Shift of the window, in pixels of each level (so ``step * s``
            pixels of ``image`` at scale ``s``, as the paper shifts by
            ``[s step]``).
        min_size, max_size : int or (int, int), default=None
            Smallest and largest box ``(height, width)``; None: the window,
            the image.
        overlap_threshold : float, default=0.3
            Intersection over union above which two detections are merged.
        min_neighbors : int, default=2
            Raw detections a merged box needs (1 keeps isolated ones).
        return_scores : bool, default=False
            Also return each box's decision (its last stage's margin).

        Returns
        -------
        boxes : ndarray of shape (n_boxes, 4), int
            ``(top, left, height, width)`` in ``image`` pixels, best first.
        scores : ndarray of shape (n_boxes,)
            Only with ``return_scores``.
        """
        check_is_fitted(self)
        window = self.features_.window_shape_
        image = check_photograph(image, window)
        if not (isinstance(scale_factor, Real) and scale_factor > 1):
            raise ValueError(
                f"scale_factor must be a number > 1; got {scale_factor!r}."
            )
        if not (isinstance(step, Integral) and step >= 1):
            raise ValueError(f"step must be an integer >= 1; got {step!r}.")
        if not (isinstance(min_neighbors, Integral) and min_neighbors >= 1):
            raise ValueError(
                f"min_neighbors must be an integer >= 1; got {min_neighbors!r}."
            )
        if not (isinstance(overlap_threshold, Real) and 0 <= overlap_threshold < 1):
            raise ValueError(
                f"overlap_threshold must be in [0, 1); got {overlap_threshold!r}."
            )
        boxes, scores = [], []
        for scale, level in image_pyramid(
            image, window, scale_factor, min_size, max_size
        ):
            found, margin = self._scan(level, step)
            boxes.append(
                np.column_stack(
                    [
                        found * scale,
                        np.tile(np.multiply(window, scale), (len(found), 1)),
                    ]
                )
            )
            scores.append(margin)
        boxes = (
            np.round(np.concatenate(boxes)).astype(int)
            if boxes
            else np.zeros((0, 4), int)
        )
        scores = np.concatenate(scores) if scores else np.zeros(0)
        keep = non_max_suppression(boxes, scores, overlap_threshold, min_neighbors)
        if return_scores:
            return boxes[keep], scores[keep]
        return boxes[keep]

    def _scan(self, level, step):
        """Window corners ``(top, left)`` of ``level`` that the cascade
        accepts, with their last margins."""
        return _scan_level(self.features_, self._stages, level, step)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


_BOOTSTRAP_SCALE_FACTOR = 1.25
_BOOTSTRAP_STEP = 2


def _scan_level(extractor, stages, level, step):
    """Corners ``(top, left)`` of the windows of one image, ``step`` pixels
    apart, that every stage passes, and their last margins. Each window's
    features are read from the image's integral images, only for the stages
    it reaches; constant windows are rejected (no feature sees anything)."""
    h, w = extractor.window_shape_
    top, left = np.meshgrid(
        np.arange(0, level.shape[0] - h + 1, step),
        np.arange(0, level.shape[1] - w + 1, step),
        indexing="ij",
    )
    top, left = top.ravel(), left.ravel()
    padded = padded_integral_image(level)
    squares = padded_integral_image(level**2)
    mean, std, constant = window_statistics(padded, squares, top, left, (h, w))
    keep = ~constant
    top, left, mean, std = top[keep], left[keep], mean[keep], std[keep]

    def values(features, rows):
        statistics = (mean[rows], std[rows], np.zeros(len(rows), dtype=bool))
        return extractor._values_at(padded, top[rows], left[rows], features, statistics)

    _, margin, accepted = _run_cascade(stages, values, len(top))
    return np.column_stack([top, left])[accepted], margin[accepted]


def _matrix_reader(values):
    """``feature_values`` for :func:`_run_cascade` from a feature matrix."""

    def read(features, rows):
        return values[np.ix_(rows, features)]

    return read


def _run_cascade(stages, feature_values, n_windows):
    """Run windows through the stages in order, each stage on the windows
    every earlier stage passed.

    ``feature_values(features, rows)`` gives the values ``(len(rows),
    len(features))`` of some features for some windows, so that a window's
    features are computed only for the stages it reaches. Returns the
    number of stages each window reached, its margin ``score - threshold``
    at the last of them and whether it passed them all.
    """
    alive = np.arange(n_windows)
    reached = np.zeros(n_windows, dtype=np.intp)
    margin = np.zeros(n_windows)
    for k, stage in enumerate(stages, start=1):
        if alive.size == 0:
            break
        scores = stage.scores(feature_values(stage.features, alive))
        reached[alive] = k
        margin[alive] = scores - stage.threshold
        alive = alive[scores > stage.threshold]
    accepted = np.zeros(n_windows, dtype=bool)
    accepted[alive] = True
    return reached, margin, accepted


def _decision(reached, margin, accepted, n_stages):
    return np.where(accepted, margin, (reached - n_stages) + _squash(margin))
