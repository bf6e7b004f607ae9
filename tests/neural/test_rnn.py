import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from ml2learn.neural import LSTMClassifier, RNNClassifier, RNNRegressor
from ml2learn.neural.modules._rnn import (
    _length_groups,
    _run_packed,
    run_recurrent,
    stacked_recurrent,
)
from ml2learn.text import SequenceEncoder


def _order_task(n=300, T=6, seed=0):
    """Label 1 when token 3 comes before token 4 (the order matters)."""
    rng = np.random.RandomState(seed)
    X = np.zeros((n, T), dtype=int)
    y = np.zeros(n, dtype=int)
    for i in range(n):
        length = rng.randint(2, T + 1)
        row = rng.permutation([3, 4] + list(rng.randint(5, 8, size=length - 2)))
        X[i, :length] = row
        y[i] = int(np.flatnonzero(row == 3)[0] < np.flatnonzero(row == 4)[0])
    return X, y


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_learns_an_order_task(cell):
    X, y = _order_task()
    clf = RNNClassifier(cell, 24, embedding_dim=8, max_epochs=40, random_state=0)
    assert clf.fit(X[:240], y[:240]).score(X[240:], y[240:]) > 0.85


@pytest.mark.parametrize("pooling", ["last", "mean", "attention"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_never_changes_a_prediction(pooling, bidirectional):
    X, y = _order_task(100)
    clf = RNNClassifier(
        "gru",
        8,
        embedding_dim=4,
        pooling=pooling,
        bidirectional=bidirectional,
        num_layers=2,
        max_epochs=3,
        random_state=0,
    ).fit(X, y)
    right = np.array([[5, 3, 4, 0, 0, 0]])
    left = np.array([[0, 0, 0, 5, 3, 4]])
    np.testing.assert_allclose(clf.predict_proba(right), clf.predict_proba(left))
    module = clf.net_.module_.eval()
    with torch.no_grad():
        unpadded = torch.softmax(module(torch.tensor([[5.0, 3.0, 4.0]])), dim=1)
    np.testing.assert_allclose(clf.predict_proba(right)[0], unpadded[0], atol=1e-6)
    batch = np.vstack([right, X[:5]])
    np.testing.assert_allclose(clf.predict_proba(batch)[:1], clf.predict_proba(right))


def test_attention_weights_cover_the_real_steps():
    X, y = _order_task(100)
    clf = RNNClassifier(
        "lstm", 8, embedding_dim=4, pooling="attention", max_epochs=2, random_state=0
    ).fit(X, y)
    weights = clf.attention_weights(np.array([[3, 4, 5, 0, 0, 0]]))
    assert weights.shape == (1, 6)
    assert weights[0, :3].sum() == pytest.approx(1.0)
    assert np.all(weights[0, 3:] == 0)
    with pytest.raises(ValueError, match="pooling='attention'"):
        RNNClassifier(max_epochs=1).fit(X, y).attention_weights(X)


def test_value_sequences_and_bad_input():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 5, 2))  # 5 steps of 2 values
    y = X[:, :, 0].sum(axis=1) - X[:, -1, 1]
    reg = RNNRegressor("gru", 16, max_epochs=60, random_state=0).fit(X, y)
    assert reg.n_steps_ == 5 and reg.n_step_features_ == 2
    assert reg.score(X, y) > 0.8
    with pytest.raises(ValueError, match="values per step"):
        reg.predict(X.reshape(120, 10, 1))
    clf = RNNClassifier(embedding_dim=4, max_epochs=1).fit(
        [[1, 2, 0], [2, 1, 3]], [0, 1]
    )
    assert clf.predict([[9, 9, 1]]).shape == (1,)  # unseen ids read as <UNK>
    with pytest.raises(ValueError, match="different lengths"):
        clf.fit([[1, 2], [1, 2, 3]], [0, 1])
    with pytest.raises(ValueError, match="non-negative integer"):
        RNNClassifier(embedding_dim=4).fit([[1.5, 2], [1, 2]], [0, 1])
    # an all-padding row is read, not a crash
    assert clf.predict_proba([[0, 0, 0]]).shape == (1, 2)


def test_raw_strings_in_a_pipeline_grid_search():
    texts = ["good fine great", "bad awful poor", "great good", "poor bad"] * 15
    labels = [1, 0, 1, 0] * 15
    pipe = make_pipeline(
        SequenceEncoder(), LSTMClassifier(hidden_size=8, embedding_dim=8, max_epochs=15)
    )
    search = GridSearchCV(
        pipe, {"lstmclassifier__pooling": ["last", "mean"]}, cv=3, n_jobs=2
    ).fit(texts, labels)
    assert search.best_score_ > 0.9
    assert search.predict(["awful poor"]).tolist() == [0]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rows_far_longer_than_their_batch_run_apart_with_the_same_result(
    cell, bidirectional
):
    torch.manual_seed(0)
    recurrent = stacked_recurrent(cell, 3, 4, 2, 0.0, bidirectional).double()
    lengths = torch.tensor([5, 300, 3, 7, 280])
    inputs = torch.randn(5, 300, 3, dtype=torch.float64, requires_grad=True)
    groups = _length_groups(lengths)
    assert [sorted(g.tolist()) for g in groups] == [[1, 4], [0, 2, 3]]

    def run(split):
        if split:
            return run_recurrent(recurrent, inputs, lengths, 300)
        return _run_packed(recurrent, inputs, lengths, 300)

    (together, state), (apart, state_apart) = run(False), run(True)
    torch.testing.assert_close(apart, together, rtol=0, atol=1e-12)
    for a, b in zip(torch.atleast_1d(state_apart), torch.atleast_1d(state)):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)
    grad_together = torch.autograd.grad(together.square().sum(), inputs)[0]
    grad_apart = torch.autograd.grad(apart.square().sum(), inputs)[0]
    torch.testing.assert_close(grad_apart, grad_together, rtol=0, atol=1e-12)
