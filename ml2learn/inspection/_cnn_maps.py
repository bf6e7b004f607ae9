"""Looking inside a fitted CNN estimator (notes, lines 5309-6055).

Every function takes a fitted :class:`~ml2learn.neural.CNNClassifier` or
:class:`~ml2learn.neural.CNNRegressor` and inputs in any form the estimator
accepts, and returns numpy arrays; ``plot_heatmaps`` draws them.
"""

import copy

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "activation_maps",
    "activation_maximization",
    "class_activation_map",
    "grad_cam",
    "layer_filters",
    "plot_heatmaps",
    "saliency_map",
]


def _module(estimator):
    check_is_fitted(estimator, "net_")
    if not hasattr(estimator, "input_shape_"):
        raise TypeError(
            f"{type(estimator).__name__} is not a CNN estimator; the inspection "
            "tools need CNNClassifier or CNNRegressor."
        )
    # a CPU copy: maps and gradients come back as numpy arrays whatever
    # device the network was trained on, and the estimator is left alone
    return copy.deepcopy(estimator.net_.module_).cpu().eval()


def _inputs(estimator, X):
    images = estimator._validate_X(X, reset=False)
    return torch.from_numpy(np.array(images, dtype=np.float32))


def _layer(module, layer):
    names = dict(module.named_modules())
    name = "features" if layer is None else layer
    if name not in names:
        convs = [n for n, m in names.items() if n.startswith("features")]
        raise ValueError(f"layer {layer!r} does not exist; choose among {convs}.")
    return names[name]


def _forward_with(module, inputs, layer):
    """Run the network; return its outputs and ``layer``'s output."""
    captured = {}
    handle = _layer(module, layer).register_forward_hook(
        lambda mod, args, out: captured.__setitem__("maps", out)
    )
    try:
        outputs = module(inputs)
    finally:
        handle.remove()
    return outputs, captured["maps"]


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
    random_state=None,
):
    """Synthesise an input that maximises one unit, by gradient ascent.

    ``X* = argmax_X Phi_i(X) - lambda ||X||^2``, with the input blurred every
    few steps (Yosinski et al., 2015), as in the notes.

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
    random_state : int, RandomState instance or None, default=None
        Seeds the starting noise.

    Returns
    -------
    X : ndarray of shape `input_shape_`
        The synthesised input.
    """
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
        (-(activation - l2 * (x**2).sum())).backward()
        optimizer.step()
        if blur_every and (step + 1) % blur_every == 0:
            with torch.no_grad():
                x.copy_(_blur(x, blur_sigma))
    return x.detach().numpy()[0]


def plot_heatmaps(images, heatmaps, titles=None, alpha=0.5, cmap="jet"):
    """Draw heat maps over their images, one panel per sample.

    Parameters
    ----------
    images : array-like of shape (n, H, W) or (n, C, H, W)
        The inputs (the first channel is shown for several channels).
    heatmaps : array-like of shape (n, H, W)
        Maps the size of the images (``upsample=True``).
    titles : list of str, default=None
        One title per panel.
    alpha : float, default=0.5
        Opacity of the heat map.
    cmap : str, default="jet"
        Colour map of the heat map.

    Returns
    -------
    figure : matplotlib Figure
        The figure.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "plot_heatmaps needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[:, 0]
    heatmaps = np.asarray(heatmaps)
    n = len(images)
    figure, axes = plt.subplots(1, n, figsize=(2 * n, 2.2), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(images[i], cmap="gray")
        ax.imshow(heatmaps[i], cmap=cmap, alpha=alpha)
        ax.axis("off")
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    figure.tight_layout()
    return figure
