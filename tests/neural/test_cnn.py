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
        CNNClassifier(**FAST, augment={"scale": 2}).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="zoom"):
        CNNClassifier(**FAST, augment={"zoom": 2}).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="fill_mode"):
        CNNClassifier(**FAST, augment={"fill_mode": "wrap"}).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="non-negative"):
        CNNClassifier(**FAST, augment={"shear": -3}).fit(X_digits, y_digits)


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


def _square(size=9, lo=3, hi=6):
    image = torch.zeros(1, 1, size, size)
    image[..., lo:hi, lo:hi] = 1.0
    return image


def test_width_and_height_shifts_move_whole_pixels():
    image = torch.arange(81, dtype=torch.float32).reshape(1, 1, 9, 9)
    # a range of 2 pixels draws a shift in [-2, 2]; find the drawn one
    out = Augmenter({"width_shift": 2.0}, 0)(image)
    drawn = np.random.RandomState(0).uniform(-2 * 2 / 9, 2 * 2 / 9) * 9 / 2
    assert out.shape == image.shape
    columns = np.arange(9) + drawn  # output column j reads input column j + dx
    inside = (columns >= 0) & (columns <= 8)
    expected = np.interp(columns[inside], np.arange(9), image[0, 0, 0].numpy())
    np.testing.assert_allclose(out[0, 0, 0, inside].numpy(), expected, atol=1e-4)
    # a fraction of the height: 1/9 of 9 rows is one row at most
    tall = Augmenter({"height_shift": 1 / 9}, 3)(image)
    assert float((tall - image).abs().max()) <= 9.0 + 1e-4


def test_fill_modes_fill_what_comes_from_outside():
    image = torch.arange(1, 10, dtype=torch.float32).reshape(1, 1, 3, 3)
    far = {"width_shift": 1.0, "zoom": (1.0, 1.0)}
    zeros = Augmenter({**far, "fill_mode": "constant"}, 0)(image)
    nearest = Augmenter({**far, "fill_mode": "nearest"}, 0)(image)
    reflect = Augmenter({**far, "fill_mode": "reflect"}, 0)(image)
    # the same draw: where constant fills with 0, nearest repeats an edge
    outside = zeros[0, 0] == 0
    if outside.any():
        edge_values = set(image[0, 0, :, [0, -1]].flatten().tolist())
        assert set(nearest[0, 0][outside].round().tolist()) <= edge_values
        assert (reflect[0, 0][outside] > 0).all()


def test_zoom_below_one_zooms_in():
    image = _square()
    zoomed = Augmenter({"zoom": (0.5, 0.5)}, 0)(image)
    # half the field of view: the 3-pixel square becomes 6 pixels wide
    row = zoomed[0, 0, 4]
    assert float(row.sum()) == pytest.approx(6.0, abs=1e-5)
    assert float(zoomed.sum()) == pytest.approx(36.0, abs=1e-4)
    assert torch.equal(Augmenter({"zoom": (1.0, 1.0)}, 0)(image), image)


def test_shear_slants_a_vertical_line_by_its_formula():
    image = torch.zeros(1, 1, 9, 9)
    image[..., :, 4] = 1.0  # a vertical line through the middle
    sheared = Augmenter({"shear": 40.0}, 0)(image)
    angle = np.deg2rad(np.random.RandomState(0).uniform(-40, 40))
    # output (x, y) reads input (x - sin(s) y, cos(s) y): the line moves to
    # x = sin(s) y, a shift of sin(s) * y * 9 / 2 pixels on row y
    rows = sheared[0, 0].numpy()
    centres = (rows * np.arange(9)).sum(1) / rows.sum(1)
    y = (2 * np.arange(9) + 1) / 9 - 1
    np.testing.assert_allclose(centres, 4 + np.sin(angle) * y * 9 / 2, atol=1e-4)


def test_rotation_alone_is_as_before():
    # the affine path keeps the rotation's draws and result
    X = torch.rand(4, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    out = Augmenter({"rotation": 20}, 5)(X)
    angles = np.deg2rad(np.random.RandomState(5).uniform(-20, 20, size=4))
    theta = np.zeros((4, 2, 3), dtype=np.float32)
    theta[:, 0, 0], theta[:, 0, 1] = np.cos(angles), -np.sin(angles)
    theta[:, 1, 0], theta[:, 1, 1] = np.sin(angles), np.cos(angles)
    grid = torch.nn.functional.affine_grid(
        torch.from_numpy(theta), [4, 1, 8, 8], align_corners=False
    )
    expected = torch.nn.functional.grid_sample(X, grid, align_corners=False)
    torch.testing.assert_close(out, expected, rtol=0, atol=0)


def test_the_notes_keras_augmentation_trains_a_cnn():
    keras = dict(
        rotation=40,
        width_shift=0.2,
        height_shift=0.2,
        shear=0.2,
        zoom=0.2,
        flip=True,
        fill_mode="nearest",
    )
    clf = CNNClassifier(**FAST, image_shape=(8, 8), augment=keras).fit(
        X_digits, y_digits
    )
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    again = CNNClassifier(**FAST, image_shape=(8, 8), augment=keras)
    np.testing.assert_array_equal(
        again.fit(X_digits, y_digits).loss_curve_, clf.loss_curve_
    )


def test_vgg_stages_and_pool_size():
    clf = CNNClassifier(
        (4, 8),
        convs_per_stage=2,
        pool_size=3,
        image_shape=(8, 8),
        max_epochs=1,
        random_state=0,
    ).fit(X_digits, y_digits)
    blocks = clf.net_.module_.features
    assert [b.conv.out_channels for b in blocks] == [4, 4, 8, 8]
    assert [isinstance(b.pool, torch.nn.Identity) for b in blocks] == [
        True,
        False,
        True,
        False,
    ]
    assert blocks[1].pool.kernel_size == 3
    maps = blocks(torch.zeros(2, 1, 8, 8))
    assert maps.shape == (2, 8, 1, 1)  # 8 -> 3 -> 1 with windows of 3


def test_l2_pooling_is_the_norm_of_each_window():
    from ml2learn.neural.modules import L2Pool

    x = torch.arange(16, dtype=torch.float64).reshape(1, 1, 4, 4)
    out = L2Pool(2, dims=2)(x)
    windows = x.reshape(2, 2, 2, 2).permute(0, 2, 1, 3).reshape(2, 2, 4)
    torch.testing.assert_close(out[0, 0], windows.pow(2).sum(-1).sqrt())
    signal = torch.tensor([[[3.0, 4.0, 5.0]]])
    torch.testing.assert_close(
        L2Pool(2, dims=1)(signal), torch.tensor([[[5.0, 5.0]]]), atol=1e-5, rtol=0
    )
    zeros = torch.zeros(1, 1, 2, 2, requires_grad=True)
    L2Pool(2, dims=2)(zeros).sum().backward()
    assert torch.isfinite(zeros.grad).all()
    clf = CNNClassifier(**FAST, pooling="l2", image_shape=(8, 8)).fit(
        X_digits, y_digits
    )
    assert np.isfinite(clf.loss_curve_).all()
