"""Image captioning data from scikit-learn's digits: strips of one to four
digit images side by side, each captioned in words ("seven two nine"), with
test strips whose digit combinations never occur in training."""

import itertools
from numbers import Integral, Real

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, validate_params

__all__ = ["DIGIT_WORDS", "make_digit_captions"]

DIGIT_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
)  # fmt: skip


def _half_of_each_digit(target, rng):
    """Two disjoint sets of image indices, half of every digit's images
    each: the training strips draw from one, the test strips from the
    other."""
    first, second = [], []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(target == digit))
        first.append(rows[: len(rows) // 2])
        second.append(rows[len(rows) // 2 :])
    return [np.concatenate(first), np.concatenate(second)]


def _strips(combinations, n_samples, pools, images, target, max_digits, rng):
    """``n_samples`` strips: a random combination, each digit a random
    image of that digit from ``pools``."""
    by_digit = [pools[target[pools] == d] for d in range(10)]
    height, width = images.shape[1:]
    strips = np.zeros((n_samples, 1, height, width * max_digits))
    captions = []
    lengths = sorted(combinations)
    for i in range(n_samples):
        length = lengths[rng.randint(len(lengths))]
        options = combinations[length]
        digits = options[rng.randint(len(options))]
        for slot, digit in enumerate(digits):
            image = images[by_digit[digit][rng.randint(len(by_digit[digit]))]]
            strips[i, 0, :, slot * width : (slot + 1) * width] = image
        captions.append(" ".join(DIGIT_WORDS[d] for d in digits))
    return strips, captions


@validate_params(
    {
        "n_train": [Interval(Integral, 1, None, closed="left")],
        "n_test": [Interval(Integral, 1, None, closed="left")],
        "max_digits": [Interval(Integral, 2, 6, closed="both")],
        "test_combinations": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_digit_captions(
    n_train=3000, n_test=1000, *, max_digits=4, test_combinations=0.2, random_state=None
):
    """Strips of digit images with their captions in words, split so that
    test strips show digit combinations never seen in training.

    A strip puts one to ``max_digits`` of scikit-learn's 8x8 digit images
    side by side, left-aligned on a black ``8 x 8 * max_digits`` canvas
    (pixels scaled to [0, 1]); its caption names the digits left to right,
    ``"seven two nine"``. Every combination of two or more digits is
    assigned to the test side with probability ``test_combinations`` (the
    single digits stay on the training side, which must see each digit),
    and training and test strips draw their digit images from disjoint
    halves of each digit's images: a test strip shares neither its caption
    nor its pixels with training. Lengths are uniform among those each
    side has.

    Parameters
    ----------
    n_train : int, default=3000
        Training strips.
    n_test : int, default=1000
        Test strips.
    max_digits : int, default=4
        Longest strip.
    test_combinations : float in (0, 1), default=0.2
        Share of the combinations of two or more digits kept for testing.
    random_state : int, RandomState instance or None, default=None
        Seeds the split and the sampling.

    Returns
    -------
    X_train : ndarray of shape (n_train, 1, 8, 8 * max_digits)
        Training strips.
    X_test : ndarray of shape (n_test, 1, 8, 8 * max_digits)
        Test strips.
    y_train : list of str
        Training captions.
    y_test : list of str
        Test captions (combinations absent from ``y_train``'s side).

    See Also
    --------
    ml2learn.neural.ImageCaptioner : Learns to caption the strips.

    Examples
    --------
    >>> from ml2learn.datasets import make_digit_captions
    >>> X_train, X_test, y_train, y_test = make_digit_captions(
    ...     200, 50, random_state=0)
    >>> X_train.shape, X_test.shape
    ((200, 1, 8, 32), (50, 1, 8, 32))
    >>> len(y_test[0].split()) >= 2
    True
    """
    rng = check_random_state(random_state)
    digits = load_digits()
    images, target = digits.images / 16.0, digits.target
    train_side = {1: [(d,) for d in range(10)]}
    test_side = {}
    for length in range(2, max_digits + 1):
        combos = list(itertools.product(range(10), repeat=length))
        held_out = rng.uniform(size=len(combos)) < test_combinations
        train_side[length] = [c for c, out in zip(combos, held_out) if not out]
        test_side[length] = [c for c, out in zip(combos, held_out) if out]
    test_side = {k: v for k, v in test_side.items() if v}
    if not test_side:
        raise ValueError(
            "test_combinations left no combination for testing; raise it or max_digits."
        )
    train_pool, test_pool = _half_of_each_digit(target, rng)
    X_train, y_train = _strips(
        train_side, n_train, train_pool, images, target, max_digits, rng
    )
    X_test, y_test = _strips(
        test_side, n_test, test_pool, images, target, max_digits, rng
    )
    return X_train, X_test, y_train, y_test
