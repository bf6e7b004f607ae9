"""Text to padded sequences of token ids, the input of the recurrent and
transformer estimators."""

import re
import warnings
from collections import Counter
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import (
    HasMethods,
    Interval,
    RegularExpression,
    StrOptions,
    _fit_context,
)
from ._validation import check_documents

__all__ = ["SequenceEncoder"]

PAD, UNK, BOS, EOS = "<PAD>", "<UNK>", "<BOS>", "<EOS>"


def _fitted_tokenizer(tokenizer, texts):
    """``tokenizer`` itself when it is a name or already fitted, else a
    clone fitted on ``texts``."""
    if isinstance(tokenizer, str) or not hasattr(tokenizer, "fit"):
        return tokenizer
    try:
        check_is_fitted(tokenizer)
        return tokenizer
    except NotFittedError:
        return clone(tokenizer).fit(texts)


class SequenceEncoder(TransformerMixin, BaseEstimator):
    """Turn strings into padded rows of token ids.

    Id 0 is padding and id 1 is ``<UNK>``, the id of every token that is
    rarer than ``min_freq`` in the training texts or unseen; with
    ``add_special_tokens`` every sequence starts with ``<BOS>`` (id 2) and
    ends with ``<EOS>`` (id 3). The other tokens follow by decreasing
    frequency (ties in order of first appearance).

    Parameters
    ----------
    tokenizer : {"word", "char"} or tokenizer, default="word"
        ``"word"``: the tokens of ``token_pattern``; ``"char"``: characters;
        or an object whose ``transform`` maps a list of strings to lists of
        string tokens (a :class:`BPETokenizer`, say). A tokenizer that is
        not fitted yet is cloned and fitted on ``fit``'s texts, as a
        :class:`~sklearn.pipeline.Pipeline` would fit it; a fitted one is
        used as it is.
    min_freq : int, default=1
        Tokens seen fewer times than this become ``<UNK>``.
    max_len : int, default=None
        Length of the rows; None takes the longest training sequence. Longer
        sequences are truncated (the first time with a warning).
    truncation : {"right", "left"}, default="right"
        Which end is cut from a long sequence.
    padding : {"right", "left"}, default="right"
        Which end receives the padding.
    add_special_tokens : bool, default=False
        Wrap every sequence in ``<BOS>`` ... ``<EOS>``.
    lowercase : bool, default=False
        Lowercase the texts first.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a word token is (``tokenizer="word"``).

    Attributes
    ----------
    tokenizer_ : str or tokenizer
        ``tokenizer``, or the clone fitted on the training texts.
    vocabulary_ : dict
        Token to id (the special tokens included).
    index_to_token_ : list of str
        Id to token.
    max_len_ : int
        Length of the output rows.

    See Also
    --------
    BPETokenizer : Sub-word tokens to feed this encoder.

    Examples
    --------
    >>> from ml2learn.text import SequenceEncoder
    >>> encoder = SequenceEncoder(add_special_tokens=True)
    >>> encoder = encoder.fit(["the cat sat", "the dog"])
    >>> encoder.transform(["the cat ran"]).tolist()
    [[2, 4, 5, 1, 3]]
    >>> encoder.inverse_transform([[2, 4, 5, 1, 3]])
    ['the cat <UNK>']
    """

    _parameter_constraints: dict = {
        "tokenizer": [StrOptions({"word", "char"}), HasMethods(["transform"])],
        "min_freq": [Interval(Integral, 1, None, closed="left")],
        "max_len": [Interval(Integral, 1, None, closed="left"), None],
        "truncation": [StrOptions({"right", "left"})],
        "padding": [StrOptions({"right", "left"})],
        "add_special_tokens": ["boolean"],
        "lowercase": ["boolean"],
        "token_pattern": [RegularExpression()],
    }

    def __init__(
        self,
        tokenizer="word",
        *,
        min_freq=1,
        max_len=None,
        truncation="right",
        padding="right",
        add_special_tokens=False,
        lowercase=False,
        token_pattern=r"\w+|[^\w\s]",
    ):
        self.tokenizer = tokenizer
        self.min_freq = min_freq
        self.max_len = max_len
        self.truncation = truncation
        self.padding = padding
        self.add_special_tokens = add_special_tokens
        self.lowercase = lowercase
        self.token_pattern = token_pattern

    def _tokenize(self, texts):
        texts = check_documents(texts)
        if self.lowercase:
            texts = [t.lower() for t in texts]
        if self.tokenizer_ == "word":
            pattern = re.compile(self.token_pattern)
            return [pattern.findall(t) for t in texts]
        if self.tokenizer_ == "char":
            return [list(t) for t in texts]
        rows = list(self.tokenizer_.transform(texts))
        for row in rows:
            if isinstance(row, str) or any(not isinstance(t, str) for t in row):
                raise TypeError(
                    "tokenizer.transform must give a list of string tokens per "
                    f"text; got {type(row).__name__} "
                    f"{str(row)[:40]!r} (for BPETokenizer, output='tokens')."
                )
        return [list(row) for row in rows]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Build the vocabulary and the row length.

        Parameters
        ----------
        X : iterable of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceEncoder
            The fitted encoder.
        """
        texts = check_documents(X)
        if not texts:
            raise ValueError("X holds no text; SequenceEncoder needs at least one.")
        self.tokenizer_ = _fitted_tokenizer(self.tokenizer, texts)
        sequences = self._tokenize(texts)
        self._warned_truncation = False
        counts = Counter(token for tokens in sequences for token in tokens)
        specials = [PAD, UNK, BOS, EOS]
        kept = [
            t for t, c in counts.items() if c >= self.min_freq and t not in specials
        ]
        kept.sort(key=lambda t: -counts[t])  # stable: ties keep first appearance
        self.index_to_token_ = specials + kept
        self.vocabulary_ = {t: i for i, t in enumerate(self.index_to_token_)}
        extra = 2 if self.add_special_tokens else 0
        longest = max(len(tokens) for tokens in sequences) + extra
        self.max_len_ = self.max_len if self.max_len is not None else max(1, longest)
        return self

    def transform(self, X):
        """Token ids, one padded row per text.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        ids : ndarray of shape (n_texts, `max_len_`)
            Token ids, 0 for padding.
        """
        encoded = self.encode(X)
        out = np.zeros((len(encoded), self.max_len_), dtype=np.int64)
        truncated = 0
        for row, ids in enumerate(encoded):
            if len(ids) > self.max_len_:
                truncated += 1
                ids = (
                    ids[: self.max_len_]
                    if self.truncation == "right"
                    else ids[-self.max_len_ :]
                )
            if self.padding == "right":
                out[row, : len(ids)] = ids
            elif ids:
                out[row, -len(ids) :] = ids
        if truncated and not getattr(self, "_warned_truncation", False):
            self._warned_truncation = True  # once per fitted encoder
            warnings.warn(
                f"{truncated} text(s) longer than max_len_={self.max_len_} tokens "
                f"were truncated on the {self.truncation}.",
                UserWarning,
                stacklevel=2,
            )
        return out

    def encode(self, X):
        """Token ids of every text, ``<BOS>``/``<EOS>`` added where the encoder
        adds them, neither cut to ``max_len_`` nor padded.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        ids : list of list of int
            One list per text (unknown tokens are 1, ``<UNK>``).
        """
        check_is_fitted(self, "vocabulary_")
        encoded = []
        for tokens in self._tokenize(X):
            ids = [self.vocabulary_.get(t, 1) for t in tokens]
            encoded.append([2, *ids, 3] if self.add_special_tokens else ids)
        return encoded

    def inverse_transform(self, X):
        """Texts back from rows of ids (padding and ``<BOS>``/``<EOS>``
        dropped; unknown tokens read ``<UNK>``).

        Parameters
        ----------
        X : array-like of shape (n_texts, n_positions)
            Token ids.

        Returns
        -------
        texts : list of str
            Tokens joined by spaces (words), nothing (characters) or the
            tokenizer's own ``inverse_transform``.
        """
        check_is_fitted(self, "vocabulary_")
        rows = np.asarray(X)
        if rows.ndim != 2:
            raise ValueError(f"X must be 2-D rows of ids; got shape {rows.shape}.")
        n_tokens = len(self.index_to_token_)
        token_lists = []
        for row in rows:
            if np.any((row < 0) | (row >= n_tokens)):
                raise ValueError(
                    f"ids must lie in [0, {n_tokens}); got {row.min()}..{row.max()}."
                )
            token_lists.append(
                [self.index_to_token_[i] for i in row if i not in (0, 2, 3)]
            )
        if self.tokenizer_ == "char":
            return ["".join(tokens) for tokens in token_lists]
        if self.tokenizer_ != "word" and hasattr(self.tokenizer_, "inverse_transform"):
            return list(self.tokenizer_.inverse_transform(token_lists))
        return [" ".join(tokens) for tokens in token_lists]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``position0`` .. .

        Parameters
        ----------
        input_features : None
            Ignored (the input is text).

        Returns
        -------
        names : ndarray of str
            One name per position.
        """
        check_is_fitted(self, "vocabulary_")
        return np.array([f"position{i}" for i in range(self.max_len_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
