"""``transform`` for the neural estimators whose input is text: a text's
learned representation, the mean over its real tokens of the states the
network computes for them (feature extraction, notes lines 3387-3480)."""

from abc import abstractmethod

from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..text._validation import check_documents

__all__ = ["TextFeatureMixin"]


class TextFeatureMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """Texts to vectors: ``_token_states(texts)`` gives every token's state
    ``(n, L, H)`` and which tokens are real ``(n, L)``; ``transform`` takes
    the mean over the real ones. With a frozen fitted model
    (:class:`sklearn.frozen.FrozenEstimator`) it is the feature step of a
    text classification pipeline."""

    def transform(self, X):
        """The mean state of each text's tokens.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        features : ndarray of shape (n_texts, n_features_out)
            ``1/L sum_t h_t`` over the real tokens of each text (float64).
        """
        check_is_fitted(self, "net_")
        states, real = self._token_states(check_documents(X))
        weights = real.double() / real.sum(1, keepdim=True).clamp_min(1)
        return (states.double() * weights[..., None]).sum(1).numpy()

    @property
    def _n_features_out(self):
        check_is_fitted(self, "net_")
        return self._token_states([""])[0].shape[-1]

    @abstractmethod
    def _token_states(self, texts):
        """``(n, L, H)`` token states and the ``(n, L)`` real tokens."""
