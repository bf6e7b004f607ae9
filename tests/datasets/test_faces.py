"""The face windows and face-free photographs that ship inside scikit-image."""

import numpy as np
import pytest

from ml2learn.datasets import load_face_free_photographs, load_lfw_windows
from ml2learn.datasets._faces import FACE_FREE


def test_lfw_windows_are_100_faces_then_100_others():
    data = load_lfw_windows()
    assert data.images.shape == (200, 25, 25)
    assert data.target.tolist() == [1] * 100 + [0] * 100
    assert 0.0 <= data.images.min() and data.images.max() <= 1.0
    images, target = load_lfw_windows(return_X_y=True)
    np.testing.assert_array_equal(images, data.images)


def test_face_free_photographs_are_grey_in_the_unit_range():
    photographs = load_face_free_photographs()
    assert len(photographs) == len(FACE_FREE)
    for image in photographs:
        assert image.ndim == 2 and image.dtype == np.float64
        assert 0.0 <= image.min() and image.max() <= 1.0
    assert "astronaut" not in FACE_FREE and "camera" not in FACE_FREE
    with pytest.raises(ValueError, match="face-free"):
        load_face_free_photographs(["astronaut"])
