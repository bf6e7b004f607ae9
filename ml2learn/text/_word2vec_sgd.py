"""Compiled per-pair SGD for word2vec, the algorithm of Mikolov et al.'s C
tool (and gensim's Cython), in numba.

A block of sentences (word ids, OOV words already removed) is cut into jobs
of about ``JOB_WORDS`` words; thread ``k`` of ``T`` runs jobs ``k, k+T, ...``
so all threads move through the block, and the linear learning-rate decay,
together. Threads update the shared tables without locks (Hogwild, as the C
tool and gensim do): with one thread a fit is reproducible, with more it is
not.

For every centre position ``t`` (after sub-sampling) and every context
position ``t+j`` inside the (possibly shrunk) window:

- skip-gram: the input vector ``v`` of the word at ``t+j`` is trained to
  predict the word at ``t`` (the C tool's order; the set of pairs is the
  same as centre-predicts-context);
- CBOW: the mean ``h`` of the context input vectors predicts the centre
  word, and every context vector receives the whole gradient of ``h``.

Negative sampling: with ``g = lr (label - sigma(u^T v))``, ``u += g v`` for
the true word (label 1) and ``K`` noise words (label 0, drawn from the
unigram^0.75 table, the true word skipped), then ``v += sum g u``. Softmax:
the same with every output vector and ``g_k = lr (1[k = o] - p_k)``.
"""

import math

import numpy as np
from numba import get_num_threads, njit, prange, set_num_threads

JOB_WORDS = 10000
# scores are clipped here (sigma(30) = 1 - 1e-13) so exp never overflows
MAX_SCORE = 30.0


@njit(cache=True, nogil=True, inline="always")
def _next(state):
    """xorshift64*: the next state and a uniform float in [0, 1)."""
    state ^= state >> np.uint64(12)
    state ^= state << np.uint64(25)
    state ^= state >> np.uint64(27)
    value = state * np.uint64(2685821657736338717)
    return state, (value >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def alias_table(probabilities):
    """Vose's alias table of a discrete distribution.

    Word ``i`` is drawn with probability ``p_i`` by one uniform ``u``:
    ``x = u V``, ``i = floor(x)``, and ``i`` is accepted when ``x - i <
    accept[i]``, else replaced by ``alias[i]``; two lookups instead of a
    binary search over the cumulative table.

    Parameters
    ----------
    probabilities : ndarray of float64
        The distribution (sums to 1).

    Returns
    -------
    accept : ndarray of float64
        Probability of accepting each column's own word.
    alias : ndarray of int64
        The word each column falls back to.

    References
    ----------
    .. [1] M. D. Vose, "A linear algorithm for generating random numbers
       with a given distribution", IEEE Trans. Software Eng. 17(9), 1991.
    """
    n = probabilities.shape[0]
    scaled = probabilities * n
    accept = np.ones(n)
    alias = np.arange(n)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        lo = small[n_small]
        hi = large[n_large - 1]
        accept[lo], alias[lo] = scaled[lo], hi
        scaled[hi] -= 1.0 - scaled[lo]
        if scaled[hi] < 1.0:
            n_large -= 1
            small[n_small] = hi
            n_small += 1
    return accept, alias


@njit(cache=True, nogil=True, inline="always")
def _draw(accept, alias, u):
    """A word from an :func:`alias_table`, for a uniform ``u`` in [0, 1)."""
    x = u * accept.shape[0]
    column = min(int(x), accept.shape[0] - 1)
    return column if x - column < accept[column] else alias[column]


@njit(cache=True, nogil=True, fastmath=True)
def _negative_sampling_step(l1, syn1, target, noise, negative, lr, neu1e, state):
    """One true word and ``negative`` noise words against the vector ``l1``;
    adds the input gradient to ``neu1e``, updates ``syn1``; returns the
    state and the pair's loss.

    ``noise`` is an :func:`alias_table` ``(accept, alias)``. The loss terms
    ``log(1 + e^{-f})`` are multiplied together and logged once per pair.
    """
    accept, alias = noise
    d = l1.shape[0]
    loss = 0.0
    product = 1.0
    for k in range(negative + 1):
        if k == 0:
            word, label = target, 1.0
        else:
            state, u = _next(state)
            word = _draw(accept, alias, u)
            if word == target:
                continue
            label = 0.0
        out = syn1[word]
        dot = l1.dtype.type(0.0)
        for i in range(d):
            dot += l1[i] * out[i]
        f = min(max(float(dot), -MAX_SCORE), MAX_SCORE)
        e = math.exp(-f)
        # -log sigma(f) = log(1 + e); -log sigma(-f) = log(1 + e) + f
        product *= 1.0 + e
        if label == 1.0:
            g = lr * e / (1.0 + e)
        else:
            loss += f
            g = -lr / (1.0 + e)
        if product > 1e250:
            loss += math.log(product)
            product = 1.0
        step = l1.dtype.type(g)
        for i in range(d):
            neu1e[i] += step * out[i]
            out[i] += step * l1[i]
    return state, loss + math.log(product)


@njit(cache=True, nogil=True, fastmath=True)
def _softmax_step(l1, syn1, target, lr, neu1e, scores):
    """Full softmax over the vocabulary for the vector ``l1``."""
    d = l1.shape[0]
    V = syn1.shape[0]
    top = -np.inf
    for w in range(V):
        f = 0.0
        for i in range(d):
            f += l1[i] * syn1[w, i]
        scores[w] = f
        top = max(top, f)
    total = 0.0
    for w in range(V):
        scores[w] = math.exp(scores[w] - top)
        total += scores[w]
    loss = -math.log(scores[target] / total)
    for w in range(V):
        g = lr * ((1.0 if w == target else 0.0) - scores[w] / total)
        for i in range(d):
            neu1e[i] += g * syn1[w, i]
            syn1[w, i] += g * l1[i]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def _train_job(
    syn0,
    syn1,
    ids,
    keep,
    noise,
    window,
    shrink,
    cbow,
    softmax,
    negative,
    lr,
    state,
    buffer,
    neu1,
    neu1e,
    scores,
):
    """Train on ``ids`` (one sentence); returns state, loss and pair count."""
    n = 0
    for t in range(ids.shape[0]):
        w = ids[t]
        state, u = _next(state)
        if keep[w] >= 1.0 or u < keep[w]:
            buffer[n] = w
            n += 1
    d = syn0.shape[1]
    loss, pairs = 0.0, 0
    for t in range(n):
        reach = window
        if shrink:
            state, u = _next(state)
            reach = 1 + int(u * window)
        lo, hi = max(0, t - reach), min(n, t + reach + 1)
        centre = buffer[t]
        if cbow:
            count = hi - lo - 1
            if count == 0:
                continue
            for i in range(d):
                neu1[i] = 0.0
                neu1e[i] = 0.0
            for c in range(lo, hi):
                if c != t:
                    row = syn0[buffer[c]]
                    for i in range(d):
                        neu1[i] += row[i]
            for i in range(d):
                neu1[i] /= count
            if softmax:
                loss += _softmax_step(neu1, syn1, centre, lr, neu1e, scores)
            else:
                state, step_loss = _negative_sampling_step(
                    neu1, syn1, centre, noise, negative, lr, neu1e, state
                )
                loss += step_loss
            for c in range(lo, hi):
                if c != t:
                    row = syn0[buffer[c]]
                    for i in range(d):
                        row[i] += neu1e[i]
            pairs += 1
        else:
            for c in range(lo, hi):
                if c == t:
                    continue
                l1 = syn0[buffer[c]]
                for i in range(d):
                    neu1e[i] = 0.0
                if softmax:
                    loss += _softmax_step(l1, syn1, centre, lr, neu1e, scores)
                else:
                    state, step_loss = _negative_sampling_step(
                        l1, syn1, centre, noise, negative, lr, neu1e, state
                    )
                    loss += step_loss
                for i in range(d):
                    l1[i] += neu1e[i]
                pairs += 1
    return state, loss, pairs


@njit(cache=True, parallel=True, nogil=True)
def _train_block(
    syn0,
    syn1,
    ids,
    starts,
    job_starts,
    keep,
    noise,
    window,
    shrink,
    cbow,
    softmax,
    negative,
    lr_start,
    lr_end,
    words_before,
    total_words,
    seeds,
    n_threads,
    losses,
    pair_counts,
):
    """Run every job of a block; ``losses`` and ``pair_counts`` get, per
    thread, the summed loss and the number of trained examples."""
    n_jobs = job_starts.shape[0] - 1
    max_len = 1
    for s in range(starts.shape[0] - 1):
        max_len = max(max_len, starts[s + 1] - starts[s])
    d = syn0.shape[1]
    for k in prange(n_threads):
        buffer = np.empty(max_len, dtype=np.int64)
        neu1 = np.empty(d, dtype=syn0.dtype)
        neu1e = np.empty(d, dtype=syn0.dtype)
        scores = np.empty(syn1.shape[0] if softmax else 1, dtype=np.float64)
        loss, pairs = 0.0, 0
        for job in range(k, n_jobs, n_threads):
            state = seeds[job]
            first, last = job_starts[job], job_starts[job + 1]
            progress = (words_before + starts[first]) / total_words
            lr = lr_start - (lr_start - lr_end) * min(1.0, progress)
            for s in range(first, last):
                state, job_loss, job_pairs = _train_job(
                    syn0,
                    syn1,
                    ids[starts[s] : starts[s + 1]],
                    keep,
                    noise,
                    window,
                    shrink,
                    cbow,
                    softmax,
                    negative,
                    lr,
                    state,
                    buffer,
                    neu1,
                    neu1e,
                    scores,
                )
                loss += job_loss
                pairs += job_pairs
        losses[k] = loss
        pair_counts[k] = pairs


def job_boundaries(starts, job_words=JOB_WORDS):
    """Sentence indices that cut a block into jobs of about ``job_words``."""
    cuts = np.searchsorted(
        starts[:-1], np.arange(0, starts[-1], job_words), side="left"
    )
    return np.unique(np.append(cuts, len(starts) - 1))


def train_block(
    syn0,
    syn1,
    ids,
    starts,
    *,
    keep,
    noise,
    window,
    shrink,
    cbow,
    softmax,
    negative,
    lr_start,
    lr_end,
    words_before,
    total_words,
    rng,
    n_threads,
):
    """Train the tables in place on one block of sentences.

    Parameters
    ----------
    syn0, syn1 : ndarray of shape (n_words, d), float32
        Input and output vectors, updated in place.
    ids : ndarray of int64
        The block's word ids, sentence after sentence.
    starts : ndarray of int64
        Offsets of the sentences in ``ids``, with ``len(ids)`` appended.
    keep : ndarray of float64
        Probability of keeping each word (sub-sampling).
    noise : tuple of ndarray
        The noise distribution's :func:`alias_table`.
    window, negative : int
        Window size and noise words per pair.
    shrink, cbow, softmax : bool
        Shrinking windows, CBOW (else skip-gram), softmax (else negative
        sampling).
    lr_start, lr_end : float
        Learning rate at the start and end of the whole fit.
    words_before, total_words : int
        Words trained before this block, and in the whole fit.
    rng : RandomState
        Draws one seed per job.
    n_threads : int
        Threads (Hogwild beyond one).

    Returns
    -------
    loss : float
        Summed loss of the block.
    pairs : int
        Number of trained examples (pairs, or CBOW windows).
    """
    jobs = job_boundaries(starts)
    seeds = rng.randint(1, 2**62, size=len(jobs) - 1).astype(np.uint64)
    n_threads = max(1, min(n_threads, get_num_threads_limit(), len(jobs) - 1))
    losses = np.zeros(n_threads)
    pair_counts = np.zeros(n_threads, dtype=np.int64)
    previous = get_num_threads()
    set_num_threads(n_threads)
    try:
        _train_block(
            syn0,
            syn1,
            ids,
            starts,
            jobs,
            keep,
            noise,
            window,
            shrink,
            cbow,
            softmax,
            negative,
            lr_start,
            lr_end,
            words_before,
            total_words,
            seeds,
            n_threads,
            losses,
            pair_counts,
        )
    finally:
        set_num_threads(previous)
    return float(losses.sum()), int(pair_counts.sum())


def get_num_threads_limit():
    """Most threads numba may use here (``NUMBA_NUM_THREADS``)."""
    from numba import config

    return config.NUMBA_NUM_THREADS
