"""Looking inside a fitted CNN estimator (notes, lines 5309-6055).

Every function takes a fitted :class:`~ml2learn.neural.CNNClassifier` or
:class:`~ml2learn.neural.CNNRegressor` and inputs in any form the estimator
accepts, and returns numpy arrays; ``plot_heatmaps`` draws them.
"""

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils import check_random_state

from ._network import _forward_with, _inputs, _layer, _module

__all__ = [
    "activation_maps",
    "activation_maximization",
    "class_activation_map",
    "grad_cam",
    "layer_filters",
    "plot_heatmaps",
    "saliency_map",
]


def _targets(estimator, outputs, target):
    """One output index per sample: the predicted class when ``target`` is None."""
    n = outputs.shape[0]
    if target is None:
        if outputs.shape[1] == 1:
            return torch.zeros(n, dtype=torch.long)
        return outputs.argmax(dim=1)
    if hasattr(estimator, "classes_") and not np.issubdtype(
        np.asarray(target).dtype, np.integer
    ):
        target = np.searchsorted(estimator.classes_, target)
    target = np.array(np.broadcast_to(np.asarray(target), (n,)))
    return torch.as_tensor(target, dtype=torch.long)


def _upsample(maps, size):
    """Resize ``(n, h, w)`` or ``(n, l)`` maps to the input's spatial size."""
    mode = "bilinear" if maps.ndim == 3 else "linear"
    resized = F.interpolate(maps[:, None], size=size, mode=mode, align_corners=False)
    return resized[:, 0]


def activation_maps(estimator, X, layer=None):
    """Outputs of one layer for the inputs ``X``.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    layer : str, default=None
        A module name such as ``"features.0"`` or ``"features.0.conv"``;
        ``None`` is the last feature map (``"features"``).

    Returns
    -------
    maps : ndarray of shape (n_samples, channels, h, w) or (n_samples, channels, l)
        The layer's activations.
    """
    module = _module(estimator)
    with torch.no_grad():
        _, maps = _forward_with(module, _inputs(estimator, X), layer)
    return maps.numpy()


def layer_filters(estimator, layer="features.0.conv"):
    """The learned filters of a convolution.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    layer : str, default="features.0.conv"
        Name of a convolution module (``"features.1.conv1"`` in residual
        blocks).

    Returns
    -------
    filters : ndarray of shape (out_channels, in_channels, kernel_height, kernel_width)
        The weights.
    """
    conv = _layer(_module(estimator), layer)
    if not hasattr(conv, "weight") or conv.weight.ndim < 3:
        raise ValueError(f"layer {layer!r} is not a convolution.")
    return conv.weight.detach().numpy().copy()


def saliency_map(estimator, X, target=None):
    """Gradient of the class score with respect to the input (Simonyan et al.).

    ``|d S_c / d x|``, its largest value over channels, for every pixel.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output) whose score is differentiated; ``None`` uses
        the predicted class.

    Returns
    -------
    saliency : ndarray of shape (n_samples, H, W) or (n_samples, L)
        Non-negative sensitivities.
    """
    module = _module(estimator)
    inputs = _inputs(estimator, X).requires_grad_(True)
    outputs = module(inputs)
    targets = _targets(estimator, outputs, target)
    outputs.gather(1, targets[:, None]).sum().backward()
    return inputs.grad.abs().amax(dim=1).numpy()


def class_activation_map(estimator, X, target=None, upsample=True):
    """CAM: the output layer's weights applied to the last feature maps.

    ``M_c(i, j) = sum_k w_{c,k} A_k(i, j)`` for a network whose last feature
    maps ``A_k`` are globally average-pooled into the output layer (Zhou et
    al., 2016): the class score is the spatial mean of ``M_c`` plus a bias.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor with ``head_ == "gap"``
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output); ``None`` uses the predicted class.
    upsample : bool, default=True
        Resize the maps to the input's size (bilinear).

    Returns
    -------
    cam : ndarray of shape (n_samples, H, W) or (n_samples, h, w)
        Signed class activation maps.
    """
    module = _module(estimator)
    if module.head != "gap":
        raise ValueError(
            "CAM needs a global-average-pooling head (head='gap'); use grad_cam "
            "for other networks."
        )
    inputs = _inputs(estimator, X)
    with torch.no_grad():
        outputs, maps = _forward_with(module, inputs, None)
        weights = module.output.weight[_targets(estimator, outputs, target)]
        cam = torch.einsum("nk,nk...->n...", weights, maps)
    if upsample:
        cam = _upsample(cam, inputs.shape[2:])
    return cam.numpy()


def grad_cam(estimator, X, target=None, layer=None, upsample=True):
    """Grad-CAM: feature maps weighted by their mean gradient (Selvaraju et al.).

    ``alpha_k = mean_{i,j} d y_c / d A_k(i, j)`` and ``L_c = ReLU(sum_k
    alpha_k A_k)`` for the maps ``A_k`` of any layer. For the last maps of a
    global-average-pooling network ``alpha_k = w_{c,k} / Z``, so Grad-CAM is
    ReLU(CAM) / Z.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output); ``None`` uses the predicted class.
    layer : str, default=None
        The layer whose maps are used; ``None`` is the last feature maps.
    upsample : bool, default=True
        Resize the maps to the input's size (bilinear).

    Returns
    -------
    cam : ndarray of shape (n_samples, H, W) or (n_samples, h, w)
        Non-negative heat maps.
    """
    module = _module(estimator)
    inputs = _inputs(estimator, X)
    outputs, maps = _forward_with(module, inputs, layer)
    maps.retain_grad()
    targets = _targets(estimator, outputs, target)
    outputs.gather(1, targets[:, None]).sum().backward()
    with torch.no_grad():
        alpha = maps.grad.flatten(2).mean(dim=2)
        cam = torch.relu(torch.einsum("nk,nk...->n...", alpha, maps))
        if upsample:
            cam = _upsample(cam, inputs.shape[2:])
    return cam.numpy()


def _blur(x, sigma):
    """Separable Gaussian blur of every channel of ``x`` (1-D or 2-D inputs)."""
    radius = max(1, int(round(2 * sigma)))
    grid = torch.arange(-radius, radius + 1, dtype=x.dtype)
    kernel = torch.exp(-(grid**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    channels = x.shape[1]
    if x.ndim == 3:
        weight = kernel.reshape(1, 1, -1).repeat(channels, 1, 1)
        return F.conv1d(x, weight, padding=radius, groups=channels)
    rows = kernel.reshape(1, 1, -1, 1).repeat(channels, 1, 1, 1)
    columns = kernel.reshape(1, 1, 1, -1).repeat(channels, 1, 1, 1)
    x = F.conv2d(x, rows, padding=(radius, 0), groups=channels)
    return F.conv2d(x, columns, padding=(0, radius), groups=channels)


def activation_maximization(
    estimator,
    unit,
    *,
    layer=None,
    n_steps=200,
    learning_rate=0.1,
    l2=1e-3,
    blur_every=4,
    blur_sigma=0.5,
    norm_clip_percentile=None,
    contribution_clip_percentile=None,
    random_state=None,
):
    """Synthesise an input that maximises one unit, by gradient ascent.

    ``X* = argmax_X Phi_i(X) - lambda ||X||^2``, with Yosinski et al.'s
    (2015) regularisers applied between steps, as in the notes: a Gaussian
    blur every few steps, and, at every step, zeroing the pixels of small
    norm ``||x_ij||`` (over channels) and those of small contribution
    ``|sum_c x_cij dPhi_i/dx_cij|``, the first-order change of the
    activation if the pixel were set to zero (the notes' "clip pixels with
    small values / small gradients").

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor
        The network.
    unit : int
        The output (class index) or, with ``layer``, the channel to maximise
        (its mean activation).
    layer : str, default=None
        Maximise a channel of this layer; ``None`` maximises an output.
    n_steps : int, default=200
        Gradient-ascent steps.
    learning_rate : float, default=0.1
        Step size (Adam).
    l2 : float, default=1e-3
        ``lambda`` of the L2 penalty.
    blur_every : int, default=4
        Blur the input every this many steps (0 never).
    blur_sigma : float, default=0.5
        Standard deviation of the Gaussian blur, in pixels.
    norm_clip_percentile : float in [0, 100), default=None
        Zero the pixels whose norm is below this percentile (``None``
        never).
    contribution_clip_percentile : float in [0, 100), default=None
        Zero the pixels whose contribution is below this percentile
        (``None`` never).
    random_state : int, RandomState instance or None, default=None
        Seeds the starting noise.

    Returns
    -------
    X : ndarray of shape `input_shape_`
        The synthesised input.
    """
    for name, value in [
        ("norm_clip_percentile", norm_clip_percentile),
        ("contribution_clip_percentile", contribution_clip_percentile),
    ]:
        if value is not None and not 0 <= value < 100:
            raise ValueError(f"{name} must be a percentile in [0, 100); got {value}.")
    module = _module(estimator)
    rng = check_random_state(random_state)
    start = 0.01 * rng.standard_normal((1, *estimator.input_shape_))
    x = torch.tensor(start, dtype=torch.float32, requires_grad=True)
    optimizer = torch.optim.Adam([x], lr=learning_rate)
    for step in range(n_steps):
        optimizer.zero_grad()
        if layer is None:
            activation = module(x)[0, unit]
        else:
            activation = _forward_with(module, x, layer)[1][0, unit].mean()
        (gradient,) = torch.autograd.grad(activation, x, retain_graph=True)
        (-(activation - l2 * (x**2).sum())).backward()
        optimizer.step()
        with torch.no_grad():
            if blur_every and (step + 1) % blur_every == 0:
                x.copy_(_blur(x, blur_sigma))
            if norm_clip_percentile is not None:
                _zero_below(x, x.norm(dim=1, keepdim=True), norm_clip_percentile)
            if contribution_clip_percentile is not None:
                contribution = (x * gradient).sum(dim=1, keepdim=True).abs()
                _zero_below(x, contribution, contribution_clip_percentile)
    return x.detach().numpy()[0]


def _zero_below(x, score, percentile):
    """Zero the pixels of ``x`` whose ``score`` (one per pixel) is below the
    percentile, in place."""
    threshold = np.percentile(score.numpy(), percentile)
    x.mul_(score >= threshold)


def _pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            f"{caller} needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    return plt


def _displayable(images):
    """``(n, H, W)`` grey or ``(n, H, W, 3)`` RGB in [0, 1] for ``imshow``, from
    ``(n, H, W)`` or ``(n, C, H, W)`` (three channels as RGB, others by their
    first channel)."""
    images = np.asarray(images, dtype=float)
    if images.ndim == 3:
        return images
    if images.shape[1] == 3:
        return np.clip(np.moveaxis(images, 1, -1), 0, 1)
    return images[:, 0]


def plot_heatmaps(
    images, heatmaps, titles=None, alpha=0.7, cmap="inferno", axes=None, colorbar=True
):
    """Draw heat maps over their images, one panel per sample.

    The image is drawn in grey and the heat map over it with a perceptually
    uniform colour map whose opacity grows with the value (zero, or the
    lowest value of signed maps, is transparent), so the image stays
    visible where the map is low; one colour scale is shared by the panels
    and shown by a colour bar.

    Parameters
    ----------
    images : array-like of shape (n, H, W) or (n, C, H, W)
        The inputs (three channels are shown as RGB, other counts by their
        first channel).
    heatmaps : array-like of shape (n, H, W)
        Maps the size of the images (``upsample=True``).
    titles : list of str, default=None
        One title per panel.
    alpha : float, default=0.7
        Opacity of the heat map at its largest value.
    cmap : str, default="inferno"
        Colour map of the heat map.
    axes : array of matplotlib Axes, default=None
        At least ``n`` axes to draw on; ``None`` makes a new figure.
    colorbar : bool, default=True
        Draw the shared colour bar.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The axes drawn on, one per sample.
    """
    plt = _pyplot("plot_heatmaps")
    from matplotlib.colors import Normalize

    images = _displayable(images)
    heatmaps = np.asarray(heatmaps, dtype=float)
    if heatmaps.shape[:3] != images.shape[:3]:
        raise ValueError(
            f"heatmaps of shape {heatmaps.shape} do not match images of spatial "
            f"shape {images.shape[:3]}; compute them with upsample=True."
        )
    n = len(images)
    if axes is None:
        _, axes = plt.subplots(
            1, n, figsize=(2 * n + 0.6 * colorbar, 2.2), squeeze=False
        )
    axes = np.ravel(axes)[:n]
    low, high = min(heatmaps.min(), 0.0), heatmaps.max()
    norm = Normalize(low, high if high > low else low + 1)
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap="gray" if images[i].ndim == 2 else None)
        opacity = alpha * np.clip(norm(heatmaps[i]), 0, 1)
        ax.imshow(heatmaps[i], cmap=cmap, norm=norm, alpha=opacity)
        ax.axis("off")
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    if colorbar:
        mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        axes[0].figure.colorbar(mappable, ax=list(axes), shrink=0.8)
    return axes
