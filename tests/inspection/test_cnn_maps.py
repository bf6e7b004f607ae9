import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from ml2learn.inspection import (
    activation_maps,
    activation_maximization,
    class_activation_map,
    grad_cam,
    layer_filters,
    plot_heatmaps,
    saliency_map,
)
from ml2learn.neural import CNNClassifier, MLPClassifier

X, y = load_digits(return_X_y=True)
X = X[:600] / 16
y = y[:600]


@pytest.fixture(scope="module")
def cnn():
    return CNNClassifier(
        (8, 16), pooling=None, image_shape=(8, 8), max_epochs=15, random_state=0
    ).fit(X, y)


def _corr(a, b):
    return np.corrcoef(np.ravel(a), np.ravel(b))[0, 1]


def test_grad_cam_equals_cam_on_a_gap_network(cnn):
    cam = class_activation_map(cnn, X[:20], upsample=False)
    gradcam = grad_cam(cnn, X[:20], upsample=False)
    h, w = cam.shape[1:]
    # theory: alpha_k = w_ck / (h w), so Grad-CAM = ReLU(CAM) / (h w)
    np.testing.assert_allclose(gradcam, np.maximum(cam, 0) / (h * w), atol=1e-6)
    for a, b in zip(np.maximum(cam, 0), gradcam):
        assert _corr(a, b) > 0.99
    assert class_activation_map(cnn, X[:3]).shape == (3, 8, 8)
    assert grad_cam(cnn, X[:3], layer="features.0").shape == (3, 8, 8)


def test_cam_mean_is_the_class_score(cnn):
    cam = class_activation_map(cnn, X[:10], target=3, upsample=False)
    logits = cnn.decision_function(X[:10])
    bias = cnn.net_.module_.output.bias[3].item()
    np.testing.assert_allclose(cam.mean(axis=(1, 2)) + bias, logits[:, 3], rtol=1e-4)


def test_activation_maps_and_filters(cnn):
    maps = activation_maps(cnn, X[:4], layer="features.0")
    assert maps.shape == (4, 8, 8, 8)
    assert maps.min() >= 0  # after ReLU
    filters = layer_filters(cnn)
    assert filters.shape == (8, 1, 3, 3)
    np.testing.assert_array_equal(
        filters, cnn.net_.module_.features[0].conv.weight.detach().numpy()
    )
    with pytest.raises(ValueError, match="does not exist"):
        activation_maps(cnn, X[:1], layer="nope")


def test_saliency_is_the_input_gradient(cnn):
    sal = saliency_map(cnn, X[:2], target=0)
    assert sal.shape == (2, 8, 8) and sal.min() >= 0
    x = torch.tensor(X[:1].reshape(1, 1, 8, 8), dtype=torch.float32, requires_grad=True)
    module = cnn.net_.module_.eval()
    module(x)[0, 0].backward()
    np.testing.assert_allclose(sal[0], x.grad[0, 0].abs().numpy(), rtol=1e-5, atol=1e-7)


def test_activation_maximization_raises_the_unit(cnn):
    image = activation_maximization(cnn, unit=4, n_steps=60, random_state=0)
    assert image.shape == (1, 8, 8)
    module = cnn.net_.module_.eval()
    with torch.no_grad():
        synthesised = module(torch.tensor(image[None], dtype=torch.float32))[0]
        noise = module(torch.zeros(1, 1, 8, 8))[0]
    assert synthesised[4] > noise[4]
    assert int(synthesised.argmax()) == 4


def test_non_cnn_and_non_gap_are_rejected(cnn):
    mlp = MLPClassifier(max_epochs=1).fit(X, y)
    with pytest.raises(TypeError, match="not a CNN"):
        grad_cam(mlp, X[:1])
    flat = CNNClassifier((4,), head="flatten", image_shape=(8, 8), max_epochs=1)
    flat.fit(X, y)
    with pytest.raises(ValueError, match="global-average-pooling"):
        class_activation_map(flat, X[:1])
    assert grad_cam(flat, X[:2]).shape == (2, 8, 8)


def test_plot_heatmaps(cnn):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    maps = grad_cam(cnn, X[:3])
    axes = plot_heatmaps(X[:3].reshape(-1, 8, 8), maps, titles=["a", "b", "c"])
    assert len(axes) == 3
    figure = axes[0].figure
    assert len(figure.axes) == 4  # three panels and the shared colour bar
    image, heat = axes[0].images
    assert image.get_cmap().name == "gray"
    assert heat.get_cmap().name == "inferno"
    # the image shows through: zero heat is transparent, the largest is not opaque
    np.testing.assert_allclose(heat.norm.vmin, 0)  # Grad-CAM is non-negative
    np.testing.assert_allclose(heat.norm.vmax, maps.max())
    np.testing.assert_allclose(heat.get_alpha(), 0.7 * maps[0] / maps.max(), rtol=1e-6)
    with pytest.raises(ValueError, match="upsample=True"):
        plot_heatmaps(X[:3].reshape(-1, 8, 8), maps[:, :4, :4])
    plt.close("all")
