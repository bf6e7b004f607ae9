"""Sequence inputs shared by the recurrent and transformer estimators:
token ids (0 is padding) when ``embedding_dim`` is set, else ``(n, T, F)``
values or 2-D arrays of scalars. Token ids are checked as numbers, then
kept as int64 arrays and tensors all the way to the embedding."""

import numpy as np
from sklearn.utils.validation import validate_data

from ..utils.validation import check_allocation

# float32 validation holds every integer up to 2**24 exactly
_MAX_TOKEN_ID = 2**24 - 1


class _SequenceInput:
    """Validation of sequence inputs; sets ``n_steps_``, ``n_step_features_``
    and, for token ids, ``n_tokens_``."""

    def _reads_tokens(self):
        return self.embedding_dim is not None

    def _flat(self, X):
        """3-D ``(n, T, F)`` arrays flattened to ``(n, T * F)``; the number of
        values per step, or None for 2-D input."""
        if isinstance(X, (list, tuple)) and X and isinstance(X[0], (list, tuple)):
            lengths = {len(row) for row in X}
            if len(lengths) > 1:
                raise ValueError(
                    f"X holds sequences of different lengths {sorted(lengths)[:5]}; "
                    "pad them to one length first (SequenceEncoder pads texts; "
                    "0 is the padding id of token input)."
                )
        if hasattr(X, "ndim") and not hasattr(X, "columns") and X.ndim == 3:
            X = np.asarray(X)
            return X.reshape(len(X), X.shape[1] * X.shape[2]), X.shape[2]
        return X, None

    def _vocabulary_size(self, X):
        """The embedding table's rows: the largest token id plus one."""
        largest = int(X.max()) if X.size else 0
        if largest > _MAX_TOKEN_ID:
            raise ValueError(
                f"X holds the token id {largest}; token ids must be below "
                f"{_MAX_TOKEN_ID + 1} (they index the embedding table; "
                "SequenceEncoder numbers a vocabulary from 2)."
            )
        n_tokens = max(2, largest + 1)
        source = self.init_from  # fine-tuning keeps the source's embedding rows
        if source is not None and hasattr(source, "n_tokens_"):
            n_tokens = max(n_tokens, source.n_tokens_)
        # weights, gradients and two optimizer moments, float32
        check_allocation(
            16 * n_tokens * self._embedding_width(),
            f"An embedding table of {n_tokens} token ids (the largest id in X "
            f"plus one) x {self._embedding_width()} dimensions",
        )
        return n_tokens

    def _embedding_width(self):
        return self.embedding_dim

    def _check_steps(self, X, step_features, reset):
        if self._reads_tokens():
            if step_features not in (None, 1):
                raise ValueError(
                    "With token input, X must hold token ids, shape (n, T); "
                    f"got {step_features} values per step."
                )
            if np.any(X < 0) or np.any(X != np.round(X)):
                raise ValueError(
                    "With token input, X must hold non-negative integer token "
                    "ids (0 is padding)."
                )
            step_features = 1
        step_features = 1 if step_features is None else step_features
        if reset:
            self.n_step_features_ = step_features
            self.n_steps_ = X.shape[1] // step_features
            if self._reads_tokens():
                self.n_tokens_ = self._vocabulary_size(X)
        elif step_features != self.n_step_features_:
            raise ValueError(
                f"X has {step_features} values per step; the network was fitted "
                f"on {self.n_step_features_}."
            )
        if self._reads_tokens():
            X = X.astype(np.int64)  # token ids stay integers from here on
            if not reset:
                X[X >= self.n_tokens_] = 1  # <UNK>
        return X

    def _validate_X(self, X, reset):
        X, step_features = self._flat(X)
        X = validate_data(self, X, dtype=np.float32, reset=reset)
        return self._check_steps(X, step_features, reset)

    def _validate_Xy(self, X, y, reset):
        X, step_features = self._flat(X)
        X, y = validate_data(
            self, X, y, dtype=np.float32, reset=reset, multi_output=True
        )
        return self._check_steps(X, step_features, reset), y
