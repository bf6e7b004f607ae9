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
    for k, group in enumerate(dict.fromkeys(labels)):
        rows = [i for i, g in enumerate(labels) if g == group]
        ax.scatter(*points[rows].T, s=12, color=f"C{k}", label=group)
        for i in rows:
            ax.annotate(words[i], points[i], fontsize=8, color=f"C{k}",
                        xytext=(2, 2), textcoords="offset points")  # fmt: skip
    if groups is not None:
        ax.legend(fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"word vectors, {'PCA' if method == 'pca' else 't-SNE'} projection")
    return ax
