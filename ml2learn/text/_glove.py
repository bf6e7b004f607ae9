"""GloVe: global vectors from weighted least squares on log co-occurrences
(notes, lines 8141-8260; Pennington, Socher and Manning, 2014).

The co-occurrence counts are weighted by 1 / distance within the window (as
in GloVe's ``cooccur``), the non-zero entries are shuffled once, and every
epoch runs AdaGrad over them entry by entry in compiled code, ``n_jobs``
threads each taking a contiguous share without locks (GloVe's ``glove.c``
does the same).
"""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import effective_n_jobs
from numba import get_num_threads, njit, prange, set_num_threads
from sklearn.utils import check_random_state
from tqdm.auto import tqdm

from ..utils._param_validation import (
    N_JOBS,
    Interval,
    RegularExpression,
    StrOptions,
    _fit_context,
)
from ._cooccurrence import BaseWordEmbedding, count_cooccurrences
from ._keyed_vectors import KeyedVectors
from ._word2vec_sgd import get_num_threads_limit

__all__ = ["GloVe", "glove_weight"]


def glove_weight(x, x_max=100.0, alpha=0.75):
    """GloVe's weighting function ``f(x) = (x / x_max)^alpha`` below
    ``x_max``, 1 above.

    Parameters
    ----------
    x : array-like
        Co-occurrence counts.
    x_max : float, default=100.0
        Where the weight reaches 1.
    alpha : float, default=0.75
        Exponent.

    Returns
    -------
    f : ndarray
        The weights.

    Examples
    --------
    >>> from ml2learn.text import glove_weight
    >>> glove_weight([1.0, 100.0, 500.0]).round(4).tolist()
    [0.0316, 1.0, 1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x < x_max, (x / x_max) ** alpha, 1.0)


@njit(cache=True, parallel=True, nogil=True, fastmath=True)
def _adagrad_epoch(
    W, W_ctx, b, b_ctx, grad_W, grad_W_ctx, grad_b, grad_b_ctx, rows, cols,
    log_x, weight, lr, n_threads, losses,
):  # fmt: skip
    """One pass of AdaGrad over the (shuffled) non-zero entries."""
    n = rows.shape[0]
    d = W.shape[1]
    for k in prange(n_threads):
        loss = 0.0
        for e in range(k * n // n_threads, (k + 1) * n // n_threads):
            i, j = rows[e], cols[e]
            w, c = W[i], W_ctx[j]
            dot = W.dtype.type(0.0)
            for m in range(d):
                dot += w[m] * c[m]
            diff = float(dot) + b[i] + b_ctx[j] - log_x[e]
            fdiff = weight[e] * diff
            loss += 0.5 * fdiff * diff
            fdiff *= lr
            gw, gc = grad_W[i], grad_W_ctx[j]
            for m in range(d):
                step_w = fdiff * c[m]
                step_c = fdiff * w[m]
                w[m] -= step_w / math.sqrt(gw[m])
                c[m] -= step_c / math.sqrt(gc[m])
                gw[m] += step_w * step_w
                gc[m] += step_c * step_c
            b[i] -= fdiff / math.sqrt(grad_b[i])
            b_ctx[j] -= fdiff / math.sqrt(grad_b_ctx[j])
            grad_b[i] += fdiff * fdiff
            grad_b_ctx[j] += fdiff * fdiff
        losses[k] = loss


class GloVe(BaseWordEmbedding):
    """GloVe word vectors: weighted least squares on log co-occurrence counts.

    Minimises ``J = sum_{i,j: X_ij > 0} f(X_ij) (w_i^T w~_j + b_i + b~_j -
    log X_ij)^2`` with ``f`` from :func:`glove_weight`, where ``X_ij`` sums
    ``1 / distance`` over the times word ``j`` occurs within ``window`` words
    of word ``i``. The word vectors are ``W + W~``.

    Parameters
    ----------
    vector_size : int, default=100
        Length of the word vectors.
    window : int, default=10
        Largest distance between co-occurring words (the paper's 10).
    x_max : float, default=100.0
        ``c_max`` of the notes: counts above it get weight 1.
    alpha : float, default=0.75
        Exponent of the weighting function.
    epochs : int, default=25
        Passes of AdaGrad over the non-zero counts.
    learning_rate : float, default=0.05
        AdaGrad's initial learning rate (GloVe's ``eta``).
    vectors : {"sum", "words"}, default="sum"
        ``W + W~`` (the paper's choice) or ``W`` alone.
    min_count : int, default=5
        Words rarer than this are left out before counting.
    lowercase : bool, default=False
        Lowercase string documents before tokenising.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a token of a string document is.
    pooling : {"mean", "tfidf"}, default="mean"
        How :meth:`transform` turns a document's word vectors into one: their
        mean, or their mean weighted by TF-IDF (every occurrence weighs
        ``idf_`` of its word).
    n_jobs : int, default=None
        Threads; None means 1, -1 all cores. Beyond one, threads update the
        vectors without locks (as ``glove.c`` does) and fits are not
        reproducible.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and the order of the entries.
    verbose : int, default=0
        1 prints the cost per epoch, 2 shows a progress bar with the cost
        on it instead.

    Attributes
    ----------
    wv_ : KeyedVectors
        The word vectors.
    word_vectors_, context_vectors_ : ndarray of shape (n_words, vector_size)
        ``W`` and ``W~``.
    biases_, context_biases_ : ndarray of shape (n_words,)
        ``b`` and ``b~``.
    cooccurrence_ : sparse matrix of shape (n_words, n_words)
        The weighted co-occurrence counts ``X`` (CSR).
    vocabulary_ : dict
        Word to row, most frequent first.
    word_counts_ : dict
        Frequency of every word kept.
    idf_ : ndarray of shape (n_words,)
        Smoothed IDF of every word, for ``pooling="tfidf"`` only.
    loss_curve_ : ndarray of shape (epochs,)
        ``J / 2`` divided by the number of non-zero counts, per epoch (what
        ``glove.c`` prints as the cost).

    See Also
    --------
    Word2Vec : Vectors learnt from local windows.
    CooccurrenceEmbedding : Vectors from the SVD of the counts.

    Notes
    -----
    The update follows ``glove.c``: with ``g = eta f(X_ij) (w_i^T w~_j + b_i
    + b~_j - log X_ij)``, ``w_i <- w_i - g w~_j / sqrt(G_i)`` and ``G_i <-
    G_i + (g w~_j)^2`` element-wise (``G`` starts at 1), and the same for
    ``w~_j`` and both biases. Words outside the vocabulary are removed
    before the windows are laid, and windows stop at the end of a document,
    as in GloVe's ``cooccur``.

    References
    ----------
    .. [1] J. Pennington, R. Socher and C. D. Manning, "GloVe: Global vectors
       for word representation", EMNLP 2014.

    Examples
    --------
    >>> from ml2learn.text import GloVe
    >>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"]] * 20
    >>> glove = GloVe(vector_size=8, window=2, min_count=1, random_state=0)
    >>> glove.fit(corpus).wv_["cat"].shape
    (8,)
    >>> round(float(glove.cooccurrence_[glove.vocabulary_["the"],
    ...                                 glove.vocabulary_["sat"]]), 2)
    20.0
    """

    _parameter_constraints: dict = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "x_max": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "vectors": [StrOptions({"sum", "words"})],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "token_pattern": [RegularExpression()],
        "pooling": [StrOptions({"mean", "tfidf"})],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
    }

    def __init__(
        self,
        vector_size=100,
        *,
        window=10,
        x_max=100.0,
        alpha=0.75,
        epochs=25,
        learning_rate=0.05,
        vectors="sum",
        min_count=5,
        lowercase=False,
        token_pattern=r"\w+|[^\w\s]",
        pooling="mean",
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.vector_size = vector_size
        self.window = window
        self.x_max = x_max
        self.alpha = alpha
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.vectors = vectors
        self.min_count = min_count
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.pooling = pooling
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Count co-occurrences and fit the vectors to their logarithms.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents (strings are tokenised) or token lists; windows do not
            cross documents. A re-iterable is read twice (vocabulary, then
            counts) and never held whole.
        y : None
            Ignored.

        Returns
        -------
        self : GloVe
            The fitted estimator.
        """
        X = self._reiterable(X)
        self.vocabulary_ = self._build_vocabulary(self._iter_sentences(X))
        V, d = len(self.vocabulary_), self.vector_size
        counts = sp.csr_matrix((V, V))
        for ids, starts in self._blocks(X):
            counts = counts + count_cooccurrences(
                ids, starts, V, self.window, "harmonic"
            )
        counts = counts.tocsr()
        counts.sum_duplicates()
        self.cooccurrence_ = counts
        if counts.nnz == 0:
            raise ValueError(
                "No two words of the vocabulary occur within window="
                f"{self.window} of each other; nothing to fit."
            )
        rng = check_random_state(self.random_state)
        W = ((rng.rand(V, d) - 0.5) / d).astype(np.float32)
        W_ctx = ((rng.rand(V, d) - 0.5) / d).astype(np.float32)
        b, b_ctx = np.zeros(V), np.zeros(V)
        grad_W, grad_W_ctx = np.ones((V, d), np.float32), np.ones((V, d), np.float32)
        grad_b, grad_b_ctx = np.ones(V), np.ones(V)
        entries = counts.tocoo()
        order = rng.permutation(entries.nnz)
        rows = entries.row[order].astype(np.int64)
        cols = entries.col[order].astype(np.int64)
        x = entries.data[order]
        log_x, weight = np.log(x), glove_weight(x, self.x_max, self.alpha)
        n_threads = max(
            1, min(effective_n_jobs(self.n_jobs), get_num_threads_limit(), len(x))
        )
        losses = np.zeros(n_threads)
        self.loss_curve_ = np.empty(self.epochs)
        previous = get_num_threads()
        set_num_threads(n_threads)
        try:
            bar = tqdm(range(self.epochs), disable=self.verbose < 2, unit="epoch")
            for epoch in bar:
                _adagrad_epoch(
                    W, W_ctx, b, b_ctx, grad_W, grad_W_ctx, grad_b, grad_b_ctx,
                    rows, cols, log_x, weight, self.learning_rate, n_threads, losses,
                )  # fmt: skip
                self.loss_curve_[epoch] = losses.sum() / len(x)
                if not np.isfinite(self.loss_curve_[epoch]):
                    raise ValueError(
                        f"The training loss is {self.loss_curve_[epoch]} in epoch "
                        f"{epoch + 1}; lower learning_rate."
                    )
                if self.verbose >= 2:  # on the bar: a print would break it
                    bar.set_postfix(cost=f"{self.loss_curve_[epoch]:.6f}")
                elif self.verbose:
                    print(f"epoch {epoch + 1}: cost {self.loss_curve_[epoch]:.6f}")
        finally:
            set_num_threads(previous)
        self.word_vectors_, self.context_vectors_ = W, W_ctx
        self.biases_, self.context_biases_ = b, b_ctx
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        self.wv_ = KeyedVectors(words, W + W_ctx if self.vectors == "sum" else W.copy())
        return self
