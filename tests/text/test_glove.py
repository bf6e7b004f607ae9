import numpy as np
import pytest
from sklearn.utils import check_random_state

from ml2learn.text import GloVe, glove_weight


def _topic_corpus(n=300, seed=0):
    rng = np.random.RandomState(seed)
    animals = ["cat", "dog", "horse", "cow", "sheep"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel"]
    return [list(rng.choice(animals if i % 2 else tools, size=8)) for i in range(n)]


def test_weighting_function():
    # f(x) = (x / x_max)^alpha below x_max, 1 from there on
    np.testing.assert_allclose(
        glove_weight([1, 50, 100, 1000], x_max=100, alpha=0.75),
        [0.01**0.75, 0.5**0.75, 1.0, 1.0],
    )
    assert glove_weight([10], x_max=10, alpha=0.0)[0] == 1.0


def test_counts_are_weighted_by_inverse_distance():
    glove = GloVe(2, window=2, min_count=1, epochs=1, random_state=0)
    glove.fit([["a", "b", "c"], ["c", "a"]])
    X = glove.cooccurrence_.toarray()
    v = glove.vocabulary_
    assert X[v["a"], v["b"]] == 1.0 and X[v["b"], v["a"]] == 1.0
    # a-c: distance 2 in the first sentence, 1 in the second
    assert X[v["a"], v["c"]] == pytest.approx(1.5)
    assert X[v["b"], v["c"]] == 1.0
    np.testing.assert_array_equal(X, X.T)


def test_one_epoch_is_glove_c_adagrad():
    corpus = [["a", "b", "c", "a"], ["b", "c"], ["c", "a", "b"]]
    d, lr, x_max, alpha = 3, 0.1, 2.0, 0.75
    glove = GloVe(
        d, window=2, x_max=x_max, alpha=alpha, epochs=1, learning_rate=lr,
        min_count=1, random_state=0,
    ).fit(corpus)  # fmt: skip
    # replay: the same draws, then the update of glove.c entry after entry
    V = len(glove.vocabulary_)
    rng = check_random_state(0)
    W = ((rng.rand(V, d) - 0.5) / d).astype(np.float32).astype(np.float64)
    C = ((rng.rand(V, d) - 0.5) / d).astype(np.float32).astype(np.float64)
    b, bc = np.zeros(V), np.zeros(V)
    gW, gC, gb, gbc = np.ones((V, d)), np.ones((V, d)), np.ones(V), np.ones(V)
    entries = glove.cooccurrence_.tocoo()
    order = rng.permutation(entries.nnz)
    cost = 0.0
    for e in order:
        i, j, x = entries.row[e], entries.col[e], entries.data[e]
        diff = W[i] @ C[j] + b[i] + bc[j] - np.log(x)
        f = (x / x_max) ** alpha if x < x_max else 1.0
        cost += 0.5 * f * diff**2
        g = lr * f * diff
        step_w, step_c = g * C[j], g * W[i]
        W[i] -= step_w / np.sqrt(gW[i])
        C[j] -= step_c / np.sqrt(gC[j])
        gW[i] += step_w**2
        gC[j] += step_c**2
        b[i] -= g / np.sqrt(gb[i])
        bc[j] -= g / np.sqrt(gbc[j])
        gb[i] += g**2
        gbc[j] += g**2
    np.testing.assert_allclose(glove.word_vectors_, W, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(glove.context_vectors_, C, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(glove.biases_, b, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(glove.context_biases_, bc, rtol=1e-4, atol=1e-7)
    assert glove.loss_curve_[0] == pytest.approx(cost / entries.nnz, rel=1e-5)
    np.testing.assert_allclose(glove.wv_.vectors, glove.word_vectors_ + C, atol=1e-5)


def test_fits_log_counts_and_learns_topics():
    glove = GloVe(10, window=3, min_count=1, epochs=200, x_max=10, random_state=0).fit(
        _topic_corpus()
    )
    X = glove.cooccurrence_.tocoo()
    fitted = (
        np.einsum("ij,ij->i", glove.word_vectors_[X.row], glove.context_vectors_[X.col])
        + glove.biases_[X.row]
        + glove.context_biases_[X.col]
    )
    weights = glove_weight(X.data, 10)
    residual = np.sum(weights * (fitted - np.log(X.data)) ** 2) / weights.sum()
    assert residual < 0.05
    assert glove.loss_curve_[-1] < glove.loss_curve_[0] / 5
    wv = glove.wv_
    assert wv.similarity("cat", "dog") > wv.similarity("cat", "hammer")
    assert wv.similarity("saw", "drill") > wv.similarity("saw", "horse")


def test_options_reproducibility_and_streaming(tmp_path):
    corpus = _topic_corpus(60)
    words_only = GloVe(4, vectors="words", min_count=1, random_state=0).fit(corpus)
    np.testing.assert_array_equal(words_only.wv_.vectors, words_only.word_vectors_)
    a = GloVe(4, min_count=1, epochs=3, random_state=0).fit(corpus)
    b = GloVe(4, min_count=1, epochs=3, random_state=0).fit(iter(corpus))
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    threaded = GloVe(4, min_count=1, epochs=3, n_jobs=2, random_state=0).fit(corpus)
    assert threaded.wv_.vectors.shape == a.wv_.vectors.shape
    with pytest.raises(ValueError, match="window"):
        GloVe(min_count=1).fit([["alone"], ["again"]])
    with pytest.raises(ValueError, match="training loss"):
        GloVe(4, min_count=1, learning_rate=1e300, random_state=0).fit(corpus)


def test_verbose_costs_go_on_the_progress_bar_or_are_printed(capsys):
    corpus = _topic_corpus(60)
    GloVe(vector_size=8, epochs=3, min_count=1, verbose=2, random_state=0).fit(corpus)
    captured = capsys.readouterr()
    assert "epoch 1: cost" not in captured.out  # a print would break the bar
    assert "cost=" in captured.err
    GloVe(vector_size=8, epochs=3, min_count=1, verbose=1, random_state=0).fit(corpus)
    assert capsys.readouterr().out.count(": cost ") == 3
