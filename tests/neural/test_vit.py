"""VisionTransformerClassifier / Regressor and their network: the patch
embedding, the [CLS] path, attention rollout, learning digits, transfer and
bad input."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.neural import VisionTransformerClassifier, VisionTransformerRegressor
from ml2learn.neural.modules import (
    PatchEmbedding,
    VisionTransformerNetwork,
    attention_rollout,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y


@pytest.fixture(scope="module")
def vit(digits):
    X, y = digits
    return VisionTransformerClassifier(
        2, 32, 4, num_layers=2, image_shape=(8, 8), max_epochs=25,
        learning_rate=3e-3, batch_size=64, random_state=0,
    ).fit(X[:1200], y[:1200])  # fmt: skip


def _manual_patches(images, embedding, P):
    """Every P x P patch flattened and multiplied by E, row by row."""
    C, H, W = images.shape[1:]
    rows, columns = -(-H // P), -(-W // P)
    padded = np.zeros((len(images), C, rows * P, columns * P))
    padded[:, :, :H, :W] = images
    E = (
        embedding.projection.weight.detach()
        .numpy()
        .reshape(len(embedding.projection.weight), -1)
    )
    b = embedding.projection.bias.detach().numpy()
    tokens = [
        padded[:, :, i * P : (i + 1) * P, j * P : (j + 1) * P].reshape(len(images), -1)
        @ E.T
        + b
        for i in range(rows)
        for j in range(columns)
    ]
    return np.stack(tokens, axis=1)


@pytest.mark.parametrize("shape", [(3, 8, 12), (2, 7, 10)])
def test_patch_embedding_is_a_linear_map_of_flattened_patches(shape):
    torch.manual_seed(0)
    embedding = PatchEmbedding(shape, 4, 16, cls=True, dropout=0.0).double().eval()
    images = np.random.RandomState(0).rand(5, *shape)
    x = torch.from_numpy(images.reshape(5, -1))
    tokens = embedding.patches(x)
    grid = (2, 3)  # (8 or 7) / 4 and (12 or 10) / 4, rounded up
    assert embedding.grid == grid and tokens.shape == (5, 6, 16)
    np.testing.assert_allclose(
        tokens.detach().numpy(), _manual_patches(images, embedding, 4), atol=1e-10
    )
    # z_0 = [x_cls; x_p E] + E_pos
    z0 = embedding(x).detach()
    positions = embedding.positions.table.weight.detach()
    torch.testing.assert_close(
        z0[:, 0], (embedding.cls[0, 0] + positions[0]).expand(5, -1)
    )
    torch.testing.assert_close(z0[:, 1:], tokens.detach() + positions[1:])


def test_signals_are_cut_along_their_length():
    embedding = PatchEmbedding((1, 10), 4, 8, cls=False, dropout=0.0)
    assert embedding.grid == (1, 3)
    assert embedding.patches(torch.rand(2, 10)).shape == (2, 3, 8)


def test_the_class_comes_from_the_cls_output_only():
    torch.manual_seed(0)
    network = VisionTransformerNetwork((1, 8, 8), 3, 4, 16, 2, 2, 32, 0.0).eval()
    x = torch.rand(4, 64)
    with torch.no_grad():
        hidden = network.encode(x)
        torch.testing.assert_close(network(x), network.output(hidden[:, 0]))
    assert hidden.shape == (4, 1 + 4, 16)
    # the head's gradient reaches the patches only through [CLS]
    x.requires_grad_(True)
    network(x)[:, 0].sum().backward()
    assert x.grad.abs().sum() > 0


def test_rollout_is_the_product_of_head_averaged_attention_with_identity(vit, digits):
    X, _ = digits
    maps = vit.attention_maps(X[:3])
    assert maps.shape == (2, 3, 4, 17, 17)
    expected = []
    for sample in range(3):
        rollout = np.eye(17)
        for layer in maps[:, sample]:
            rollout = (0.5 * layer.mean(axis=0) + 0.5 * np.eye(17)) @ rollout
        expected.append(rollout[0, 1:].reshape(4, 4))
    np.testing.assert_allclose(vit.attention_rollout(X[:3]), expected, atol=1e-10)
    full = attention_rollout(torch.from_numpy(maps)).numpy()
    np.testing.assert_allclose(full.sum(axis=-1), 1.0)  # rows stay distributions


def test_learns_digits(vit, digits):
    X, y = digits
    assert vit.score(X[1200:], y[1200:]) > 0.9
    assert vit.predict_proba(X[:5].reshape(5, 8, 8)).shape == (5, 10)
    assert vit.transform(X[:5]).shape == (5, 32)  # the [CLS] output


def test_fine_tuning_copies_the_encoder_and_replaces_the_head(vit, digits):
    X, y = digits
    regressor = VisionTransformerRegressor(
        2,
        32,
        4,
        num_layers=2,
        image_shape=(8, 8),
        init_from=vit,
        freeze="features",
        max_epochs=1,
        random_state=0,
    ).fit(X[:100], y[:100] / 9.0)
    source = vit.net_.module_.state_dict()
    target = regressor.net_.module_.state_dict()
    for name, value in source.items():
        if name.startswith("output"):
            assert target[name].shape != value.shape
        else:
            torch.testing.assert_close(target[name], value)
    assert "output" in regressor.new_layers_


def test_regressor_learns_a_region_mean():
    X = np.random.RandomState(0).rand(300, 36).astype(np.float32)
    y = X.reshape(-1, 6, 6)[:, :3].mean(axis=(1, 2))
    reg = VisionTransformerRegressor(
        3, 16, 2, num_layers=1, image_shape=(6, 6), max_epochs=60, random_state=0
    ).fit(X, y)
    assert reg.score(X, y) > 0.8
    assert reg.attention_rollout(X[:2]).shape == (2, 2, 2)


def test_bad_input(vit, digits):
    X, _ = digits
    with pytest.raises(ValueError, match="shape"):
        vit.predict(X[:4].reshape(4, 1, 4, 16))  # images of another size
    with pytest.raises(ValueError, match="features"):
        vit.predict(X[:4, :32])
    with pytest.raises(ValueError, match="divisible"):
        VisionTransformerClassifier(2, 30, 4, max_epochs=1).fit(
            X[:20], np.arange(20) % 2
        )
    with pytest.raises(ValueError, match="image_shape"):
        VisionTransformerClassifier(image_shape=(7, 7), max_epochs=1).fit(
            X[:20], np.arange(20) % 2
        )
    with pytest.raises(ValueError, match="patch_size"):
        VisionTransformerClassifier(patch_size=0).fit(X[:20], np.arange(20) % 2)
