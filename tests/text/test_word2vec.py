import numpy as np
import pytest
import torch

from ml2learn.text import KeyedVectors, Word2Vec, negative_sampling_loss, skipgram_pairs

SENTENCE = "The quick brown fox jumps over the lazy dog .".split()


def test_notes_skipgram_pairs_window_two():
    pairs = skipgram_pairs(SENTENCE, 2)
    assert pairs[:9] == [
        ("The", "quick"),
        ("The", "brown"),
        ("quick", "The"),
        ("quick", "brown"),
        ("quick", "fox"),
        ("brown", "The"),
        ("brown", "quick"),
        ("brown", "fox"),
        ("brown", "jumps"),
    ]
    assert ("fox", "quick") in pairs and ("fox", "over") in pairs
    assert len(pairs) == 2 * (2 * len(SENTENCE) - 3)


def test_negative_sampling_loss_by_hand():
    v_c = torch.tensor([[0.5, -1.0, 2.0]])
    u_o = torch.tensor([[1.0, 0.5, 0.25]])
    u_k = torch.tensor([[[0.2, 0.1, -0.3], [-1.0, 0.0, 0.5]]])
    sigma = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    expected = (
        -np.log(sigma(0.5 - 0.5 + 0.5))
        - np.log(sigma(-(0.1 - 0.1 - 0.6)))
        - np.log(sigma(-(-0.5 + 0.0 + 1.0)))
    )
    assert negative_sampling_loss(v_c, u_o, u_k).item() == pytest.approx(expected)


def _topic_corpus(n=400, seed=0):
    """Two topics whose words only meet words of their own topic."""
    rng = np.random.RandomState(seed)
    animals = ["cat", "dog", "horse", "cow", "sheep"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel"]
    return [list(rng.choice(animals if i % 2 else tools, size=8)) for i in range(n)]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("objective", ["negative_sampling", "softmax"])
def test_learns_topics(architecture, objective, solver):
    w2v = Word2Vec(
        16,
        window=3,
        architecture=architecture,
        objective=objective,
        solver=solver,
        min_count=1,
        epochs=10,
        sample=0,
        batch_size=256,
        learning_rate=0.05,
        random_state=0,
    ).fit(_topic_corpus())
    wv = w2v.wv_
    assert wv.similarity("cat", "dog") > wv.similarity("cat", "hammer")
    assert wv.similarity("saw", "drill") > wv.similarity("saw", "horse")
    assert w2v.loss_curve_[-1] < w2v.loss_curve_[0]
    assert w2v.output_vectors_.shape == (10, 16)


def test_reproducible_and_vocabulary_cut():
    corpus = _topic_corpus(100) + [["rare"]]
    a = Word2Vec(8, min_count=2, epochs=2, random_state=0).fit(corpus)
    b = Word2Vec(8, min_count=2, epochs=2, random_state=0).fit(corpus)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    assert "rare" not in a.wv_
    with pytest.raises(ValueError, match="min_count"):
        Word2Vec(min_count=5).fit([["a", "b"]])


@pytest.mark.parametrize(
    "architecture, solver, rate",
    [("cbow", "sgd", 0.05), ("skipgram", "sgd", 0.025), ("cbow", "adam", 0.01)],
)
def test_auto_learning_rate_is_word2vecs_default(architecture, solver, rate):
    # the C tool starts CBOW at 0.05 and skip-gram at 0.025
    corpus = _topic_corpus(30)

    def fit(learning_rate):
        return Word2Vec(
            8, min_count=1, epochs=1, architecture=architecture, solver=solver,
            learning_rate=learning_rate, random_state=0,
        ).fit(corpus).wv_.vectors  # fmt: skip

    np.testing.assert_array_equal(fit("auto"), fit(rate))


def test_subsampling_keeps_rare_words():
    w2v = Word2Vec(4, min_count=1, sample=1e-3, epochs=1, random_state=0)
    w2v.fit([["the"] * 1000 + ["aardvark"]])
    keep = w2v._keep_probability()
    assert keep[w2v.vocabulary_["aardvark"]] == 1.0
    assert keep[w2v.vocabulary_["the"]] < 0.2


def test_document_vectors():
    w2v = Word2Vec(8, min_count=1, epochs=2, random_state=0).fit(_topic_corpus(50))
    vectors = w2v.transform([["cat", "dog"], "cat dog"])
    np.testing.assert_allclose(vectors[0], vectors[1])
    np.testing.assert_allclose(vectors[0], (w2v.wv_["cat"] + w2v.wv_["dog"]) / 2)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_negative_sampling_step_is_the_sgd_formula():
    from ml2learn.text._word2vec_sgd import _negative_sampling_step, alias_table

    rng = np.random.RandomState(0)
    l1 = rng.normal(size=4).astype(np.float32)
    syn1 = rng.normal(size=(2, 4)).astype(np.float32)
    expected_out = syn1.astype(np.float64)
    neu1e = np.zeros(4, dtype=np.float32)
    # a noise distribution that always draws word 1
    noise = alias_table(np.array([0.0, 1.0]))
    lr = 0.1
    _, loss = _negative_sampling_step(l1, syn1, 0, noise, 2, lr, neu1e, np.uint64(7))
    expected_neu1e, expected_loss = np.zeros(4), 0.0
    for word, label in [(0, 1.0), (1, 0.0), (1, 0.0)]:
        f = l1 @ expected_out[word]
        expected_loss -= np.log(_sigmoid(f if label else -f))
        g = lr * (label - _sigmoid(f))
        expected_neu1e += g * expected_out[word]
        expected_out[word] += g * l1
    np.testing.assert_allclose(neu1e, expected_neu1e, rtol=1e-5)
    np.testing.assert_allclose(syn1, expected_out, rtol=1e-5)
    assert loss == pytest.approx(expected_loss, rel=1e-6)


def test_alias_table_holds_the_noise_distribution_exactly():
    from ml2learn.text._word2vec_sgd import _draw, alias_table

    rng = np.random.RandomState(0)
    counts = rng.randint(1, 1000, size=500).astype(float) ** 0.75
    p = counts / counts.sum()
    accept, alias = alias_table(p)
    # column i gives its own word with accept[i] and alias[i] otherwise
    mass = accept.copy()
    np.add.at(mass, alias, 1.0 - accept)
    np.testing.assert_allclose(mass / len(p), p, rtol=1e-9, atol=1e-15)
    # and draws follow it: Pearson's chi-square within 5 sd of its mean
    uniform = np.random.RandomState(1).uniform(size=100_000)
    draws = np.bincount([_draw(accept, alias, u) for u in uniform], minlength=len(p))
    expected = p * len(uniform)
    chi2 = ((draws - expected) ** 2 / expected).sum()
    df = len(p) - 1
    assert chi2 < df + 5 * np.sqrt(2 * df)


def test_sgd_softmax_skipgram_matches_numpy_replay():
    """Constant learning rate, full windows, no sub-sampling: every step is
    the softmax gradient step of the notes, pair after pair."""
    corpus = [["a", "b", "c"], ["c", "a"]]
    w2v = Word2Vec(
        3,
        window=1,
        objective="softmax",
        shrink_windows=False,
        sample=0,
        min_count=1,
        epochs=1,
        learning_rate=0.2,
        min_learning_rate=0.2,
        random_state=0,
    )
    # the initial vectors, drawn as fit draws them
    from sklearn.utils import check_random_state

    rng = check_random_state(0)
    init = np.random.RandomState(rng.randint(2**31 - 1))
    w2v.fit(corpus)
    vocab = w2v.vocabulary_
    V = len(vocab)
    syn0 = init.uniform(-1 / 3, 1 / 3, size=(V, 3)).astype(np.float32).astype(float)
    syn1 = np.zeros((V, 3))
    for sentence in corpus:
        ids = [vocab[w] for w in sentence]
        for t in range(len(ids)):
            for c in range(max(0, t - 1), min(len(ids), t + 2)):
                if c == t:
                    continue
                v = syn0[ids[c]].copy()
                p = np.exp(syn1 @ v)
                p /= p.sum()
                g = 0.2 * (np.eye(V)[ids[t]] - p)
                syn0[ids[c]] += g @ syn1
                syn1 += np.outer(g, v)
    np.testing.assert_allclose(w2v.wv_.vectors, syn0, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(w2v.output_vectors_, syn1, rtol=1e-5, atol=1e-7)


class _LineStream:
    """A corpus read from a file on every pass, never held whole."""

    def __init__(self, path):
        self.path = path
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        with open(self.path) as f:
            for line in f:
                yield line.split()


def test_streamed_corpus_gives_the_same_vectors(tmp_path):
    corpus = _topic_corpus(60)
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in corpus))
    stream = _LineStream(path)
    params = dict(min_count=1, epochs=3, window=2, random_state=0)
    streamed = Word2Vec(8, **params).fit(stream)
    listed = Word2Vec(8, **params).fit(corpus)
    one_shot = Word2Vec(8, **params).fit(iter(corpus))
    assert stream.passes == 1 + 3  # vocabulary, then one per epoch
    np.testing.assert_array_equal(streamed.wv_.vectors, listed.wv_.vectors)
    np.testing.assert_array_equal(one_shot.wv_.vectors, listed.wv_.vectors)


def test_threads_learn_topics_too():
    w2v = Word2Vec(
        16, window=3, min_count=1, epochs=10, sample=0, n_jobs=2, random_state=0
    ).fit(_topic_corpus())
    assert w2v.wv_.similarity("cat", "dog") > w2v.wv_.similarity("cat", "hammer")


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_nan_loss_stops_training(solver):
    with pytest.raises(ValueError, match="training loss is nan"):
        Word2Vec(8, min_count=1, solver=solver, learning_rate=1e30, random_state=0).fit(
            _topic_corpus(50)
        )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_first_partial_fit_is_one_epoch_of_fit(solver):
    corpus = _topic_corpus(60)
    params = dict(min_count=1, window=2, solver=solver, random_state=0)
    one_epoch = Word2Vec(8, epochs=1, **params).fit(corpus)
    partial = Word2Vec(8, epochs=7, **params).partial_fit(corpus)
    np.testing.assert_array_equal(partial.wv_.vectors, one_epoch.wv_.vectors)
    np.testing.assert_array_equal(partial.output_vectors_, one_epoch.output_vectors_)
    assert partial.n_partial_fits_ == 1 and len(partial.loss_curve_) == 1


def test_partial_fit_keeps_the_vocabulary_and_trains_on_new_text():
    first, second = _topic_corpus(200, seed=0), _topic_corpus(200, seed=1)
    second = [s + ["zebra"] for s in second]  # a word the vocabulary lacks
    w2v = Word2Vec(8, min_count=1, window=2, random_state=0).partial_fit(first)
    vocabulary, counts = dict(w2v.vocabulary_), dict(w2v.word_counts_)
    before = w2v.wv_.vectors.copy()
    w2v.partial_fit(second)
    assert w2v.vocabulary_ == vocabulary and w2v.word_counts_ == counts
    assert "zebra" not in w2v.wv_
    assert w2v.wv_.vectors.shape == before.shape
    assert not np.allclose(w2v.wv_.vectors, before)
    assert w2v.n_partial_fits_ == 2 and len(w2v.loss_curve_) == 2


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_on_chunks_learns_topics(solver):
    w2v = Word2Vec(
        16, window=3, min_count=1, sample=0, solver=solver, batch_size=256,
        learning_rate=0.05, random_state=0,
    )  # fmt: skip
    for seed in range(10):
        w2v.partial_fit(_topic_corpus(400, seed=seed))
    wv = w2v.wv_
    assert wv.similarity("cat", "dog") > wv.similarity("cat", "hammer")
    assert wv.similarity("saw", "drill") > wv.similarity("saw", "horse")
    assert w2v.loss_curve_[-1] < w2v.loss_curve_[0]


def test_partial_fit_is_reproducible_and_survives_pickling(tmp_path):
    import pickle

    chunks = [_topic_corpus(50, seed=s) for s in range(3)]
    a = Word2Vec(8, min_count=1, epochs=2, random_state=0).fit(chunks[0])
    b = pickle.loads(pickle.dumps(a))
    for chunk in chunks[1:]:
        a.partial_fit(chunk)
        b.partial_fit(chunk)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    # each call draws its own randomness: the same text twice gives two
    # different updates
    c = Word2Vec(8, min_count=1, epochs=1, random_state=0).fit(chunks[0])
    once = c.partial_fit(chunks[1]).wv_.vectors.copy()
    twice = c.partial_fit(chunks[1]).wv_.vectors
    assert not np.allclose(once, twice)


def test_partial_fit_streams_a_reiterable_corpus(tmp_path):
    first, second = _topic_corpus(40, seed=0), _topic_corpus(40, seed=1)
    path = tmp_path / "more.txt"
    path.write_text("\n".join(" ".join(s) for s in second))
    stream = _LineStream(path)
    params = dict(min_count=1, window=2, random_state=0)
    streamed = Word2Vec(8, **params).partial_fit(first).partial_fit(stream)
    listed = Word2Vec(8, **params).partial_fit(first).partial_fit(second)
    assert stream.passes == 2  # counted once, trained once
    np.testing.assert_array_equal(streamed.wv_.vectors, listed.wv_.vectors)


def test_partial_fit_errors():
    w2v = Word2Vec(8, min_count=1, random_state=0).fit(_topic_corpus(20))
    with pytest.raises(ValueError, match="no word of the fitted vocabulary"):
        w2v.partial_fit([["unknown", "words"]])
    w2v.set_params(vector_size=4)
    with pytest.raises(ValueError, match="vector_size=4 differs"):
        w2v.partial_fit(_topic_corpus(20))
    with pytest.raises(ValueError, match="one string"):
        Word2Vec().partial_fit("a single string")


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_a_truncated_word2vec_file_raises_instead_of_hanging(tmp_path, binary):
    wv = KeyedVectors(["alpha", "beta", "gamma"], np.arange(6.0).reshape(3, 2))
    path = tmp_path / "vectors.bin"
    wv.save_word2vec_format(path, binary=binary)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 6])  # the last record cut short
    # as gensim: a cut binary record is an end of file, a cut line too few values
    error, message = (
        (EOFError, "2 of the 3 words") if binary else (ValueError, "1 values")
    )
    with pytest.raises(error, match=message):
        KeyedVectors.load_word2vec_format(path, binary=binary)
    header, body = whole.split(b"\n", 1)
    path.write_bytes(b"5 2\n" + body)  # more words announced than stored
    with pytest.raises(EOFError, match="3 of the 5 words"):
        KeyedVectors.load_word2vec_format(path, binary=binary)


@pytest.mark.parametrize("word", ["two words", "line\nbreak", "tab\there", ""])
def test_words_the_format_cannot_hold_are_refused(tmp_path, word):
    wv = KeyedVectors(["fine", word], np.ones((2, 2)))
    with pytest.raises(ValueError, match="white space"):
        wv.save_word2vec_format(tmp_path / "v.txt")
