import numpy as np
import pytest
import torch

from ml2learn.text import Word2Vec, negative_sampling_loss, skipgram_pairs

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


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("objective", ["negative_sampling", "softmax"])
def test_learns_topics(architecture, objective):
    w2v = Word2Vec(
        16,
        window=3,
        architecture=architecture,
        objective=objective,
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
