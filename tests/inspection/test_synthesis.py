import numpy as np
import pytest
import torch
from skimage import data
from skimage.transform import resize
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

from ml2learn.inspection import (
    activation_maximization,
    content_loss,
    feature_inversion,
    gram_matrix,
    style_loss,
    style_transfer,
    texture_synthesis,
    total_variation,
)
from ml2learn.neural import CNNClassifier
from ml2learn.neural.modules import RandomMultiscaleCNN

rng = np.random.default_rng(0)
GRAVEL = resize(data.gravel()[:128, :128], (32, 32), anti_aliasing=True)
CAMERA = resize(data.camera(), (32, 32), anti_aliasing=True)


def small_network(channels=1, seed=0):
    return RandomMultiscaleCNN(
        channels, kernel_sizes=(3, 5, 9), n_filters=16, random_state=seed
    )


def test_gram_matrix_formula():
    F = rng.normal(size=(2, 5, 4, 3))
    flat = F.reshape(2, 5, 12)
    expected = np.einsum("nik,njk->nij", flat, flat) / 12
    gram = gram_matrix(F)
    np.testing.assert_allclose(gram, expected, rtol=1e-5)
    np.testing.assert_allclose(gram, np.swapaxes(gram, 1, 2))
    assert np.linalg.eigvalsh(gram.astype(float)).min() > -1e-6
    np.testing.assert_allclose(gram_matrix(F[0]), expected[0], rtol=1e-5)
    assert isinstance(gram_matrix(torch.tensor(F)), torch.Tensor)
    with pytest.raises(ValueError, match="features must be"):
        gram_matrix(np.ones((3, 4)))


def test_loss_terms_against_their_formulas():
    F, P = rng.normal(size=(2, 1, 4, 5, 6))
    assert content_loss(F, P) == pytest.approx(
        0.5 * ((F - P) ** 2).sum() / F.size, rel=1e-5
    )
    # the style loss is Gatys et al.'s, 1/(4 N^2 M^2) sum (G - A)^2, on raw Grams
    layers = [rng.normal(size=(1, 4, 5, 6)), rng.normal(size=(1, 3, 7, 2))]
    styles = [rng.normal(size=(1, 4, 5, 6)), rng.normal(size=(1, 3, 7, 2))]
    expected = 0.0
    for f, a in zip(layers, styles):
        n, m = f.shape[1], f[0, 0].size
        raw_f, raw_a = f.reshape(n, m), a.reshape(n, m)
        expected += ((raw_f @ raw_f.T - raw_a @ raw_a.T) ** 2).sum() / (4 * n**2 * m**2)
    loss = style_loss(layers, [gram_matrix(a)[0] for a in styles])
    assert loss == pytest.approx(expected / 2, rel=1e-4)
    # total variation on the (H-1) x (W-1) grid
    x = rng.normal(size=(1, 2, 4, 5))
    for beta in (1.0, 2.0):
        tv = sum(
            (
                (x[0, c, i, j + 1] - x[0, c, i, j]) ** 2
                + (x[0, c, i + 1, j] - x[0, c, i, j]) ** 2
            )
            ** (beta / 2)
            for c in range(2)
            for i in range(3)
            for j in range(4)
        )
        assert total_variation(x, beta) == pytest.approx(tv, rel=1e-4)
    signal = rng.normal(size=(1, 1, 9))
    assert total_variation(signal, 1.0) == pytest.approx(
        np.abs(np.diff(signal)).sum(), rel=1e-5
    )


def _nearest_patch_distance(image, source, size=8):
    windows = np.lib.stride_tricks.sliding_window_view(source, (size, size)).reshape(
        -1, size * size
    )
    patches = np.lib.stride_tricks.sliding_window_view(image, (size, size))[::4, ::4]
    patches = patches.reshape(-1, size * size)
    distances = ((patches[:, None] - windows[None]) ** 2).mean(axis=2)
    return np.sqrt(distances.min(axis=1)).mean()


def test_texture_synthesis_matches_grams_without_copying():
    texture, history = texture_synthesis(
        GRAVEL, small_network(), max_iter=60, random_state=0, return_history=True
    )
    assert texture.shape == (1, 32, 32)
    assert history["style"][-1] < history["style"][0] / 10
    assert GRAVEL.min() <= texture.min() and texture.max() <= GRAVEL.max()
    # not a crop: every 8x8 patch is far from all patches of the source
    # (a copy gives 0; the source's own shifted patches are ~ its std apart)
    assert _nearest_patch_distance(texture[0], GRAVEL) > 0.2 * GRAVEL.std()
    assert _nearest_patch_distance(GRAVEL[4:28, 4:28], GRAVEL) == 0


def test_results_are_bit_identical_with_random_state():
    first = texture_synthesis(
        GRAVEL, "random", max_iter=3, random_state=1, optimizer="adam"
    )
    again = texture_synthesis(
        GRAVEL, "random", max_iter=3, random_state=1, optimizer="adam"
    )
    other = texture_synthesis(
        GRAVEL, "random", max_iter=3, random_state=2, optimizer="adam"
    )
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    a = style_transfer(CAMERA, GRAVEL, small_network(), max_iter=5, random_state=0)
    b = style_transfer(CAMERA, GRAVEL, small_network(), max_iter=5, random_state=0)
    np.testing.assert_array_equal(a, b)


def test_style_transfer_keeps_content_and_takes_style():
    net = small_network()
    image, history = style_transfer(
        CAMERA, GRAVEL, net, max_iter=40, random_state=0, return_history=True
    )
    maps = lambda x: net(torch.tensor(x, dtype=torch.float32)[None])  # noqa: E731
    layers = net.layer_names()

    def style_of(x):
        out = {}
        hooks = [
            getattr(net, n).register_forward_hook(
                lambda m, a, o, n=n: out.setdefault(n, o)
            )
            for n in layers
        ]
        maps(x)
        for h in hooks:
            h.remove()
        return [out[n] for n in layers]

    target = [gram_matrix(m)[0] for m in style_of(GRAVEL[None])]
    before = float(style_loss(style_of(CAMERA[None]), target))
    after = float(style_loss(style_of(image), target))
    assert after < before / 3
    content_of = lambda x: style_of(x)[-1]  # noqa: E731 - the default content layer
    kept = float(content_loss(content_of(image), content_of(CAMERA[None])))
    of_noise = float(
        content_loss(
            content_of(rng.uniform(size=(1, 32, 32))), content_of(CAMERA[None])
        )
    )
    assert kept < of_noise / 5
    assert history["style"][-1] < history["style"][0]


def test_lbfgs_and_adam_both_lower_the_loss():
    for optimizer in ("lbfgs", "adam"):
        _, history = texture_synthesis(
            GRAVEL,
            small_network(),
            max_iter=20,
            optimizer=optimizer,
            random_state=0,
            return_history=True,
        )
        assert history["total"][-1] < history["total"][0] / 3
        assert np.all(np.diff(history["seconds"]) >= 0)


@pytest.fixture(scope="module")
def digits_cnn():
    X, y = load_digits(return_X_y=True)
    return CNNClassifier((4, 8), image_shape=(8, 8), max_epochs=3, random_state=0).fit(
        X[:400] / 16, y[:400]
    )


def test_feature_inversion_reconstructs_early_layers(digits_cnn):
    X, _ = load_digits(return_X_y=True)
    images, histories = feature_inversion(
        digits_cnn,
        X[400:402] / 16,
        "features.0.conv",
        max_iter=60,
        random_state=0,
        return_history=True,
    )
    assert images.shape == (2, 1, 8, 8)
    for history in histories:
        assert history["features"][-1] < 0.05 * history["features"][0]
    # from a convolution with as many filters as pixels need, the input returns
    assert np.corrcoef(images[0].ravel(), X[400] / 16)[0, 1] > 0.9


def test_networks_can_be_estimators(digits_cnn):
    X, _ = load_digits(return_X_y=True)
    digit = X[0].reshape(8, 8) / 16
    image = texture_synthesis(
        digit, digits_cnn, ["features.0"], max_iter=5, random_state=0
    )
    assert image.shape == (1, 8, 8)


def test_bad_input(digits_cnn):
    with pytest.raises(ValueError, match="does not exist; choose among.*scale3"):
        texture_synthesis(GRAVEL, "random", ["scale4"], max_iter=1)
    with pytest.raises(ValueError, match="content_layer: layer 'nope'.*features.0"):
        style_transfer(
            CAMERA[:8, :8], GRAVEL[:8, :8], digits_cnn, content_layer="nope", max_iter=1
        )
    with pytest.raises(ValueError, match="3 channel.*fitted on images of 1"):
        texture_synthesis(np.ones((3, 8, 8)), digits_cnn, max_iter=1)
    with pytest.raises(ValueError, match="content has 1 channel.*style has 3"):
        style_transfer(CAMERA, np.ones((3, 8, 8)), max_iter=1)
    with pytest.raises(NotFittedError):
        texture_synthesis(GRAVEL, CNNClassifier(), max_iter=1)
    with pytest.raises(ValueError, match="style_weight must be a finite number >= 0"):
        style_transfer(CAMERA, GRAVEL, style_weight=-1.0, max_iter=1)
    with pytest.raises(ValueError, match="tv_weight must be"):
        texture_synthesis(GRAVEL, tv_weight=-0.1, max_iter=1)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        texture_synthesis(GRAVEL, optimizer="sgd", max_iter=1)
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        texture_synthesis(GRAVEL, max_iter=0)
    with pytest.raises(ValueError, match="texture must be one non-empty image"):
        texture_synthesis(np.ones((2, 1, 4, 4)), max_iter=1)
    with pytest.raises(ValueError, match="NaN"):
        texture_synthesis(np.full((8, 8), np.nan), max_iter=1)
    with pytest.raises(ValueError, match="give style_layers for a custom network"):
        texture_synthesis(GRAVEL, torch.nn.Conv2d(1, 2, 3), max_iter=1)
    with pytest.raises(TypeError, match="network must be"):
        texture_synthesis(GRAVEL, 3, max_iter=1)
    with pytest.raises(ValueError, match="init must be"):
        style_transfer(CAMERA, GRAVEL, init="zeros", max_iter=1)


def test_a_non_finite_loss_stops_with_an_error():
    overflowing = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3))
    overflowing[0].weight.data.fill_(1e30)
    with pytest.raises(FloatingPointError, match="loss became (inf|nan)"):
        texture_synthesis(GRAVEL, overflowing, ["0"], max_iter=5)


def test_yosinski_clipping_regularisers(digits_cnn):
    image = activation_maximization(
        digits_cnn, unit=2, n_steps=30, norm_clip_percentile=50, random_state=0
    )
    assert np.mean(image == 0) >= 0.5
    image = activation_maximization(
        digits_cnn, unit=2, n_steps=30, contribution_clip_percentile=25, random_state=0
    )
    assert np.mean(image == 0) >= 0.25
    with pytest.raises(ValueError, match="norm_clip_percentile must be a percentile"):
        activation_maximization(digits_cnn, unit=2, norm_clip_percentile=100)
