import pickle

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from ml2learn.neural import TransformerClassifier
from ml2learn.text import SequenceEncoder


def _count_task(n=300, T=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randint(1, 6, size=(n, T))
    X[rng.rand(n, T) < 0.2] = 0  # scattered padding, right-aligned inside
    return X, ((X == 5).sum(axis=1) >= 2).astype(int)


@pytest.mark.parametrize("pooling", ["cls", "mean"])
@pytest.mark.parametrize("norm", ["pre", "post"])
def test_padding_never_changes_a_prediction(pooling, norm):
    X, y = _count_task(100)
    clf = TransformerClassifier(
        16, 2, token_input=True, pooling=pooling, norm=norm, max_epochs=3,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    right = np.array([[5, 3, 5, 0, 0, 0, 0, 0]])
    left = np.array([[0, 0, 0, 0, 0, 5, 3, 5]])
    np.testing.assert_allclose(clf.predict_proba(right), clf.predict_proba(left))
    module = clf.net_.module_.eval()
    with torch.no_grad():
        unpadded = torch.softmax(module(torch.tensor([[5.0, 3.0, 5.0]])), dim=1)
    np.testing.assert_allclose(clf.predict_proba(right)[0], unpadded[0], atol=1e-6)


def test_learns_and_attention_maps():
    X, y = _count_task()
    clf = TransformerClassifier(
        32, 4, token_input=True, positions="learned", max_epochs=40, random_state=0
    ).fit(X[:240], y[:240])
    assert clf.score(X[240:], y[240:]) > 0.85
    maps = clf.attention_maps(np.array([[5, 5, 1, 0, 0, 0, 0, 0]]))
    assert maps.shape == (2, 1, 4, 9, 9)  # layers, rows, heads, [CLS] + 8
    np.testing.assert_allclose(maps.sum(axis=-1)[..., :4], 1.0, atol=1e-6)
    assert np.all(maps[..., 4:] == 0)  # nobody looks at padding


def test_predictions_leave_no_attention_weights_behind():
    # a forward pass over many rows used to keep (B, H, T, T) weights per
    # layer, held in memory and pickled with the model
    X, y = _count_task()
    clf = TransformerClassifier(16, 2, token_input=True, max_epochs=2).fit(X, y)
    size = len(pickle.dumps(clf))
    clf.predict(np.tile(X, (20, 1)))
    assert len(pickle.dumps(clf)) < 1.05 * size
    maps = clf.attention_maps(X[:3])
    assert maps.shape == (2, 3, 2, 9, 9)
    layers = [m for m in clf.net_.module_.modules() if hasattr(m, "last_weights")]
    assert layers and all(m.last_weights is None for m in layers)


def test_warm_up_then_schedule():
    X, y = _count_task(60)
    clf = TransformerClassifier(
        16, 2, token_input=True, warmup_epochs=3, lr_schedule="cosine",
        max_epochs=6, learning_rate=0.01, random_state=0,
    ).fit(X, y)  # fmt: skip
    lr = np.array(clf.net_.history[:, "lr"])
    cosine = 0.01 * 0.5 * (1 + np.cos(np.pi * np.arange(6) / 6))
    np.testing.assert_allclose(lr[:3], cosine[:3] * np.array([1, 2, 3]) / 4)
    np.testing.assert_allclose(lr[3:], cosine[3:])
    with pytest.raises(ValueError, match="divisible"):
        TransformerClassifier(10, 4, max_epochs=1).fit(X, y)


def test_raw_strings_in_a_pipeline():
    texts = ["good fine great", "bad awful poor", "great good", "poor bad"] * 15
    labels = [1, 0, 1, 0] * 15
    pipe = make_pipeline(
        SequenceEncoder(),
        TransformerClassifier(16, 2, token_input=True, max_epochs=20, random_state=0),
    )
    search = GridSearchCV(
        pipe, {"transformerclassifier__pooling": ["cls", "mean"]}, cv=3
    )
    assert search.fit(texts, labels).best_score_ > 0.9
