"""The style-based generator: AdaIN against its formula, the mapping
network, per-layer noise, style mixing at the stated layers, and
DCGAN(generator="style") sampling reproducibly."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.generative import DCGAN, StyleGenerator, adaptive_instance_norm


@pytest.fixture(scope="module")
def styled():
    X, y = load_digits(return_X_y=True)
    gan = DCGAN(
        (8, 4),
        (4, 8),
        generator="style",
        image_shape=(8, 8),
        latent_dim=8,
        max_epochs=1,
        random_state=0,
    )
    return gan.fit(X[:200]), X[:200]


def test_adain_gives_the_styles_statistics():
    torch.manual_seed(0)
    x = torch.randn(3, 4, 6, 5, dtype=torch.float64) * 7 + 2
    scale = torch.rand(3, 4, dtype=torch.float64) + 0.5
    bias = torch.randn(3, 4, dtype=torch.float64)
    out = adaptive_instance_norm(x, scale, bias, eps=0.0)
    torch.testing.assert_close(out.mean(dim=(2, 3)), bias)
    torch.testing.assert_close(out.std(dim=(2, 3), unbiased=False), scale)
    # the formula, map by map
    i, c = 1, 2
    mu, sigma = x[i, c].mean(), x[i, c].std(unbiased=False)
    expected = scale[i, c] * (x[i, c] - mu) / sigma + bias[i, c]
    torch.testing.assert_close(out[i, c], expected)


def _generator(**kwargs):
    torch.manual_seed(0)
    return StyleGenerator(6, (1, 8, 8), (8, 4, 4), **kwargs).double().eval()


def _noise(generator, n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randn(n, *shape, generator=g, dtype=torch.float64)
        for shape in generator.noise_shapes()
    ]


def test_generator_shapes_layers_and_mapping():
    generator = _generator(mapping_layers=3)
    assert generator.n_style_layers == 4  # the constant's and three convolutions'
    assert generator.noise_shapes() == [(1, 1, 1), (1, 2, 2), (1, 4, 4), (1, 8, 8)]
    assert sum(isinstance(m, torch.nn.Linear) for m in generator.mapping) == 3
    z = torch.randn(5, 6, dtype=torch.float64)
    out = generator(z, None, None, None, *_noise(generator, 5))
    assert out.shape == (5, 1, 8, 8) and out.abs().max() <= 1
    # z is pixel-normalised before the mapping: its scale does not matter
    torch.testing.assert_close(generator.map(3 * z), generator.map(z))


def test_noise_inputs_change_the_details():
    generator = _generator()
    for layer in generator.styles:  # the learned noise weights start at 0
        torch.nn.init.constant_(layer.noise_weight, 0.5)
    z = torch.randn(2, 6, dtype=torch.float64)
    with torch.no_grad():
        a = generator(z, None, None, None, *_noise(generator, 2, seed=0))
        b = generator(z, None, None, None, *_noise(generator, 2, seed=1))
        again = generator(z, None, None, None, *_noise(generator, 2, seed=0))
    assert not torch.allclose(a, b)
    torch.testing.assert_close(a, again)


def test_style_mixing_uses_each_code_at_the_stated_layers():
    generator = _generator()
    for layer in generator.styles:  # give every layer a style that depends on w
        torch.nn.init.normal_(layer.style.weight, 0.0, 1.0)
    seen = {}
    for k, layer in enumerate(generator.styles):
        layer.style.register_forward_hook(
            lambda m, args, out, k=k: seen.setdefault(k, []).append(args[0].clone())
        )
    z, z_mix = (
        torch.randn(3, 6, dtype=torch.float64),
        torch.randn(3, 6, dtype=torch.float64),
    )
    w, w_mix = generator.map(z), generator.map(z_mix)
    seen.clear()
    crossover = torch.tensor([1, 2, 3])  # a different crossover per image
    generator(z, None, z_mix, crossover, *_noise(generator, 3))
    for k in range(generator.n_style_layers):
        (styles,) = seen[k]
        for i in range(3):
            expected = w[i] if k < crossover[i] else w_mix[i]
            torch.testing.assert_close(styles[i], expected)


def test_mixing_keeps_the_coarse_layers_of_the_first_code(styled):
    gan, _ = styled
    plain = gan.sample(6, random_state=3)
    assert plain.shape == (6, 64)
    np.testing.assert_array_equal(plain, gan.sample(6, random_state=3))
    late = gan.sample(
        6, random_state=3, style_mixing=gan.net_.module_.generator.n_style_layers - 1
    )
    early = gan.sample(6, random_state=3, style_mixing=1)
    # a late crossover changes less of the image than an early one
    assert np.abs(late - plain).mean() < np.abs(early - plain).mean()


def test_style_sampling_survives_pickling(styled):
    gan, X = styled
    restored = pickle.loads(pickle.dumps(gan))
    np.testing.assert_array_equal(
        restored.sample(4, random_state=1, style_mixing=2),
        gan.sample(4, random_state=1, style_mixing=2),
    )
    np.testing.assert_array_equal(restored.transform(X[:5]), gan.transform(X[:5]))


def test_conditional_style_generator_draws_the_asked_class():
    X, y = load_digits(return_X_y=True)
    gan = DCGAN(
        (8, 4), (4, 8), generator="style", conditional=True, image_shape=(8, 8),
        max_epochs=1, random_state=0,
    ).fit(X[:200], y[:200])  # fmt: skip
    images, labels = gan.sample(3, y=4, random_state=0, style_mixing=1)
    assert images.shape == (3, 64) and labels.tolist() == [4, 4, 4]


def test_bad_style_mixing_is_refused(styled):
    from ml2learn.generative import GAN

    gan, X = styled
    with pytest.raises(ValueError, match="style_mixing must be a layer from 1 to 2"):
        gan.sample(2, style_mixing=3)
    with pytest.raises(ValueError, match="style_mixing must be"):
        gan.sample(2, style_mixing=0)
    plain = DCGAN((8, 4), (4, 8), image_shape=(8, 8), max_epochs=1, random_state=0)
    with pytest.raises(ValueError, match="generator='style'"):
        plain.fit(X).sample(2, style_mixing=1)
    dense = GAN((8,), (8,), max_epochs=1, random_state=0).fit(X[:, :2])
    with pytest.raises(ValueError, match="generator='style'"):
        dense.sample(2, style_mixing=1)
