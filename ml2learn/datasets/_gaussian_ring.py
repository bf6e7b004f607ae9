"""Gaussians on a circle: the usual test of a GAN's mode collapse."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, validate_params

__all__ = ["make_gaussian_ring"]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_modes": [Interval(Integral, 1, None, closed="left")],
        "radius": [Interval(Real, 0, None, closed="neither")],
        "std": [Interval(Real, 0, None, closed="left")],
        "return_centers": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_gaussian_ring(
    n_samples=1000,
    *,
    n_modes=8,
    radius=2.0,
    std=0.02,
    return_centers=False,
    random_state=None,
):
    """Points from ``n_modes`` Gaussians evenly spaced on a circle.

    Mode ``k`` is centred at ``radius * (cos 2 pi k / n_modes, sin 2 pi k /
    n_modes)`` with standard deviation ``std`` in both directions; every
    point picks its mode uniformly. With the defaults (eight modes of
    standard deviation 0.02 on a circle of radius 2) this is the ring of
    Metz et al. (2017) on which GANs are checked for mode collapse.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points.
    n_modes : int, default=8
        Number of Gaussians.
    radius : float, default=2.0
        Radius of the circle of centres.
    std : float, default=0.02
        Standard deviation of every Gaussian.
    return_centers : bool, default=False
        Also return the centres.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points.
    y : ndarray of shape (n_samples,)
        The mode of every point.
    centers : ndarray of shape (n_modes, 2)
        The centres; only when ``return_centers`` is True.

    References
    ----------
    .. [1] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled
       generative adversarial networks", ICLR 2017.

    Examples
    --------
    >>> from ml2learn.datasets import make_gaussian_ring
    >>> X, y = make_gaussian_ring(400, random_state=0)
    >>> X.shape, sorted(set(y)) == list(range(8))
    ((400, 2), True)
    """
    rng = check_random_state(random_state)
    angles = np.arange(n_modes) * (2 * np.pi / n_modes)
    centers = radius * np.c_[np.cos(angles), np.sin(angles)]
    y = rng.randint(n_modes, size=n_samples)
    X = centers[y] + rng.normal(0, std, (n_samples, 2))
    return (X, y, centers) if return_centers else (X, y)
