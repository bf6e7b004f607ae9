"""Paired and unpaired image sets for image-to-image translation, made from
scikit-learn's digits and the photographs inside scikit-image with
scikit-image's resizing, edge detection, colour conversion and morphology
(nothing is downloaded)."""

from numbers import Integral

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, StrOptions, validate_params

__all__ = [
    "COLOUR_PHOTOGRAPHS",
    "make_digit_pairs",
    "make_photo_patches",
    "make_unpaired_digits",
]

PAIR_KINDS = ("edges", "low_resolution", "thick")


def _digit_images(image_size):
    """scikit-learn's 1,797 digits resized to ``image_size`` (bicubic),
    pixels in ``[0, 1]``, and their labels."""
    from skimage.transform import resize

    digits = load_digits()
    images = digits.images / 16.0
    if image_size != 8:
        images = np.stack(
            [
                resize(image, (image_size, image_size), order=3, anti_aliasing=False)
                for image in images
            ]
        )
    return np.clip(images, 0.0, 1.0), digits.target


def _edges(images, sigma):
    from skimage.feature import canny

    return np.stack([canny(image, sigma=sigma) for image in images]).astype(float)


def _thick(images, radius):
    from skimage.morphology import dilation, disk

    footprint = disk(radius)
    return np.stack([dilation(image, footprint) for image in images])


def _low_resolution(images, factor):
    """Each image shrunk ``factor`` times (with anti-aliasing) and brought
    back to its size by bicubic interpolation: the input of a
    super-resolution network of one image size."""
    from skimage.transform import resize

    size = images.shape[1]
    small = max(1, size // factor)
    return np.stack(
        [
            resize(
                resize(image, (small, small), order=3, anti_aliasing=True),
                (size, size),
                order=3,
            )
            for image in images
        ]
    ).clip(0.0, 1.0)


@validate_params(
    {
        "kind": [StrOptions(set(PAIR_KINDS))],
        "image_size": [Interval(Integral, 8, 64, closed="both")],
        "factor": [Interval(Integral, 2, 8, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_digit_pairs(kind="edges", *, image_size=16, factor=2, random_state=None):
    """Pairs ``(input image, output image)`` of every digit, for paired
    translation (:class:`~ml2learn.generative.Pix2Pix`).

    Each of scikit-learn's 1,797 digits is resized to ``image_size``
    (bicubic, pixels in ``[0, 1]``); that is the output image. The input
    is, by ``kind``:

    - ``"edges"``: its Canny edge map (scikit-image's ``canny``, sigma 1),
      the pix2pix "edges -> photo" task;
    - ``"low_resolution"``: the image shrunk ``factor`` times and
      interpolated back (bicubic), super-resolution at one image size;
    - ``"thick"``: the digit dilated by a disk of radius 1 (the output is
      the thin original).

    Parameters
    ----------
    kind : {"edges", "low_resolution", "thick"}, default="edges"
        What the input images are.
    image_size : int, default=16
        Side of the square images, 8 (the digits' own) to 64.
    factor : int, default=2
        Shrinking of ``"low_resolution"``.
    random_state : int, RandomState instance or None, default=None
        Shuffles the order of the pairs.

    Returns
    -------
    inputs : ndarray of shape (1797, 1, image_size, image_size)
        The input images.
    outputs : ndarray of shape (1797, 1, image_size, image_size)
        The output images.
    labels : ndarray of shape (1797,)
        The digit of every pair.

    Examples
    --------
    >>> from ml2learn.datasets import make_digit_pairs
    >>> edges, digits, labels = make_digit_pairs("edges", random_state=0)
    >>> edges.shape, digits.shape, sorted(set(edges.ravel().tolist()))
    ((1797, 1, 16, 16), (1797, 1, 16, 16), [0.0, 1.0])
    """
    images, labels = _digit_images(image_size)
    if kind == "edges":
        inputs = _edges(images, sigma=1.0)
    elif kind == "low_resolution":
        inputs = _low_resolution(images, factor)
    else:
        inputs = _thick(images, radius=1)
    order = check_random_state(random_state).permutation(len(images))
    return inputs[order, None], images[order, None], labels[order]


@validate_params(
    {
        "image_size": [Interval(Integral, 8, 64, closed="both")],
        "radius": [Interval(Integral, 1, 4, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_unpaired_digits(*, image_size=16, radius=1, random_state=None):
    """Two domains of digits with no pairs between them, for unpaired
    translation (:class:`~ml2learn.generative.CycleGAN`): thin digits and
    thickened ones (dilated by a disk of ``radius``).

    Each digit class is split in halves at random: one half goes to domain
    A as it is, the other to domain B thickened, so no image of A has its
    counterpart in B.

    Parameters
    ----------
    image_size : int, default=16
        Side of the square images (bicubic resizing of the 8 x 8 digits).
    radius : int, default=1
        Radius of the dilation that thickens domain B.
    random_state : int, RandomState instance or None, default=None
        The split and the order.

    Returns
    -------
    X_a : ndarray of shape (n_a, 1, image_size, image_size)
        Thin digits, pixels in ``[0, 1]``.
    X_b : ndarray of shape (n_b, 1, image_size, image_size)
        Thick digits.
    y_a : ndarray of shape (n_a,)
        The digits of ``X_a``.
    y_b : ndarray of shape (n_b,)
        The digits of ``X_b``.

    Examples
    --------
    >>> from ml2learn.datasets import make_unpaired_digits
    >>> X_a, X_b, y_a, y_b = make_unpaired_digits(random_state=0)
    >>> len(X_a) + len(X_b), bool(X_b.mean() > X_a.mean())
    (1797, True)
    """
    images, labels = _digit_images(image_size)
    rng = check_random_state(random_state)
    halves = [[], []]
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        halves[0].append(rows[: len(rows) // 2])
        halves[1].append(rows[len(rows) // 2 :])
    a, b = (rng.permutation(np.concatenate(half)) for half in halves)
    thick = _thick(images[b], radius)
    return images[a, None], thick[:, None], labels[a], labels[b]


PHOTO_KINDS = ("low_resolution", "grey_to_colour")
COLOUR_PHOTOGRAPHS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "immunohistochemistry",
)


@validate_params(
    {
        "kind": [StrOptions(set(PHOTO_KINDS))],
        "images": [list, tuple],
        "patch_size": [Interval(Integral, 4, 256, closed="both")],
        "n_patches": [Interval(Integral, 1, None, closed="left")],
        "factor": [Interval(Integral, 2, 8, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_photo_patches(
    kind="low_resolution",
    *,
    images=COLOUR_PHOTOGRAPHS,
    patch_size=32,
    n_patches=1000,
    factor=2,
    random_state=None,
):
    """Paired patches of the colour photographs that ship inside
    scikit-image, for super-resolution and colourisation.

    Square patches are cut at random places of the photographs (as many
    from each); pixels are in ``[0, 1]``. By ``kind``:

    - ``"low_resolution"``: the input is the patch shrunk ``factor`` times
      with anti-aliasing and interpolated back to its size (bicubic,
      scikit-image's ``resize``), the output the patch: super-resolution at
      one size, as SRCNN poses it, whose bicubic baseline is the input;
    - ``"grey_to_colour"``: the input is its luminance (``rgb2gray``), the
      output the colour patch.

    Parameters
    ----------
    kind : {"low_resolution", "grey_to_colour"}, default="low_resolution"
        What the input patches are.
    images : sequence of str, default=COLOUR_PHOTOGRAPHS
        Names of colour images of ``skimage.data``.
    patch_size : int, default=32
        Side of the output patches (a multiple of ``factor`` for
        ``"low_resolution"``).
    n_patches : int, default=1000
        Patches in all.
    factor : int, default=2
        Shrinking of ``"low_resolution"``.
    random_state : int, RandomState instance or None, default=None
        Where the patches are cut.

    Returns
    -------
    inputs : ndarray of shape (n_patches, C, patch_size, patch_size)
        The input patches: 3 channels, or 1 for ``"grey_to_colour"``.
    outputs : ndarray of shape (n_patches, 3, patch_size, patch_size)
        The colour patches.
    sources : ndarray of shape (n_patches,)
        Index in ``images`` of each patch's photograph.

    Examples
    --------
    >>> from ml2learn.datasets import make_photo_patches
    >>> low, high, sources = make_photo_patches(n_patches=10, random_state=0)
    >>> low.shape, high.shape, sorted(set(sources.tolist()))
    ((10, 3, 32, 32), (10, 3, 32, 32), [0, 1, 2, 3, 4])
    """
    from skimage import color, data

    unknown = [name for name in images if name not in COLOUR_PHOTOGRAPHS]
    if unknown or not images:
        raise ValueError(
            f"images must name colour photographs of scikit-image among "
            f"{list(COLOUR_PHOTOGRAPHS)}; got {list(images)}."
        )
    if kind == "low_resolution" and patch_size % factor:
        raise ValueError(
            f"patch_size={patch_size} is not a multiple of factor={factor}."
        )
    rng = check_random_state(random_state)
    sources = np.arange(n_patches) % len(images)
    photographs = [getattr(data, name)() / 255.0 for name in images]
    outputs = np.empty((n_patches, 3, patch_size, patch_size))
    for i, source in enumerate(sources):
        photo = photographs[source]
        top = rng.randint(photo.shape[0] - patch_size + 1)
        left = rng.randint(photo.shape[1] - patch_size + 1)
        patch = photo[top : top + patch_size, left : left + patch_size]
        outputs[i] = patch.transpose(2, 0, 1)
    if kind == "grey_to_colour":
        inputs = color.rgb2gray(outputs.transpose(0, 2, 3, 1))[:, None]
    else:
        inputs = _low_resolution(outputs.reshape(-1, patch_size, patch_size), factor)
        inputs = inputs.reshape(outputs.shape)
    return inputs, outputs, sources
