"""Which pixels excite a unit: deconvnet, guided backpropagation and guided
Grad-CAM (notes, lines 5474-5505).

All three are the input gradient of a score with a different rule at each
ReLU ``a = max(z, 0)``, for the gradient ``g`` arriving from above:

* backpropagation (the saliency map): ``g * [z > 0]``;
* deconvnet (Zeiler and Fergus, 2014): ``max(g, 0)``, the ReLU applied to
  the signal going back, whatever the forward pass did;
* guided backpropagation (Springenberg et al., 2015): ``max(g, 0) * [z >
  0]``, both masks.

Max pooling routes the gradient to the maximum ("switches") and a
convolution's backward pass is the transposed convolution with the same
filters, so the rest is what autograd does. Guided Grad-CAM (Selvaraju et al.,
2017) multiplies guided backpropagation by the up-sampled Grad-CAM map.
"""

import torch
from torch import nn

from ._cnn_maps import _targets, grad_cam
from ._network import _inputs, _module

__all__ = ["deconvnet", "guided_backprop", "guided_grad_cam"]


class _GuidedReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        a = z.clamp(min=0)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad.clamp(min=0) * (a > 0)


class _DeconvReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        return z.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        return grad.clamp(min=0)


class _RuleReLU(nn.Module):
    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def forward(self, z):
        return self.rule.apply(z)


_OTHER_ACTIVATIONS = (nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.GELU, nn.ELU)


def _with_rule(module, rule):
    """``module`` with every ReLU replaced by one that back-propagates by ``rule``."""
    for name, child in module.named_children():
        if isinstance(child, nn.ReLU):
            setattr(module, name, _RuleReLU(rule))
        elif isinstance(child, _OTHER_ACTIVATIONS):
            raise ValueError(
                "guided backpropagation and deconvnet are defined for ReLU "
                f"networks; this one uses {type(child).__name__} (activation="
                "'relu' in the CNN estimator)."
            )
        else:
            _with_rule(child, rule)
    return module


def _relu_rule_gradient(estimator, X, target, rule):
    module = _with_rule(_module(estimator), rule)
    inputs = _inputs(estimator, X).requires_grad_(True)
    outputs = module(inputs)
    targets = _targets(estimator, outputs, target)
    outputs.gather(1, targets[:, None]).sum().backward()
    return inputs.grad.numpy()


def guided_backprop(estimator, X, target=None):
    """Guided backpropagation (Springenberg et al., 2015).

    The gradient of the class score with respect to the input, with every
    ReLU passing back only positive gradients at positions where its input
    was positive: ``R_l = max(R_{l+1}, 0) * [z_l > 0]``.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor with ReLU activations
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output); ``None`` uses the predicted class.

    Returns
    -------
    gradients : ndarray of shape (n_samples, C, H, W) or (n_samples, C, L)
        Signed guided gradients, one per input value.
    """
    return _relu_rule_gradient(estimator, X, target, _GuidedReLU)


def deconvnet(estimator, X, target=None):
    """Zeiler and Fergus's deconvnet projection of a score back to pixels.

    The backward pass through every ReLU is ``max(R_{l+1}, 0)``, the ReLU of
    the signal going back, ignoring where the forward pass was positive;
    max pooling uses the forward pass's switches and convolutions their
    transposes.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor with ReLU activations
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output); ``None`` uses the predicted class.

    Returns
    -------
    projections : ndarray of shape (n_samples, C, H, W) or (n_samples, C, L)
        The reconstruction in input space.
    """
    return _relu_rule_gradient(estimator, X, target, _DeconvReLU)


def guided_grad_cam(estimator, X, target=None, layer=None):
    """Guided Grad-CAM: guided backpropagation times the Grad-CAM map.

    Fine-grained like guided backpropagation and class-discriminative like
    Grad-CAM (Selvaraju et al., 2017): ``guided_backprop * grad_cam``, the
    map up-sampled to the input and applied to every channel.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRegressor with ReLU activations
        The network.
    X : array-like
        Inputs in any form the estimator accepts.
    target : int, label or array-like, default=None
        The class (or output); ``None`` uses the predicted class.
    layer : str, default=None
        The layer of the Grad-CAM maps; ``None`` is the last feature maps.

    Returns
    -------
    maps : ndarray of shape (n_samples, C, H, W) or (n_samples, C, L)
        Signed products.
    """
    guided = guided_backprop(estimator, X, target)
    cam = grad_cam(estimator, X, target=target, layer=layer, upsample=True)
    return guided * cam[:, None]
