"""Inspection of fitted CNN estimators: activation maps, filters, saliency,
activation maximisation, CAM and Grad-CAM."""

from ._cnn_maps import (
    activation_maps,
    activation_maximization,
    class_activation_map,
    grad_cam,
    layer_filters,
    plot_heatmaps,
    saliency_map,
)

__all__ = [
    "activation_maps",
    "activation_maximization",
    "class_activation_map",
    "grad_cam",
    "layer_filters",
    "plot_heatmaps",
    "saliency_map",
]
