import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.neural import CNNClassifier, CNNRegressor
from ml2learn.neural._augment import Augmenter
from ml2learn.neural.modules import conv_output_size

X_digits, y_digits = load_digits(return_X_y=True)
X_digits = X_digits[:400] / 16
y_digits = y_digits[:400]
FAST = dict(filters=(8,), max_epochs=3, random_state=0)


def test_output_volume_formula_of_the_notes():
    # W2 = (W1 - F + 2P) / S + 1
    assert conv_output_size(32, kernel_size=5, stride=1, padding=0) == 28
    assert conv_output_size(7, kernel_size=3, stride=1, padding=0) == 5
    assert conv_output_size(7, kernel_size=3, stride=2, padding=0) == 3
    layer = torch.nn.Conv2d(3, 4, kernel_size=5, stride=2, padding=1)
    assert layer(torch.zeros(1, 3, 32, 32)).shape[-1] == conv_output_size(32, 5, 2, 1)


@pytest.mark.parametrize(
    "X, params, shape",
    [
        (X_digits, dict(image_shape=(8, 8)), (1, 8, 8)),
        (X_digits, dict(image_shape=(1, 8, 8)), (1, 8, 8)),
        (X_digits.reshape(-1, 8, 8), {}, (1, 8, 8)),
        (X_digits.reshape(-1, 1, 8, 8), {}, (1, 8, 8)),
        (X_digits, {}, (1, 64)),
    ],
)
def test_input_forms(X, params, shape):
    clf = CNNClassifier(**FAST, **params).fit(X, y_digits)
    assert clf.input_shape_ == shape
    assert clf.head_ == ("gap" if len(shape) == 3 else "flatten")
    assert clf.predict(X[:5]).shape == (5,)


def test_image_forms_give_the_same_network():
    flat = CNNClassifier(**FAST, image_shape=(8, 8)).fit(X_digits, y_digits)
    images = CNNClassifier(**FAST).fit(X_digits.reshape(-1, 1, 8, 8), y_digits)
    np.testing.assert_allclose(
        flat.predict_proba(X_digits), images.predict_proba(X_digits.reshape(-1, 8, 8))
    )


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="holds 49 values per sample but X has 64"):
        CNNClassifier(**FAST, image_shape=(7, 7)).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="image_shape must be"):
        CNNClassifier(**FAST, image_shape=(8, 8, 1, 1)).fit(X_digits, y_digits)
    clf = CNNClassifier(**FAST).fit(X_digits.reshape(-1, 8, 8), y_digits)
    with pytest.raises(ValueError, match="36 features, but CNNClassifier is expecting"):
        clf.predict(np.zeros((2, 6, 6)))
    with pytest.raises(
        ValueError, match=r"shape \(1, 4, 16\) but the network was fitted"
    ):
        clf.predict(np.zeros((2, 4, 16)))
    with pytest.raises(ValueError, match="could not convert|numeric"):
        CNNClassifier(**FAST).fit(np.array([["a"] * 4] * 4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="filters"):
        CNNClassifier(filters=(), max_epochs=1).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="augment takes"):
        CNNClassifier(**FAST, augment={"zoom": 2}).fit(X_digits, y_digits)


def test_residual_blocks_and_flatten_head():
    clf = CNNClassifier(
        (8, 16),
        residual=True,
        head="flatten",
        dense_layer_sizes=(32,),
        image_shape=(8, 8),
        max_epochs=15,
        random_state=0,
    ).fit(X_digits, y_digits)
    module = clf.net_.module_
    assert type(module.features[0]).__name__ == "ResidualBlock"
    assert isinstance(module.features[1].shortcut, torch.nn.Conv2d)
    assert len(module.dense) == 1
    assert clf.score(X_digits, y_digits) > 0.5


def test_augmentation_is_training_only():
    calls = []

    class Spy(Augmenter):
        def __call__(self, X):
            calls.append(len(X))
            return super().__call__(X)

    clf = CNNClassifier(
        **FAST,
        image_shape=(8, 8),
        augment={"shift": 1, "flip": True, "rotation": 10, "noise": 0.05},
        early_stopping=True,
    )
    clf.fit(X_digits, y_digits)
    net = clf.net_
    net.augmenter_ = Spy(clf.augment, 0)
    plain = CNNClassifier(**FAST, image_shape=(8, 8), early_stopping=True)
    plain.fit(X_digits, y_digits)
    # prediction and validation never call the augmenter
    proba = clf.predict_proba(X_digits)
    np.testing.assert_array_equal(proba, clf.predict_proba(X_digits))
    assert calls == []
    valid = net.get_iterator(net.train_split(None)[1], training=False)
    list(valid)
    assert calls == []
    train = net.get_iterator(net.train_split(None)[1], training=True)
    list(train)
    assert calls and sum(calls) == len(net.train_split(None)[1])
    assert not np.array_equal(proba, plain.predict_proba(X_digits))


def test_augmenter_transforms():
    X = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4)
    assert torch.equal(Augmenter({}, 0)(X), X)
    flipped = Augmenter({"flip": True}, 0)(X)
    for original, out in zip(X, flipped):
        assert torch.equal(out, original) or torch.equal(out, original.flip(-1))
    shifted = Augmenter({"shift": 1}, 1)(X)
    assert shifted.shape == X.shape
    noisy = Augmenter({"noise": 0.1}, 0)(X)
    assert 0 < float((noisy - X).std()) < 0.2
    signal = Augmenter({"shift": 2, "rotation": 30}, 0)(torch.ones(3, 1, 10))
    assert signal.shape == (3, 1, 10)


def test_regressor_and_reproducibility():
    rng = np.random.RandomState(0)
    X = rng.rand(300, 16)
    y = X[:, :4].sum(axis=1)
    reg = CNNRegressor((8,), learning_rate=0.01, max_epochs=40, random_state=0)
    assert reg.fit(X, y).score(X, y) > 0.8
    again = CNNRegressor((8,), learning_rate=0.01, max_epochs=40, random_state=0)
    np.testing.assert_array_equal(again.fit(X, y).predict(X), reg.predict(X))


def test_freeze_features_for_transfer():
    source = CNNClassifier(**FAST, image_shape=(8, 8)).fit(X_digits, y_digits)
    tuned = CNNClassifier(**FAST, image_shape=(8, 8), init_from=source, freeze=1).fit(
        X_digits, (y_digits + 1) % 10
    )
    before = source.net_.module_.state_dict()
    after = tuned.net_.module_.state_dict()
    torch.testing.assert_close(
        after["features.0.conv.weight"], before["features.0.conv.weight"]
    )
    assert not torch.equal(after["output.weight"], before["output.weight"])
