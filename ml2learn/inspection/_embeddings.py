"""A 2-D picture of word vectors (PCA or t-SNE), words written at their
points, optionally coloured by group."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

__all__ = ["plot_embeddings", "project_embeddings"]


def project_embeddings(wv, words=None, method="pca", random_state=None):
    """Project word vectors to two dimensions.

    Parameters
    ----------
    wv : KeyedVectors
        Word vectors (the ``wv_`` of an embedding estimator).
    words : list of str, default=None
        Words to project; None takes every word.
    method : {"pca", "tsne"}, default="pca"
        Principal components of the unit vectors, or t-SNE with cosine
        distances.
    random_state : int, RandomState instance or None, default=None
        Seeds t-SNE.

    Returns
    -------
    points : ndarray of shape (n_words, 2)
        Coordinates, in the order of ``words``.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.text import KeyedVectors
    >>> from ml2learn.inspection import project_embeddings
    >>> wv = KeyedVectors(["a", "b", "c"], np.eye(3))
    >>> project_embeddings(wv).shape
    (3, 2)
    """
    words = list(wv.index_to_key) if words is None else list(words)
    missing = [w for w in words if w not in wv]
    if missing:
        raise KeyError(f"words not in the vocabulary: {missing[:5]}")
    if method not in ("pca", "tsne"):
        raise ValueError(f"method must be 'pca' or 'tsne'; got {method!r}.")
    vectors = np.array([wv[w] for w in words], dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms > 0, norms, 1.0)
    if method == "pca":
        return PCA(2, random_state=random_state).fit_transform(vectors)
    perplexity = min(30.0, (len(words) - 1) / 3)
    return TSNE(
        2, perplexity=perplexity, metric="cosine", init="pca", random_state=random_state
    ).fit_transform(vectors)


def plot_embeddings(
    wv, words=None, groups=None, method="pca", ax=None, random_state=None
):
    """Draw words at the 2-D projection of their vectors.

    Parameters
    ----------
    wv : KeyedVectors
        Word vectors.
    words : list of str, default=None
        Words to draw; None draws every word.
    groups : list, default=None
        A group label per word; each group gets its own colour and a legend
        entry.
    method : {"pca", "tsne"}, default="pca"
        As in :func:`project_embeddings`.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    random_state : int, RandomState instance or None, default=None
        Seeds t-SNE.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "plot_embeddings needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    words = list(wv.index_to_key) if words is None else list(words)
    if groups is not None and len(groups) != len(words):
        raise ValueError(
            f"groups must have one label per word: {len(groups)} labels for "
            f"{len(words)} words."
        )
    points = project_embeddings(wv, words, method, random_state)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    labels = [None] * len(words) if groups is None else list(groups)
    texts = [None] * len(words)
    for k, group in enumerate(dict.fromkeys(labels)):
        rows = [i for i, g in enumerate(labels) if g == group]
        ax.scatter(*points[rows].T, s=12, color=f"C{k}", label=group)
        for i in rows:
            texts[i] = ax.annotate(
                words[i],
                points[i],
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=8,
                color=f"C{k}",
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"word vectors, {'PCA' if method == 'pca' else 't-SNE'} projection")
    place_labels(ax, texts)
    if groups is not None:
        ax.legend(fontsize=8)
    return ax


# (offset in points, horizontal and vertical alignment) tried for each label
_PLACES = [
    ((3, 3), "left", "bottom"),
    ((3, -3), "left", "top"),
    ((-3, 3), "right", "bottom"),
    ((-3, -3), "right", "top"),
    ((0, 5), "center", "bottom"),
    ((0, -5), "center", "top"),
]


def _overlap(box, others):
    """Area ``box`` shares with each of ``others`` (x0, y0, x1, y1 rows)."""
    if not len(others):
        return 0.0
    width = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    height = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float((np.clip(width, 0, None) * np.clip(height, 0, None)).sum())


def place_labels(ax, texts, marker_radius=3.0):
    """Move each annotation to the side of its point where it covers the
    least of the labels placed before it and of the points, then widen the
    axes so that no label is clipped at the edge.

    Parameters
    ----------
    ax : matplotlib Axes
        The axes holding the annotations.
    texts : list of matplotlib Annotation
        Labels whose ``xy`` is their point (``textcoords="offset points"``).
    marker_radius : float, default=3.0
        Half the side, in pixels, of the box kept free around each point.
    """
    if not texts:
        return
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    ax.margins(0.05)
    ax.autoscale_view()
    points = ax.transData.transform(np.array([t.xy for t in texts]))
    placed = [
        (x - marker_radius, y - marker_radius, x + marker_radius, y + marker_radius)
        for x, y in points
    ]
    for text in texts:
        best = None
        for offset, ha, va in _PLACES:
            text.xyann = offset
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = text.get_window_extent(renderer).extents
            cost = _overlap(box, np.array(placed))
            if best is None or cost < best[0]:
                best = (cost, offset, ha, va, box)
            if cost == 0:
                break
        _, offset, ha, va, box = best
        text.xyann = offset
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        placed.append(tuple(box))
    # widen the limits to the labels' extent, so none is cut at the edge
    inverse = ax.transData.inverted()
    labels = np.array(placed[len(texts) :])
    low = inverse.transform(labels[:, :2].min(0))
    high = inverse.transform(labels[:, 2:].max(0))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    pad_x, pad_y = 0.02 * (x1 - x0), 0.02 * (y1 - y0)
    ax.set_xlim(min(x0, low[0] - pad_x), max(x1, high[0] + pad_x))
    ax.set_ylim(min(y0, low[1] - pad_y), max(y1, high[1] + pad_y))
