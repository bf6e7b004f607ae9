import numpy as np
import pytest
import torch

from ml2learn.inspection import (
    activation_maps,
    plot_patches,
    receptive_field,
    top_activating_patches,
)
from ml2learn.neural import CNNClassifier

rng = np.random.default_rng(0)
X = rng.uniform(size=(40, 20 * 20))
y = np.arange(40) % 2


def _fit(**params):
    params = {"filters": (3, 4, 5), "max_epochs": 1, "random_state": 0, **params}
    return CNNClassifier(image_shape=(20, 20), **params).fit(X, y)


NETWORKS = {
    "conv3-pool2": {},
    "conv5-stride2-pad1": {
        "kernel_size": 5,
        "stride": 2,
        "padding": 1,
        "pooling": None,
    },
    "residual": {"residual": True, "filters": (3, 4)},
    "avg-pool3": {"pooling": "avg", "pool_size": 3, "filters": (3, 4)},
    "l2-pool": {"pooling": "l2", "filters": (3, 4)},
    "vgg-stages": {"convs_per_stage": 2, "filters": (3, 4)},
}


def test_receptive_field_arithmetic():
    # 3x3 "same" convolutions, each followed by a 2x2 pooling:
    # R: 1 -> 3 -> 4 -> 8 -> 10 -> 18 -> 22; J: 1 -> 2 -> 4 -> 8
    cnn = _fit()
    assert receptive_field(cnn, "features.0.conv") == {
        "size": (3, 3),
        "jump": (1, 1),
        "offset": (1, 1),
    }
    assert receptive_field(cnn, "features.0").size == (4, 4)
    assert receptive_field(cnn, "features.1.conv").size == (8, 8)
    assert receptive_field(cnn, "features.1") == {
        "size": (10, 10),
        "jump": (4, 4),
        "offset": (3, 3),
    }
    assert receptive_field(cnn) == {"size": (22, 22), "jump": (8, 8), "offset": (7, 7)}
    # 5x5, stride 2, padding 1, twice: R 5 -> 13, J 2 -> 4, P 1 -> 3
    strided = _fit(**NETWORKS["conv5-stride2-pad1"], filters=(2, 2))
    assert receptive_field(strided) == {
        "size": (13, 13),
        "jump": (4, 4),
        "offset": (3, 3),
    }


def _unit(module, x, layer):
    """The output of ``layer`` for the input ``x``."""
    captured = {}
    target = dict(module.named_modules())[layer]
    handle = target.register_forward_hook(
        lambda m, a, out: captured.setdefault("o", out)
    )
    module(x)
    handle.remove()
    return captured["o"]


def _unit_activation(module, x, layer, unit, position):
    with torch.no_grad():
        return _unit(module, x, layer)[(0, unit, *position)].item()


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_pixels_outside_the_patch_do_not_change_the_unit(name):
    cnn = _fit(**NETWORKS[name])
    module = cnn.net_.module_.eval()
    x = torch.tensor(X[:1].reshape(1, 1, 20, 20), dtype=torch.float32)
    layers = [
        n
        for n, _ in module.features.named_modules(prefix="features")
        if n.count(".") >= 1
    ]
    for layer in layers:
        field = receptive_field(cnn, layer)
        maps = activation_maps(cnn, X[:1], layer=layer)
        for position in [
            (0, 0),
            tuple(s // 2 for s in maps.shape[2:]),
            tuple(s - 1 for s in maps.shape[2:]),
        ]:
            start = np.array(position) * field.jump - field.offset
            stop = start + field.size
            inside = np.zeros((20, 20), dtype=bool)
            inside[
                max(start[0], 0) : max(stop[0], 0), max(start[1], 0) : max(stop[1], 0)
            ] = True
            noise = torch.tensor(
                rng.normal(size=(1, 1, 20, 20)) * 5, dtype=torch.float32
            )
            outside_changed = torch.where(torch.tensor(inside), x, x + noise)
            before = _unit_activation(module, x, layer, 0, position)
            after = _unit_activation(module, outside_changed, layer, 0, position)
            assert after == pytest.approx(before, abs=1e-6), (layer, position)


def test_the_patch_is_tight_for_smooth_networks():
    # tanh and average pooling: the unit depends on every pixel of its field
    cnn = _fit(activation="tanh", pooling="avg", batch_norm=False)
    module = cnn.net_.module_.eval()
    for layer in ["features.0", "features.1.conv", "features.2"]:
        x = torch.tensor(
            X[:1].reshape(1, 1, 20, 20), dtype=torch.float32, requires_grad=True
        )
        position = (1, 1)
        _unit(module, x, layer)[(0, 0, *position)].backward()
        support = np.argwhere(x.grad[0, 0].numpy() != 0)
        field = receptive_field(cnn, layer)
        start = np.maximum(np.array(position) * field.jump - field.offset, 0)
        stop = np.minimum(
            np.array(position) * field.jump - field.offset + field.size, 20
        )
        np.testing.assert_array_equal(support.min(axis=0), start)
        np.testing.assert_array_equal(support.max(axis=0) + 1, stop)


def test_one_dimensional_signals():
    signals = rng.normal(size=(30, 40))
    cnn = CNNClassifier((2, 2), max_epochs=1, random_state=0).fit(
        signals, np.arange(30) % 2
    )
    assert receptive_field(cnn, "features.1") == {
        "size": (10,),
        "jump": (4,),
        "offset": (3,),
    }
    patches = top_activating_patches(cnn, signals, "features.1", unit=1, k=4)
    assert patches.patches.shape == (4, 1, 10)


def test_top_activating_patches():
    cnn = _fit()
    result = top_activating_patches(cnn, X, "features.1", unit=2, k=5)
    maps = activation_maps(cnn, X, layer="features.1")[:, 2]
    best = maps.reshape(len(X), -1).max(axis=1)
    np.testing.assert_allclose(result.activations, np.sort(best)[::-1][:5], rtol=1e-6)
    np.testing.assert_array_equal(
        result.sample_indices, np.argsort(-best, kind="stable")[:5]
    )
    assert result.patches.shape == (5, 1, 10, 10)
    images = X.reshape(-1, 20, 20)
    for patch, i, box, position in zip(
        result.patches, result.sample_indices, result.boxes, result.positions
    ):
        assert maps[i][tuple(position)] == pytest.approx(best[i])
        (r0, r1), (c0, c1) = box
        assert (r1 - r0, c1 - c0) == (10, 10)
        padded = np.pad(images[i], 10)
        np.testing.assert_allclose(
            patch[0], padded[r0 + 10 : r1 + 10, c0 + 10 : c1 + 10], rtol=1e-6
        )
    assert (
        len(top_activating_patches(cnn, X[:3], "features.0", unit=0, k=9).patches) == 3
    )


def test_top_activating_patches_bad_input():
    cnn = _fit()
    with pytest.raises(ValueError, match="does not exist.*features.0"):
        top_activating_patches(cnn, X, "features.9", unit=0)
    with pytest.raises(ValueError, match=r"unit must be a channel.*\[0, 3\]"):
        top_activating_patches(cnn, X, "features.1", unit=4)
    with pytest.raises(ValueError, match="k must be"):
        top_activating_patches(cnn, X, "features.1", unit=0, k=0)
    with pytest.raises(ValueError, match="not convolutional"):
        receptive_field(cnn, "output")
    with pytest.raises(ValueError, match="100 features.*expecting 400"):
        top_activating_patches(cnn, X[:, :100], "features.1", unit=0)


def test_plot_patches():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    cnn = _fit()
    axes = plot_patches(top_activating_patches(cnn, X, "features.1", unit=0, k=9))
    assert len(axes) == 9 and all(ax.images for ax in axes)
    plt.close("all")
