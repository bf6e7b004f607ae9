"""What a neural estimator does with its outputs: classes or values.

:class:`NeuralClassifierMixin` and :class:`NeuralRegressorMixin` turn a
network's raw outputs into scikit-learn's classifier and regressor API and
choose the loss: softmax + cross-entropy, sigmoid + binary cross-entropy
per label, or the squared error. Every neural estimator combines one of them
with an architecture.
"""

import numpy as np
import torch
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
)

__all__ = [
    "REGRESSION_ATTRIBUTES_DOC",
    "NeuralClassifierMixin",
    "NeuralRegressorMixin",
]

REGRESSION_ATTRIBUTES_DOC = """
    y_mean_ : ndarray of shape (n_outputs,)
        Mean of every target column in the first fit; the network learns
        ``(y - y_mean_) / y_scale_`` and predicts in ``y``'s units (0 for the
        Poisson loss).
    y_scale_ : ndarray of shape (n_outputs,)
        Standard deviation of every target column (1 for constant ones); for
        the Poisson loss the column's mean (1 where it is 0)."""


class NeuralClassifierMixin(ClassifierMixin):
    """Classes from logits; the loss follows the target type."""

    def _encode_targets(self, y, reset, classes=None):
        check_classification_targets(y)
        if reset:
            self._multilabel = type_of_target(y) == "multilabel-indicator"
        if self._multilabel:
            y = np.asarray(y)
            if reset:
                self.classes_ = np.arange(y.shape[1])
            return torch.from_numpy(y.astype(np.float32)), y.shape[1]
        y = column_or_1d(y, warn=True)
        if reset:
            self.classes_ = np.unique(y if classes is None else classes)
            check_classification_targets_min2(self.classes_)
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y holds labels {unseen.tolist()} not seen in the first fit; "
                f"classes_ is {self.classes_.tolist()}."
            )
        encoded = np.searchsorted(self.classes_, y)
        return torch.from_numpy(encoded.astype(np.int64)), len(self.classes_)

    def _same_task(self, source):
        return np.array_equal(getattr(source, "classes_", None), self.classes_)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one more epoch on ``(X, y)`` (the first call initialises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Targets.
        classes : array-like of shape (n_classes,), default=None
            All the classes; needed in the first call when ``y`` does not
            show them all, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : estimator
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        return self._train(X, y, sample_weight, partial=True, classes=classes)

    def _make_criterion(self):
        if self._multilabel:
            return torch.nn.BCEWithLogitsLoss(reduction="none")
        return torch.nn.CrossEntropyLoss(reduction="none")

    def predict_proba(self, X):
        """Class probabilities: softmax of the logits (sigmoid per label for
        multi-label targets).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities ordered as ``classes_``.
        """
        logits = self._forward(self._predict_input(X)).astype(np.float64)
        if self._multilabel:
            return expit(logits)
        return softmax(logits, axis=1)

    def decision_function(self, X):
        """The network's logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes the logit difference (positive favours
            ``classes_[1]``); otherwise one logit per class (or label).
        """
        logits = self._forward(self._predict_input(X)).astype(np.float64)
        if not self._multilabel and logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class (labels above probability 0.5 for multi-label).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels.
        """
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NeuralRegressorMixin(RegressorMixin):
    """Values from a linear output layer, trained on the squared error of
    the standardised targets, or on the Poisson deviance through a log link
    for estimators with ``loss="poisson"``.

    Every target column is standardised with the first fit's mean and
    standard deviation (``y_mean_``, ``y_scale_``) before training and the
    outputs are put back in ``y``'s units at prediction, so that the
    defaults train on targets of any scale (the losses in ``loss_curve_``
    are in standardised units). For the Poisson loss the columns are only
    divided by their mean, which keeps counts non-negative and scales the
    deviance by a constant: the prediction is ``y_scale_ * exp(f(x))``.
    """

    def _poisson(self):
        return getattr(self, "loss", "squared_error") == "poisson"

    def _encode_targets(self, y, reset, classes=None):
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("y must be finite; got NaN or infinity.")
        target = y.reshape(len(y), -1)
        if self._poisson() and target.min() < 0:
            raise ValueError(
                'loss="poisson" needs non-negative targets y (counts or rates); '
                f"got a minimum of {target.min():g}."
            )
        if reset:
            self._y_ndim = y.ndim
            if self._poisson():
                mean = target.mean(axis=0)
                self.y_mean_ = np.zeros(target.shape[1])
                self.y_scale_ = np.where(mean > 0, mean, 1.0)
            else:
                self.y_mean_ = target.mean(axis=0)
                scale = target.std(axis=0)
                self.y_scale_ = np.where(scale > 0, scale, 1.0)
        standard = (target - self.y_mean_) / self.y_scale_
        return torch.from_numpy(standard.astype(np.float32)), target.shape[1]

    def _make_criterion(self):
        if self._poisson():
            # exp(f) - z f: the half Poisson deviance up to terms free of f
            return torch.nn.PoissonNLLLoss(log_input=True, reduction="none")
        return torch.nn.MSELoss(reduction="none")

    def predict(self, X):
        """Network outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when the training target was.
        """
        output = self._forward(self._predict_input(X)).astype(np.float64)
        if self._poisson():
            output = np.exp(output)
        output = output * self.y_scale_ + self.y_mean_
        return output.ravel() if self._y_ndim == 1 else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self._poisson()
        return tags
