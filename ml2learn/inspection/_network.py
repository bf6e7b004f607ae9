"""The network behind a fitted CNN estimator, as the inspection tools use it:
a CPU copy in evaluation mode, its inputs as a tensor, and the outputs of named
layers captured with forward hooks."""

import copy

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted


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


def _layer(module, layer, default="features"):
    names = dict(module.named_modules())
    name = default if layer is None else layer
    if name not in names:
        choices = [n for n in names if n]
        if default in names:
            choices = [n for n in choices if n.startswith(default)]
        raise ValueError(f"layer {layer!r} does not exist; choose among {choices}.")
    return names[name]


def _forward_with_layers(module, inputs, layers, default="features"):
    """Run the network; return its outputs and the outputs of ``layers``."""
    captured = {}
    handles = [
        _layer(module, name, default).register_forward_hook(
            lambda mod, args, out, name=name: captured.__setitem__(name, out)
        )
        for name in layers
    ]
    try:
        outputs = module(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return outputs, [captured[name] for name in layers]


def _forward_with(module, inputs, layer):
    """Run the network; return its outputs and ``layer``'s output."""
    outputs, (maps,) = _forward_with_layers(module, inputs, [layer])
    return outputs, maps
