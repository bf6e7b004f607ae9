"""Inspection of fitted estimators: what a CNN's units respond to (activation
maps, filters, top activating patches, saliency, deconvnet, guided
backpropagation, CAM, Grad-CAM, activation maximisation), images made from a
network's features (feature inversion, texture synthesis, style transfer),
2-D pictures of word vectors, the alignment matrix of a translation."""

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
from ._guided import deconvnet, guided_backprop, guided_grad_cam
from ._receptive_field import plot_patches, receptive_field, top_activating_patches
from ._style_transfer import NeuralStyleTransfer
from ._synthesis import (
    content_loss,
    feature_inversion,
    gram_matrix,
    style_loss,
    style_transfer,
    texture_synthesis,
    total_variation,
)

__all__ = [
    "NeuralStyleTransfer",
    "activation_maps",
    "activation_maximization",
    "class_activation_map",
    "content_loss",
    "deconvnet",
    "feature_inversion",
    "grad_cam",
    "gram_matrix",
    "guided_backprop",
    "guided_grad_cam",
    "layer_filters",
    "plot_alignment",
    "plot_embeddings",
    "plot_heatmaps",
    "plot_patches",
    "project_embeddings",
    "receptive_field",
    "saliency_map",
    "style_loss",
    "style_transfer",
    "texture_synthesis",
    "top_activating_patches",
    "total_variation",
]
