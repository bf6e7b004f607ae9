"""Source and target domains that differ in a controlled way, for domain
adaptation: the DANN paper's inter-twinning moons, digits against altered
digits, and a tabular covariate shift."""

from numbers import Integral, Real

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits, make_moons
from sklearn.utils import Bunch, check_random_state

from ..utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["make_domain_shift"]

_SHIFTS = {"invert", "noise", "blur", "rotate"}


@validate_params(
    {
        "kind": [StrOptions({"moons", "digits", "tabular"})],
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "angle": [Interval(Real, None, None, closed="neither")],
        "shift": [StrOptions(_SHIFTS)],
        "noise": [Interval(Real, 0, None, closed="left")],
        "severity": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_domain_shift(
    kind="moons",
    *,
    n_samples=300,
    angle=30.0,
    shift="invert",
    noise=0.1,
    severity=1.0,
    random_state=None,
):
    """A labelled source domain and a shifted target domain.

    - ``"moons"``: two inter-twinning moons (``n_samples`` per domain) as in
      the toy experiment of Ganin et al.; the target is a fresh draw rotated
      by ``angle`` degrees about the centre of the data.
    - ``"digits"``: scikit-learn's 8x8 digits (values in ``[0, 1]``), split
      in two halves; the target half is altered by ``shift``: ``"invert"``
      (``1 - x``), ``"noise"`` (Gaussian noise of standard deviation 0.3
      ``severity``, clipped), ``"blur"`` (Gaussian blur of ``severity``
      pixels) or ``"rotate"`` (by ``angle`` degrees). ``n_samples`` is ignored.
    - ``"tabular"``: covariate shift (Shimodaira, 2000): ``x`` in 2-D, the
      source drawn around ``(0, 0)``, the target around ``(severity,
      severity)``, and the same non-linear labelling ``y = 1[x_2 > sin(2
      x_1) + 0.5 x_1 - 0.2]`` (with ``noise`` label flips) in both.

    Parameters
    ----------
    kind : {"moons", "digits", "tabular"}, default="moons"
        Which data.
    n_samples : int, default=300
        Rows per domain (moons and tabular).
    angle : float, default=30.0
        Rotation in degrees (moons; digits with ``shift="rotate"``).
    shift : {"invert", "noise", "blur", "rotate"}, default="invert"
        How target digits differ.
    noise : float, default=0.1
        Standard deviation of the moons' noise; fraction of flipped labels
        of the tabular set.
    severity : float, default=1.0
        Strength of the digits' noise and blur, and distance of the tabular
        target's mean from the source's.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws.

    Returns
    -------
    data : Bunch
        ``X_source``, ``y_source``, ``X_target``, ``y_target`` (the target's
        true labels, for evaluation) and ``description``.

    Examples
    --------
    >>> from ml2learn.datasets import make_domain_shift
    >>> data = make_domain_shift("moons", n_samples=100, angle=30, random_state=0)
    >>> data.X_source.shape, data.X_target.shape
    ((100, 2), (100, 2))
    """
    rng = check_random_state(random_state)
    if kind == "moons":
        return _moons(n_samples, angle, noise, rng)
    if kind == "digits":
        return _digits(shift, angle, severity, rng)
    return _tabular(n_samples, noise, severity, rng)


def _rotate(X, degrees, centre):
    theta = np.deg2rad(degrees)
    rotation = np.array(
        [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    )
    return (X - centre) @ rotation.T + centre


def _moons(n_samples, angle, noise, rng):
    X_source, y_source = make_moons(n_samples, noise=noise, random_state=rng)
    X_target, y_target = make_moons(n_samples, noise=noise, random_state=rng)
    centre = np.array([0.5, 0.25])  # the middle of the two moons
    return Bunch(
        X_source=X_source,
        y_source=y_source,
        X_target=_rotate(X_target, angle, centre),
        y_target=y_target,
        description=f"two moons; target rotated by {angle} degrees",
    )


def _digits(shift, angle, severity, rng):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    order = rng.permutation(len(X))
    half = len(X) // 2
    source, target = order[:half], order[half:]
    images = X[target].reshape(-1, 8, 8)
    if shift == "invert":
        images = 1.0 - images
    elif shift == "noise":
        noisy = images + rng.normal(scale=0.3 * severity, size=images.shape)
        images = np.clip(noisy, 0.0, 1.0)
    elif shift == "blur":
        images = np.stack([ndimage.gaussian_filter(im, severity) for im in images])
    else:
        images = np.stack(
            [ndimage.rotate(im, angle, reshape=False, order=1) for im in images]
        )
        images = np.clip(images, 0.0, 1.0)
    return Bunch(
        X_source=X[source],
        y_source=y[source],
        X_target=images.reshape(len(target), 64),
        y_target=y[target],
        description=f"digits (8x8, values in [0, 1]); target altered by {shift!r}",
    )


def _label(X, noise, rng):
    y = (X[:, 1] > np.sin(2 * X[:, 0]) + 0.5 * X[:, 0] - 0.2).astype(int)
    flip = rng.rand(len(y)) < noise
    return np.where(flip, 1 - y, y)


def _tabular(n_samples, noise, severity, rng):
    X_source = rng.normal(scale=0.8, size=(n_samples, 2))
    X_target = rng.normal(loc=severity, scale=0.8, size=(n_samples, 2))
    return Bunch(
        X_source=X_source,
        y_source=_label(X_source, noise, rng),
        X_target=X_target,
        y_target=_label(X_target, noise, rng),
        description=f"covariate shift: target mean moved by {severity} in x1 and x2",
    )
