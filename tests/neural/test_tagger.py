"""RNNTagger: one label per step, padding left out of loss and score."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from ml2learn.neural import RNNTagger
from ml2learn.text import SequenceEncoder

FAST = dict(hidden_size=16, embedding_dim=8, max_epochs=30, random_state=0)


def _seen_before(n=240, T=7, seed=0):
    """Token rows of random lengths (right-padded); tag 1 where the token
    already occurred in the row."""
    rng = np.random.RandomState(seed)
    X = np.zeros((n, T), dtype=int)
    tags = []
    for i in range(n):
        row = rng.randint(1, 6, size=rng.randint(2, T + 1))
        X[i, : len(row)] = row
        tags.append([int(t in row[:k]) for k, t in enumerate(row)])
    return X, tags


def test_learns_a_per_step_task_from_ragged_labels():
    X, tags = _seen_before()
    tagger = RNNTagger("gru", **{**FAST, "hidden_size": 32, "max_epochs": 50})
    tagger.fit(X, tags)
    assert tagger.score(X, tags) > 0.95
    predicted = tagger.predict(X)
    assert predicted.shape == X.shape
    assert tagger.padding_label_ == -1
    assert np.all(predicted[X == 0] == -1)
    proba = tagger.predict_proba(X)
    np.testing.assert_allclose(proba[X > 0].sum(axis=1), 1.0)
    assert np.all(proba[X == 0] == 0)


def test_labels_at_padding_are_ignored():
    X, tags = _seen_before()
    grid = np.full(X.shape, 7)  # a label that never occurs at a real step
    garbage = np.random.RandomState(1).randint(0, 2, size=X.shape)
    for i, row in enumerate(tags):
        grid[i, : len(row)] = row
        garbage[i, : len(row)] = row
    a = RNNTagger(**FAST).fit(X, grid)
    b = RNNTagger(**FAST).fit(X, garbage)
    c = RNNTagger(**FAST).fit(X, tags)
    assert a.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict_proba(X), c.predict_proba(X))
    assert a.score(X, grid) == a.score(X, tags)


def test_left_and_right_padding_give_the_same_tags():
    X, tags = _seen_before(n=60)
    tagger = RNNTagger(**FAST).fit(X, tags)
    left = np.zeros_like(X)
    for i, row in enumerate(X):
        real = row[row > 0]
        left[i, X.shape[1] - len(real) :] = real
    right_proba = tagger.predict_proba(X)
    left_proba = tagger.predict_proba(left)
    for i, row in enumerate(X):
        n = (row > 0).sum()
        np.testing.assert_allclose(
            left_proba[i, X.shape[1] - n :], right_proba[i, :n], atol=1e-12
        )


def test_value_input_3d_and_flat_agree():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 5, 2))
    y = (X.sum(axis=2) > 0).astype(int)  # a per-step function of the step
    three = RNNTagger(hidden_size=16, max_epochs=30, random_state=0).fit(X, y)
    flat = RNNTagger(hidden_size=16, max_epochs=30, random_state=0)
    flat.fit(X.reshape(120, 10), y)
    assert (three.n_steps_, three.n_step_features_) == (5, 2)
    assert (flat.n_steps_, flat.n_step_features_) == (5, 2)
    np.testing.assert_array_equal(three.predict(X), flat.predict(X.reshape(120, 10)))
    assert three.score(X, y) > 0.9


def test_string_labels_and_padding_label():
    X, tags = _seen_before(n=60)
    words = [["new" if t == 0 else "again" for t in row] for row in tags]
    tagger = RNNTagger(**FAST).fit(X, words)
    assert tagger.classes_.tolist() == ["again", "new"]
    assert tagger.padding_label_ == ""
    assert set(tagger.predict(X)[X == 0]) == {""}
    numeric = RNNTagger(**FAST).fit(X, [[t - 1 for t in row] for row in tags])
    assert numeric.padding_label_ == -2  # -1 is a label here


def test_pipeline_on_raw_sentences_needs_context():
    """ "run" and "walk" are nouns after "the", verbs elsewhere."""
    rng = np.random.RandomState(0)
    sentences, tags = [], []
    for _ in range(300):
        words, labels = [], []
        for _ in range(rng.randint(2, 6)):
            if rng.rand() < 0.5:
                words += ["the", rng.choice(["run", "walk", "dog"])]
                labels += ["DET", "NOUN"]
            else:
                words.append(rng.choice(["run", "walk", "sing"]))
                labels.append("VERB")
        sentences.append(" ".join(words))
        tags.append(labels)
    pipe = make_pipeline(SequenceEncoder(), RNNTagger(**FAST))
    search = GridSearchCV(pipe, {"rnntagger__cell": ["gru", "lstm"]}, cv=3)
    search.fit(sentences, tags)
    assert search.best_score_ > 0.97
    out = search.predict(["the run run", "walk the walk"])
    assert out[0, :3].tolist() == ["DET", "NOUN", "VERB"]
    assert out[1, :3].tolist() == ["VERB", "DET", "NOUN"]


def test_bad_input():
    X, tags = _seen_before(n=30)
    with pytest.raises(ValueError, match="2-D"):
        RNNTagger(**FAST).fit(X, np.zeros(30))
    with pytest.raises(ValueError, match="shape"):
        RNNTagger(**FAST).fit(X, np.zeros((30, 3)))
    with pytest.raises(ValueError, match=r"y\[0\] has"):
        RNNTagger(**FAST).fit(X, [row + [0] for row in tags])
    with pytest.raises(ValueError, match="token input"):
        RNNTagger(hidden_size=4).fit(np.ones((3, 4)), [[0, 1], [1], [0, 1, 0]])
    with pytest.raises(ValueError, match="equal width"):
        RNNTagger(hidden_size=4).fit(np.ones((4, 5)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="requires y"):
        RNNTagger().fit(X, None)
    tagger = RNNTagger(**FAST).partial_fit(X, tags)
    with pytest.raises(ValueError, match="not seen"):
        tagger.partial_fit(X, [[5] * len(row) for row in tags])


def test_transform_gives_each_steps_state_at_its_position():
    """The input of the output layer, per step: the logits are the output
    layer applied to it, and left- and right-padded rows agree."""
    X, tags = _seen_before(n=60)
    tagger = RNNTagger(**FAST).fit(X, tags)
    n, T = X.shape
    H = 2 * tagger.hidden_size
    states = tagger.transform(X)
    assert states.shape == (n, T * H)
    assert tagger.get_feature_names_out().shape == (T * H,)
    states = states.reshape(n, T, H)
    assert np.all(states[X == 0] == 0)
    output = tagger.net_.module_.output
    weight = output.weight.detach().double().numpy()
    bias = output.bias.detach().double().numpy()
    logits = states @ weight.T + bias
    proba = np.exp(logits - logits.max(-1, keepdims=True))
    proba /= proba.sum(-1, keepdims=True)
    np.testing.assert_allclose(proba[X > 0], tagger.predict_proba(X)[X > 0], atol=1e-5)
    left = np.zeros_like(X)
    for i, row in enumerate(X):
        real = row[row > 0]
        left[i, T - len(real) :] = real
    left_states = tagger.transform(left).reshape(n, T, H)
    for i, row in enumerate(X):
        k = (row > 0).sum()
        np.testing.assert_allclose(left_states[i, T - k :], states[i, :k], atol=1e-6)


def test_one_label_per_row_reads_each_row_as_one_step():
    X = np.random.RandomState(0).normal(size=(80, 3))
    y = (X.sum(axis=1) > 0).astype(int)
    tagger = RNNTagger(hidden_size=8, max_epochs=20, random_state=0).fit(X, y)
    assert (tagger.n_steps_, tagger.n_step_features_) == (1, 3)
    assert tagger.predict(X).shape == (80, 1)
    assert tagger.transform(X).shape == (80, 16)
