"""The perceptual (feature-reconstruction) term of super-resolution and
translation: the distance between a fixed network's feature maps of the
generated and the true image (Johnson et al., 2016; SRGAN's "VGG loss",
Ledig et al., 2017).

Nothing may be downloaded, so the fixed network is one the user supplies: a
fitted ml2learn CNN estimator (the paper used an ImageNet VGG-19), a torch
module, or ``"random"``, the inspection tools' fixed random multi-scale CNN.
"""

from ..inspection._synthesis import _FeatureNetwork

__all__ = ["PerceptualTerm", "perceptual_loss"]


class PerceptualTerm:
    """Feature maps of a frozen network, taken of images in the networks'
    ``[-1, 1]`` scale mapped back to the pixel range the feature network
    knows.

    Parameters
    ----------
    network : "random", fitted CNN estimator or torch module
        The fixed network.
    image_shape : tuple of int
        ``(C, H, W)`` of the images it is shown.
    layer : str or None
        The layer whose output is compared (None: the last convolutional
        block of a CNN estimator, the deepest of the random network).
    low, high : float
        The pixel range that ``[-1, 1]`` maps to.
    random_state : int or None
        Seeds the ``"random"`` network.
    """

    def __init__(self, network, image_shape, layer, low, high, random_state):
        shape = tuple(getattr(network, "input_shape_", image_shape))
        if len(shape) == 3 and shape != tuple(image_shape):
            raise ValueError(
                f"feature_network was fitted on images of shape {shape} but the "
                f"output images have shape {tuple(image_shape)}; fit it on "
                "images of the output's size."
            )
        self.features = _FeatureNetwork(network, image_shape[0], 2, random_state)
        self.layer = self.features.check_content_layer(layer, "feature_layer")
        self.low = low
        self.span = high - low if high > low else 1.0

    def __call__(self, images):
        pixels = (images + 1.0) / 2.0 * self.span + self.low
        (maps,) = self.features.maps(pixels, [self.layer])
        return maps

    def to(self, device):
        """Move the network to ``device``; returns self."""
        self.features.module.to(device)
        return self


def perceptual_loss(fake_maps, real_maps):
    """The feature-reconstruction loss ``E[(phi(G(x)) - phi(y))^2]``: the
    mean squared difference of the feature maps over channels, positions
    and images (Johnson et al.'s ``||phi(G(x)) - phi(y)||^2 / (C H W)``).

    Parameters
    ----------
    fake_maps, real_maps : tensor
        ``phi`` of the generated and of the true images.

    Returns
    -------
    loss : scalar tensor
        The mean squared difference.

    Examples
    --------
    >>> import torch
    >>> from ml2learn.generative import perceptual_loss
    >>> float(perceptual_loss(torch.zeros(1, 2, 2, 2), torch.ones(1, 2, 2, 2)))
    1.0
    """
    return ((fake_maps - real_maps) ** 2).mean()
