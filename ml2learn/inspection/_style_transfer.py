"""Neural style transfer as a scikit-learn transformer (Gatys et al., 2016)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..neural._image_input import _ImageInput
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ._synthesis import OPTIMIZERS, _bounds, _FeatureNetwork, _history_arrays, _stylise

__all__ = ["NeuralStyleTransfer"]


class NeuralStyleTransfer(_ImageInput, TransformerMixin, BaseEstimator):
    """Paint images in the style of others: ``fit(style_images)``, then
    ``transform(content_images)``.

    ``fit`` stores the mean Gram matrix ``A^l`` of the style images at each
    of ``style_layers``; ``transform`` optimises every content image ``x_0``
    on its own towards ``argmin_x content_weight L_content(x, x_0) +
    style_weight sum_l E_l(G^l(x), A^l) / L + tv_weight R_TV(x)`` (the terms
    of :func:`~ml2learn.inspection.style_transfer`), so the results do not
    depend on which other images are in the batch, and styles or weights can
    be compared in a grid search.

    The ``network`` is ``"random"``, a fixed random multi-scale CNN
    (:class:`~ml2learn.neural.modules.RandomMultiscaleCNN`; Ustyuzhaninov et
    al., 2017, found such networks synthesise textures well), a fitted
    ml2learn CNN estimator, or any torch module with named sub-modules that
    return feature maps. Gatys et al. used the VGG-19 trained on ImageNet
    (content ``conv4_2``, style ``conv1_1`` to ``conv5_1``); no weights are
    downloaded here, but a user who has them passes the module, e.g. the
    ``features`` of ``torchvision.models.vgg19(weights=...)`` with
    ``content_layer="21"`` and ``style_layers=["0", "5", "10", "19", "28"]``,
    and images normalised as that network expects.

    Parameters
    ----------
    network : "random", fitted CNN estimator or torch module, default="random"
        Where the features come from.
    content_layer : str, default=None
        The layer whose maps are kept; ``None`` is the largest scale of the
        random network or the last block of a CNN estimator.
    style_layers : list of str, default=None
        The layers whose Gram matrices are matched; ``None`` is every scale
        or block.
    content_weight : float, default=1.0
        Weight of the content loss.
    style_weight : float, default=1e5
        Weight of the style loss.
    tv_weight : float, default=0.0
        Weight of the total-variation term (``beta = 2``).
    init : {"content", "noise"}, default="content"
        Start from the content image or from uniform noise.
    optimizer : {"lbfgs", "adam"}, default="lbfgs"
        The optimiser of the pixels.
    max_iter : int, default=100
        Most iterations (L-BFGS) or steps (Adam) per image.
    learning_rate : float, default=None
        Step size: 1.0 for L-BFGS, 0.02 for Adam.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat rows; without it flat rows are
        one-channel signals.
    random_state : int, RandomState instance or None, default=None
        Seeds the random network and the noise of ``init="noise"`` (the
        same noise for every image).
    verbose : int, default=0
        Show a progress bar per image.

    Attributes
    ----------
    style_grams_ : list of ndarray of shape (C_l, C_l)
        The style's mean Gram matrix at each style layer.
    content_layer_ : str
        The content layer used.
    style_layers_ : list of str
        The style layers used.
    input_shape_ : tuple of int
        ``(C, H, W)`` or ``(C, L)`` of the images; content images must have
        it too (resize them first).
    value_range_ : tuple of float
        The style images' smallest and largest values; results are kept
        within the union of this range and the content image's.
    n_iter_ : int
        The iteration budget of every image that ``transform`` optimises,
        ``max_iter`` (``fit`` itself only computes the Gram matrices).
    n_features_in_ : int
        Values per image.

    See Also
    --------
    ml2learn.inspection.style_transfer : One content and one style image.
    ml2learn.inspection.texture_synthesis : The style term alone, from noise.

    Notes
    -----
    The loss history of each image is returned by ``transform(X,
    return_history=True)`` rather than kept as an attribute: scikit-learn
    estimators do not change when they transform.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.inspection import NeuralStyleTransfer
    >>> rng = np.random.default_rng(0)
    >>> stripes = np.tile([0.0, 1.0], (16, 8))[None]  # (1, 16, 16)
    >>> content = rng.uniform(size=(2, 16, 16))
    >>> nst = NeuralStyleTransfer(max_iter=5, random_state=0).fit(stripes)
    >>> nst.transform(content).shape
    (2, 16, 16)
    """

    _parameter_constraints: dict = {
        "network": "no_validation",
        "content_layer": [str, None],
        "style_layers": [list, tuple, None],
        "content_weight": [Interval(Real, 0, None, closed="left")],
        "style_weight": [Interval(Real, 0, None, closed="left")],
        "tv_weight": [Interval(Real, 0, None, closed="left")],
        "init": [StrOptions({"content", "noise"})],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "image_shape": [tuple, list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        network="random",
        content_layer=None,
        style_layers=None,
        *,
        content_weight=1.0,
        style_weight=1e5,
        tv_weight=0.0,
        init="content",
        optimizer="lbfgs",
        max_iter=100,
        learning_rate=None,
        image_shape=None,
        random_state=None,
        verbose=0,
    ):
        self.network = network
        self.content_layer = content_layer
        self.style_layers = style_layers
        self.content_weight = content_weight
        self.style_weight = style_weight
        self.tv_weight = tv_weight
        self.init = init
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.image_shape = image_shape
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the Gram matrices of the style images.

        Parameters
        ----------
        X : array-like of shape (n_samples, C, H, W), (n_samples, H, W) or \
(n_samples, n_features)
            Style images (their Gram matrices are averaged).
        y : None
            Ignored.

        Returns
        -------
        self : NeuralStyleTransfer
            The fitted transformer.
        """
        style = torch.from_numpy(self._validate_X(X, reset=True))
        self._seed = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max
        )
        network = _FeatureNetwork(
            self.network,
            style.shape[1],
            style.ndim - 2,
            np.random.RandomState(self._seed),
        )
        self.style_layers_ = network.check_style_layers(self.style_layers)
        self.content_layer_ = network.check_content_layer(self.content_layer)
        self.style_grams_ = [
            g.numpy() for g in network.grams(style, self.style_layers_)
        ]
        self.value_range_ = _bounds(style)
        self.network_ = network
        self.n_iter_ = self.max_iter
        return self

    def transform(self, X, *, return_history=False):
        """Stylise every content image.

        Parameters
        ----------
        X : array-like of the style images' layout and shape
            Content images.
        return_history : bool, default=False
            Also return one loss history per image.

        Returns
        -------
        images : ndarray of the input's layout
            The stylised images, float32 for float32 input, float64 otherwise.
        histories : list of dict of ndarray
            With ``return_history``: ``content``, ``style``, ``total``,
            ``seconds`` (and ``tv``) per evaluation of the loss, per image.
        """
        check_is_fitted(self)
        layout = np.shape(X) if hasattr(X, "ndim") and X.ndim > 2 else None
        dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
        contents = torch.from_numpy(self._validate_X(X, reset=False))
        targets = [torch.from_numpy(g) for g in self.style_grams_]
        weights = (self.content_weight, self.style_weight, self.tv_weight, 2)
        images, histories = [], []
        for content in contents:
            content = content[None]
            low, high = _bounds(content)
            image, history = _stylise(
                self.network_,
                content,
                targets,
                self.content_layer_,
                self.style_layers_,
                weights=weights,
                bounds=(
                    min(low, self.value_range_[0]),
                    max(high, self.value_range_[1]),
                ),
                init=self.init,
                optimizer=self.optimizer,
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                random_state=np.random.RandomState(self._seed),
                verbose=self.verbose,
            )
            images.append(image[0].numpy())
            histories.append(_history_arrays(history))
        images = np.stack(images).astype(dtype)
        images = images.reshape(layout) if layout else images.reshape(len(images), -1)
        return (images, histories) if return_history else images
