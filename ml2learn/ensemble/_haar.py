"""Haar-like rectangle features (Viola and Jones 2001, section 2).

A feature is a pattern of adjacent, equal cells with alternating signs (two
cells side by side or stacked, three in a row or a column, or a 2 x 2
checkerboard) placed anywhere in the window at any cell size. Its value is
the signed sum of the cells' pixel sums. Written on the padded integral image
``P`` (see :mod:`._integral`), every cell's sum is four corners of ``P``, and
the cells' shared corners add up: a feature is a weighted sum of at most nine
corners of ``P``, whose weights are the full 2-D convolution of the cells'
sign pattern with ``[[1, -1], [-1, 1]]``. Every other computation here, for
one window or for every window position of a photograph, reads those
corners.
"""

from numbers import Integral

import numpy as np
from numba import njit, prange
from scipy.signal import convolve2d
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from ..utils._images import check_image_shape, flatten_images
from ..utils._param_validation import Interval, _fit_context
from ._integral import box_sum, padded_integral_image

__all__ = ["HAAR_FEATURE_TYPES", "HaarFeatures"]

#: The five feature types of Viola and Jones, named as scikit-image names them,
#: with their grid of cells (rows, columns).
HAAR_FEATURE_TYPES = {
    "type-2-x": (1, 2),
    "type-2-y": (2, 1),
    "type-3-x": (1, 3),
    "type-3-y": (3, 1),
    "type-4": (2, 2),
}
_TYPE_NAMES = tuple(HAAR_FEATURE_TYPES)
_MAX_CORNERS = 9  # the 2 x 2 checkerboard's 3 x 3 grid of corners


def _cell_signs(cells):
    """Alternating signs, the top-left cell negative (scikit-image's sign)."""
    rows, cols = np.indices(cells)
    return np.where((rows + cols) % 2 == 0, -1.0, 1.0)


def _corner_weights(cells):
    """Weights of the ``(rows + 1) x (cols + 1)`` grid of cell corners."""
    return convolve2d(_cell_signs(cells), [[1.0, -1.0], [-1.0, 1.0]])


def _check_feature_types(feature_types):
    if feature_types is None:
        return _TYPE_NAMES
    names = [feature_types] if isinstance(feature_types, str) else list(feature_types)
    unknown = [t for t in names if t not in HAAR_FEATURE_TYPES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(
            f"feature_types must be None or distinct names among {list(_TYPE_NAMES)};"
            f" got {feature_types!r}."
        )
    return tuple(names)


def haar_feature_layout(window_shape, feature_types=None):
    """Every feature of the given types that fits in the window.

    Parameters
    ----------
    window_shape : (int, int)
        Window height and width.
    feature_types : str, list of str or None
        Types among :data:`HAAR_FEATURE_TYPES`; None for all five.

    Returns
    -------
    layout : dict of ndarrays of shape (n_features,)
        ``type`` (index into the type names), ``top``, ``left`` and the cell
        size ``cell_height``, ``cell_width``; in scikit-image's order (by type,
        then row, column, cell height, cell width).
    """
    H, W = window_shape
    parts = []
    for name in _check_feature_types(feature_types):
        rows, cols = HAAR_FEATURE_TYPES[name]
        top, left, h, w = np.meshgrid(
            np.arange(H),
            np.arange(W),
            np.arange(1, H + 1),
            np.arange(1, W + 1),
            indexing="ij",
        )
        fits = (top + rows * h <= H) & (left + cols * w <= W)
        kind = np.full(int(fits.sum()), _TYPE_NAMES.index(name))
        parts.append((kind, top[fits], left[fits], h[fits], w[fits]))
    keys = ("type", "top", "left", "cell_height", "cell_width")
    return {k: np.concatenate([p[i] for p in parts]) for i, k in enumerate(keys)}


def corner_table(layout):
    """The corners of ``P`` that each feature reads and their weights.

    Returns
    -------
    rows, cols : ndarrays of shape (n_features, 9), int
        Corner positions in the padded integral image of the window.
    weights : ndarray of shape (n_features, 9)
        Their weights (0 for unused slots).
    mean_weight : ndarray of shape (n_features,)
        The sum of the cells' signed areas: the feature's value on a window
        of ones.
    """
    n = len(layout["type"])
    rows = np.zeros((n, _MAX_CORNERS), dtype=np.intp)
    cols = np.zeros((n, _MAX_CORNERS), dtype=np.intp)
    weights = np.zeros((n, _MAX_CORNERS))
    mean_weight = np.zeros(n)
    for index, name in enumerate(_TYPE_NAMES):
        of_type = layout["type"] == index
        if not of_type.any():
            continue
        cells = HAAR_FEATURE_TYPES[name]
        grid = _corner_weights(cells)
        a, b = np.nonzero(grid)
        k = len(a)
        h = layout["cell_height"][of_type, None]
        w = layout["cell_width"][of_type, None]
        rows[of_type, :k] = layout["top"][of_type, None] + a * h
        cols[of_type, :k] = layout["left"][of_type, None] + b * w
        weights[of_type, :k] = grid[a, b]
        mean_weight[of_type] = _cell_signs(cells).sum() * (h * w)[:, 0]
    return rows, cols, weights, mean_weight


_WINDOW_BLOCK = 16  # windows whose integral images stay in cache together


@njit(parallel=True, cache=True, nogil=True)
def _features_from_corners(flat, bases, corner_index, corner_weight):
    """``out[i, f] = sum_k corner_weight[f, k] * flat[bases[i] + corner_index[f, k]]``:
    the features of windows whose padded integral images start at ``bases``
    in ``flat`` (one image scanned at many positions, or a stack of
    windows). Threads take blocks of windows, so that the corner table is
    read once per block."""
    n_windows = bases.shape[0]
    n_features, n_corners = corner_index.shape
    out = np.empty((n_windows, n_features))
    n_blocks = (n_windows + _WINDOW_BLOCK - 1) // _WINDOW_BLOCK
    for block in prange(n_blocks):
        start = block * _WINDOW_BLOCK
        stop = min(start + _WINDOW_BLOCK, n_windows)
        for f in range(n_features):
            for i in range(start, stop):
                base = bases[i]
                value = 0.0
                for k in range(n_corners):
                    value += corner_weight[f, k] * flat[base + corner_index[f, k]]
                out[i, f] = value
    return out


def window_statistics(padded, padded_squares, top, left, window_shape):
    """Mean and standard deviation of windows, from integral images.

    ``padded`` and ``padded_squares`` are padded integral images of an image
    and of its square, ``(H + 1, W + 1)`` or a stack; ``top``, ``left`` the
    windows' corners. Returns the means, the deviations and whether each
    window is constant (its deviation is then 1 and its normalised features
    are set to 0, whatever the rounding).
    """
    h, w = window_shape
    area = h * w
    mean = box_sum(padded, top, left, h, w) / area
    variance = box_sum(padded_squares, top, left, h, w) / area - mean**2
    # rounding leaves a tiny variance on constant windows
    scale = np.maximum(np.abs(mean), 1.0) ** 2 * 1e-12
    constant = variance <= scale
    std = np.where(constant, 1.0, np.sqrt(np.maximum(variance, 0.0)))
    return mean, std, constant


class HaarFeatures(TransformerMixin, BaseEstimator):
    """Haar-like rectangle features of image windows, from integral images.

    ``fit`` enumerates every feature of the chosen types that fits in the
    window (or a random subset, ``max_features``); ``transform`` computes
    them for each window. A feature is the signed sum of adjacent equal
    cells, the top-left one negative: ``-A + B`` for two cells, ``-A + B -
    C`` for three and ``-A + B - C + D`` (A top-left, B top-right, C
    bottom-right, D bottom-left) for the checkerboard, as scikit-image's
    :func:`~skimage.feature.haar_like_feature` computes them. Each costs at
    most nine look-ups in the window's integral image, whatever its size.

    Parameters
    ----------
    feature_types : str, list of str or None, default=None
        Among ``"type-2-x"`` (two cells side by side), ``"type-2-y"`` (two
        stacked), ``"type-3-x"``, ``"type-3-y"`` (three in a row, in a
        column) and ``"type-4"`` (2 x 2); None takes all five.
    max_features : int, default=None
        Keep at most this many features, drawn uniformly without
        replacement (in enumeration order); None keeps every feature (a
        24 x 24 window has 162,336 of the five types). Range ``[1, inf)``.
    normalize : bool, default=False
        Compute the features of each window standardised to zero mean and
        unit variance (Viola and Jones normalise the variance of every
        window against lighting), from the integral images of the window
        and of its square: ``(f - mean * a) / std`` where ``a`` is the
        feature's signed area. A constant window's features are 0.
    image_shape : (int, int), default=None
        Shape ``(H, W)`` of a window given as a flat row. None reads flat
        rows as windows of one row; ``(n, H, W)`` input gives its own.
    random_state : int, RandomState instance or None, default=None
        Draws the subset of ``max_features``.

    Attributes
    ----------
    window_shape_ : tuple of int
        ``(H, W)`` of the windows seen in fit.
    feature_types_ : ndarray of shape (n_features_out,), dtype object
        Type of each feature.
    feature_boxes_ : ndarray of shape (n_features_out, 4)
        ``(top, left, height, width)`` of each feature in the window.
    cell_shapes_ : ndarray of shape (n_features_out, 2)
        ``(height, width)`` of each feature's cells.
    n_features_in_ : int
        Pixels per window (``H * W``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    CascadeClassifier : The attentional cascade built on these features.
    integral_image : The summed-area table.
    skimage.feature.haar_like_feature : scikit-image's per-window extraction.

    Notes
    -----
    The number of features of one type with a ``p x q`` grid of cells in an
    ``H x W`` window is ``sum_{h, w} (H - p h + 1)(W - q w + 1)`` over cell
    sizes that fit. ``transform`` reads each feature's (at most nine) weighted
    corners of each window's padded integral image, in parallel over the
    windows (numba). Pixels are read as float64, so integer images give exact
    values.

    References
    ----------
    .. [1] P. Viola and M. Jones, "Rapid object detection using a boosted
       cascade of simple features", CVPR 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.ensemble import HaarFeatures
    >>> windows = np.zeros((1, 2, 2))
    >>> windows[0, :, 1] = 1.0          # right half bright
    >>> haar = HaarFeatures(feature_types="type-2-x").fit(windows)
    >>> haar.get_feature_names_out().tolist()
    ['type-2-x_r0_c0_h1_w2', 'type-2-x_r0_c0_h2_w2', 'type-2-x_r1_c0_h1_w2']
    >>> haar.transform(windows)
    array([[1., 2., 1.]])
    """

    _parameter_constraints: dict = {
        "feature_types": [str, list, tuple, None],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": ["boolean"],
        "image_shape": [tuple, list, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        feature_types=None,
        *,
        max_features=None,
        normalize=False,
        image_shape=None,
        random_state=None,
    ):
        self.feature_types = feature_types
        self.max_features = max_features
        self.normalize = normalize
        self.image_shape = image_shape
        self.random_state = random_state

    # -- input ------------------------------------------------------------------

    def _windows(self, X, reset):
        """Validated ``(n, H, W)`` float64 windows."""
        X, shape = flatten_images(X)
        if shape is not None:
            if len(shape) == 3 and shape[0] == 1:
                shape = shape[1:]
            if len(shape) != 2:
                raise ValueError(
                    "X must hold grey-level windows: (n, H, W), (n, 1, H, W) or "
                    f"flat rows; got windows of shape {shape}."
                )
            self._check_window_shape(shape, reset)
        X = validate_data(self, X, dtype=np.float64, reset=reset)
        if shape is None:
            if self.image_shape is not None:
                channels, *spatial = check_image_shape(self.image_shape, X.shape[1])
                if channels != 1:
                    raise ValueError(
                        f"image_shape={self.image_shape!r} has {channels} channels;"
                        " Haar features need grey-level windows (H, W)."
                    )
                shape = tuple(spatial)
            else:
                shape = (1, X.shape[1])
            self._check_window_shape(shape, reset)
        return X.reshape(len(X), *self.window_shape_)

    def _check_window_shape(self, shape, reset):
        shape = tuple(int(s) for s in shape)
        if reset:
            self.window_shape_ = shape
        elif shape != self.window_shape_:
            raise ValueError(
                f"X holds windows of shape {shape} but the features were fitted on "
                f"windows of shape {self.window_shape_}."
            )

    # -- fit / transform ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Enumerate the features that fit in the windows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Windows (only their shape is used).
        y : None
            Ignored.

        Returns
        -------
        self : HaarFeatures
            The fitted transformer.
        """
        window = self._windows(X, reset=True)[0].shape
        layout = haar_feature_layout(window, self.feature_types)
        n_all = len(layout["type"])
        if n_all == 0:
            raise ValueError(
                "No Haar feature of types "
                f"{list(_check_feature_types(self.feature_types))} fits in a "
                f"{window[0]}x{window[1]} window ({np.prod(window)} "
                "feature(s) per sample); use larger windows."
            )
        if self.max_features is not None and self.max_features < n_all:
            rng = check_random_state(self.random_state)
            keep = np.sort(rng.choice(n_all, self.max_features, replace=False))
            layout = {k: v[keep] for k, v in layout.items()}
        self._set_layout(layout)
        return self

    def _set_layout(self, layout):
        cells = np.array([HAAR_FEATURE_TYPES[t] for t in _TYPE_NAMES])[layout["type"]]
        self.feature_types_ = np.array(_TYPE_NAMES, dtype=object)[layout["type"]]
        self.cell_shapes_ = np.column_stack(
            [layout["cell_height"], layout["cell_width"]]
        )
        self.feature_boxes_ = np.column_stack(
            [layout["top"], layout["left"], cells * self.cell_shapes_]
        )
        self._layout = layout

    def _subset(self, indices):
        """A fitted copy that computes only the features ``indices``."""
        check_is_fitted(self)
        subset = clone(self)
        for name in ("window_shape_", "n_features_in_", "feature_names_in_"):
            if hasattr(self, name):
                setattr(subset, name, getattr(self, name))
        subset._set_layout({k: v[indices] for k, v in self._layout.items()})
        return subset

    def _values_at(self, padded, top, left, features, statistics):
        """Features ``features`` of the windows at ``(top, left)`` of one
        image, from its padded integral image: ``(len(top), len(features))``;
        ``statistics`` are :func:`window_statistics` of those windows (used
        with ``normalize``)."""
        width = padded.shape[1]
        return self._values(padded, top * width + left, width, features, statistics)

    def _values(self, padded, bases, width, features, statistics):
        """The features of windows whose padded integral images start at
        ``bases`` of ``padded`` (rows ``width`` long); all features when
        ``features`` is None."""
        layout = self._layout
        if features is not None:
            layout = {k: v[features] for k, v in layout.items()}
        rows, cols, weights, mean_weight = corner_table(layout)
        values = _features_from_corners(
            padded.ravel(),
            np.asarray(bases, dtype=np.intp),
            rows * width + cols,
            weights,
        )
        if self.normalize:
            mean, std, constant = statistics
            values -= mean[:, None] * mean_weight
            values /= std[:, None]
            values[constant] = 0.0
        return values

    def transform(self, X):
        """The Haar-like features of each window.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W) or (n_samples, H * W)
            Windows of the fitted shape.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            Feature values (of the standardised windows with ``normalize``).
        """
        check_is_fitted(self)
        windows = self._windows(X, reset=False)
        padded = padded_integral_image(windows)
        statistics = None
        if self.normalize:
            statistics = window_statistics(
                padded, padded_integral_image(windows**2), 0, 0, self.window_shape_
            )
        H, W = self.window_shape_
        bases = np.arange(len(windows)) * ((H + 1) * (W + 1))
        return self._values(padded, bases, W + 1, None, statistics)

    def get_feature_names_out(self, input_features=None):
        """Names ``<type>_r<top>_c<left>_h<height>_w<width>`` of the features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the names seen in fit.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per feature.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        return np.array(
            [
                f"{t}_r{r}_c{c}_h{h}_w{w}"
                for t, (r, c, h, w) in zip(self.feature_types_, self.feature_boxes_)
            ],
            dtype=object,
        )

    # -- pictures -------------------------------------------------------------------

    def feature_rectangles(self, feature):
        """The cells of one feature and their signs.

        Parameters
        ----------
        feature : int or str
            Index or name of the feature.

        Returns
        -------
        cells : list of ((top, left), (bottom, right), sign)
            Inclusive corners of each cell and its sign (+1 or -1), as
            scikit-image's ``feature_coord`` lists the cells.
        """
        index = self._feature_index(feature)
        name = self.feature_types_[index]
        rows, cols = HAAR_FEATURE_TYPES[name]
        top, left = self.feature_boxes_[index, :2]
        h, w = self.cell_shapes_[index]
        signs = _cell_signs((rows, cols))
        order = [(i, j) for i in range(rows) for j in range(cols)]
        if name == "type-4":
            order = [(0, 0), (0, 1), (1, 1), (1, 0)]  # clockwise, as scikit-image
        return [
            (
                (int(top + i * h), int(left + j * w)),
                (int(top + (i + 1) * h - 1), int(left + (j + 1) * w - 1)),
                int(signs[i, j]),
            )
            for i, j in order
        ]

    def draw_feature(self, feature, image=None, alpha=0.5):
        """An RGB picture of one feature over a window.

        Parameters
        ----------
        feature : int or str
            Index or name of the feature.
        image : array-like of shape (H, W), default=None
            The window to draw on (rescaled to ``[0, 1]``); None draws on grey.
        alpha : float, default=0.5
            Opacity of the cells: positive cells red, negative blue.

        Returns
        -------
        picture : ndarray of shape (H, W, 3)
            Values in ``[0, 1]``, for ``matplotlib``'s ``imshow``.
        """
        check_is_fitted(self)
        H, W = self.window_shape_
        if image is None:
            grey = np.full((H, W), 0.5)
        else:
            grey = np.asarray(image, dtype=np.float64)
            if grey.shape != (H, W):
                raise ValueError(
                    f"image must have the fitted window shape {(H, W)}; got "
                    f"{grey.shape}."
                )
            low, high = grey.min(), grey.max()
            grey = (grey - low) / (high - low) if high > low else np.full((H, W), 0.5)
        picture = np.repeat(grey[..., None], 3, axis=2)
        for (top, left), (bottom, right), sign in self.feature_rectangles(feature):
            colour = np.array([1.0, 0.0, 0.0] if sign > 0 else [0.0, 0.0, 1.0])
            cell = picture[top : bottom + 1, left : right + 1]
            cell[:] = (1 - alpha) * cell + alpha * colour
        return picture

    def _feature_index(self, feature):
        check_is_fitted(self)
        n = len(self.feature_types_)
        if isinstance(feature, str):
            matches = np.flatnonzero(self.get_feature_names_out() == feature)
            if not matches.size:
                raise ValueError(f"{feature!r} is not one of the fitted features.")
            return int(matches[0])
        if not isinstance(feature, Integral) or not -n <= feature < n:
            raise ValueError(
                f"feature must be a name or an index in [0, {n}); got {feature!r}."
            )
        return int(feature) % n

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
