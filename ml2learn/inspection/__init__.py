"""Inspection of fitted estimators: activation maps, filters, saliency,
activation maximisation, CAM and Grad-CAM of CNNs; 2-D pictures of word
vectors; the alignment matrix of a translation."""

from ._alignment import plot_alignment
from ._cnn_maps import (
    activation_maps,
    activation_maximization,
    class_activation_map,
    grad_cam,
    layer_filters,
    plot_heatmaps,
    saliency_map,
)
from ._embeddings import plot_embeddings, project_embeddings

__all__ = [
    "activation_maps",
    "activation_maximization",
    "class_activation_map",
    "grad_cam",
    "layer_filters",
    "plot_alignment",
    "plot_embeddings",
    "plot_heatmaps",
    "project_embeddings",
    "saliency_map",
]
