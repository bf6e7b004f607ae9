"""Pictures of a GAN's samples: an image grid, or a scatter of 2-D rows."""

import numpy as np

__all__ = ["plot_samples"]


def _grid(images, n_cols):
    """``(n, H, W)`` images tiled in rows of ``n_cols``, one pixel apart."""
    n, H, W = images.shape
    n_rows = -(-n // n_cols)
    grid = np.full((n_rows * (H + 1) - 1, n_cols * (W + 1) - 1), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, n_cols)
        grid[r * (H + 1) : r * (H + 1) + H, c * (W + 1) : c * (W + 1) + W] = image
    return grid


def plot_samples(
    gan, n_samples=64, y=None, X=None, n_cols=8, random_state=None, ax=None
):
    """Draw samples of a fitted GAN.

    Images (a :class:`DCGAN`, one channel or the first) are tiled in a
    grid; two-feature rows are drawn as points, over the real rows ``X``
    when given.

    Parameters
    ----------
    gan : GAN or DCGAN
        A fitted GAN.
    n_samples : int, default=64
        Samples to draw.
    y : array-like or label, default=None
        Classes of a conditional GAN's samples (see ``sample``); for a grid,
        ``y=np.repeat(gan.classes_, n_cols)`` gives a row per class.
    X : array-like of shape (n, 2), default=None
        Real rows to draw behind two-feature samples.
    n_cols : int, default=8
        Images per row of the grid.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from ml2learn.generative import GAN, plot_samples
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GAN(latent_dim=2, max_epochs=2, random_state=0).fit(X)
    >>> len(plot_samples(gan, 50, X=X).collections)   # real and generated
    2
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "plot_samples needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    samples = gan.sample(n_samples, y=y, random_state=random_state)
    if gan.conditional:
        samples = samples[0]
    shape = getattr(gan, "image_shape_", None)
    if shape is not None and shape[1] > 1:
        images = np.asarray(samples).reshape(n_samples, *shape)[:, 0]
        grid = _grid(images, n_cols)
        if ax is None:  # a figure of the grid's shape, the grid filling it
            height, width = grid.shape
            inches = min(6 / width, 8 / height)
            figure = plt.figure(figsize=(width * inches, height * inches))
            ax = figure.add_axes((0, 0, 1, 1))
        ax.imshow(grid, cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        return ax
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    samples = np.asarray(samples).reshape(n_samples, -1)
    if samples.shape[1] != 2:
        raise ValueError(
            f"plot_samples draws images or 2-D rows; the samples have "
            f"{samples.shape[1]} features."
        )
    if X is not None:
        X = np.asarray(X)
        ax.scatter(X[:, 0], X[:, 1], s=4, color="0.7", label="real")
    ax.scatter(samples[:, 0], samples[:, 1], s=4, color="C3", label="generated")
    ax.legend(fontsize=8)
    ax.set_aspect("equal")
    return ax
