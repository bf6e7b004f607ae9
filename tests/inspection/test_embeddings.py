import numpy as np
import pytest

from ml2learn.datasets import load_kjv_word_vectors
from ml2learn.inspection import plot_embeddings, project_embeddings
from ml2learn.text import KeyedVectors


def test_pca_projection_keeps_groups_apart():
    wv = load_kjv_word_vectors()
    metals = ["gold", "silver", "brass", "iron"]
    numbers = ["two", "three", "four", "five"]
    points = project_embeddings(wv, metals + numbers)
    assert points.shape == (8, 2)
    within = np.linalg.norm(points[:4] - points[:4].mean(0), axis=1).mean()
    between = np.linalg.norm(points[:4].mean(0) - points[4:].mean(0))
    assert between > 2 * within


def test_projection_of_unit_vectors_matches_pca():
    from sklearn.decomposition import PCA

    rng = np.random.RandomState(0)
    vectors = rng.normal(size=(6, 4))
    wv = KeyedVectors(list("abcdef"), vectors)
    stored = wv.vectors.astype(np.float64)  # float32, as gensim stores them
    unit = stored / np.linalg.norm(stored, axis=1, keepdims=True)
    np.testing.assert_allclose(
        np.abs(project_embeddings(wv)), np.abs(PCA(2).fit_transform(unit)), rtol=1e-5
    )
    assert project_embeddings(wv, method="tsne", random_state=0).shape == (6, 2)


def test_plot_and_errors():
    pytest.importorskip("matplotlib")
    wv = load_kjv_word_vectors()
    words = ["gold", "silver", "two", "three"]
    ax = plot_embeddings(wv, words, groups=["metal", "metal", "number", "number"])
    assert [t.get_text() for t in ax.texts] == words
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["metal", "number"]
    with pytest.raises(ValueError, match="one label per word"):
        plot_embeddings(wv, words, groups=["metal"])
    with pytest.raises(KeyError, match="unicorn"):
        project_embeddings(wv, ["gold", "unicorn"])
    with pytest.raises(ValueError, match="method"):
        project_embeddings(wv, words, method="umap")


def _label_boxes(ax):
    renderer = ax.figure.canvas.get_renderer()
    return np.array([t.get_window_extent(renderer).extents for t in ax.texts])


def _total_overlap(boxes):
    total = 0.0
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            width = min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0])
            height = min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1])
            total += max(width, 0) * max(height, 0)
    return total


def test_labels_avoid_each_other_and_stay_inside_the_axes():
    plt = pytest.importorskip("matplotlib.pyplot")
    wv = load_kjv_word_vectors()
    words = list(wv.index_to_key[:60])
    ax = plot_embeddings(wv, words, method="pca")
    placed = _label_boxes(ax)
    inside = ax.get_window_extent().extents
    assert (placed[:, :2] >= inside[:2] - 0.5).all()
    assert (placed[:, 2:] <= inside[2:] + 0.5).all()
    for text in ax.texts:  # what every label did before: up and to the right
        text.xyann = (3, 3)
        text.set_horizontalalignment("left")
        text.set_verticalalignment("bottom")
    naive = _label_boxes(ax)
    assert _total_overlap(placed) < 0.5 * _total_overlap(naive)
    plt.close("all")
