"""Word embeddings from a window co-occurrence matrix and its SVD (notes,
lines 7614-7765).

:class:`BaseWordEmbedding` holds what every embedding estimator shares:
turning documents into tokens, the vocabulary, ``wv_`` and document vectors
(the mean of a document's word vectors) as ``transform``.
"""

import re
import warnings
from collections import Counter
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.extmath import randomized_svd
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import (
    Interval,
    RegularExpression,
    StrOptions,
    _fit_context,
)
from ._keyed_vectors import KeyedVectors
from ._validation import normalize_unicode

__all__ = [
    "BaseWordEmbedding",
    "CooccurrenceEmbedding",
    "cooccurrence_matrix",
    "count_cooccurrences",
]


def cooccurrence_matrix(sentences, vocabulary, window, weighting="count"):
    """Count how often two words occur within ``window`` tokens of each other.

    Parameters
    ----------
    sentences : iterable of list of str
        Token lists; windows do not cross from one list to the next.
    vocabulary : dict
        Word to index; other words are skipped (but still take up positions).
    window : int
        Largest distance counted.
    weighting : {"count", "ramp", "harmonic"}, default="count"
        Weight of a pair at distance ``d``: 1, ``window - d + 1`` (the
        notes' ramp, ``1 2 3 4 0 4 3 2 1`` for a window of 4) or ``1 / d``
        (GloVe).

    Returns
    -------
    X : sparse matrix of shape (n_words, n_words)
        The symmetric co-occurrence matrix (CSR).
    """
    ids, starts = [], [0]
    for tokens in sentences:
        ids.extend(vocabulary.get(t, -1) for t in tokens)
        starts.append(len(ids))
    return count_cooccurrences(
        np.array(ids, dtype=np.int64),
        np.array(starts, dtype=np.int64),
        len(vocabulary),
        window,
        weighting,
    )


def count_cooccurrences(ids, starts, n_words, window, weighting="count"):
    """The symmetric co-occurrence matrix of sentences laid end to end.

    Parameters
    ----------
    ids : ndarray of int64
        Word ids, sentence after sentence; -1 marks a word that is skipped
        but takes up its position.
    starts : ndarray of int64
        Offsets of the sentences in ``ids``, with ``len(ids)`` appended.
    n_words : int
        Vocabulary size.
    window : int
        Largest distance counted.
    weighting : {"count", "ramp", "harmonic"}, default="count"
        As in :func:`cooccurrence_matrix`.

    Returns
    -------
    X : sparse matrix of shape (n_words, n_words)
        Symmetric, CSR, float64.
    """
    owners = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    rows, cols, weights = [], [], []
    for d in range(1, window + 1):
        if d >= len(ids):
            break
        left, right = ids[:-d], ids[d:]
        keep = (left >= 0) & (right >= 0) & (owners[:-d] == owners[d:])
        if weighting == "ramp":
            w = float(window - d + 1)
        elif weighting == "harmonic":
            w = 1.0 / d
        else:
            w = 1.0
        rows.append(left[keep])
        cols.append(right[keep])
        weights.append(np.full(int(keep.sum()), w))
    if not rows:
        return sp.csr_matrix((n_words, n_words))
    r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
    upper = sp.coo_matrix((w, (r, c)), shape=(n_words, n_words)).tocsr()
    return (upper + upper.T).tocsr()


class _TokenLists(list):
    """A corpus already tokenised and checked, read again without checks."""


class BaseWordEmbedding(TransformerMixin, BaseEstimator):
    """Shared machinery of the word-embedding estimators; not for direct use.

    Subclasses set ``wv_`` in ``fit``; :meth:`transform` averages word
    vectors per document.
    """

    def _tokens(self, document):
        if isinstance(document, str):
            document = normalize_unicode(document)
            text = document.lower() if self.lowercase else document
            return re.findall(self.token_pattern, text)
        if isinstance(document, (list, tuple)) and (
            set(map(type, document)) <= {str}
            or all(isinstance(t, str) for t in document)
        ):
            return list(document)
        raise TypeError(
            "documents must be strings or lists of string tokens; got an item "
            f"of type {type(document).__name__}."
        )

    def _sentences(self, X):
        return _TokenLists(self._iter_sentences(X))

    def _iter_sentences(self, X):
        if isinstance(X, _TokenLists):
            yield from X
            return
        if isinstance(X, str):
            raise ValueError("X must be an iterable of documents; got one string.")
        for document in X:
            yield self._tokens(document)

    def _reiterable(self, X):
        """A corpus that can be read more than once: an in-memory corpus (or a
        one-shot iterator) as token lists, tokenised once; any other
        re-iterable as it is (a stream, tokenised on every pass)."""
        if isinstance(X, str):
            raise ValueError("X must be an iterable of documents; got one string.")
        if isinstance(X, (list, tuple)) or iter(X) is X:
            return self._sentences(X)
        return X

    def _build_vocabulary(self, sentences):
        """Words seen at least ``min_count`` times, most frequent first (ties
        in order of first appearance); sets ``word_counts_`` and, for TF-IDF
        pooling, ``idf_``."""
        counts, document_counts, n_documents = Counter(), Counter(), 0
        tfidf = self.pooling == "tfidf"
        for tokens in sentences:
            counts.update(tokens)
            if tfidf:
                document_counts.update(set(tokens))
                n_documents += 1
        # a Counter keeps first-appearance order, and the sort is stable
        kept = [(w, c) for w, c in counts.items() if c >= self.min_count]
        if not kept:
            raise ValueError(
                f"No word occurs at least min_count={self.min_count} times; the "
                "vocabulary is empty."
            )
        kept.sort(key=lambda wc: -wc[1])
        self.word_counts_ = dict(kept)
        if tfidf:
            df = np.array([document_counts[w] for w, _ in kept], dtype=np.float64)
            self.idf_ = np.log((1 + n_documents) / (1 + df)) + 1
        elif hasattr(self, "idf_"):
            del self.idf_
        return {w: i for i, (w, _) in enumerate(kept)}

    def _blocks(self, X, block_words=1_000_000):
        """The corpus as blocks of (word ids, sentence offsets with the end
        appended), words outside the vocabulary removed, about
        ``block_words`` words a block; empty sentences are left out."""
        ids, starts, n = [], [0], 0
        for tokens in self._iter_sentences(X):
            row = [self.vocabulary_[t] for t in tokens if t in self.vocabulary_]
            if not row:
                continue
            ids.extend(row)
            n += len(row)
            starts.append(n)
            if n >= block_words:
                yield np.array(ids, dtype=np.int64), np.array(starts, dtype=np.int64)
                ids, starts, n = [], [0], 0
        if n:
            yield np.array(ids, dtype=np.int64), np.array(starts, dtype=np.int64)

    def transform(self, X):
        """Document vectors: the mean vector of each document's known words.

        With ``pooling="tfidf"`` the mean is weighted: every occurrence of a
        word counts ``idf_`` of the word, ``ln((1 + N) / (1 + n_t)) + 1``
        over the ``N`` training documents (the smoothed IDF, never 0), so
        word ``t`` weighs its TF-IDF in the document.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents.

        Returns
        -------
        vectors : ndarray of shape (n_documents, vector_size)
            Pooled word vectors; a document with no known word gets zeros
            (and a warning).
        """
        check_is_fitted(self, "wv_")
        sentences = self._sentences(X)
        out = np.zeros((len(sentences), self.wv_.vector_size))
        index = self.wv_.key_to_index
        empty = 0
        for i, tokens in enumerate(sentences):
            ids = [index[t] for t in tokens if t in index]
            if not ids:
                empty += 1
            elif self.pooling == "tfidf":
                weights = self.idf_[ids]
                out[i] = weights @ self.wv_.vectors[ids] / weights.sum()
            else:
                out[i] = self.wv_.vectors[ids].mean(axis=0)
        if empty:
            warnings.warn(
                f"{empty} document(s) hold no word of the vocabulary; their "
                "vectors are zeros.",
                UserWarning,
                stacklevel=2,
            )
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the class name and a component index.

        Parameters
        ----------
        input_features : None
            Ignored (the input is text).

        Returns
        -------
        names : ndarray of str
            One name per vector component.
        """
        check_is_fitted(self, "wv_")
        prefix = type(self).__name__.lower()
        return np.array([f"{prefix}{i}" for i in range(self.wv_.vector_size)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


class CooccurrenceEmbedding(BaseWordEmbedding):
    """Word vectors from the truncated SVD of a window co-occurrence matrix.

    ``X_ij`` counts how often word ``j`` occurs within ``window`` tokens of
    word ``i``; ``X = U S V^T`` and the rows of ``U_k`` (the first
    ``n_components`` columns) are the word vectors. The notes' "hacks" are
    options: a cap ``min(X, m)``, a ramp window, and PPMI or correlations
    with negative values set to 0.

    Parameters
    ----------
    n_components : int, default=100
        Length ``k`` of the vectors (at most the vocabulary size).
    window : int, default=5
        Largest distance between co-occurring words.
    weighting : {"count", "ramp", "harmonic"}, default="count"
        Weight of a pair at distance ``d``: 1, ``window - d + 1`` or ``1/d``.
    cap : float, default=None
        Replace counts by ``min(X, cap)`` (the notes suggest about 100).
    association : {"ppmi", "correlation"} or None, default=None
        Replace counts by positive pointwise mutual information, or by the
        correlation of Rohde et al. (2005) with negative values set to 0.
    scale : {"none", "singular_values", "sqrt"}, default="none"
        Vectors ``U_k`` (the notes), ``U_k S_k``, or ``U_k sqrt(S_k)``.
    min_count : int, default=1
        Words rarer than this are left out.
    lowercase : bool, default=False
        Lowercase string documents before tokenising.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a token of a string document is.
    pooling : {"mean", "tfidf"}, default="mean"
        How :meth:`transform` turns a document's word vectors into one: their
        mean, or their mean weighted by TF-IDF (every occurrence weighs
        ``idf_`` of its word).
    random_state : int, RandomState instance or None, default=None
        Seeds the randomized SVD.

    Attributes
    ----------
    cooccurrence_ : sparse matrix of shape (n_words, n_words)
        The matrix that was factorised (after cap and association).
    vocabulary_ : dict
        Word to row index, most frequent first.
    wv_ : KeyedVectors
        The word vectors.
    singular_values_ : ndarray of shape (n_components,)
        ``S_k``.
    word_counts_ : dict
        Frequency of every word kept.
    idf_ : ndarray of shape (n_words,)
        Smoothed IDF of every word, for ``pooling="tfidf"`` only.

    See Also
    --------
    cooccurrence_matrix : The counting step.
    KeyedVectors : Similarities and analogies on ``wv_``.

    References
    ----------
    .. [1] D. L. T. Rohde, L. M. Gonnerman and D. C. Plaut, "An improved
       model of semantic similarity based on lexical co-occurrence",
       Communications of the ACM, 2006.

    Examples
    --------
    >>> from ml2learn.text import CooccurrenceEmbedding
    >>> corpus = [["I", "like", "deep", "learning", "."],
    ...           ["I", "like", "NLP", "."], ["I", "enjoy", "flying", "."]]
    >>> emb = CooccurrenceEmbedding(n_components=2, window=1).fit(corpus)
    >>> int(emb.cooccurrence_[emb.vocabulary_["I"], emb.vocabulary_["like"]])
    2
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "weighting": [StrOptions({"count", "ramp", "harmonic"})],
        "cap": [Interval(Real, 0, None, closed="neither"), None],
        "association": [StrOptions({"ppmi", "correlation"}), None],
        "scale": [StrOptions({"none", "singular_values", "sqrt"})],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "token_pattern": [RegularExpression()],
        "pooling": [StrOptions({"mean", "tfidf"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=100,
        *,
        window=5,
        weighting="count",
        cap=None,
        association=None,
        scale="none",
        min_count=1,
        lowercase=False,
        token_pattern=r"\w+|[^\w\s]",
        pooling="mean",
        random_state=None,
    ):
        self.n_components = n_components
        self.window = window
        self.weighting = weighting
        self.cap = cap
        self.association = association
        self.scale = scale
        self.min_count = min_count
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.pooling = pooling
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Count co-occurrences and factorise them.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents (strings are tokenised) or token lists.
        y : None
            Ignored.

        Returns
        -------
        self : CooccurrenceEmbedding
            The fitted estimator.
        """
        sentences = self._sentences(X)
        self.vocabulary_ = self._build_vocabulary(sentences)
        matrix = cooccurrence_matrix(
            sentences, self.vocabulary_, self.window, self.weighting
        )
        if self.cap is not None:
            matrix.data = np.minimum(matrix.data, self.cap)
        if self.association is not None:
            matrix = self._associate(matrix)
        self.cooccurrence_ = matrix
        k = min(self.n_components, len(self.vocabulary_))
        U, S, _ = randomized_svd(
            matrix.astype(np.float64), k, n_iter=7, random_state=self.random_state
        )
        if self.scale == "singular_values":
            U = U * S
        elif self.scale == "sqrt":
            U = U * np.sqrt(S)
        self.singular_values_ = S
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        self.wv_ = KeyedVectors(words, U)
        return self

    def _associate(self, matrix):
        """PPMI, or Rohde's correlation, with negative values set to 0."""
        matrix = sp.coo_matrix(matrix)
        total = matrix.sum()
        row = np.asarray(matrix.sum(axis=1)).ravel()
        col = np.asarray(matrix.sum(axis=0)).ravel()
        i, j, x = matrix.row, matrix.col, matrix.data
        if self.association == "ppmi":
            values = np.log(x * total / (row[i] * col[j]))
        else:
            expected = row[i] * col[j]
            values = (total * x - expected) / np.sqrt(
                expected * (total - row[i]) * (total - col[j])
            )
        values = np.maximum(values, 0.0)
        return sp.csr_matrix((values, (i, j)), shape=matrix.shape)
