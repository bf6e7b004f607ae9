"""Images optimised to match a network's features: feature inversion
(Mahendran and Vedaldi, 2015), texture synthesis (Gatys et al., 2015) and
neural style transfer (Gatys et al., 2016); notes, lines 5646-5810.

Every function optimises the pixels of an image ``x`` (L-BFGS, as Gatys et
al., or Adam), keeps them in the value range of the given images, and uses
the layers of a *network*: a fitted ml2learn CNN estimator, any torch module
whose named sub-modules return feature maps (a VGG with weights you have, for
example), or ``"random"``, a fixed random multi-scale network
(:class:`~ml2learn.neural.modules.RandomMultiscaleCNN`), since no pre-trained
weights can be downloaded here.

The loss terms, for the feature maps ``F^l`` (``N_l`` channels by ``M_l``
positions) of ``x`` and ``P^l`` of the reference:

* Gram matrix ``G^l = F^l F^l^T / M_l`` (:func:`gram_matrix`);
* style ``E_l = sum_ij (G^l_ij - A^l_ij)^2 / (4 N_l^2)`` and ``L_style =
  sum_l E_l / L``. With Gatys et al.'s unnormalised Gram ``M_l G`` this is
  their ``1 / (4 N_l^2 M_l^2) sum (G - A)^2`` exactly; dividing the Gram by
  ``M_l`` makes it independent of the image size, so a style can be taken
  from an image of another size;
* content ``L_content = sum_ij (F^l_ij - P^l_ij)^2 / (2 N_l M_l)``: Gatys et
  al.'s equation 1 divided by the number of feature values, for the same
  reason (a weight that suits one image size suits every size);
* feature inversion ``||Phi(x) - Phi_0||^2 / ||Phi_0||^2`` (Mahendran and
  Vedaldi's normalised loss);
* total variation ``R_TV = sum_ij ((x_i,j+1 - x_ij)^2 + (x_i+1,j -
  x_ij)^2)^(beta / 2)`` (:func:`total_variation`).

The notes write the total as ``alpha L_style + beta L_content``; the papers
write ``alpha L_content + beta L_style``. Here the weights are named
``content_weight`` and ``style_weight`` to avoid the ambiguity.
"""

import copy
import time
from numbers import Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch import nn
from tqdm.auto import tqdm

from ..neural.modules import RandomMultiscaleCNN
from ._network import _forward_with_layers, _inputs, _module

__all__ = [
    "content_loss",
    "feature_inversion",
    "gram_matrix",
    "style_loss",
    "style_transfer",
    "texture_synthesis",
    "total_variation",
]

OPTIMIZERS = ("lbfgs", "adam")
_DEFAULT_LEARNING_RATE = {"lbfgs": 1.0, "adam": 0.02}
# L-BFGS iterations between two projections of the pixels onto their range
_LBFGS_CHUNK = 10


def _as_tensor(array):
    """A float tensor and a function turning results back into the input's kind."""
    if isinstance(array, torch.Tensor):
        return array, lambda result: result
    tensor = torch.as_tensor(np.asarray(array, dtype=np.float32))
    return tensor, lambda result: result.detach().numpy()


def gram_matrix(features):
    """Gram matrices of feature maps: ``G = F F^T / M``.

    ``G_ij = sum_k F_ik F_jk / M``, the inner products of every pair of
    channels over the ``M`` spatial positions (notes, line 5689; Gatys et
    al. use the sum, without the ``1 / M``).

    Parameters
    ----------
    features : array-like or tensor of shape (n, C, H, W), (n, C, L) or (C, H, W)
        Feature maps; a 3-D array is read as one sample ``(C, H, W)``.

    Returns
    -------
    gram : ndarray or tensor of shape (n, C, C), or (C, C) for one sample
        Symmetric positive semi-definite matrices (a tensor for a tensor).

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.inspection import gram_matrix
    >>> F = np.array([[[1.0, 0.0], [0.0, 1.0]], [[2.0, 2.0], [0.0, 0.0]]])
    >>> gram_matrix(F)  # two channels over four positions
    array([[0.5, 0.5],
           [0.5, 2. ]], dtype=float32)
    """
    tensor, back = _as_tensor(features)
    single = tensor.ndim == 3 and not isinstance(features, torch.Tensor)
    if single:
        tensor = tensor[None]
    if tensor.ndim < 3:
        raise ValueError(
            "features must be (n, C, H, W), (n, C, L) or (C, H, W); got shape "
            f"{tuple(tensor.shape)}."
        )
    flat = tensor.flatten(2)
    gram = flat @ flat.transpose(1, 2) / flat.shape[2]
    return back(gram[0] if single else gram)


def total_variation(images, beta=2.0):
    """Total variation ``sum_ij ((x_i,j+1 - x_ij)^2 + (x_i+1,j - x_ij)^2)^(beta/2)``.

    Mahendran and Vedaldi's (2015) ``R_V^beta``, summed over channels and
    samples, on the ``(H - 1) x (W - 1)`` grid where both differences exist;
    for signals ``sum_i |x_i+1 - x_i|^beta``.

    Parameters
    ----------
    images : array-like or tensor of shape (n, C, H, W) or (n, C, L)
        The images.
    beta : float, default=2.0
        The exponent; 2 penalises the squared gradient, values near 1 keep
        edges sharper.

    Returns
    -------
    tv : float or scalar tensor
        The regulariser (a tensor for a tensor).
    """
    x, back = _as_tensor(images)
    if x.ndim == 3:
        differences = (x[..., 1:] - x[..., :-1]).abs()
        return back(differences.pow(beta).sum())
    across = x[..., :-1, 1:] - x[..., :-1, :-1]
    down = x[..., 1:, :-1] - x[..., :-1, :-1]
    squared = across**2 + down**2
    # the epsilon keeps the gradient finite where the image is flat (beta < 2)
    return back((squared + 1e-12).pow(beta / 2).sum())


def content_loss(features, targets):
    """The content loss ``sum_ij (F_ij - P_ij)^2 / (2 N M)``.

    Gatys et al.'s ``sum_ij (F_ij - P_ij)^2 / 2`` divided by the number of
    values ``N M`` of the maps (channels times positions, per sample), so
    that its weight against the style loss does not depend on the image size.

    Parameters
    ----------
    features : array-like or tensor
        Feature maps of the synthesised image.
    targets : array-like or tensor of the same shape
        Feature maps of the content image.

    Returns
    -------
    loss : float or scalar tensor
        Half the mean squared difference, summed over samples.
    """
    f, back = _as_tensor(features)
    p, _ = _as_tensor(targets)
    values_per_sample = f[0].numel()
    return back(0.5 * ((f - p) ** 2).sum() / values_per_sample)


def style_loss(features, target_grams):
    """Gatys et al.'s style loss over layers, ``sum_l E_l / L``.

    ``E_l = sum_ij (G^l_ij - A^l_ij)^2 / (4 N_l^2)`` with ``G^l`` the
    :func:`gram_matrix` of the synthesised image's maps at layer ``l``,
    ``A^l`` the style's, ``N_l`` the channels; equal layer weights
    ``1 / L``.

    Parameters
    ----------
    features : list of array-like or tensor of shape (n, C_l, ...)
        Feature maps of the synthesised image, one per layer.
    target_grams : list of array-like or tensor of shape (C_l, C_l) or (n, C_l, C_l)
        The style's Gram matrices, one per layer.

    Returns
    -------
    loss : float or scalar tensor
        The style loss, summed over samples.
    """
    terms = []
    back = None
    for maps, target in zip(features, target_grams, strict=True):
        maps, back = _as_tensor(maps)
        target, _ = _as_tensor(target)
        gram = gram_matrix(maps)
        terms.append(((gram - target) ** 2).sum() / (4 * gram.shape[-1] ** 2))
    return back(sum(terms) / len(terms))


# --- networks --------------------------------------------------------------


class _FeatureNetwork:
    """A frozen module and the names of its layers; ``maps(x, names)`` runs it."""

    def __init__(self, network, n_channels, dims, random_state):
        if isinstance(network, str):
            if network != "random":
                raise ValueError(
                    f"network must be 'random', a fitted CNN estimator or a torch "
                    f"module; got {network!r}."
                )
            seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
            self.module = RandomMultiscaleCNN(n_channels, dims=dims, random_state=seed)
            self.style_layers = self.module.layer_names()
            self.content_layer = self.style_layers[-1]
        elif isinstance(network, nn.Module):
            # a copy: the user's module keeps its mode and gradients
            self.module = copy.deepcopy(network).eval().requires_grad_(False)
            self.style_layers = self.content_layer = None
            if isinstance(network, RandomMultiscaleCNN):
                self.style_layers = network.layer_names()
                self.content_layer = self.style_layers[-1]
        elif hasattr(network, "fit") and hasattr(network, "get_params"):
            self.module = _module(network).requires_grad_(False)
            expected = network.input_shape_[0]
            if expected != n_channels:
                raise ValueError(
                    f"the images have {n_channels} channel(s) but the network "
                    f"was fitted on images of {expected}."
                )
            blocks = [f"features.{i}" for i in range(len(self.module.features))]
            self.style_layers = blocks
            self.content_layer = blocks[-1]
        else:
            raise TypeError(
                "network must be 'random', a fitted CNN estimator or a torch "
                f"module; got {type(network).__name__}."
            )
        self.names = [name for name, _ in self.module.named_modules() if name]

    def check_style_layers(self, style_layers):
        """The Gram layers to use, the network's default where ``None``."""
        style = self.style_layers if style_layers is None else style_layers
        if isinstance(style, str) or (style is not None and not len(style)):
            raise ValueError(
                f"style_layers must be a non-empty list of layer names; got {style!r}."
            )
        return [self._check_name(name, "style_layers") for name in style or [None]]

    def check_content_layer(self, content_layer, argument="content_layer"):
        """The content layer to use, the network's default where ``None``."""
        layer = self.content_layer if content_layer is None else content_layer
        return self._check_name(layer, argument)

    def _check_name(self, name, argument):
        if name is None:
            raise ValueError(
                f"give {argument} for a custom network; its layers are {self.names}."
            )
        if name not in self.names:
            raise ValueError(
                f"{argument}: layer {name!r} does not exist; choose among {self.names}."
            )
        return name

    def grams(self, images, layers):
        """The mean Gram matrix over ``images`` at each of ``layers``."""
        with torch.no_grad():
            return [gram_matrix(maps).mean(dim=0) for maps in self.maps(images, layers)]

    def maps(self, x, names):
        try:
            return _forward_with_layers(self.module, x, names, default="")[1]
        except RuntimeError as exc:
            raise ValueError(
                f"images of shape {tuple(x.shape[1:])} do not fit the network: {exc}"
            ) from exc


def _image(array, name):
    """One image ``(C, H, W)`` or ``(H, W)`` as a ``(1, C, H, W)`` float tensor."""
    x = np.asarray(array)
    if x.dtype.kind not in "biuf" or x.ndim not in (2, 3) or x.size == 0:
        raise ValueError(
            f"{name} must be one non-empty image, (H, W) or (C, H, W) numbers; "
            f"got an array of shape {x.shape} and dtype {x.dtype}."
        )
    x = x.astype(np.float32)
    if not np.isfinite(x).all():
        raise ValueError(f"{name} holds NaN or infinite values.")
    return torch.from_numpy(x if x.ndim == 3 else x[None])[None]


def _check_weight(value, name):
    if not isinstance(value, Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return float(value)


def _check_optimizer(optimizer, max_iter, learning_rate):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {optimizer!r}.")
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer; got {max_iter!r}.")
    if learning_rate is None:
        return _DEFAULT_LEARNING_RATE[optimizer]
    if not isinstance(learning_rate, Real) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0; got {learning_rate!r}.")
    return float(learning_rate)


# --- optimisation ----------------------------------------------------------


class _LineSearchBreakdown(Exception):
    """The optimiser proposed non-finite pixels (not a non-finite loss)."""


def _optimise(
    terms, start, bounds, *, optimizer, max_iter, learning_rate, verbose, desc
):
    """Minimise ``sum(terms(x).values())`` over the pixels ``x``.

    Adam takes ``max_iter`` steps; L-BFGS (strong Wolfe line search) runs
    at most ``max_iter`` iterations (fewer once torch's tolerances, on the
    loss relative to its first value, say it has converged). The pixels are
    clipped to ``bounds`` after every Adam step and every ``_LBFGS_CHUNK``
    L-BFGS iterations. Should L-BFGS itself propose non-finite pixels (its
    line search can break down once the loss is nearly zero), the last
    finite iterate is returned; a non-finite loss at finite pixels raises.
    Returns the image and the history: one dict of loss terms (and
    ``total`` and ``seconds``) per evaluation of the loss, the last at the
    result.
    """
    learning_rate = _check_optimizer(optimizer, max_iter, learning_rate)
    x = start.clone().requires_grad_(True)
    if optimizer == "adam":
        solver = torch.optim.Adam([x], lr=learning_rate)
    else:
        solver = torch.optim.LBFGS(
            [x],
            lr=learning_rate,
            max_iter=_LBFGS_CHUNK,
            history_size=20,
            line_search_fn="strong_wolfe",
        )
    history = []
    scale = {}
    began = time.perf_counter()

    def evaluate(backward=True):
        if not torch.isfinite(x).all():
            raise _LineSearchBreakdown
        values = terms(x)
        total = sum(values.values())
        if not torch.isfinite(total):
            raise FloatingPointError(
                f"the {desc} loss became {float(total.detach())}; lower "
                "learning_rate or the loss weights."
            )
        if backward:
            # L-BFGS's tolerances and its test of curvature pairs are absolute,
            # so the loss is optimised relative to its first value
            first = float(total.detach())
            scale.setdefault("value", 1.0 / first if first > 1e-12 else 1.0)
            solver.zero_grad()
            (total * scale["value"]).backward()
        record = {name: float(value.detach()) for name, value in values.items()}
        record["total"] = float(total.detach())
        record["seconds"] = time.perf_counter() - began
        history.append(record)
        return total * scale.get("value", 1.0)

    steps = max_iter if optimizer == "adam" else -(-max_iter // _LBFGS_CHUNK)
    with tqdm(total=max_iter, desc=desc, disable=not verbose, leave=False) as bar:
        done = 0
        for _ in range(steps):
            if optimizer == "lbfgs":
                solver.param_groups[0]["max_iter"] = min(_LBFGS_CHUNK, max_iter - done)
            last_good = x.detach().clone()
            try:
                solver.step(evaluate)
            except _LineSearchBreakdown:
                # L-BFGS's own arithmetic (a curvature pair or an interpolation
                # near convergence) gave NaN pixels: keep the last iterate
                with torch.no_grad():
                    x.copy_(last_good)
                break
            with torch.no_grad():
                x.clamp_(*bounds)
            advance = 1 if optimizer == "adam" else solver.param_groups[0]["max_iter"]
            done += advance
            bar.update(advance)
            bar.set_postfix(loss=f"{history[-1]['total']:.4g}")
    with torch.no_grad():
        evaluate(backward=False)
    return x.detach(), history


def _history_arrays(history):
    return {name: np.array([h[name] for h in history]) for name in history[0]}


def _bounds(*images):
    return min(float(x.min()) for x in images), max(float(x.max()) for x in images)


def _noise(shape, bounds, random_state):
    low, high = bounds
    rng = check_random_state(random_state)
    return torch.from_numpy(rng.uniform(low, high, size=shape).astype(np.float32))


def _style_objective(
    net, style_layers, targets, weights, content_layer=None, content=None
):
    """The loss terms of texture synthesis (no ``content``) or style transfer
    as a function of the pixels; ``targets`` are the style's Gram matrices."""
    content_weight, style_weight, tv_weight, tv_beta = weights
    layers = list(style_layers)
    if content is not None:
        with torch.no_grad():
            (content_maps,) = net.maps(content, [content_layer])
        layers.append(content_layer)

    def terms(x):
        maps = net.maps(x, layers)
        values = {
            "style": style_weight * style_loss(maps[: len(style_layers)], targets)
        }
        if content is not None:
            values["content"] = content_weight * content_loss(maps[-1], content_maps)
        if tv_weight:
            values["tv"] = tv_weight * total_variation(x, tv_beta)
        return values

    return terms


def _result(x, history, return_history):
    image = x[0].numpy()
    return (image, _history_arrays(history)) if return_history else image


def texture_synthesis(
    texture,
    network="random",
    layers=None,
    *,
    size=None,
    tv_weight=0.0,
    optimizer="lbfgs",
    max_iter=200,
    learning_rate=None,
    random_state=None,
    verbose=0,
    return_history=False,
):
    """Synthesise a texture by matching Gram matrices (Gatys et al., 2015).

    ``x* = argmin_x sum_l E_l(G^l(x), G^l(x_0))`` from uniform noise in the
    texture's value range: the Gram matrices keep which features occur
    together but not where, so the result has the texture's statistics
    without being a copy of it.

    Parameters
    ----------
    texture : array-like of shape (H, W) or (C, H, W)
        The source texture.
    network : "random", fitted CNN estimator or torch module, default="random"
        Where the features come from (see the module's documentation).
    layers : list of str, default=None
        The layers whose Gram matrices are matched; ``None`` is every scale
        of the random network, or every block of a CNN estimator.
    size : tuple of int, default=None
        Spatial size ``(H, W)`` of the result; ``None`` is the texture's.
    tv_weight : float, default=0.0
        Weight of the total-variation term (``beta = 2``).
    optimizer : {"lbfgs", "adam"}, default="lbfgs"
        The optimiser of the pixels.
    max_iter : int, default=200
        Most iterations (L-BFGS) or steps (Adam).
    learning_rate : float, default=None
        Step size: 1.0 for L-BFGS (scaled by its line search), 0.02 for Adam.
    random_state : int, RandomState instance or None, default=None
        Seeds the starting noise and the random network.
    verbose : int, default=0
        Show a progress bar.
    return_history : bool, default=False
        Also return the loss history.

    Returns
    -------
    image : ndarray of shape (C, H, W)
        The synthesised texture.
    history : dict of ndarray
        With ``return_history``: ``style``, ``total``, ``seconds`` (and
        ``tv``), one entry per evaluation of the loss, the last at the result.
    """
    source = _image(texture, "texture")
    tv_weight = _check_weight(tv_weight, "tv_weight")
    rng = check_random_state(random_state)
    net = _FeatureNetwork(network, source.shape[1], 2, rng)
    layers = net.check_style_layers(layers)
    shape = source.shape[2:] if size is None else tuple(size)
    bounds = _bounds(source)
    start = _noise((1, source.shape[1], *shape), bounds, rng)
    terms = _style_objective(
        net, layers, net.grams(source, layers), (0, 1, tv_weight, 2)
    )
    x, history = _optimise(
        terms,
        start,
        bounds,
        optimizer=optimizer,
        max_iter=max_iter,
        learning_rate=learning_rate,
        verbose=verbose,
        desc="texture",
    )
    return _result(x, history, return_history)


def style_transfer(
    content,
    style,
    network="random",
    content_layer=None,
    style_layers=None,
    *,
    content_weight=1.0,
    style_weight=1e5,
    tv_weight=0.0,
    init="content",
    optimizer="lbfgs",
    max_iter=200,
    learning_rate=None,
    random_state=None,
    verbose=0,
    return_history=False,
):
    """Paint ``content`` in the style of ``style`` (Gatys et al., 2016).

    ``x* = argmin_x content_weight L_content(x) + style_weight L_style(x) +
    tv_weight R_TV(x)``: the features of ``content_layer`` are kept and the
    Gram matrices of ``style_layers`` are those of the style image (which
    may have another size).

    Parameters
    ----------
    content : array-like of shape (H, W) or (C, H, W)
        The content image.
    style : array-like of shape (H', W') or (C, H', W')
        The style image, with as many channels as ``content``.
    network : "random", fitted CNN estimator or torch module, default="random"
        Where the features come from (see the module's documentation).
    content_layer : str, default=None
        The layer whose maps are kept; ``None`` is the network's default
        (the largest scale of the random network, the last block of a CNN).
    style_layers : list of str, default=None
        The layers whose Gram matrices are matched; ``None`` is every scale
        or block.
    content_weight : float, default=1.0
        Weight of the content loss (>= 0).
    style_weight : float, default=1e5
        Weight of the style loss (>= 0).
    tv_weight : float, default=0.0
        Weight of the total-variation term (>= 0, ``beta = 2``).
    init : {"content", "noise"}, default="content"
        Start from the content image or from uniform noise.
    optimizer : {"lbfgs", "adam"}, default="lbfgs"
        The optimiser of the pixels.
    max_iter : int, default=200
        Most iterations (L-BFGS) or steps (Adam).
    learning_rate : float, default=None
        Step size: 1.0 for L-BFGS, 0.02 for Adam.
    random_state : int, RandomState instance or None, default=None
        Seeds the random network and the noise of ``init="noise"``.
    verbose : int, default=0
        Show a progress bar.
    return_history : bool, default=False
        Also return the loss history.

    Returns
    -------
    image : ndarray of shape (C, H, W)
        The stylised image.
    history : dict of ndarray
        With ``return_history``: ``content``, ``style``, ``total``,
        ``seconds`` (and ``tv``), one entry per evaluation of the loss.
    """
    content_image = _image(content, "content")
    style_image = _image(style, "style")
    if content_image.shape[1] != style_image.shape[1]:
        raise ValueError(
            f"content has {content_image.shape[1]} channel(s) but style has "
            f"{style_image.shape[1]}; give images with the same number."
        )
    rng = check_random_state(random_state)
    net = _FeatureNetwork(network, content_image.shape[1], 2, rng)
    style_layers = net.check_style_layers(style_layers)
    x, history = _stylise(
        net,
        content_image,
        net.grams(style_image, style_layers),
        net.check_content_layer(content_layer),
        style_layers,
        weights=_check_weights(content_weight, style_weight, tv_weight),
        bounds=_bounds(content_image, style_image),
        init=init,
        optimizer=optimizer,
        max_iter=max_iter,
        learning_rate=learning_rate,
        random_state=rng,
        verbose=verbose,
    )
    return _result(x, history, return_history)


def _check_weights(content_weight, style_weight, tv_weight):
    return (
        _check_weight(content_weight, "content_weight"),
        _check_weight(style_weight, "style_weight"),
        _check_weight(tv_weight, "tv_weight"),
        2,
    )


def _stylise(
    net,
    content,
    targets,
    content_layer,
    style_layers,
    *,
    weights,
    bounds,
    init,
    optimizer,
    max_iter,
    learning_rate,
    random_state,
    verbose,
):
    """Style transfer of one content tensor ``(1, C, ...)`` towards the Gram
    matrices ``targets`` of ``style_layers``."""
    if init not in ("content", "noise"):
        raise ValueError(f"init must be 'content' or 'noise'; got {init!r}.")
    terms = _style_objective(
        net, style_layers, targets, weights, content_layer, content
    )
    start = (
        content if init == "content" else _noise(content.shape, bounds, random_state)
    )
    return _optimise(
        terms,
        start,
        bounds,
        optimizer=optimizer,
        max_iter=max_iter,
        learning_rate=learning_rate,
        verbose=verbose,
        desc="style transfer",
    )


def feature_inversion(
    estimator,
    X,
    layer=None,
    *,
    tv_weight=1e-3,
    tv_beta=2.0,
    optimizer="lbfgs",
    max_iter=200,
    learning_rate=None,
    random_state=None,
    verbose=0,
    return_history=False,
):
    """Reconstruct inputs from their features (Mahendran and Vedaldi, 2015).

    ``x* = argmin_x ||Phi(x) - Phi(x_0)||^2 / ||Phi(x_0)||^2 + tv_weight
    R_TV^beta(x)``, from uniform noise in ``x_0``'s value range, one input at
    a time: what survives shows what the layer keeps of the input.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    layer : str, default=None
        The layer whose maps ``Phi`` are matched; ``None`` is the last
        feature maps.
    tv_weight : float, default=1e-3
        Weight of the total-variation prior (>= 0).
    tv_beta : float, default=2.0
        Its exponent ``beta`` (> 0).
    optimizer : {"lbfgs", "adam"}, default="lbfgs"
        The optimiser of the pixels.
    max_iter : int, default=200
        Most iterations (L-BFGS) or steps (Adam).
    learning_rate : float, default=None
        Step size: 1.0 for L-BFGS, 0.02 for Adam.
    random_state : int, RandomState instance or None, default=None
        Seeds the starting noise (the same for every input).
    verbose : int, default=0
        Show a progress bar.
    return_history : bool, default=False
        Also return the loss histories.

    Returns
    -------
    images : ndarray of shape (n_samples, C, H, W) or (n_samples, C, L)
        The reconstructions.
    histories : list of dict of ndarray
        With ``return_history``: ``features`` (and ``tv``), ``total`` and
        ``seconds`` for each input.
    """
    tv_weight = _check_weight(tv_weight, "tv_weight")
    if not isinstance(tv_beta, Real) or not tv_beta > 0:
        raise ValueError(f"tv_beta must be > 0; got {tv_beta!r}.")
    module = _module(estimator).requires_grad_(False)
    name = "features" if layer is None else layer
    inputs = _inputs(estimator, X)
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    images, histories = [], []
    for x0 in inputs:
        x0 = x0[None]
        with torch.no_grad():
            (target,) = _forward_with_layers(module, x0, [name])[1]
        scale = (target**2).sum().clamp(min=1e-12)

        def terms(x, target=target, scale=scale):
            (maps,) = _forward_with_layers(module, x, [name])[1]
            values = {"features": ((maps - target) ** 2).sum() / scale}
            if tv_weight:
                values["tv"] = tv_weight * total_variation(x, tv_beta)
            return values

        bounds = _bounds(x0)
        x, history = _optimise(
            terms,
            _noise(x0.shape, bounds, seed),
            bounds,
            optimizer=optimizer,
            max_iter=max_iter,
            learning_rate=learning_rate,
            verbose=verbose,
            desc="feature inversion",
        )
        images.append(x[0].numpy())
        histories.append(_history_arrays(history))
    images = np.stack(images)
    return (images, histories) if return_history else images
