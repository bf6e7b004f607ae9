"""The base of the supervised neural estimators, on the training engine.

:class:`BaseNeuralEstimator` adds to :class:`~ml2learn.neural._engine.
NeuralEngine` what supervised learning needs: scikit-learn's validation of
``X`` and ``y``, target encoding (``_encode_targets(y, reset, classes)``,
in the task mixins), per-sample weights, the validation split of early
stopping, and ``fit`` / ``partial_fit``. :class:`FeatureExtractorMixin`
gives the estimators whose input is an array ``transform``: the learned
representation (the notes' feature extraction).
"""

from abc import abstractmethod

import numpy as np
import torch
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    is_classifier,
)
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._param_validation import _fit_context
from ..utils.validation import check_sample_weight
from ._engine import NeuralEngine, TrainingRun
from ._nets import TensorDataset
from ._training_params import (
    FEATURE_EXTRACTOR_PARAMETERS,
    SUPERVISED_TRAINING_PARAMETERS,
    training_constraints,
)

__all__ = ["BaseNeuralEstimator", "FeatureExtractorMixin", "TrainingRun"]


class BaseNeuralEstimator(NeuralEngine):
    """Base class of the supervised neural estimators; not for direct use.

    Subclasses set ``_build_module(n_features, n_outputs)``,
    ``_make_criterion()`` and ``_encode_targets(y, reset, classes)``; the
    engine's seams change the rest.
    """

    training_parameter_names = SUPERVISED_TRAINING_PARAMETERS
    _parameter_constraints: dict = training_constraints(SUPERVISED_TRAINING_PARAMETERS)

    @abstractmethod
    def _encode_targets(self, y, reset, classes=None):
        """Check ``y``; return the training target tensor and ``n_outputs``."""

    # -- data -------------------------------------------------------------

    def _validate_X(self, X, reset):
        """Validated float32 inputs."""
        return validate_data(self, X, dtype=np.float32, reset=reset)

    def _validate_Xy(self, X, y, reset):
        """Validated float32 inputs and raw targets."""
        return validate_data(
            self, X, y, dtype=np.float32, reset=reset, multi_output=True
        )

    def _dataset(self, X, y, sample_weight, run_extras):
        """The training rows as tensors; rows of zero weight are left out."""
        keep = sample_weight > 0
        X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        weights = None
        if np.ptp(sample_weight) > 0:
            weights = torch.from_numpy(sample_weight.astype(np.float32))
        return TensorDataset(self._inputs_tensor(X), y, weights)

    def _split(self, dataset, seed):
        """Hold out ``validation_fraction`` for early stopping."""
        if not self.early_stopping:
            return dataset, None
        n = len(dataset)
        n_valid = int(round(self.validation_fraction * n))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"early_stopping needs at least one validation and one training "
                f"sample; validation_fraction={self.validation_fraction} of "
                f"{n} samples gives {n_valid}."
            )
        y = dataset.y
        stratify = None
        if is_classifier(self) and y.ndim == 1:
            counts = np.bincount(y.numpy())
            if counts[counts > 0].min() >= 2 and n_valid >= len(counts[counts > 0]):
                stratify = y.numpy()
        train_rows, valid_rows = train_test_split(
            np.arange(n), test_size=n_valid, random_state=seed, stratify=stratify
        )
        return dataset.subset(np.sort(train_rows)), dataset.subset(np.sort(valid_rows))

    # -- fitting ------------------------------------------------------------------

    def _train(
        self, X, y, sample_weight=None, *, partial=False, classes=None, extras=None
    ):
        """Validate, then build or continue the network and train it: the
        core of ``fit`` and of ``partial_fit`` (``partial=True``: one epoch,
        on the fitted network when there is one)."""
        continuing = self._continues(partial)
        X, y = self._validate_Xy(X, y, reset=not continuing)
        return self._train_validated(
            X, y, sample_weight, partial=partial, classes=classes, extras=extras
        )

    def _continues(self, partial):
        """Whether this call trains the fitted network on."""
        return hasattr(self, "net_") and (partial or self.warm_start)

    def _train_validated(
        self, X, y, sample_weight=None, *, partial=False, classes=None, extras=None
    ):
        """:meth:`_train` on ``X`` and ``y`` already validated."""
        continuing = self._continues(partial)
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float32)
        target, n_outputs = self._encode_targets(
            y, reset=not continuing, classes=classes
        )
        extras = extras or {}
        dataset = self._dataset(X, target, sample_weight, extras)
        return self._run(dataset, X.shape[1], n_outputs, continuing, partial, extras)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss; rows of zero weight are left out.

        Returns
        -------
        self : estimator
            The fitted estimator.
        """
        return self._train(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one more epoch on ``(X, y)`` (the first call initialises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : estimator
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        return self._train(X, y, sample_weight, partial=True)

    # -- prediction ---------------------------------------------------------

    def _predict_input(self, X):
        check_is_fitted(self, "net_")
        return self._validate_X(X, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class FeatureExtractorMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform``: a fitted network as a feature extractor (the notes'
    first transfer-learning recipe), for estimators whose input is an
    array. In a pipeline after fitting, wrap it in
    :class:`sklearn.frozen.FrozenEstimator` so that the pipeline's ``fit``
    does not train it again."""

    training_parameter_names = FEATURE_EXTRACTOR_PARAMETERS
    _parameter_constraints: dict = training_constraints(["feature_layer"])

    def transform(self, X):
        """The learned representation of ``X`` (feature extraction).

        The input of the output layer (after the last hidden layer, the
        pooling or the ``[CLS]`` vector), or the output of ``feature_layer``,
        flattened to one row per sample, computed in evaluation mode.

        Parameters
        ----------
        X : array-like
            Input samples, as for ``predict``.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            The representation (float64).
        """
        inputs = self._predict_input(X)
        return self._forward(inputs, capture=True, layer=self.feature_layer)

    @property
    def _n_features_out(self):
        check_is_fitted(self, "net_")
        probe = self._probe_input_
        return self._forward(probe, capture=True, layer=self.feature_layer).shape[1]
