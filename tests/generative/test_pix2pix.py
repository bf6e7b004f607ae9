"""Pix2Pix: the U-Net's skips, the PatchGAN's receptive field and grid, the
loss against the paper's formula, which network each step updates, the
image layouts, reproducibility, bad input, and the paired digit sets."""

import pickle

import numpy as np
import pytest
import torch

from ml2learn.datasets import make_digit_pairs
from ml2learn.generative import (
    PatchDiscriminator,
    Pix2Pix,
    UNetGenerator,
    discriminator_loss,
    patch_receptive_field,
    perceptual_loss,
    translation_generator_loss,
)
from ml2learn.generative._translation_networks import unet_depth

SMALL = dict(generator_width=4, discriminator_width=4, max_epochs=1, random_state=0)


@pytest.fixture(scope="module")
def pairs():
    thick, thin, labels = make_digit_pairs("thick", random_state=0)
    return thick[:300], thin[:300], labels[:300]


def _parameters(module):
    return [p.detach().clone() for p in module.parameters()]


def _changed(before, module):
    return [not torch.equal(a, b) for a, b in zip(before, module.parameters())]


# -- the networks ---------------------------------------------------------


def test_unet_depth_halves_to_one_pixel():
    assert unet_depth(256, 256) == 8  # the paper's 8 levels
    assert unet_depth(16, 16) == 4
    assert unet_depth(16, 9) == 3
    assert unet_depth(1, 1) == 0


@pytest.mark.parametrize("shape", [(16, 16), (13, 10), (1, 1)])
def test_unet_keeps_the_image_size(shape):
    torch.manual_seed(0)
    net = UNetGenerator(2, 3, unet_depth(*shape), width=4).eval()
    out = net(torch.randn(5, 2, *shape))
    assert out.shape == (5, 3, *shape)
    assert out.abs().max() <= 1.0  # Tanh


def test_unet_skips_carry_full_resolution_detail_past_the_bottleneck():
    torch.manual_seed(0)
    net = UNetGenerator(1, 1, 4, width=4, dropout=0.0).double().eval()
    x = torch.zeros(1, 1, 16, 16, dtype=torch.float64)
    x_moved = x.clone()
    x_moved[0, 0, 5, 9] = 1.0
    # the encoder's levels carry nothing: only the full-resolution skip
    # (3 x 3 stem -> 3 x 3 head) can reach the output
    for level in net.down:
        level.register_forward_hook(lambda m, args, out: torch.zeros_like(out))
    with torch.no_grad():
        change = (net(x_moved) - net(x)).abs()[0, 0]
    near = np.zeros((16, 16), dtype=bool)
    near[3:8, 7:12] = True  # within two pixels of (5, 9)
    assert change[5, 9] > 0
    assert (change.numpy()[~near] == 0).all()
    assert (change.numpy()[near] > 0).mean() > 0.5


def test_residual_unet_learns_the_correction_to_its_input():
    torch.manual_seed(0)
    net = UNetGenerator(3, 3, 2, width=4, residual=True).eval()
    torch.nn.init.zeros_(net.head[0].weight)
    torch.nn.init.zeros_(net.head[0].bias)
    x = torch.rand(2, 3, 8, 8)
    torch.testing.assert_close(net(x), x)  # no correction: the input itself
    with pytest.raises(ValueError, match="residual=True .* got 1 and 3"):
        UNetGenerator(1, 3, 2, residual=True)


def test_patch_receptive_fields_are_the_papers():
    assert [patch_receptive_field(n) for n in range(6)] == [1, 16, 34, 70, 142, 286]


@pytest.mark.parametrize("n_layers", [0, 1, 2])
def test_patchgan_grid_and_receptive_field(n_layers):
    torch.manual_seed(0)
    size = 64
    net = PatchDiscriminator(2, n_layers, width=4).eval()
    condition = torch.randn(1, 1, size, size)
    image = torch.randn(1, 1, size, size, requires_grad=True)
    logits = net(image, condition)
    assert logits.shape[2:] == net.grid_shape(size, size)
    expected_grid = size if n_layers == 0 else size // 2**n_layers - 2
    assert logits.shape[2:] == (expected_grid, expected_grid)
    # one logit in the middle sees exactly an N x N patch of the image
    h = logits.shape[2] // 2
    logits[0, 0, h, h].backward()
    seen = image.grad[0, 0].abs() > 0
    rows, cols = np.flatnonzero(seen.any(1)), np.flatnonzero(seen.any(0))
    assert rows[-1] - rows[0] + 1 == net.receptive_field
    assert cols[-1] - cols[0] + 1 == net.receptive_field


# -- the losses -----------------------------------------------------------


def test_generator_loss_is_cgan_plus_lambda_l1():
    rng = np.random.RandomState(0)
    fake = torch.tensor(rng.uniform(-1, 1, (2, 1, 4, 4)))
    target = torch.tensor(rng.uniform(-1, 1, (2, 1, 4, 4)))
    d_fake = rng.uniform(0.05, 0.95, (2, 1, 3, 3))
    logits = torch.tensor(np.log(d_fake / (1 - d_fake)))
    loss, adversarial, l1 = translation_generator_loss(
        logits, fake, target, l1_weight=100.0, adversarial_weight=0.5
    )
    expected_l1 = np.mean(np.abs(target.numpy() - fake.numpy()))
    expected_adversarial = -np.mean(np.log(d_fake))
    assert float(l1) == pytest.approx(expected_l1, rel=1e-12)
    assert float(adversarial) == pytest.approx(expected_adversarial, rel=1e-12)
    assert float(loss) == pytest.approx(
        0.5 * expected_adversarial + 100.0 * expected_l1, rel=1e-12
    )
    alone, none, _ = translation_generator_loss(None, fake, target, 10.0, 0.0)
    assert float(none) == 0 and float(alone) == pytest.approx(10 * expected_l1)


def test_the_discriminator_objective_is_halved(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(**SMALL).fit(X[:40], Y[:40])
    net = model.net_
    x = torch.from_numpy(model._inputs.scale(X[:8].reshape(8, -1)))
    y = torch.from_numpy(model._targets.scale(Y[:8].reshape(8, -1)))
    net.module_.train()
    with torch.no_grad():
        fake = net.module_.generator(x)
    discriminator = net.module_.discriminator
    with torch.no_grad():  # batch statistics: the step sees the same logits
        real_logits, fake_logits = discriminator(y, x), discriminator(fake, x)
    expected = discriminator_loss(real_logits, fake_logits) / 2
    assert float(net.discriminator_step(x, y, fake)) == pytest.approx(float(expected))


# -- training ---------------------------------------------------------------


def test_each_step_updates_only_its_network(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(**SMALL).fit(X[:40], Y[:40])
    net, module = model.net_, model.net_.module_
    x = torch.from_numpy(model._inputs.scale(X[:8].reshape(8, -1)))
    y = torch.from_numpy(model._targets.scale(Y[:8].reshape(8, -1)))
    module.train()
    g, d = _parameters(module.generator), _parameters(module.discriminator)
    with torch.no_grad():
        fake = module.generator(x)
    net.discriminator_step(x, y, fake)
    assert not any(_changed(g, module.generator))
    assert any(_changed(d, module.discriminator))
    g, d = _parameters(module.generator), _parameters(module.discriminator)
    net.generator_step(x, y, module.generator(x))
    assert any(_changed(g, module.generator))
    assert not any(_changed(d, module.discriminator))
    assert all(p.requires_grad for p in module.discriminator.parameters())


def test_l1_only_never_trains_the_discriminator(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(**SMALL, adversarial_weight=0.0, batch_size=20)
    model.fit(X[:40], Y[:40])
    assert not model.net_.optimizer_discriminator_.state  # no step was taken
    assert np.isnan(model.history_["d_loss"]).all()
    assert np.isfinite(model.history_["l1_loss"]).all()
    np.testing.assert_allclose(model.loss_curve_, 100.0 * model.history_["l1_loss"])


def test_training_beats_copying_the_input(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(
        generator_width=8,
        discriminator_width=8,
        max_epochs=5,
        learning_rate=2e-3,
        random_state=0,
    ).fit(X[:200], Y[:200])
    copying = np.mean(np.abs(X[200:] - Y[200:]))
    assert -model.score(X[200:], Y[200:]) < 0.5 * copying
    assert model.history_["l1_loss"][-1] < model.history_["l1_loss"][0]


def test_same_seed_same_model_and_pickling_keeps_it(pairs):
    X, Y, _ = pairs
    a = Pix2Pix(**SMALL).fit(X[:40], Y[:40])
    b = Pix2Pix(**SMALL).fit(X[:40], Y[:40])
    np.testing.assert_array_equal(a.predict(X[40:50]), b.predict(X[40:50]))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.predict(X[40:50]), restored.predict(X[40:50]))
    np.testing.assert_array_equal(a.transform(X[40:50]), restored.transform(X[40:50]))


def test_warm_start_continues_the_history(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(**SMALL, warm_start=True).fit(X[:40], Y[:40])
    model.fit(X[:40], Y[:40])
    assert model.n_epochs_ == 2 and len(model.history_["l1_loss"]) == 2


# -- layouts ----------------------------------------------------------------


def test_outputs_come_back_in_ys_layout_and_range(pairs):
    X, Y, _ = pairs
    flat = Pix2Pix(**SMALL, image_shape=(16, 16)).fit(
        X[:40].reshape(40, -1), Y[:40].reshape(40, -1)
    )
    assert flat.predict(X[:3].reshape(3, -1)).shape == (3, 256)
    three = Pix2Pix(**SMALL).fit(X[:40, 0], Y[:40, 0] * 255)
    out = three.predict(X[:3, 0])
    assert out.shape == (3, 16, 16) and out.min() >= 0 and out.max() <= 255
    colour = np.repeat(Y[:40], 3, axis=1) * [[[[1.0]], [[0.5]], [[0.2]]]]
    rgb = Pix2Pix(**SMALL).fit(X[:40], colour)
    assert rgb.predict(X[:3]).shape == (3, 3, 16, 16)
    assert rgb.target_shape_ == (3, 16, 16) and rgb.input_shape_ == (1, 16, 16)
    given = Pix2Pix(**SMALL, image_shape=(16, 16), target_shape=(3, 16, 16)).fit(
        X[:40].reshape(40, -1), colour.reshape(40, -1)
    )
    assert given.predict(X[:2].reshape(2, -1)).shape == (2, 768)


def test_flat_rows_are_one_pixel_of_many_channels():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    model = Pix2Pix(**SMALL).fit(X, X[:, :2])
    assert model.input_shape_ == (5, 1, 1) and model.target_shape_ == (2, 1, 1)
    assert model.depth_ == 0 and model.patch_size_ == 1
    assert model.predict(X).shape == (60, 2)
    assert Pix2Pix(**SMALL).fit(X, X[:, 0]).predict(X).shape == (60,)


def test_patch_size_chosen_from_the_image(pairs):
    X, Y, _ = pairs
    assert Pix2Pix(**SMALL).fit(X[:20], Y[:20]).patch_size_ == 16
    small = Pix2Pix(**SMALL).fit(X[:20, :, :8, :8], Y[:20, :, :8, :8])
    assert small.patch_size_ == 1 and small.depth_ == 3


# -- bad input --------------------------------------------------------------


def test_pairs_of_different_lengths_are_refused(pairs):
    X, Y, _ = pairs
    with pytest.raises(ValueError, match="40 input images but y holds 39"):
        Pix2Pix(**SMALL).fit(X[:40], Y[:39])


def test_images_of_different_sizes_are_refused(pairs):
    X, Y, _ = pairs
    with pytest.raises(ValueError, match="one size"):
        Pix2Pix(**SMALL).fit(X[:20], Y[:20, :, :8, :8])
    with pytest.raises(ValueError, match="whole number of channels"):
        Pix2Pix(**SMALL).fit(X[:20], Y[:20].reshape(20, -1)[:, :100])
    with pytest.raises(ValueError, match="target_shape"):
        Pix2Pix(**SMALL, target_shape=(3, 16, 16)).fit(X[:20], Y[:20].reshape(20, -1))


def test_predict_refuses_images_of_another_size(pairs):
    X, Y, _ = pairs
    model = Pix2Pix(**SMALL).fit(X[:20], Y[:20])
    with pytest.raises(ValueError, match="shape|features"):
        model.predict(X[:3, :, :8, :8])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(l1_weight=-1.0), "'l1_weight' parameter"),
        (dict(adversarial_weight=-0.5), "'adversarial_weight' parameter"),
        (dict(patch_size=20), "receptive field, one of \\[1, 16, 34, 70"),
        (dict(patch_size=70), "at least 24 x 24 pixels"),
        (dict(depth=9), "depth=9 halves 16 x 16 images to nothing"),
    ],
)
def test_bad_settings_are_named(pairs, params, message):
    X, Y, _ = pairs
    with pytest.raises(ValueError, match=message):
        Pix2Pix(**SMALL, **params).fit(X[:20], Y[:20])


def test_y_is_required(pairs):
    X, _, _ = pairs
    with pytest.raises(ValueError, match="requires y"):
        Pix2Pix(**SMALL).fit(X[:20], None)


# -- the perceptual loss (super-resolution) ---------------------------------


@pytest.fixture(scope="module")
def low_high():
    from ml2learn.neural import CNNClassifier

    low, high, labels = make_digit_pairs("low_resolution", factor=4, random_state=0)
    cnn = CNNClassifier((4, 8), max_epochs=2, random_state=0)
    return low[:80], high[:80], cnn.fit(high[:200], labels[:200])


def test_perceptual_loss_is_the_mean_squared_feature_difference():
    rng = np.random.RandomState(0)
    a, b = rng.normal(size=(2, 3, 4, 4)), rng.normal(size=(2, 3, 4, 4))
    loss = perceptual_loss(torch.tensor(a), torch.tensor(b))
    assert float(loss) == pytest.approx(np.mean((a - b) ** 2), rel=1e-12)


def test_perceptual_term_compares_the_feature_networks_maps(low_high):
    low, high, cnn = low_high
    model = Pix2Pix(**SMALL, perceptual_weight=1.0, feature_network=cnn)
    model.fit(low[:20], high[:20])
    term = model.net_.perceptual
    assert term.layer == "features.1"  # the CNN's last block
    scaled = torch.from_numpy(model._targets.scale(high[:4].reshape(4, -1)))
    pixels = torch.from_numpy(high[:4].astype(np.float32))
    module = cnn.net_.module_.eval()
    with torch.no_grad():
        expected = module.features(pixels)
        maps = term(scaled)
    torch.testing.assert_close(maps, expected, rtol=1e-5, atol=1e-5)


def test_perceptual_training_leaves_the_feature_network_alone(low_high):
    low, high, cnn = low_high
    before = _parameters(cnn.net_.module_)
    model = Pix2Pix(
        **{**SMALL, "max_epochs": 2},
        perceptual_weight=1.0,
        l1_weight=0.0,
        adversarial_weight=1e-3,
        feature_network=cnn,
    ).fit(low, high)
    assert np.isfinite(model.history_["perceptual_loss"]).all()
    assert not any(_changed(before, cnn.net_.module_))
    frozen = model.net_.perceptual.features.module
    assert not any(p.requires_grad for p in frozen.parameters())
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict(low[:4]), restored.predict(low[:4]))


def test_perceptual_grid_search_keeps_a_frozen_feature_network(low_high):
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import GridSearchCV

    low, high, cnn = low_high
    model = Pix2Pix(
        **SMALL, perceptual_weight=1.0, feature_network=FrozenEstimator(cnn)
    )
    search = GridSearchCV(model, {"l1_weight": [0.0, 10.0]}, cv=2).fit(low, high)
    assert np.isfinite(search.best_score_)


def test_bad_feature_networks_are_named(low_high):
    from ml2learn.neural import CNNClassifier

    low, high, cnn = low_high
    with pytest.raises(ValueError, match="needs a feature_network"):
        Pix2Pix(**SMALL, perceptual_weight=1.0).fit(low[:10], high[:10])
    with pytest.raises(ValueError, match="feature_network is not fitted"):
        Pix2Pix(**SMALL, perceptual_weight=1.0, feature_network=CNNClassifier()).fit(
            low[:10], high[:10]
        )
    with pytest.raises(ValueError, match="shape \\(1, 16, 16\\) but the output"):
        Pix2Pix(**SMALL, perceptual_weight=1.0, feature_network=cnn).fit(
            low[:10, :, :8, :8], high[:10, :, :8, :8]
        )
    with pytest.raises(ValueError, match="feature_layer: layer 'nope' does not exist"):
        Pix2Pix(
            **SMALL, perceptual_weight=1.0, feature_network=cnn, feature_layer="nope"
        ).fit(low[:10], high[:10])
