import copy

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.inspection import (
    deconvnet,
    grad_cam,
    guided_backprop,
    guided_grad_cam,
    saliency_map,
)
from ml2learn.neural import CNNClassifier

X, y = load_digits(return_X_y=True)
X = X[:300] / 16
y = y[:300]


@pytest.fixture(scope="module")
def two_layer():
    """conv 3x3 (2 filters) -> ReLU -> global average -> linear."""
    return CNNClassifier(
        (2,),
        pooling=None,
        batch_norm=False,
        image_shape=(8, 8),
        max_epochs=3,
        random_state=0,
    ).fit(X, y)


@pytest.fixture(scope="module")
def deep():
    return CNNClassifier((4, 6), image_shape=(8, 8), max_epochs=3, random_state=0).fit(
        X, y
    )


def _by_hand(cnn, image, target, rule):
    """The input gradient of score ``target`` with the ReLU rule written out."""
    module = cnn.net_.module_
    W = module.features[0].conv.weight.detach().numpy()[:, 0]  # (2, 3, 3)
    b = module.features[0].conv.bias.detach().numpy()
    w = module.output.weight.detach().numpy()[target]  # (2,)
    padded = np.pad(image, 1)
    z = np.array(
        [
            [
                [(padded[i : i + 3, j : j + 3] * W[k]).sum() + b[k] for j in range(8)]
                for i in range(8)
            ]
            for k in range(2)
        ]
    )
    upstream = np.broadcast_to((w / 64)[:, None, None], z.shape)  # d score / d a
    if rule == "backprop":
        g = upstream * (z > 0)
    elif rule == "deconvnet":
        g = np.maximum(upstream, 0)
    else:
        g = np.maximum(upstream, 0) * (z > 0)
    grad = np.zeros((10, 10))
    for k in range(2):
        for i in range(8):
            for j in range(8):
                grad[i : i + 3, j : j + 3] += g[k, i, j] * W[k]
    return grad[1:-1, 1:-1]


@pytest.mark.parametrize("target", [0, 3, 7])
def test_rules_by_hand_on_a_two_layer_net(two_layer, target):
    images = X[:3].reshape(-1, 8, 8)
    guided = guided_backprop(two_layer, X[:3], target=target)
    deconv = deconvnet(two_layer, X[:3], target=target)
    plain = saliency_map(two_layer, X[:3], target=target)
    for i, image in enumerate(images):
        np.testing.assert_allclose(
            guided[i, 0], _by_hand(two_layer, image, target, "guided"), atol=1e-6
        )
        np.testing.assert_allclose(
            deconv[i, 0], _by_hand(two_layer, image, target, "deconvnet"), atol=1e-6
        )
        np.testing.assert_allclose(
            plain[i], np.abs(_by_hand(two_layer, image, target, "backprop")), atol=1e-6
        )


def test_guided_backprop_equals_masked_gradients_at_every_relu(deep):
    """An independent implementation: backward hooks zeroing, at each ReLU,
    the negative gradients and the positions of non-positive activations."""
    module = copy.deepcopy(deep.net_.module_).eval()
    x = torch.tensor(
        X[:4].reshape(-1, 1, 8, 8), dtype=torch.float32, requires_grad=True
    )

    def rule(mod, grad_input, grad_output):
        return (grad_output[0].clamp(min=0) * (mod.last_output > 0),)

    handles = []
    for m in module.modules():
        if isinstance(m, torch.nn.ReLU):
            handles.append(
                m.register_forward_hook(
                    lambda mod, a, out: setattr(mod, "last_output", out)
                )
            )
            handles.append(m.register_full_backward_hook(rule))
    module(x)[:, 5].sum().backward()
    for h in handles:
        h.remove()
    np.testing.assert_allclose(
        guided_backprop(deep, X[:4], target=5), x.grad.numpy(), atol=1e-6
    )
    # the estimator's own network keeps its ReLUs and plain gradients
    kinds = {type(m).__name__ for m in deep.net_.module_.modules()}
    assert "ReLU" in kinds and "_RuleReLU" not in kinds


def test_guided_grad_cam_is_the_product(deep):
    expected = guided_backprop(deep, X[:3]) * grad_cam(deep, X[:3])[:, None]
    np.testing.assert_allclose(guided_grad_cam(deep, X[:3]), expected, rtol=1e-6)
    assert guided_grad_cam(deep, X[:3], layer="features.0").shape == (3, 1, 8, 8)


def test_non_relu_networks_are_rejected():
    tanh = CNNClassifier((2,), activation="tanh", image_shape=(8, 8), max_epochs=1).fit(
        X, y
    )
    with pytest.raises(ValueError, match="ReLU networks.*Tanh"):
        guided_backprop(tanh, X[:1])
    with pytest.raises(ValueError, match="ReLU networks"):
        deconvnet(tanh, X[:1])
