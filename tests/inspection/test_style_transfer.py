import pickle

import numpy as np
import pytest
from skimage import data
from skimage.transform import resize
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from ml2learn.inspection import NeuralStyleTransfer, style_transfer
from ml2learn.neural.modules import RandomMultiscaleCNN

GRAVEL = resize(data.gravel()[:128, :128], (16, 16), anti_aliasing=True)
BRICK = resize(data.brick()[:128, :128], (16, 16), anti_aliasing=True)
CONTENT = np.stack(
    [
        resize(data.camera(), (16, 16), anti_aliasing=True),
        resize(data.moon(), (16, 16), anti_aliasing=True),
    ]
)


def network():
    return RandomMultiscaleCNN(1, kernel_sizes=(3, 5), n_filters=8, random_state=0)


def test_transform_is_style_transfer_per_image():
    nst = NeuralStyleTransfer(network(), max_iter=10).fit(GRAVEL[None])
    stylised = nst.transform(CONTENT)
    assert stylised.shape == CONTENT.shape and stylised.dtype == np.float64
    for image, content in zip(stylised, CONTENT):
        expected = style_transfer(content, GRAVEL, network(), max_iter=10)
        np.testing.assert_allclose(image, expected[0], atol=1e-6)
    # one image at a time: the batch does not change the result
    np.testing.assert_allclose(nst.transform(CONTENT[1:]), stylised[1:], atol=1e-6)
    assert [name for name in nst.style_layers_] == ["scale3", "scale5"]
    assert nst.content_layer_ == "scale5"


def test_layouts_histories_and_persistence():
    nst = NeuralStyleTransfer(max_iter=3, random_state=0).fit(GRAVEL.reshape(1, -1))
    flat = nst.transform(CONTENT.reshape(2, -1).astype(np.float32))
    assert flat.shape == (2, 256) and flat.dtype == np.float32
    images = NeuralStyleTransfer(max_iter=3, random_state=0).fit(GRAVEL[None, None])
    out, histories = images.transform(CONTENT[:, None], return_history=True)
    assert out.shape == (2, 1, 16, 16)
    assert len(histories) == 2 and set(histories[0]) >= {
        "content",
        "style",
        "total",
        "seconds",
    }
    restored = pickle.loads(pickle.dumps(images))
    np.testing.assert_array_equal(restored.transform(CONTENT[:, None]), out)


def test_styles_compare_in_a_grid():
    base = NeuralStyleTransfer(network(), max_iter=5)
    results = {}
    for params in ParameterGrid(
        {"style_weight": [1e2, 1e5], "init": ["content", "noise"]}
    ):
        style = GRAVEL if params["init"] == "content" else BRICK
        estimator = clone(base).set_params(**params, random_state=0).fit(style[None])
        results[tuple(params.values())] = estimator.transform(CONTENT[:1])
    stylised = list(results.values())
    assert all(not np.array_equal(a, b) for a, b in zip(stylised, stylised[1:]))


def test_bad_input():
    nst = NeuralStyleTransfer(max_iter=1).fit(GRAVEL[None])
    with pytest.raises(ValueError, match="768 features.*expecting 256"):
        nst.transform(np.ones((1, 3, 16, 16)))
    with pytest.raises(ValueError, match="style_weight"):
        NeuralStyleTransfer(style_weight=-1).fit(GRAVEL[None])
    with pytest.raises(ValueError, match="does not exist"):
        NeuralStyleTransfer(style_layers=["conv1"]).fit(GRAVEL[None])
    with pytest.raises(ValueError, match="network must be"):
        NeuralStyleTransfer(network="vgg").fit(GRAVEL[None])


def test_a_line_search_breakdown_keeps_the_last_finite_image():
    # scikit-learn's dtype check: integer rows; on [2, 0, 0, 0, 1] L-BFGS's
    # line search proposes NaN pixels once the loss is nearly zero
    rng = np.random.RandomState(0)
    X = (3 * rng.uniform(size=(20, 5))).astype(np.float32).astype(np.int64)
    nst = NeuralStyleTransfer(random_state=1).fit(X)
    out, (history,) = nst.transform(X[9:10], return_history=True)
    assert np.isfinite(out).all() and np.isfinite(history["total"]).all()
    assert history["total"][-1] <= history["total"][0]
