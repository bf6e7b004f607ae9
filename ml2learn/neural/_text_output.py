"""What the estimators that write texts share (the translator, the image
captioner): decoding a batch with greedy or beam search, the texts back
from token ids, and the exact-match and token scores."""

import copy

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ..utils.validation import check_sample_weight
from .modules._decoding import EOS
from .modules._seq2seq import beam_search

__all__ = ["TextOutputMixin", "check_texts"]


def check_texts(y, name="y"):
    """``y`` as a list of str, with clear errors for anything else."""
    if y is None:
        raise ValueError(f"{name} must hold the target texts; got None.")
    if isinstance(y, str):
        raise ValueError(f"{name} must be an iterable of target texts; got one string.")
    texts = [t.item() if isinstance(t, np.str_) else t for t in y]
    bad = next((t for t in texts if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"{name} must hold strings; got an item of type {type(bad)}.")
    return texts


class TextOutputMixin:
    """``predict``, ``score`` and ``token_accuracy`` for a network with the
    decoding interface of :func:`~ml2learn.neural.modules.beam_search`
    (``encode``, ``step``, ``reorder``), whose outputs are the tokens of
    ``target_encoder_``. A class sets ``_decoder_input(inputs)`` (the
    network's input tensor), ``_check_inputs(X)`` and ``_check_pairs(X,
    y)``, and has ``beam_width`` and ``length_penalty``."""

    def _float64_module(self):
        """A float64 CPU copy of the network in evaluation mode, so that an
        input's output does not depend on the others of its batch."""
        return copy.deepcopy(self.net_.module_).cpu().double().eval()

    def _decode(self, inputs):
        """Best token ids ``(n, L)`` (``<EOS>`` then padding), and the
        attention weights ``(n, L, S)`` or None."""
        check_is_fitted(self, "net_")
        source = self._decoder_input(inputs)
        module = self._float64_module()
        max_steps = self.target_encoder_.max_len_ - 1
        tokens, weights = [], []
        with torch.no_grad():
            for start in range(0, len(source), 512):
                ids, _, attention = beam_search(
                    module,
                    source[start : start + 512],
                    self.beam_width,
                    max_steps,
                    self.length_penalty,
                )
                tokens.append(
                    torch.nn.functional.pad(ids, (0, max_steps - ids.shape[1]))
                )
                if attention is not None:
                    weights.append(attention)
        tokens = torch.cat(tokens).numpy()
        if not weights:
            return tokens, None
        # each chunk attends over its own longest source (padding trimmed)
        width = max(chunk.shape[2] for chunk in weights)
        weights = [
            torch.nn.functional.pad(
                chunk, (0, width - chunk.shape[2], 0, max_steps - chunk.shape[1])
            )
            for chunk in weights
        ]
        return tokens, torch.cat(weights).numpy()

    def _output_tokens(self, ids):
        vocabulary = self.target_encoder_.index_to_token_
        rows = []
        for row in ids:
            real = row[: np.argmax(row == EOS)] if EOS in row else row[row > 0]
            rows.append([vocabulary[i] for i in real if i > 0])
        return rows

    def _reference_tokens(self, y):
        return [
            [t if t in self.target_encoder_.vocabulary_ else None for t in tokens]
            for tokens in self.target_encoder_._tokenize(y)
        ]

    def predict(self, X):
        """The output texts (greedy decoding, or beam search with
        ``beam_width > 1``).

        Parameters
        ----------
        X : iterable of str or array-like
            Inputs, as for ``fit``.

        Returns
        -------
        texts : ndarray of shape (n_samples,), dtype=object
            One output text per input.
        """
        inputs = self._check_inputs(X)
        if not len(inputs):
            return np.array([], dtype=object)
        ids, _ = self._decode(inputs)
        ids[ids == EOS] = 0
        out = np.empty(len(ids), dtype=object)
        out[:] = self.target_encoder_.inverse_transform(ids)
        return out

    def score(self, X, y, sample_weight=None):
        """Exact-match accuracy: the share of outputs that are right.

        Parameters
        ----------
        X : iterable of str or array-like
            Inputs, as for ``fit``.
        y : iterable of str
            Reference texts.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the inputs.

        Returns
        -------
        score : float
            The (weighted) share of outputs whose tokens equal the
            reference's.
        """
        inputs, targets = self._check_pairs(X, y)
        predicted = self._output_tokens(self._decode(inputs)[0])
        exact = [p == r for p, r in zip(predicted, self._reference_tokens(targets))]
        weights = check_sample_weight(sample_weight, np.empty((len(exact), 1)))
        return float(np.average(exact, weights=weights))

    def token_accuracy(self, X, y):
        """Token-level accuracy: the share of reference tokens (``<EOS>``
        included) that the output has at the same position.

        Parameters
        ----------
        X : iterable of str or array-like
            Inputs, as for ``fit``.
        y : iterable of str
            Reference texts.

        Returns
        -------
        accuracy : float
            Matching positions over reference tokens.
        """
        inputs, targets = self._check_pairs(X, y)
        predicted = self._output_tokens(self._decode(inputs)[0])
        matches = total = 0
        for p, r in zip(predicted, self._reference_tokens(targets)):
            p, r = p + ["<EOS>"], r + ["<EOS>"]
            matches += sum(a == b for a, b in zip(p, r))
            total += len(r)
        return matches / total
