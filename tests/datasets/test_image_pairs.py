"""The image-translation sets: paired digits, unpaired digits, photo
patches."""

import numpy as np
import pytest

from ml2learn.datasets import (
    make_digit_pairs,
    make_photo_patches,
    make_unpaired_digits,
)


def test_digit_pairs():
    edges, digits, labels = make_digit_pairs("edges", random_state=0)
    assert edges.shape == digits.shape == (1797, 1, 16, 16)
    assert set(np.unique(edges)) == {0.0, 1.0}
    assert digits.min() >= 0 and digits.max() <= 1
    assert np.bincount(labels).min() >= 170
    same, _, same_labels = make_digit_pairs("edges", random_state=0)
    np.testing.assert_array_equal(same, edges)
    np.testing.assert_array_equal(same_labels, labels)
    blurred, sharp, _ = make_digit_pairs("low_resolution", image_size=32, factor=4)
    assert blurred.shape == (1797, 1, 32, 32)

    def gradient(images):
        gy, gx = np.gradient(images[:, 0], axis=(1, 2))
        return np.mean(np.hypot(gx, gy))

    assert gradient(blurred) < 0.9 * gradient(sharp)
    thick, thin, _ = make_digit_pairs("thick", image_size=8)
    assert thick.shape == (1797, 1, 8, 8) and (thick >= thin).all()
    with pytest.raises(ValueError, match="'kind' parameter"):
        make_digit_pairs("colour")


def test_unpaired_digits_share_no_image():
    X_a, X_b, y_a, y_b = make_unpaired_digits(random_state=0)
    assert len(X_a) + len(X_b) == 1797
    assert abs(len(X_a) - len(X_b)) <= 10
    assert set(y_a) == set(y_b) == set(range(10))
    assert X_b.mean() > 1.5 * X_a.mean()  # thickened
    # no image of A is the source of one in B: thinning is not undone, so
    # compare A's images with B's sources through the dilation
    from ml2learn.datasets._image_pairs import _thick

    thick_a = _thick(X_a[:, 0], 1).reshape(len(X_a), -1)
    b = X_b.reshape(len(X_b), -1)
    distances = np.abs(thick_a[:, None, :] - b[None, :200, :]).sum(-1)
    assert distances.min() > 0


def test_photo_patches_pair_low_and_high_resolution():
    from skimage.transform import resize

    low, high, sources = make_photo_patches(n_patches=12, random_state=0)
    assert low.shape == high.shape == (12, 3, 32, 32)
    assert low.min() >= 0 and high.max() <= 1
    assert np.bincount(sources).tolist() == [3, 3, 2, 2, 2]
    # the input is each channel shrunk (anti-aliased) and enlarged, bicubic
    small = resize(high[0, 1], (16, 16), order=3, anti_aliasing=True)
    np.testing.assert_allclose(low[0, 1], resize(small, (32, 32), order=3).clip(0, 1))
    again, _, _ = make_photo_patches(n_patches=12, random_state=0)
    np.testing.assert_array_equal(again, low)


def test_photo_patches_grey_to_colour():
    from skimage.color import rgb2gray

    grey, colour, _ = make_photo_patches(
        "grey_to_colour", images=["coffee"], patch_size=8, n_patches=4, random_state=1
    )
    assert grey.shape == (4, 1, 8, 8) and colour.shape == (4, 3, 8, 8)
    np.testing.assert_allclose(grey[:, 0], rgb2gray(colour.transpose(0, 2, 3, 1)))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(images=["camera"]), "colour photographs"),
        (dict(patch_size=15), "not a multiple of factor=2"),
        (dict(kind="sketch"), "'kind' parameter"),
    ],
)
def test_photo_patches_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_photo_patches(n_patches=2, **kwargs)


def test_the_photographs_ship_inside_scikit_images_wheel():
    """Nothing is fetched: every photograph the patches come from is a file
    of the installed package (scikit-image downloads its other images)."""
    from importlib.resources import files

    from ml2learn.datasets._image_pairs import COLOUR_PHOTOGRAPHS

    shipped = {p.name for p in files("skimage.data").iterdir()}
    file_names = {
        "astronaut": "astronaut.png",
        "coffee": "coffee.png",
        "chelsea": "chelsea.png",
        "rocket": "rocket.jpg",
        "immunohistochemistry": "ihc.png",
    }
    assert set(file_names) == set(COLOUR_PHOTOGRAPHS)
    assert set(file_names.values()) <= shipped
