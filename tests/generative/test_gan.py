"""GAN and DCGAN: the losses against the notes' formulas, the alternating
updates, sampling, scaling, the discriminator as a transformer, bad input."""

import math
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.generative import (
    DCGAN,
    GAN,
    GANDiversityWarning,
    discriminator_loss,
    generator_loss,
)


def _logits(p):
    p = torch.as_tensor(p, dtype=torch.float64)
    return torch.log(p / (1 - p))


def test_discriminator_loss_is_the_notes_formula():
    d_real = np.array([0.9, 0.6, 0.99, 0.3])
    d_fake = np.array([0.2, 0.5, 0.05])
    expected = -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))
    loss = discriminator_loss(_logits(d_real), _logits(d_fake))
    assert float(loss) == pytest.approx(expected, rel=1e-12)
    # one-sided smoothing: real target 1 - s, fake target still 0
    s = 0.1
    smoothed = -np.mean((1 - s) * np.log(d_real) + s * np.log(1 - d_real))
    smoothed -= np.mean(np.log(1 - d_fake))
    loss = discriminator_loss(_logits(d_real), _logits(d_fake), label_smoothing=s)
    assert float(loss) == pytest.approx(smoothed, rel=1e-12)


def test_generator_losses_are_the_notes_formulas():
    d_fake = np.array([0.2, 0.5, 0.05])
    assert float(generator_loss(_logits(d_fake))) == pytest.approx(
        -np.mean(np.log(d_fake)), rel=1e-12
    )
    assert float(generator_loss(_logits(d_fake), "minimax")) == pytest.approx(
        np.mean(np.log(1 - d_fake)), rel=1e-12
    )
    # the non-saturating loss keeps a strong gradient where D(G(z)) ~ 0
    logit = _logits([1e-4]).requires_grad_()
    generator_loss(logit).backward()
    strong = float(logit.grad.abs())
    logit.grad = None
    generator_loss(logit, "minimax").backward()
    assert strong > 1000 * float(logit.grad.abs())
    with pytest.raises(ValueError, match="kind"):
        generator_loss(logit, "wasserstein")


def test_losses_stay_finite_where_d_saturates():
    big = torch.tensor([60.0, -60.0])
    assert math.isfinite(float(discriminator_loss(big, big)))
    assert math.isfinite(float(generator_loss(-big)))


def _ring(n=400, seed=0):
    rng = np.random.RandomState(seed)
    angles = 2 * np.pi * rng.randint(8, size=n) / 8
    return np.c_[np.cos(angles), np.sin(angles)] * 2 + rng.normal(0, 0.05, (n, 2))


def _parameters(module):
    return [p.detach().clone() for p in module.parameters()]


def _same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize(
    "make",
    [
        lambda: GAN((16,), (16,), latent_dim=2, max_epochs=1, random_state=0),
        lambda: DCGAN(
            (8, 4),
            (4, 8),
            image_shape=(8, 8),
            conditional=True,
            max_epochs=1,
            random_state=0,
        ),
    ],  # fmt: skip
    ids=["GAN", "conditional DCGAN"],
)
def test_each_step_updates_one_network_only(make):
    gan = make()
    if isinstance(gan, DCGAN):
        X, y = load_digits(return_X_y=True)
        gan.fit(X[:64], y[:64])
        real = torch.from_numpy(gan._scale(X[:16].astype(np.float32)))
        labels = torch.from_numpy(gan.label_encoder_.transform(y[:16]))
    else:
        X = _ring(64)
        gan.fit(X)
        real, labels = torch.from_numpy(gan._scale(X[:16]).astype(np.float32)), None
    net, module = gan.net_, gan.net_.module_
    module.train()
    g, d = _parameters(module.generator), _parameters(module.discriminator)
    net.generator_step(16, labels)
    assert _same(_parameters(module.discriminator), d)
    assert not _same(_parameters(module.generator), g)
    assert all(p.requires_grad for p in module.discriminator.parameters())
    g = _parameters(module.generator)
    net.discriminator_step(real, labels)
    assert _same(_parameters(module.generator), g)
    assert not _same(_parameters(module.discriminator), d)


def test_d_steps_sets_the_update_ratio():
    X = _ring(256)
    gan = GAN((16,), (16,), latent_dim=2, batch_size=32, max_epochs=2, d_steps=4,
              random_state=0).fit(X)  # fmt: skip
    batches = [b for epoch in gan.net_.history for b in epoch["batches"]]
    assert len(batches) == 16
    assert sum("g_loss" in b for b in batches) == 4
    assert set(gan.history_) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(len(v) == 2 for v in gan.history_.values())


def test_sample_is_reproducible_and_in_the_data_scale():
    X = _ring() * 50 + 1000  # far from the networks' scale
    gan = GAN(max_epochs=30, label_smoothing=0.0, lr_schedule=None, random_state=0).fit(
        X
    )
    assert gan.latent_dim_ == 2  # "auto" on 2-D rows
    a = gan.sample(500, random_state=3)
    np.testing.assert_array_equal(a, gan.sample(500, random_state=3))
    assert not np.array_equal(a, gan.sample(500, random_state=4))
    assert np.abs(a.mean(axis=0) - 1000).max() < 40
    assert 30 < a.std(axis=0).mean() < 200
    restored = pickle.loads(pickle.dumps(gan))
    np.testing.assert_array_equal(restored.sample(500, random_state=3), a)
    np.testing.assert_array_equal(restored.transform(X), gan.transform(X))


def test_training_is_reproducible():
    X = _ring(128)
    a = GAN((16,), (16,), latent_dim=2, max_epochs=3, random_state=0).fit(X)
    b = GAN((16,), (16,), latent_dim=2, max_epochs=3, random_state=0).fit(X)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))


def test_transform_is_the_discriminators_probability():
    X = _ring(200)
    gan = GAN((16,), (16,), latent_dim=2, max_epochs=5, random_state=0).fit(X)
    proba = gan.transform(X)
    assert proba.shape == (200, 1) and np.all((proba > 0) & (proba < 1))
    d = gan.net_.module_.discriminator.double().eval()
    with torch.no_grad():
        rows = X.astype(np.float32)  # the networks read float32 rows
        direct = torch.sigmoid(d(torch.from_numpy(gan._scale(rows)))).numpy()
    np.testing.assert_allclose(proba, direct, rtol=1e-12)
    assert gan.get_feature_names_out().tolist() == ["gan0"]


def test_conditional_gan_samples_each_class():
    rng = np.random.RandomState(0)
    y = rng.randint(3, size=600)
    centres = np.array([[0.0, 4.0], [4.0, 0.0], [-4.0, -4.0]])
    X = centres[y] + rng.normal(0, 0.3, (600, 2))
    gan = GAN(latent_dim=4, conditional=True, max_epochs=60, learning_rate=1e-3,
              random_state=0).fit(X, y)  # fmt: skip
    for label in range(3):
        samples, labels = gan.sample(300, y=label, random_state=0)
        assert set(labels) == {label}
        assert np.linalg.norm(samples.mean(axis=0) - centres[label]) < 1.0
    samples, labels = gan.sample(900, random_state=0)
    assert np.bincount(labels, minlength=3).min() > 200  # from the priors
    total = gan.transform(X)
    by_class = [
        gan._probability_real(X.astype(np.float32), torch.full((600,), k))
        for k in range(3)
    ]
    np.testing.assert_allclose(
        total, sum(p * b for p, b in zip(gan.class_prior_, by_class))
    )


def test_dcgan_images_shapes_and_range():
    X, y = load_digits(return_X_y=True)
    images = X[:200].reshape(200, 1, 8, 8)
    gan = DCGAN((16, 8), (8, 16), latent_dim=8, max_epochs=2, random_state=0)
    gan.fit(images)
    assert gan.image_shape_ == (1, 8, 8)
    samples = gan.sample(5, random_state=0)
    assert samples.shape == (5, 1, 8, 8)
    assert samples.min() >= 0 and samples.max() <= 16
    assert gan.transform(images[:3]).shape == (3, 1)
    flat = DCGAN((16, 8), (8, 16), latent_dim=8, max_epochs=1, random_state=0)
    assert flat.fit(X[:50, :10]).sample(2, random_state=0).shape == (2, 10)
    assert flat.image_shape_ == (1, 1, 10)
    with pytest.raises(ValueError, match="expecting 64 features"):
        gan.transform(np.zeros((2, 1, 4, 4)))
    with pytest.raises(ValueError, match="images of shape"):
        gan.transform(np.zeros((2, 1, 4, 16)))
    _sample_grids_fill_their_figure(gan)


def _sample_grids_fill_their_figure(gan):
    plt = pytest.importorskip("matplotlib.pyplot")
    from ml2learn.generative import plot_samples

    for n_samples, n_cols in [(80, 8), (64, 8), (30, 10)]:
        ax = plot_samples(gan, n_samples, n_cols=n_cols, random_state=0)
        ax.apply_aspect()
        box = ax.get_position()
        assert box.width * box.height > 0.95  # of the figure's area
        rows = -(-n_samples // n_cols)
        assert ax.images[0].get_array().shape == (9 * rows - 1, 9 * n_cols - 1)
    plt.close("all")


def test_diversity_warning_on_collapse():
    X = _ring(200)
    gan = GAN((16,), (16,), latent_dim=2, max_epochs=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GANDiversityWarning)
        gan.fit(X)
    # a generator whose output ignores z has collapsed onto one point
    last = gan.net_.module_.generator.net[-1]
    with torch.no_grad():
        last.weight.zero_()
    with pytest.warns(GANDiversityWarning, match="collapsed"):
        gan._check_diversity(torch.from_numpy(gan._scale(X).astype(np.float32)), None)
    assert gan.sample_diversity_ == pytest.approx(0.0, abs=1e-12)


def test_bad_input():
    X = _ring(50)
    with pytest.raises(ValueError, match="requires y"):
        GAN(conditional=True, max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="2 classes"):
        GAN(conditional=True, max_epochs=1).fit(X, np.zeros(50))
    with pytest.raises(ValueError, match="positive integers"):
        GAN((16, 0), max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="as many"):
        DCGAN((8, 4), (4,), max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="image_shape"):
        DCGAN(image_shape=(3, 3), max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        GAN(max_epochs=1).fit(np.r_[X, [[np.nan, 0]]])
    gan = GAN((8,), (8,), max_epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="not conditional"):
        gan.sample(3, y=1)
    with pytest.raises(ValueError, match="n_samples"):
        gan.sample(0)
    conditional = GAN((8,), (8,), conditional=True, max_epochs=1, random_state=0)
    conditional.fit(X, np.arange(50) % 2)
    with pytest.raises(ValueError, match="not trained on"):
        conditional.sample(2, y=[0, 5])
    with pytest.raises(ValueError, match="labels for"):
        conditional.sample(3, y=[0, 1])


def test_mmd_matches_a_direct_computation():
    from ml2learn.generative._base import _mmd2

    rng = np.random.RandomState(0)
    a, b = rng.normal(size=(30, 2)), rng.normal(1.0, 1.0, size=(30, 2))
    d = np.linalg.norm(a[:, None] - a[None], axis=2)
    h2 = np.median(d[~np.eye(30, dtype=bool)]) ** 2

    def k(x, y):
        return np.exp(-(np.linalg.norm(x[:, None] - y[None], axis=2) ** 2) / (2 * h2))

    off = ~np.eye(30, dtype=bool)
    expected = k(a, a)[off].mean() + k(b, b)[off].mean() - 2 * k(a, b).mean()
    got = _mmd2(torch.from_numpy(a), torch.from_numpy(b))
    assert got == pytest.approx(expected, rel=1e-10)
    assert (
        abs(_mmd2(torch.from_numpy(a), torch.from_numpy(rng.normal(size=(30, 2)))))
        < 0.1
    )


def test_score_improves_with_training():
    X = _ring(400)
    early = GAN(latent_dim=4, max_epochs=1, learning_rate=1e-3, random_state=0)
    late = GAN(latent_dim=4, max_epochs=60, learning_rate=1e-3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GANDiversityWarning)
        early.fit(X)
    late.fit(X)
    held_out = _ring(300, seed=1)
    assert late.score(held_out) > early.score(held_out)
    assert late.score(held_out) == late.score(held_out)  # deterministic
    assert late.score(held_out) <= 0.05


def test_lr_schedule_sets_both_learning_rates():
    X = _ring(128)
    gan = GAN((8,), (8,), max_epochs=4, learning_rate=1e-3,
              discriminator_learning_rate=4e-3, lr_schedule="cosine",
              random_state=0).fit(X)  # fmt: skip
    factors = [0.5 * (1 + np.cos(np.pi * e / 4)) for e in range(4)]
    np.testing.assert_allclose(gan.net_.history[:, "lr"], 1e-3 * np.array(factors))
    assert gan.net_.optimizer_discriminator_.param_groups[0]["lr"] == pytest.approx(
        4e-3 * factors[-1]
    )


def test_auto_latent_width_follows_the_data():
    rng = np.random.RandomState(0)
    for n_features, width in ((1, 2), (2, 2), (5, 5), (40, 16)):
        X = rng.normal(size=(40, n_features))
        gan = GAN((8,), (8,), max_epochs=1, random_state=0).fit(X)
        assert gan.latent_dim_ == width
        assert gan.net_.module_.latent_dim == width
    fixed = GAN((8,), (8,), latent_dim=3, max_epochs=1, random_state=0).fit(X)
    assert fixed.latent_dim_ == 3 and fixed.sample(4).shape == (4, 40)
