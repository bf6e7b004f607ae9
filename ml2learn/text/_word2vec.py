"""word2vec: skip-gram and CBOW with negative sampling or a full softmax
(notes, lines 7770-8140; Mikolov et al., 2013).

Training pairs are built with numpy (a window around every centre word,
never across sentences); the vectors are two ``torch.nn.Embedding`` tables
with sparse gradients, updated with Adam on the batch-mean loss and a
learning rate that decays linearly (the original updates pair by pair with
SGD; with large batches a summed SGD step overshoots on frequent words).
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, StrOptions, _fit_context
from ._cooccurrence import BaseWordEmbedding
from ._keyed_vectors import KeyedVectors

__all__ = ["Word2Vec", "negative_sampling_loss", "skipgram_pairs"]


def skipgram_pairs(tokens, window):
    """The (centre, context) pairs of one sentence, in reading order.

    Parameters
    ----------
    tokens : list of str
        A sentence.
    window : int
        Largest distance ``m`` between a centre word and a context word.

    Returns
    -------
    pairs : list of (str, str)
        ``(w_t, w_{t+j})`` for ``t`` in order and ``-m <= j <= m, j != 0``.

    Examples
    --------
    >>> from ml2learn.text import skipgram_pairs
    >>> skipgram_pairs(["the", "quick", "brown"], 2)[:3]
    [('the', 'quick'), ('the', 'brown'), ('quick', 'the')]
    """
    pairs = []
    for t, centre in enumerate(tokens):
        for j in range(max(0, t - window), min(len(tokens), t + window + 1)):
            if j != t:
                pairs.append((centre, tokens[j]))
    return pairs


def negative_sampling_loss(v_centre, u_context, u_negatives):
    """The negative-sampling loss of every (centre, context) pair.

    ``J_NS = -log sigma(u_o^T v_c) - sum_k log sigma(-u_k^T v_c)``

    Parameters
    ----------
    v_centre : tensor of shape (B, d)
        Input vectors of the centre words (or the CBOW context means).
    u_context : tensor of shape (B, d)
        Output vectors of the true context (or centre) words.
    u_negatives : tensor of shape (B, K, d)
        Output vectors of the ``K`` sampled noise words.

    Returns
    -------
    loss : tensor of shape (B,)
        The loss of every pair.
    """
    positive = F.logsigmoid((u_context * v_centre).sum(dim=1))
    negative = F.logsigmoid(-torch.einsum("bkd,bd->bk", u_negatives, v_centre))
    return -(positive + negative.sum(dim=1))


class Word2Vec(BaseWordEmbedding):
    """word2vec word vectors: skip-gram or CBOW, negative sampling or softmax.

    Skip-gram predicts every context word within ``window`` of a centre word
    from the centre word's vector; CBOW predicts the centre word from the
    mean of its context vectors. With negative sampling each true pair is
    contrasted with ``negative`` noise words drawn from the unigram
    distribution raised to ``ns_exponent``; with ``objective="softmax"`` the
    full softmax over the vocabulary is used (small vocabularies).

    Parameters
    ----------
    vector_size : int, default=100
        Length of the word vectors.
    window : int, default=5
        Largest distance ``m`` between centre and context words.
    architecture : {"skipgram", "cbow"}, default="skipgram"
        Which word predicts which.
    objective : {"negative_sampling", "softmax"}, default="negative_sampling"
        The loss.
    negative : int, default=5
        ``K``, noise words per true pair.
    ns_exponent : float, default=0.75
        Exponent of the unigram counts in the noise distribution.
    shrink_windows : bool, default=True
        Use a window drawn uniformly in ``1 .. window`` for every centre word
        (word2vec's weighting of near words); ``False`` uses the full window,
        as in the notes.
    sample : float, default=1e-3
        Sub-sampling threshold ``t`` of frequent words: a word of frequency
        ``f`` is kept with probability ``(sqrt(f / t) + 1) t / f``; 0 keeps
        all.
    min_count : int, default=5
        Words rarer than this are left out.
    epochs : int, default=5
        Passes over the corpus.
    learning_rate : float, default=0.01
        Initial learning rate of Adam, decayed linearly to
        ``min_learning_rate``.
    min_learning_rate : float, default=1e-4
        Final learning rate.
    batch_size : int, default=2048
        Training pairs per SGD step.
    lowercase : bool, default=False
        Lowercase string documents before tokenising.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a token of a string document is.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, windows, sub-sampling, noise and batch order.
    verbose : int, default=0
        1 prints the loss per epoch, 2 adds a progress bar.

    Attributes
    ----------
    wv_ : KeyedVectors
        The input vectors (the word vectors).
    output_vectors_ : ndarray of shape (n_words, vector_size)
        The output ("context") vectors.
    vocabulary_ : dict
        Word to row, most frequent first.
    word_counts_ : dict
        Frequency of every word kept.
    loss_curve_ : ndarray of shape (epochs,)
        Mean loss per training pair in every epoch.

    See Also
    --------
    CooccurrenceEmbedding : Vectors from a factorised co-occurrence matrix.
    KeyedVectors : Similarities and analogies on ``wv_``.

    Notes
    -----
    The skip-gram softmax loss of the notes is ``J = -sum_j u_{t+j}^T v_t +
    2m log sum_k exp(u_k^T v_t)`` per centre word; negative sampling replaces
    it by ``J_NS`` (:func:`negative_sampling_loss`). A step minimises the mean
    loss of a batch of pairs with (sparse) Adam, where word2vec takes one SGD
    step per pair.

    References
    ----------
    .. [1] T. Mikolov, K. Chen, G. Corrado and J. Dean, "Efficient estimation
       of word representations in vector space", ICLR workshop 2013.
    .. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado and J. Dean,
       "Distributed representations of words and phrases and their
       compositionality", NeurIPS 2013.

    Examples
    --------
    >>> from ml2learn.text import Word2Vec
    >>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"]] * 20
    >>> w2v = Word2Vec(vector_size=8, window=1, min_count=1, epochs=2,
    ...                random_state=0).fit(corpus)
    >>> w2v.wv_["cat"].shape
    (8,)
    """

    _parameter_constraints: dict = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "architecture": [StrOptions({"skipgram", "cbow"})],
        "objective": [StrOptions({"negative_sampling", "softmax"})],
        "negative": [Interval(Integral, 1, None, closed="left")],
        "ns_exponent": [Interval(Real, None, None, closed="neither")],
        "shrink_windows": ["boolean"],
        "sample": [Interval(Real, 0, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "min_learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
    }

    def __init__(
        self,
        vector_size=100,
        *,
        window=5,
        architecture="skipgram",
        objective="negative_sampling",
        negative=5,
        ns_exponent=0.75,
        shrink_windows=True,
        sample=1e-3,
        min_count=5,
        epochs=5,
        learning_rate=0.01,
        min_learning_rate=1e-4,
        batch_size=2048,
        lowercase=False,
        token_pattern=r"\w+|[^\w\s]",
        random_state=None,
        verbose=0,
    ):
        self.vector_size = vector_size
        self.window = window
        self.architecture = architecture
        self.objective = objective
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.shrink_windows = shrink_windows
        self.sample = sample
        self.min_count = min_count
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.batch_size = batch_size
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.random_state = random_state
        self.verbose = verbose

    # -- data -------------------------------------------------------------

    def _encode(self, sentences):
        """Sentences as one id array and the sentence index of every token."""
        ids, owners = [], []
        for s, tokens in enumerate(sentences):
            row = [self.vocabulary_[t] for t in tokens if t in self.vocabulary_]
            ids.extend(row)
            owners.extend([s] * len(row))
        return np.array(ids, dtype=np.int64), np.array(owners, dtype=np.int64)

    def _keep_probability(self):
        counts = np.array(list(self.word_counts_.values()), dtype=np.float64)
        if self.sample <= 0:
            return np.ones_like(counts)
        threshold = self.sample * counts.sum()
        return np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)

    def _windows(self, ids, owners, rng):
        """Centres and their context rows (-1 padded) for one epoch's tokens."""
        n = len(ids)
        reach = (
            rng.randint(1, self.window + 1, size=n)
            if self.shrink_windows
            else np.full(n, self.window)
        )
        offsets = [d for d in range(-self.window, self.window + 1) if d != 0]
        contexts = np.full((n, len(offsets)), -1, dtype=np.int64)
        positions = np.arange(n)
        for k, d in enumerate(offsets):
            other = positions + d
            valid = (other >= 0) & (other < n) & (np.abs(d) <= reach)
            other = np.clip(other, 0, n - 1)
            valid &= owners[other] == owners
            contexts[valid, k] = ids[other[valid]]
        return ids, contexts

    # -- training -----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn word vectors from a corpus.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents (strings are tokenised) or token lists; every item is a
            sentence: windows do not cross items.
        y : None
            Ignored.

        Returns
        -------
        self : Word2Vec
            The fitted estimator.
        """
        sentences = self._sentences(X)
        self.vocabulary_ = self._build_vocabulary(sentences)
        rng = check_random_state(self.random_state)
        generator = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
        V, d = len(self.vocabulary_), self.vector_size
        softmax = self.objective == "softmax"
        self._input = torch.nn.Embedding(V, d, sparse=True)
        self._output = torch.nn.Embedding(V, d, sparse=not softmax)
        with torch.no_grad():
            self._input.weight.uniform_(-0.5 / d, 0.5 / d, generator=generator)
            self._output.weight.zero_()
        counts = np.array(list(self.word_counts_.values()), dtype=np.float64)
        noise = counts**self.ns_exponent
        self._noise = torch.from_numpy(noise / noise.sum())
        ids, owners = self._encode(sentences)
        keep = self._keep_probability()
        optimizers = [
            torch.optim.SparseAdam([self._input.weight], lr=self.learning_rate)
        ]
        if softmax:
            optimizers.append(
                torch.optim.Adam([self._output.weight], lr=self.learning_rate)
            )
        else:
            optimizers[0].add_param_group({"params": [self._output.weight]})
        total_steps = self._count_steps(ids, keep, rng)
        self._step = 0
        self.loss_curve_ = np.empty(self.epochs)
        for epoch in range(self.epochs):
            self.loss_curve_[epoch] = self._run_epoch(
                ids, owners, keep, rng, generator, optimizers, total_steps
            )
            if self.verbose:
                print(f"epoch {epoch + 1}: loss {self.loss_curve_[epoch]:.4f}")
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        self.wv_ = KeyedVectors(words, self._input.weight.detach().numpy().copy())
        self.output_vectors_ = self._output.weight.detach().numpy().copy()
        del self._input, self._output, self._noise
        return self

    def _count_steps(self, ids, keep, rng):
        """An estimate of the SGD steps of the whole fit, for the lr decay."""
        expected_tokens = keep[ids].sum()
        pairs = expected_tokens * (
            (self.window + 1) if self.shrink_windows else 2 * self.window
        )
        if self.architecture == "cbow":
            pairs = expected_tokens
        return max(1, int(math.ceil(pairs / self.batch_size)) * self.epochs)

    def _run_epoch(self, ids, owners, keep, rng, generator, optimizers, total_steps):
        kept = rng.rand(len(ids)) < keep[ids]
        centres, contexts = self._windows(ids[kept], owners[kept], rng)
        if self.architecture == "skipgram":
            rows, cols = np.nonzero(contexts >= 0)
            examples = (centres[rows], contexts[rows, cols])
        else:
            has_context = (contexts >= 0).any(axis=1)
            examples = (centres[has_context], contexts[has_context])
        n = len(examples[0])
        order = rng.permutation(n)
        total, seen = 0.0, 0
        for start in range(0, n, self.batch_size):
            batch = order[start : start + self.batch_size]
            fraction = min(1.0, self._step / total_steps)
            lr = self.learning_rate - (self.learning_rate - self.min_learning_rate) * (
                fraction
            )
            for optimizer in optimizers:
                for group in optimizer.param_groups:
                    group["lr"] = lr
                optimizer.zero_grad()
            loss = self._loss(
                torch.from_numpy(examples[0][batch]),
                torch.from_numpy(examples[1][batch]),
                generator,
            )
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
            total += loss.item() * len(batch)
            seen += len(batch)
            self._step += 1
        return total / max(seen, 1)

    def _loss(self, first, second, generator):
        """Mean loss of a batch: skip-gram (centre, context) pairs or CBOW
        (centre, context rows)."""
        if self.architecture == "skipgram":
            hidden = self._input(first)  # (B, d)
            target = second
        else:
            mask = (second >= 0).unsqueeze(-1).float()  # (B, 2m, 1)
            vectors = self._input(second.clamp_min(0)) * mask
            hidden = vectors.sum(dim=1) / mask.sum(dim=1)  # (B, d)
            target = first
        if self.objective == "softmax":
            logits = hidden @ self._output.weight.T  # (B, V)
            return F.cross_entropy(logits, target)
        negatives = torch.multinomial(
            self._noise,
            len(target) * self.negative,
            replacement=True,
            generator=generator,
        ).reshape(len(target), self.negative)
        return negative_sampling_loss(
            hidden, self._output(target), self._output(negatives)
        ).mean()
