"""word2vec: skip-gram and CBOW with negative sampling or a full softmax
(notes, lines 7770-8140; Mikolov et al., 2013).

Two solvers train the same model. ``"sgd"`` is the original algorithm, one
SGD step per pair with a linearly decaying learning rate, compiled with numba
and run by ``n_jobs`` threads (:mod:`._word2vec_sgd`). ``"adam"`` builds the
pairs with numpy and trains two ``torch.nn.Embedding`` tables with sparse
gradients by Adam on the mean loss of large batches (a summed SGD step over a
large batch overshoots on frequent words).
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from joblib import effective_n_jobs
from sklearn.utils import check_random_state
from tqdm.auto import tqdm

from ..utils._param_validation import (
    N_JOBS,
    Interval,
    RegularExpression,
    StrOptions,
    _fit_context,
)
from ._cooccurrence import BaseWordEmbedding
from ._keyed_vectors import KeyedVectors
from ._word2vec_sgd import alias_table, train_block

_BLOCK_WORDS = 1_000_000

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
    solver : {"sgd", "adam"}, default="sgd"
        ``"sgd"``: one SGD step per pair, compiled (word2vec's own
        algorithm, the fast one on CPUs). ``"adam"``: torch, Adam on the mean
        loss of ``batch_size`` pairs.
    learning_rate : float or "auto", default="auto"
        Initial learning rate, decayed linearly to ``min_learning_rate``
        over the fit; "auto" is word2vec's own default for ``"sgd"``: 0.025
        for skip-gram and 0.05 for CBOW (gensim uses 0.025 for both; on the
        KJV its CBOW vectors score 0.36 on our analogies at 0.025 and 0.44
        at 0.05), and 0.01 for ``"adam"``.
    min_learning_rate : float, default=1e-4
        Final learning rate.
    batch_size : int, default=2048
        Training pairs per Adam step (``solver="adam"`` only).
    n_jobs : int, default=None
        Threads of the ``"sgd"`` solver; None means 1, -1 all cores. With
        more than one, threads update the vectors without locks (Hogwild,
        as word2vec and gensim do) and fits are not reproducible.
    lowercase : bool, default=False
        Lowercase string documents before tokenising.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a token of a string document is.
    pooling : {"mean", "tfidf"}, default="mean"
        How :meth:`transform` turns a document's word vectors into one: their
        mean, or their mean weighted by TF-IDF (every occurrence weighs
        ``idf_`` of its word).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, windows, sub-sampling, noise and batch order
        (a fit is reproducible with ``n_jobs=1``).
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
    idf_ : ndarray of shape (n_words,)
        Smoothed IDF of every word, for ``pooling="tfidf"`` only.
    loss_curve_ : ndarray of shape (n_passes,)
        Mean loss per training example (a skip-gram pair, a CBOW window) in
        every pass over the text: the ``epochs`` of ``fit``, then one per
        :meth:`partial_fit`.
    n_partial_fits_ : int
        Calls of :meth:`partial_fit` since the vocabulary was built (0 after
        ``fit``); with an integer ``random_state`` each call draws from its
        own seeded stream.

    See Also
    --------
    CooccurrenceEmbedding : Vectors from a factorised co-occurrence matrix.
    KeyedVectors : Similarities and analogies on ``wv_``.

    Notes
    -----
    The skip-gram softmax loss of the notes is ``J = -sum_j u_{t+j}^T v_t +
    2m log sum_k exp(u_k^T v_t)`` per centre word; negative sampling replaces
    it by ``J_NS`` (:func:`negative_sampling_loss`). The ``"sgd"`` solver
    takes one step per pair, ``v <- v - lr dJ/dv`` for the input vector and
    every output vector involved, as the original C tool does: skip-gram
    trains the vector of the word at ``t + j`` to predict the word at ``t``
    (the same set of pairs as the notes' centre-predicts-context), and CBOW
    adds the gradient of the context mean to every context vector unscaled.
    Sub-sampling and words outside the vocabulary are removed before the
    windows are laid, as in word2vec, so a window reaches past them. Input
    vectors start uniform in ``[-1/d, 1/d]`` (gensim's range; the C tool
    uses half of it), output vectors at zero. The
    ``"adam"`` solver minimises the mean loss of a batch of pairs with
    (sparse) Adam instead.

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
        "solver": [StrOptions({"sgd", "adam"})],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "min_learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": N_JOBS,
        "lowercase": ["boolean"],
        "token_pattern": [RegularExpression()],
        "pooling": [StrOptions({"mean", "tfidf"})],
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
        solver="sgd",
        learning_rate="auto",
        min_learning_rate=1e-4,
        batch_size=2048,
        n_jobs=None,
        lowercase=False,
        token_pattern=r"\w+|[^\w\s]",
        pooling="mean",
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
        self.solver = solver
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.pooling = pooling
        self.random_state = random_state
        self.verbose = verbose

    # -- data -------------------------------------------------------------

    def _keep_probability(self):
        counts = np.array(list(self.word_counts_.values()), dtype=np.float64)
        if self.sample <= 0:
            return np.ones_like(counts)
        threshold = self.sample * counts.sum()
        return np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)

    def _windows(self, ids, owners, rng):
        """Centres and their context rows (-1 padded) for one block's tokens."""
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

    def _learning_rate(self):
        if self.learning_rate != "auto":
            return self.learning_rate
        if self.solver == "adam":
            return 0.01
        return 0.05 if self.architecture == "cbow" else 0.025

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn word vectors from a corpus.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents (strings are tokenised) or token lists; every item is a
            sentence: windows do not cross items. A list is tokenised once; any
            other re-iterable (a class whose ``__iter__`` reads a file, say) is
            streamed, read once for the vocabulary and once per epoch, never
            held in memory whole; a one-shot iterator is read into a list.
        y : None
            Ignored.

        Returns
        -------
        self : Word2Vec
            The fitted estimator.
        """
        self._fit_new(X, self.epochs)
        self.n_partial_fits_ = 0
        return self

    def _fit_new(self, X, passes):
        """A new vocabulary and new vectors, trained ``passes`` times on X."""
        X = self._reiterable(X)
        self.vocabulary_ = self._build_vocabulary(self._iter_sentences(X))
        rng = check_random_state(self.random_state)
        V, d = len(self.vocabulary_), self.vector_size
        init = np.random.RandomState(rng.randint(2**31 - 1))
        syn0 = init.uniform(-1 / d, 1 / d, size=(V, d)).astype(np.float32)
        syn1 = np.zeros((V, d), dtype=np.float32)
        counts = np.array(list(self.word_counts_.values()), dtype=np.float64)
        self.loss_curve_ = self._train(X, syn0, syn1, counts, passes, rng)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """One more pass of training on more text, with the same vocabulary.

        The first call on an unfitted estimator builds the vocabulary from
        ``X`` and trains one pass (what ``fit`` does with ``epochs=1``); every
        later call trains one pass over the new ``X`` starting from the
        current vectors, the learning rate decaying again from
        ``learning_rate`` to ``min_learning_rate`` over the pass (gensim's
        ``train`` on new sentences does the same). The vocabulary, the word
        counts behind sub-sampling and the noise distribution, and ``idf_``
        stay those of the first text: words outside the vocabulary are
        skipped, as ``fit`` skips words rarer than ``min_count``. With
        ``solver="adam"`` every call starts a fresh Adam (its moment
        estimates are not kept between calls). ``epochs`` is ignored, as
        scikit-learn's ``partial_fit`` methods make one pass.

        Parameters
        ----------
        X : iterable of str or of list of str
            Documents or token lists, as for :meth:`fit`; a re-iterable is
            read twice (once to count its known words, for the learning
            rate's decay, once to train).
        y : None
            Ignored.

        Returns
        -------
        self : Word2Vec
            The estimator, trained on ``X`` as well.
        """
        if not hasattr(self, "wv_"):
            self._fit_new(X, 1)
            self.n_partial_fits_ = 1
            return self
        if self.wv_.vector_size != self.vector_size:
            raise ValueError(
                f"vector_size={self.vector_size} differs from the fitted vectors' "
                f"{self.wv_.vector_size}; partial_fit keeps the model, call fit "
                "to start a new one."
            )
        X = self._reiterable(X)
        V = len(self.vocabulary_)
        blocks = self._memory_blocks(X)
        known = np.zeros(V)
        for ids, _ in blocks if blocks is not None else self._blocks(X, _BLOCK_WORDS):
            known += np.bincount(ids, minlength=V)
        if not known.any():
            raise ValueError(
                "X has no word of the fitted vocabulary; there is nothing to train on."
            )
        calls = getattr(self, "n_partial_fits_", 0)
        if isinstance(self.random_state, Integral):
            rng = np.random.RandomState([int(self.random_state), calls])
        else:
            rng = check_random_state(self.random_state)
        syn0 = self.wv_.vectors.astype(np.float32)
        syn1 = self.output_vectors_.astype(np.float32)
        loss = self._train(X, syn0, syn1, known, 1, rng, blocks)
        self.loss_curve_ = np.concatenate([self.loss_curve_, loss])
        self.n_partial_fits_ = calls + 1
        return self

    def _memory_blocks(self, X):
        """The blocks of an in-memory corpus, built once; None for a stream,
        which is read again on every pass."""
        if isinstance(X, (list, tuple)):
            return list(self._blocks(X, _BLOCK_WORDS))
        return None

    def _train(self, X, syn0, syn1, pass_counts, passes, rng, blocks=None):
        """``passes`` passes over ``X`` whose known words occur
        ``pass_counts`` times a pass (``blocks``: X's blocks if already
        built); sets ``wv_`` and ``output_vectors_`` and returns the mean
        loss of every pass."""
        counts = np.array(list(self.word_counts_.values()), dtype=np.float64)
        noise = counts**self.ns_exponent
        keep = self._keep_probability()
        if blocks is None:
            blocks = self._memory_blocks(X)
        pass_words = int(pass_counts.sum())
        expected_kept = float((keep * pass_counts).sum())
        train = self._sgd_trainer if self.solver == "sgd" else self._adam_trainer
        step = train(syn0, syn1, noise, keep, pass_words, expected_kept, passes, rng)
        losses = np.empty(passes)
        progress = tqdm(
            total=passes * pass_words,
            disable=self.verbose < 2,
            unit="word",
            unit_scale=True,
        )
        for epoch in range(passes):
            words_before = epoch * pass_words
            total, examples = 0.0, 0
            passing = blocks if blocks is not None else self._blocks(X, _BLOCK_WORDS)
            for ids, starts in passing:
                loss, n = step(ids, starts, words_before)
                total += loss
                examples += n
                words_before += len(ids)
                progress.update(len(ids))
            losses[epoch] = total / max(examples, 1)
            if not np.isfinite(losses[epoch]):
                raise ValueError(
                    f"The training loss is {losses[epoch]} in epoch "
                    f"{epoch + 1}; lower learning_rate."
                )
            if self.verbose:
                progress.write(f"epoch {epoch + 1}: loss {losses[epoch]:.4f}")
        progress.close()
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        self.wv_ = KeyedVectors(words, syn0)
        self.output_vectors_ = syn1
        return losses

    def _sgd_trainer(
        self, syn0, syn1, noise, keep, pass_words, expected_kept, passes, rng
    ):
        """Per-pair SGD in compiled code (the C tool's algorithm)."""
        noise_table = alias_table(noise / noise.sum())
        n_threads = effective_n_jobs(self.n_jobs)
        lr = self._learning_rate()

        def step(ids, starts, words_before):
            return train_block(
                syn0,
                syn1,
                ids,
                starts,
                keep=keep,
                noise=noise_table,
                window=self.window,
                shrink=self.shrink_windows,
                cbow=self.architecture == "cbow",
                softmax=self.objective == "softmax",
                negative=self.negative,
                lr_start=lr,
                lr_end=self.min_learning_rate,
                words_before=words_before,
                total_words=passes * pass_words,
                rng=rng,
                n_threads=n_threads,
            )

        return step

    def _adam_trainer(
        self, syn0, syn1, noise, keep, pass_words, expected_kept, passes, rng
    ):
        """Batched Adam in torch on the mean loss of ``batch_size`` pairs."""
        generator = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
        softmax = self.objective == "softmax"
        # the tables share memory with syn0 / syn1
        input_table = torch.nn.Embedding.from_pretrained(
            torch.from_numpy(syn0), freeze=False, sparse=True
        )
        output_table = torch.nn.Embedding.from_pretrained(
            torch.from_numpy(syn1), freeze=False, sparse=not softmax
        )
        noise = torch.from_numpy(noise / noise.sum())
        lr = self._learning_rate()
        sparse = [input_table.weight] + ([] if softmax else [output_table.weight])
        optimizers = [torch.optim.SparseAdam(sparse, lr=lr)]
        if softmax:
            optimizers.append(torch.optim.Adam([output_table.weight], lr=lr))
        examples_per_word = (
            1
            if self.architecture == "cbow"
            else ((self.window + 1) if self.shrink_windows else 2 * self.window)
        )
        total_steps = max(
            1,
            int(math.ceil(expected_kept * examples_per_word / self.batch_size))
            * passes,
        )
        done = [0]

        def step(ids, starts, words_before):
            owners = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
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
            total = 0.0
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                fraction = min(1.0, done[0] / total_steps)
                rate = lr - (lr - self.min_learning_rate) * fraction
                for optimizer in optimizers:
                    for group in optimizer.param_groups:
                        group["lr"] = rate
                    optimizer.zero_grad()
                loss = self._batch_loss(
                    input_table,
                    output_table,
                    noise,
                    torch.from_numpy(examples[0][batch]),
                    torch.from_numpy(examples[1][batch]),
                    generator,
                )
                loss.backward()
                for optimizer in optimizers:
                    optimizer.step()
                total += loss.item() * len(batch)
                done[0] += 1
            return total, n

        return step

    def _batch_loss(self, input_table, output_table, noise, first, second, generator):
        """Mean loss of a batch: skip-gram (centre, context) pairs or CBOW
        (centre, context rows)."""
        if self.architecture == "skipgram":
            hidden = input_table(first)  # (B, d)
            target = second
        else:
            mask = (second >= 0).unsqueeze(-1).float()  # (B, 2m, 1)
            vectors = input_table(second.clamp_min(0)) * mask
            hidden = vectors.sum(dim=1) / mask.sum(dim=1)  # (B, d)
            target = first
        if self.objective == "softmax":
            logits = hidden @ output_table.weight.T  # (B, V)
            return F.cross_entropy(logits, target)
        negatives = torch.multinomial(
            noise,
            len(target) * self.negative,
            replacement=True,
            generator=generator,
        ).reshape(len(target), self.negative)
        return negative_sampling_loss(
            hidden, output_table(target), output_table(negatives)
        ).mean()
