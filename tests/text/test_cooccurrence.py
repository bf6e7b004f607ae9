import numpy as np
import pytest

from ml2learn.datasets import load_dataset_descriptions
from ml2learn.text import (
    CooccurrenceEmbedding,
    GloVe,
    KeyedVectors,
    Word2Vec,
    cooccurrence_matrix,
)

NOTES_CORPUS = [
    ["I", "like", "deep", "learning", "."],
    ["I", "like", "NLP", "."],
    ["I", "enjoy", "flying", "."],
]
ORDER = ["I", "like", "enjoy", "deep", "learning", "NLP", "flying", "."]
NOTES_MATRIX = np.array(
    [
        [0, 2, 1, 0, 0, 0, 0, 0],
        [2, 0, 0, 1, 0, 1, 0, 0],
        [1, 0, 0, 0, 0, 0, 1, 0],
        [0, 1, 0, 0, 1, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 0, 1],
        [0, 1, 0, 0, 0, 0, 0, 1],
        [0, 0, 1, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 1, 1, 0],
    ]
)


def _in_order(emb, matrix):
    idx = [emb.vocabulary_[w] for w in ORDER]
    return matrix.toarray()[np.ix_(idx, idx)]


def test_notes_window_one_matrix():
    emb = CooccurrenceEmbedding(n_components=3, window=1, random_state=0)
    emb.fit(NOTES_CORPUS)
    np.testing.assert_array_equal(_in_order(emb, emb.cooccurrence_), NOTES_MATRIX)
    same = CooccurrenceEmbedding(n_components=3, window=1, random_state=0).fit(
        ["I like deep learning .", "I like NLP .", "I enjoy flying ."]
    )
    np.testing.assert_array_equal(_in_order(same, same.cooccurrence_), NOTES_MATRIX)


def test_vectors_are_the_rows_of_U():
    emb = CooccurrenceEmbedding(n_components=5, window=1, random_state=0)
    emb.fit(NOTES_CORPUS)
    X = emb.cooccurrence_.toarray()
    S = np.linalg.svd(X, compute_uv=False)
    np.testing.assert_allclose(emb.singular_values_, S[:5], atol=1e-8)
    U = emb.wv_.vectors.astype(np.float64)  # stored as float32, as gensim's
    assert emb.wv_.vectors.dtype == np.float32
    # left singular vectors: X X^T u_i = s_i^2 u_i, orthonormal columns
    np.testing.assert_allclose(X @ X.T @ U, U * S[:5] ** 2, atol=1e-5 * S[0] ** 2)
    np.testing.assert_allclose(U.T @ U, np.eye(5), atol=1e-6)
    scaled = CooccurrenceEmbedding(
        5, window=1, scale="singular_values", random_state=0
    ).fit(NOTES_CORPUS)
    np.testing.assert_allclose(scaled.wv_.vectors, U * S[:5], rtol=1e-6, atol=1e-6)


def test_ramp_window_weights():
    X = cooccurrence_matrix(
        [["a", "b", "c", "d", "e"]], {w: i for i, w in enumerate("abcde")}, 4, "ramp"
    )
    # weights 4 3 2 1 for distances 1 2 3 4
    np.testing.assert_array_equal(X.toarray()[0], [0, 4, 3, 2, 1])
    harmonic = cooccurrence_matrix(
        [["a", "b", "c"]], {"a": 0, "b": 1, "c": 2}, 2, "harmonic"
    )
    np.testing.assert_allclose(harmonic.toarray()[0], [0, 1, 0.5])


def test_cap_and_associations():
    corpus = [["x", "y"] * 50]
    capped = CooccurrenceEmbedding(2, window=1, cap=10).fit(corpus)
    assert capped.cooccurrence_.max() == 10
    for association in ("ppmi", "correlation"):
        emb = CooccurrenceEmbedding(
            3, window=2, association=association, random_state=0
        ).fit(NOTES_CORPUS)
        assert emb.cooccurrence_.min() >= 0
    ppmi = CooccurrenceEmbedding(3, window=1, association="ppmi").fit(NOTES_CORPUS)
    X = NOTES_MATRIX.astype(float)
    total, rows = X.sum(), X.sum(axis=1)
    i, j = ORDER.index("I"), ORDER.index("like")
    expected = max(0.0, np.log(X[i, j] * total / (rows[i] * rows[j])))
    assert _in_order(ppmi, ppmi.cooccurrence_)[i, j] == pytest.approx(expected)


def test_document_vectors_and_warning():
    emb = CooccurrenceEmbedding(3, window=1, random_state=0).fit(NOTES_CORPUS)
    with pytest.warns(UserWarning, match="no word of the vocabulary"):
        vectors = emb.transform([["I", "like"], ["unknown"]])
    np.testing.assert_allclose(vectors[0], (emb.wv_["I"] + emb.wv_["like"]) / 2)
    np.testing.assert_array_equal(vectors[1], 0)


def test_similar_words_on_real_text():
    corpus = load_dataset_descriptions().data
    emb = CooccurrenceEmbedding(
        20, window=2, lowercase=True, association="ppmi", random_state=0
    ).fit(corpus)
    neighbours = [w for w, _ in emb.wv_.most_similar("length", topn=10)]
    assert "width" in neighbours


def test_keyed_vectors_queries_and_formats(tmp_path):
    words = ["king", "queen", "man", "woman", "apple"]
    vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [5, -5, -5.0]])
    wv = KeyedVectors(words, vectors)
    assert wv.analogy("man", "king", "woman")[0][0] == "queen"
    assert wv.analogy("man", "king", "woman", method="mul")[0][0] == "queen"
    assert wv.doesnt_match(["king", "queen", "man", "apple"]) == "apple"
    assert wv.similarity("man", "woman") == pytest.approx(0.0)
    for binary in (False, True):
        path = tmp_path / f"v{binary}.txt"
        wv.save_word2vec_format(path, binary=binary)
        back = KeyedVectors.load_word2vec_format(path, binary=binary)
        assert back.index_to_key == words
        np.testing.assert_allclose(back.vectors, vectors, rtol=1e-6)
    with pytest.raises(KeyError, match="not in the vocabulary"):
        wv["prince"]


def test_evaluate_analogies_and_similarities():
    from ml2learn.datasets import load_kjv_word_relations

    kv = KeyedVectors(
        ["man", "king", "woman", "queen", "stone"],
        np.array(
            [[1.0, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [-1, -1, -1]],
        ),
    )
    result = kv.evaluate_analogies(
        {
            "royal": [
                ("man", "king", "woman", "queen"),
                ("woman", "queen", "man", "king"),
            ],
            "oov": [("man", "king", "boy", "prince")],
        }
    )
    assert result.sections == {"royal": 1.0}
    assert result.accuracy == 1.0 and result.n_questions == 2 and result.n_skipped == 1
    assert (
        kv.evaluate_analogies([("man", "king", "woman", "queen")], "mul").accuracy == 1
    )
    # cosine king-queen 0.5 > king-stone < 0: ranks agree with the scores
    sims = kv.evaluate_similarities(
        [("king", "queen", 8), ("king", "stone", 1), ("man", "woman", 5), ("a", "b", 3)]
    )
    assert sims.spearman == pytest.approx(1.0) and sims.n_skipped == 1
    with pytest.raises(ValueError, match="method"):
        kv.evaluate_analogies([], method="cos")

    relations = load_kjv_word_relations()
    assert set(relations.analogies) == {
        "family",
        "pronoun-object",
        "verb-past",
        "plural",
    }
    n = len(relations.pairs["plural"])
    assert len(relations.analogies["plural"]) == n * (n - 1)
    assert all(0 <= s <= 10 for _, _, s in relations.similarities)


@pytest.mark.parametrize(
    "make",
    [
        lambda: CooccurrenceEmbedding(3, window=1, pooling="tfidf", random_state=0),
        lambda: GloVe(3, window=1, min_count=1, epochs=2, pooling="tfidf"),
        lambda: Word2Vec(3, window=1, min_count=1, epochs=1, pooling="tfidf"),
    ],
)
def test_tfidf_pooling(make):
    docs = [["a", "b", "a"], ["a", "c"], ["a", "b"]]
    emb = make().fit(docs)
    v = emb.vocabulary_
    # smoothed idf over 3 documents: a in 3, b in 2, c in 1
    expected_idf = {"a": 1.0, "b": np.log(4 / 3) + 1, "c": np.log(2) + 1}
    for word, idf in expected_idf.items():
        assert emb.idf_[v[word]] == pytest.approx(idf)
    wv = emb.wv_
    w_a, w_b = expected_idf["a"], expected_idf["b"]
    expected = (2 * w_a * wv["a"] + w_b * wv["b"]) / (2 * w_a + w_b)
    np.testing.assert_allclose(emb.transform([["a", "b", "a", "zzz"]])[0], expected)
    # refitting with mean pooling forgets the idf
    assert not hasattr(emb.set_params(pooling="mean").fit(docs), "idf_")
