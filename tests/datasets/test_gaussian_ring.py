import numpy as np
import pytest

from ml2learn.datasets import make_gaussian_ring


def test_modes_centres_and_spread():
    X, y, centers = make_gaussian_ring(
        20_000, n_modes=6, radius=3.0, std=0.1, return_centers=True, random_state=0
    )
    assert X.shape == (20_000, 2) and centers.shape == (6, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 3.0)
    np.testing.assert_allclose(centers[1], 3 * np.array([0.5, np.sqrt(3) / 2]))
    for k in range(6):
        points = X[y == k]
        np.testing.assert_allclose(points.mean(axis=0), centers[k], atol=0.01)
        np.testing.assert_allclose(points.std(axis=0), 0.1, rtol=0.05)
    counts = np.bincount(y, minlength=6)
    assert counts.min() > 0.9 * 20_000 / 6


def test_reproducible_and_validated():
    a, _ = make_gaussian_ring(50, random_state=3)
    b, _ = make_gaussian_ring(50, random_state=3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="n_modes"):
        make_gaussian_ring(10, n_modes=0)
    with pytest.raises(ValueError, match="radius"):
        make_gaussian_ring(10, radius=-1.0)
